// Turning an overlay's fragments into a changeset on the live tree (drivers/of/overlay.c,
// build_changeset and its helpers), with the kernel's refusals.
#pragma once

#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "core/overlay/changeset.h"
#include "core/overlay/overlay_fragments.h"
#include "core/tree/device_tree.h"

#include <cstdint>

namespace ovl {

// Walks each fragment's __overlay__ against its target: at each level all properties first,
// then children depth-first; the symbols fragment last, properties only. New nodes are created
// in `live`, detached, flagged OF_OVERLAY, for the changeset to attach. Returns 0 or the kernel's
// negative errno. `next_identity` numbers the properties it creates.
int build_changeset(DeviceTree& live, const DeviceTree& overlay, const OverlayFragments& fragments,
                    const KernelProfile& profile, Changeset& changeset, KernelLog& log,
                    std::uint64_t& next_identity);

// changeset_dup_entry_check: two entries for one node, or for one property of one node, are an
// error; every such pair is reported, in entry order. Returns 0 or -EINVAL.
int check_duplicate_entries(const DeviceTree& live, const Changeset& changeset, KernelLog& log);

}  // namespace ovl
