#include "core/tree/property_list.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ovl {

std::string_view Property::as_string() const {
  if (value.empty()) return {};  // an empty value may have no storage: strnlen must not see null
  const char* data = reinterpret_cast<const char*>(value.data());
  return std::string_view(data, strnlen(data, value.size()));
}

std::size_t PropertyList::position(std::string_view name) const {
  if (items_.size() > kIndexThreshold) {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? items_.size() : it->second;
  }
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const Property& p) { return p.name == name; });
  return static_cast<std::size_t>(it - items_.begin());
}

const Property* PropertyList::find(std::string_view name) const {
  std::size_t at = position(name);
  return at == items_.size() ? nullptr : &items_[at];
}

Property* PropertyList::find(std::string_view name) {
  std::size_t at = position(name);
  return at == items_.size() ? nullptr : &items_[at];
}

void PropertyList::append(Property property) {
  items_.push_back(std::move(property));
  if (items_.size() == kIndexThreshold + 1) {
    rebuild_index();
  } else if (items_.size() > kIndexThreshold) {
    // A blob may repeat a name; the first occurrence is the one lookups find.
    index_.emplace(items_.back().name, items_.size() - 1);
  }
}

Property PropertyList::replace(std::string_view name, Property property) {
  std::size_t at = position(name);
  if (at == items_.size()) throw std::logic_error("replace: no such property");
  Property old = std::move(items_[at]);
  items_[at] = std::move(property);
  return old;
}

Property PropertyList::remove(std::string_view name) {
  std::size_t at = position(name);
  if (at == items_.size()) throw std::logic_error("remove: no such property");
  Property old = std::move(items_[at]);
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(at));
  if (items_.size() <= kIndexThreshold) {
    index_.clear();
  } else if (at == items_.size()) {
    // Reverting a changeset removes what it appended, newest first: the tail, kept O(1).
    index_.erase(old.name);
  } else {
    rebuild_index();
  }
  return old;
}

void PropertyList::rebuild_index() {
  index_.clear();
  for (std::size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].name, i);
}

}  // namespace ovl
