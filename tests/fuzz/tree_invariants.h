// Invariants of a DeviceTree that the harnesses check after every step that builds or edits one.
#pragma once

#include "core/tree/device_tree.h"
#include "fdt/blob_io.h"

namespace ovl::fuzz {

// Every reachable node is linked with consistent parent and sibling links, is found by its own
// name and (with a phandle) by its phandle, and sits no deeper than `max_depth` below the root.
void check_tree(const DeviceTree& tree, int max_depth);

// `tree` flattens to a blob that either loads back to the same tree or is refused only for its
// depth (a tree built by overlays may nest deeper than a loaded blob can).
void check_round_trip(const DeviceTree& tree, const fdt::BlobHeader& header);

}  // namespace ovl::fuzz
