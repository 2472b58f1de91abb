// What dtoverlay does to an overlay after its parameters (dtoverlay_merge_overlay with no base):
//  1. `__symbols__` keeps only the labels `__exports__` names; without `__exports__` it goes
//     altogether, so the kernel adds none of the overlay's labels to the live `__symbols__`;
//  2. each active fragment ("fragment@N"/"fragment-N" with an `__overlay__`) whose `target` is a
//     node of the overlay itself is merged into that node, in blob order, and switched off
//     (`__overlay__` renamed `__dormant__`); its `__fixups__` and `__local_fixups__` entries
//     follow it to the target first. A fragment with `target-path`, or whose target is outside
//     the overlay (an unresolved label), is left for the kernel.
// Dormant fragments stay dormant: the kernel only applies nodes named `__overlay__`.
#pragma once

#include "core/rpi/rpi_overlay_tree.h"

#include <string>
#include <vector>

namespace ovl::rpi {

struct MergeOutcome {
  std::vector<std::string> symbols_removed;  // labels filtered out of __symbols__
  std::vector<std::string> fragments_merged;  // "/fragment@1 -> /fragment@0/__overlay__/x"
};

// `max_phandle`: the largest phandle of the overlay as loaded (dtoverlay computes it once).
MergeOutcome merge_intra_overlay_fragments(OverlayTree& tree, std::uint32_t max_phandle);

// The largest phandle in the tree (fdt_get_phandle of every node).
std::uint32_t largest_phandle(const OverlayTree& tree);

}  // namespace ovl::rpi
