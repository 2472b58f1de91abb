// What the kernel's populate_properties() does once a node's properties are in, shared by the
// loaders of fdt/: the synthetic `name` property (when the node has none) and the phandle.
#pragma once

#include "core/tree/device_tree.h"

namespace ovl::fdt {

void populate_node_properties(DeviceTree& tree, NodeId id);

}  // namespace ovl::fdt
