#include "core/driver_set.h"

namespace ovl {

std::vector<std::string> compatibles_of(const DeviceTree& tree, NodeId node) {
  std::vector<std::string> out;
  const Property* prop = tree.node(node).properties.find("compatible");
  if (prop == nullptr) return out;
  std::string current;
  for (std::uint8_t byte : prop->value) {
    if (byte == 0) {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(byte));
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

bool is_available(const DeviceTree& tree, NodeId node) {
  const Property* status = tree.node(node).properties.find("status");
  if (status == nullptr) return true;
  std::string_view value = status->as_string();
  return value == "okay" || value == "ok";
}

bool DriverSet::matches(const std::string& compatible) const {
  switch (mode_) {
    case Mode::kAll: return true;
    case Mode::kNone: return false;
    case Mode::kList: return compatibles_.count(compatible) != 0;
  }
  return false;
}

bool DriverSet::matches(const DeviceTree& tree, NodeId node) const {
  for (const std::string& compatible : compatibles_of(tree, node)) {
    if (matches(compatible)) return true;
  }
  return false;
}

std::string DriverSet::describe() const {
  switch (mode_) {
    case Mode::kAll: return "every enabled node with a compatible binds to a driver";
    case Mode::kNone: return "no driver binds";
    case Mode::kList:
      return "only nodes matching the " + std::to_string(compatibles_.size()) +
             " compatibles given bind to a driver";
  }
  return "";
}

}  // namespace ovl
