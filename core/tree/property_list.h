// The properties of one node, in the kernel's list order, with a name index once a node grows
// large (a base `/__symbols__` can hold tens of thousands of labels; a linear search there would
// make every overlay symbol cost a scan).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ovl {

using Bytes = std::vector<std::uint8_t>;

struct Property {
  std::string name;
  Bytes value;
  // Made up while unflattening (the kernel's `name` property for nodes that have none in the
  // blob). It exists in the live tree, so changesets see it, but it is never written to a blob.
  bool synthetic = false;
  // Which allocation this is. The kernel removes a property by pointer, not by name, so a
  // changeset that reverts a property it never added fails even if one of that name exists.
  std::uint64_t identity = 0;

  std::string_view as_string() const;  // up to the first NUL
};

class PropertyList {
 public:
  const Property* find(std::string_view name) const;
  Property* find(std::string_view name);
  // Append at the tail, as __of_add_property does. The caller checks for an existing name.
  void append(Property property);
  // Replace in place (__of_update_property) and return the old one.
  Property replace(std::string_view name, Property property);
  // Remove by name and return it.
  Property remove(std::string_view name);

  const std::vector<Property>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  static constexpr std::size_t kIndexThreshold = 32;
  std::size_t position(std::string_view name) const;  // items_.size() when absent
  void rebuild_index();

  std::vector<Property> items_;
  std::unordered_map<std::string, std::size_t> index_;  // used once size() > kIndexThreshold
};

}  // namespace ovl
