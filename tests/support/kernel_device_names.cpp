#include "tests/support/kernel_device_names.h"

#include "core/devices/driver_set.h"
#include "core/util/big_endian.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace ovl::test {
namespace {

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string hex(unsigned long long value) {
  char text[32];
  std::snprintf(text, sizeof text, "%llx", value);
  return text;
}

// The translated address of `node`'s first reg entry, or "" when it has no reg.
std::string reg_address(const DeviceTree& tree, NodeId node) {
  const Property* reg = tree.node(node).properties.find("reg");
  if (reg == nullptr) return "";
  std::uint32_t cells = 2;  // the kernel's default #address-cells
  NodeId parent = tree.node(node).parent;
  if (parent != kNoNode) {
    if (const Property* p = tree.node(parent).properties.find("#address-cells"); p && p->value.size() == 4) {
      cells = read_be32(p->value.data());
    }
  }
  if (cells == 0 || reg->value.size() < cells * 4) return "";
  unsigned long long address = 0;
  for (std::uint32_t i = 0; i < cells; ++i) address = (address << 32) | read_be32(reg->value.data() + 4 * i);
  return hex(address);
}

}  // namespace

std::string kernel_device_name(const DeviceTree& base, const std::string& path) {
  std::vector<std::string> parts = components(path);
  std::string name;
  for (std::size_t n = parts.size(); n > 0; --n) {
    std::string node_path;
    for (std::size_t i = 0; i < n; ++i) node_path += "/" + parts[i];
    const std::string& full = parts[n - 1];
    std::string short_name(DeviceTree::base_name(full));
    std::string address;
    if (NodeId id = base.find_by_path(node_path); id != kNoNode) {
      address = reg_address(base, id);
    } else if (std::size_t at = full.find('@'); at != std::string::npos) {
      address = full.substr(at + 1);
    }
    if (!address.empty()) return address + "." + short_name + (name.empty() ? "" : ":" + name);
    name = name.empty() ? full : full + ":" + name;
  }
  return name;
}

std::string kernel_bus(const DeviceTree& base, const std::string& path, const std::string& model_bus) {
  NodeId id = base.find_by_path(path);
  if (id == kNoNode) return model_bus;
  std::vector<std::string> compatibles = compatibles_of(base, id);
  bool primecell = std::find(compatibles.begin(), compatibles.end(), "arm,primecell") != compatibles.end();
  return primecell ? "amba" : model_bus;
}

}  // namespace ovl::test
