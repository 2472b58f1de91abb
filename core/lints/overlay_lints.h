// ovlcheck's own checks of a stack of overlays against its base, beyond what the kernel logs:
// which overlay needs an earlier one (a label it uses is defined by that overlay, not the base),
// and overlays whose root `compatible` names boards the base is not. Pure functions of the trees.
#pragma once

#include "core/kernel/kernel_log.h"
#include "core/tree/device_tree.h"

#include <string>
#include <vector>

namespace ovl {

struct OverlayLint {
  std::size_t overlay;  // index in the stack
  Finding finding;
};

// `needs-earlier-overlay` (info): overlay i's __fixups__ name a label that the base's __symbols__
// lacks and an earlier overlay's __symbols__ has. `board-compatible-mismatch` (warning): the
// overlay's root has a `compatible` and none of its strings is in the base root's `compatible`.
// `labels` name the overlays in the words of the findings.
std::vector<OverlayLint> lint_overlay_stack(const DeviceTree& base, const std::vector<const DeviceTree*>& overlays,
                                            const std::vector<std::string>& labels);

}  // namespace ovl
