// The kernel's overlay resolver (drivers/of/resolver.c, of_resolve_phandles): shift the overlay's
// own phandles above the live tree's, patch its internal references (__local_fixups__), and
// write the live tree's phandles into its references to base labels (__fixups__).
#pragma once

#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "core/tree/device_tree.h"

namespace ovl {

// Edits `overlay` in place. Returns 0 or the kernel's negative errno; on failure the log holds the
// kernel's lines and a finding. libfdt differs in two places, and ovlcheck follows the kernel:
// the shift is max+1 (libfdt: max), and a fixup naming a node the overlay lacks is skipped
// (libfdt: an error).
int resolve_phandles(const DeviceTree& live, DeviceTree& overlay, const KernelProfile& profile,
                     KernelLog& log);

}  // namespace ovl
