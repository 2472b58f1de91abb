// What ovlcheck knows about particular drivers, as data: boot-time OF_DECLARE providers that
// never become platform devices, and drivers that populate their children when they probe.
// Which drivers register an i2c or spi bus: core/devices/bus_controllers.h.
#pragma once

#include "core/devices/driver_set.h"
#include "core/tree/device_tree.h"

namespace ovl {

// CLK_OF_DECLARE / IRQCHIP_DECLARE / TIMER_OF_DECLARE: set up at boot from the node itself, so
// the node is OF_POPULATED (and its fwnode initialised) but gets no struct device.
bool is_early_provider(const DeviceTree& tree, NodeId node, const DriverSet& drivers);

// Drivers whose probe calls of_platform_populate() on their own node (the kernel's unittest
// driver, simple-pm-bus for "simple-pm-bus" nodes): their children become platform devices and
// the node becomes OF_POPULATED_BUS.
bool populates_children_on_probe(const DeviceTree& tree, NodeId node);

// A supplier a driver looks up itself when it probes, deferring (-EPROBE_DEFER) until the
// supplier has registered what it provides, whatever fw_devlink decided about the link. Such a
// wait survives fw_devlink relaxing a cycle: two fixed regulators that supply each other never
// probe (recorded on 6.12.118, testdata/lifecycle/v-cycles).
struct ProbeNeed {
  std::string_view property;
  NodeId supplier = kNoNode;
};
std::vector<ProbeNeed> suppliers_needed_at_probe(const DeviceTree& tree, NodeId node);

}  // namespace ovl
