// Deciding whether a bound device hosts an i2c or spi bus: from the bound driver's compatible
// (the --drivers file's `bus=` word, then ovlcheck's table of adapter and controller drivers),
// and only for a compatible ovlcheck does not know, from the node-name patterns of the
// devicetree schema. Multiplexer channels (compatible-less `i2c@N` children) go by name.
#pragma once

#include "core/devices/bus_class.h"
#include "core/devices/driver_set.h"
#include "core/tree/device_tree.h"

#include <string>
#include <string_view>

namespace ovl {

struct BusDecision {
  HostedBus bus = HostedBus::kNone;
  BusRule rule = BusRule::kNodeName;
  std::string compatible;  // the compatible that decided (empty for the node-name rules)
  std::string_view source; // where the fact comes from, for the reader
};

// The class of a bound device's node: its compatibles in order, the first one with a stated or
// known class decides; otherwise the node name against the schema patterns.
BusDecision decide_hosted_bus(const DeviceTree& tree, NodeId node, const DriverSet& drivers);

// The dt-schema node-name patterns alone (i2c-controller.yaml, spi-controller.yaml).
HostedBus bus_by_node_name(std::string_view full_name);

// A child without `compatible` whose name is an i2c/spi bus name, below a bound device: a channel
// of a bus multiplexer (i2c-mux), which registers it as an adapter of its own.
bool is_mux_channel(const DeviceTree& tree, NodeId node);

}  // namespace ovl
