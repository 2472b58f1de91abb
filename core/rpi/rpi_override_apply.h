// Applying one Raspberry Pi overlay parameter to the overlay, target by target, as dtoverlay's
// dtoverlay_foreach_override_target / dtoverlay_override_one_target do.
#pragma once

#include "core/rpi/rpi_overlay_tree.h"
#include "core/util/expected.h"

#include <optional>
#include <string>
#include <vector>

namespace ovl::rpi {

// What one target of a parameter did: a property's value before and after (std::nullopt: no
// such property), or a node renamed (`reg` unit address, `name`, a fragment switched on or off).
struct ParameterChange {
  std::string node;      // the node's path before the change
  std::string property;  // "" for a rename
  std::optional<Bytes> before;
  std::optional<Bytes> after;
  std::string old_name, new_name;  // for a rename
};

// Applies `name=value` through the `__overrides__` property `data`; returns the changes in
// target order, or an Error whose message says which target refused the value and why.
Expected<std::vector<ParameterChange>> apply_parameter(OverlayTree& tree, const std::string& name,
                                                       const Bytes& data, const std::string& value);

}  // namespace ovl::rpi
