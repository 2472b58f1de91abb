#include "core/devices/kernel_drivers.h"

#include "core/util/big_endian.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace ovl {
namespace {

// Compatibles with an OF_DECLARE hook in mainline (drivers/clk/clk-fixed-rate.c,
// clk-fixed-factor.c, drivers/irqchip/irq-gic*.c, drivers/clocksource/arm_arch_timer.c, ...).
constexpr std::array<std::string_view, 14> kEarlyProviders = {
    "fixed-clock",        "fixed-factor-clock", "arm,gic-400",       "arm,cortex-a15-gic",
    "arm,cortex-a9-gic",  "arm,cortex-a7-gic",  "arm,gic-v3",        "arm,arm11mp-gic",
    "arm,armv7-timer",    "arm,armv8-timer",    "arm,armv7-timer-mem", "arm,gic-v2m-frame",
    "arm,gic-v3-its",     "arm,pl390",
};

// Drivers whose probe calls of_platform_populate() on their node: the OF unittest driver,
// simple-pm-bus, and the TI CSI2RX shim (drivers/media/platform/ti/j721e-csi2rx), whose
// csi-bridge child becomes a device of its own.
constexpr std::array<std::string_view, 3> kPopulatingDrivers = {"unittest", "simple-pm-bus",
                                                                "ti,j721e-csi2rx-shim"};

bool any_of(const std::vector<std::string>& compatibles, auto&& table) {
  return std::any_of(compatibles.begin(), compatibles.end(), [&](const std::string& c) {
    return std::find(table.begin(), table.end(), c) != table.end();
  });
}

bool has_property(const DeviceTree& tree, NodeId node, std::string_view name) {
  return tree.node(node).properties.find(name) != nullptr;
}

// The node a single-phandle property names, or kNoNode.
NodeId phandle_target(const DeviceTree& tree, NodeId node, std::string_view name) {
  const Property* p = tree.node(node).properties.find(name);
  if (p == nullptr || p->value.size() != 4) return kNoNode;
  return tree.find_by_phandle(read_be32(p->value.data()));
}

}  // namespace

bool is_early_provider(const DeviceTree& tree, NodeId node, const DriverSet& drivers) {
  for (const std::string& c : compatibles_of(tree, node)) {
    if (std::find(kEarlyProviders.begin(), kEarlyProviders.end(), c) != kEarlyProviders.end() &&
        drivers.matches(c)) {
      return true;
    }
  }
  return false;
}

bool populates_children_on_probe(const DeviceTree& tree, NodeId node) {
  // simple-pm-bus populates only nodes whose own first match is "simple-pm-bus"; plain
  // "simple-bus" children are populated at boot, and not at all when an overlay adds the bus.
  return any_of(compatibles_of(tree, node), kPopulatingDrivers);
}

// drivers/regulator/fixed.c hands "vin-supply" to the regulator core as the regulator's supply.
// regulator_register() -> set_machine_constraints() returns -EPROBE_DEFER while that supply is
// not resolved if the regulator cannot switch itself (plain "regulator-fixed" without an enable
// GPIO: no ena_pin, no enable op) or must be on (regulator-always-on, regulator-boot-on).
std::vector<ProbeNeed> suppliers_needed_at_probe(const DeviceTree& tree, NodeId node) {
  std::vector<ProbeNeed> needs;
  std::vector<std::string> compatibles = compatibles_of(tree, node);
  if (compatibles.empty()) return needs;
  const std::string& first = compatibles.front();
  if (first != "regulator-fixed" && first != "regulator-fixed-clock" && first != "regulator-fixed-domain") {
    return needs;
  }
  bool must_be_on = has_property(tree, node, "regulator-always-on") || has_property(tree, node, "regulator-boot-on");
  bool cannot_switch = first == "regulator-fixed" && !has_property(tree, node, "gpios") && !has_property(tree, node, "gpio");
  if (!must_be_on && !cannot_switch) return needs;
  if (!has_property(tree, node, "vin-supply")) return needs;
  needs.push_back({"vin-supply", phandle_target(tree, node, "vin-supply")});
  return needs;
}

}  // namespace ovl
