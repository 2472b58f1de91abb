#include "core/devices/driver_set.h"

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

std::optional<HostedBus> DriverSet::stated_bus(const std::string& compatible) const {
  auto it = stated_buses_.find(compatible);
  if (it == stated_buses_.end()) return std::nullopt;
  return it->second;
}

Expected<DriverSet> DriverSet::parse(std::string_view text) {
  DriverSet set(Mode::kList, {});
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    line = line.substr(0, line.find('#'));
    std::vector<std::string_view> words;
    for (std::size_t pos = 0;;) {
      std::size_t start = line.find_first_not_of(" \t\r", pos);
      if (start == std::string_view::npos) break;
      std::size_t stop = line.find_first_of(" \t\r", start);
      words.push_back(line.substr(start, stop == std::string_view::npos ? stop : stop - start));
      if (stop == std::string_view::npos) break;
      pos = stop;
    }
    if (words.empty()) continue;
    std::string compatible(words[0]);
    set.compatibles_.insert(compatible);
    for (std::size_t i = 1; i < words.size(); ++i) {
      static const std::map<std::string_view, HostedBus> kWords = {
          {"bus=i2c", HostedBus::kI2c}, {"bus=spi", HostedBus::kSpi}, {"bus=none", HostedBus::kNone}};
      auto word = kWords.find(words[i]);
      if (word == kWords.end()) {
        return Error{"line " + std::to_string(number) + ": '" + std::string(words[i]) +
                     "' after the compatible is not bus=i2c, bus=spi or bus=none"};
      }
      set.stated_buses_[compatible] = word->second;
    }
  }
  return set;
}

std::string DriverSet::describe() const {
  switch (mode_) {
    case Mode::kAll: return "every enabled node with a compatible binds to a driver";
    case Mode::kNone: return "no driver binds";
    case Mode::kList:
      return "only nodes matching the " + std::to_string(compatibles_.size()) +
             " compatibles given bind to a driver" +
             (stated_buses_.empty() ? std::string()
                                    : " (" + std::to_string(stated_buses_.size()) + " with a stated bus class)");
  }
  return "";
}

}  // namespace ovl
