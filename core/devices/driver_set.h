// Which nodes get a driver. ovlcheck cannot know a kernel's configuration, so the user says it:
// by default every enabled node with a `compatible` binds; a list of compatibles (one per line,
// `--drivers FILE`) binds only those; `--drivers none` binds nothing. The same set decides which
// boot-time OF_DECLARE providers (fixed clocks, interrupt controllers, timers) the kernel has.
#pragma once

#include "core/devices/bus_class.h"
#include "core/tree/device_tree.h"
#include "core/util/expected.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ovl {

class DriverSet {
 public:
  static DriverSet all() { return DriverSet(Mode::kAll, {}); }
  static DriverSet none() { return DriverSet(Mode::kNone, {}); }
  static DriverSet only(std::set<std::string> compatibles) {
    return DriverSet(Mode::kList, std::move(compatibles));
  }
  // A --drivers file's text: one compatible a line, `#` comments; after the compatible an
  // optional `bus=i2c`, `bus=spi` or `bus=none` states whether its driver registers an i2c
  // adapter or spi controller (for compatibles ovlcheck's table does not know, or to override
  // it). Errors name the line.
  static Expected<DriverSet> parse(std::string_view text);

  // Whether some driver (or OF_DECLARE hook) matches one of the node's compatible strings.
  bool matches(const DeviceTree& tree, NodeId node) const;
  bool matches(const std::string& compatible) const;
  // The bus class the driver list states for a compatible, if it states one.
  std::optional<HostedBus> stated_bus(const std::string& compatible) const;
  // Words for reports: which assumption was used.
  std::string describe() const;

 private:
  enum class Mode { kAll, kList, kNone };
  DriverSet(Mode mode, std::set<std::string> compatibles) : mode_(mode), compatibles_(std::move(compatibles)) {}

  Mode mode_;
  std::set<std::string> compatibles_;
  std::map<std::string, HostedBus> stated_buses_;
};

// The node's compatible strings, in order.
std::vector<std::string> compatibles_of(const DeviceTree& tree, NodeId node);
// of_device_is_available: no status, or "okay"/"ok".
bool is_available(const DeviceTree& tree, NodeId node);

}  // namespace ovl
