// The names the kernel gives the devices of device-tree nodes, so a test can compare ovlcheck's
// devices (named by node path) with what a real kernel listed in sysfs.
#pragma once

#include "core/tree/device_tree.h"

#include <string>

namespace ovl::test {

// of_device_make_bus_id() (drivers/of/platform.c, 6.1): walking up from the node, the first node
// whose `reg` translates gives "<address>.<name>" and ends the name; nodes without `reg` prepend
// "<full name>:". `base` is the booted tree: a node found there has its `reg` read (address cells
// of its parent, ranges taken as identity, which holds for the recordings' root-level devices); a
// node only an overlay adds is taken to have `reg` exactly when it has a unit address, read as
// hexadecimal.
std::string kernel_device_name(const DeviceTree& base, const std::string& path);

// The bus a node's device lands on: "amba" for an "arm,primecell" node (of_platform_bus_create
// makes an AMBA device), else `model_bus` (ovlcheck's platform/i2c/spi).
std::string kernel_bus(const DeviceTree& base, const std::string& path, const std::string& model_bus);

}  // namespace ovl::test
