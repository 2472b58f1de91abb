// Comparing two device trees as trees, not as blobs: the same node paths, the same properties,
// the same values up to phandle numbering.
//
// Why "up to phandle numbering": the kernel's resolver gives overlay nodes phandles from
// (largest live phandle + 1) on, while libfdt's fdt_overlay_apply() (fdtoverlay, kbuild's composed
// DTBs) shifts them by its own count, so the same overlay applied by both ends with different
// numbers on new nodes and on every reference to them. Two cells are therefore equal when they
// are byte-equal, or when each is, in its own tree, the phandle of a node and both nodes have the
// same path. `phandle`/`linux,phandle` themselves compare the same way.
//
// Only cells that differ get this treatment: a byte-equal cell is equal even if it is a phandle of
// differently named nodes in the two trees, since without bindings a cell cannot be known to be
// a phandle (`reg = <1>` would otherwise be "different" whenever phandle 1 moved).
//
// Children order is not compared: the kernel links an overlay's new node at the head of its
// parent's child list, libfdt appends it.
#pragma once

#include "core/tree/device_tree.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ovl::test {

// The differences between `left` and `right` in words, sorted by path; empty when the trees are
// equal. At most `max_lines` lines; when more differences exist the last line says how many were
// left out. `left_name`/`right_name` label the two sides in the messages.
// Properties marked Property::synthetic (made up while unflattening) are ignored. Both trees are
// indexed once (paths, phandles); nothing is rescanned.
std::vector<std::string> compare_trees(const DeviceTree& left, const DeviceTree& right,
                                       const std::string& left_name = "left",
                                       const std::string& right_name = "right",
                                       std::size_t max_lines = 20);

}  // namespace ovl::test
