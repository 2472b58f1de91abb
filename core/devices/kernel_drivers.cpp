#include "core/devices/kernel_drivers.h"

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

}  // namespace ovl
