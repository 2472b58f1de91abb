// The kernel's log lines that tests expect, spelled once, from the kernel's sources (not from
// ovlcheck's core/kernel_messages, which these texts check).
#pragma once

#include <string>

namespace ovl::test {

// drivers/of/dynamic.c __of_changeset_entry_destroy(): a node still referenced when its overlay's
// changeset is destroyed.
std::string refcount_error_line(const std::string& node);
// drivers/of/dynamic.c of_node_release(): the node's last reference dropped while it still has
// OF_OVERLAY set and is not OF_OVERLAY_FREE_CSET (two spaces after the comma, as printed).
std::string leak_before_free_line(const std::string& node);
// drivers/of/overlay.c add_changeset_property(): a property added to or changed on a node the
// overlay did not create ("/node/prop").
std::string leak_warning_line(const std::string& property);
// The start of a leak_before_free_line(), to recognise one.
inline constexpr const char* kLeakBeforeFreePrefix = "OF: ERROR: memory leak before free overlay changeset,  ";
// The start of a refcount_error_line().
inline constexpr const char* kRefcountErrorPrefix =
    "OF: ERROR: memory leak, expected refcount 1 instead of 2, of_node_get()/of_node_put() unbalanced - "
    "destroy cset entry: attach overlay node ";

}  // namespace ovl::test
