// Finding an overlay's fragments and their targets in the live tree (drivers/of/overlay.c,
// init_overlay_changeset and find_target).
#pragma once

#include "core/kernel/kernel_log.h"
#include "core/tree/device_tree.h"

#include <vector>

namespace ovl {

struct Fragment {
  NodeId info = kNoNode;     // the overlay root's child ("fragment@0"); kNoNode for __symbols__
  NodeId overlay = kNoNode;  // its __overlay__ node (or the overlay's __symbols__), overlay tree
  NodeId target = kNoNode;   // where it lands, live tree
};

struct OverlayFragments {
  std::vector<Fragment> fragments;  // in blob order; the symbols fragment, if any, is last
  bool has_symbols_fragment = false;
};

// Fills `out`; returns 0 or the kernel's negative errno with its lines in `log`.
int find_fragments(const DeviceTree& live, const DeviceTree& overlay, OverlayFragments& out,
                   KernelLog& log);

}  // namespace ovl
