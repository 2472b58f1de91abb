// The exact texts the kernel prints about overlays, each with its pr_fmt prefix, so that users
// can grep their logs for what ovlcheck shows. Texts that changed between releases take the
// profile. Paths are %pOF renderings ("/" for the root).
#pragma once

#include "core/kernel/kernel_profile.h"
#include "core/tree/changeset_action.h"

#include <cstdint>
#include <string>

namespace ovl::kmsg {

// drivers/of/resolver.c
std::string resolver_label_not_found(const std::string& label);
std::string resolver_no_live_symbols();
std::string resolver_fixup_failed(int err);

// drivers/of/overlay.c, init_overlay_changeset() and find_target()
std::string target_phandle_not_found(const std::string& fragment, std::uint32_t phandle);
std::string target_path_not_found(const std::string& fragment, const std::string& target_path);
std::string target_missing(const std::string& fragment);
std::string symbols_without_live_symbols();
std::string no_fragments();
std::string init_failed(int err);
std::string devicetree_suspect_on_apply();

// drivers/of/overlay.c, build_changeset()
std::string leak_on_remove(const std::string& node, const std::string& property);
std::string cells_change(const std::string& cells_property, const std::string& node);
std::string duplicate_node(const std::string& node);
std::string duplicate_property(const std::string& node, const std::string& property);

// drivers/of/dynamic.c, changeset entries
std::string changeset_entry_failed(const KernelProfile& profile, ChangesetAction action,
                                   const std::string& node, const std::string& property);
std::string error_applying_changeset(int err);
std::string error_reverting_changeset(int err);

// drivers/of/overlay.c, of_overlay_remove()
std::string devicetree_suspect_on_remove();
std::string remove_not_found(int id);
std::string overlaps_later(int removing, int later, const std::string& node);
std::string not_topmost(int id);

// drivers/of/dynamic.c, changeset destroy and of_node_release()
std::string destroy_unbalanced(int refcount, const std::string& node);
std::string leak_before_free(const std::string& node);
std::string unexpected_properties(const std::string& node);
std::string bad_node_put(const KernelProfile& profile, const std::string& node);

// What waits for pending device-link releases in of_changeset_destroy(): the 2020 RFC's
// srcu_barrier() in the SRCU era, device_link_wait_removal() once releases are work items.
std::string barrier_name(const KernelProfile& profile);

// drivers/of/platform.c
std::string platform_notify_failed(const std::string& node);

}  // namespace ovl::kmsg
