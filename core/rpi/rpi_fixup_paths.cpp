#include "core/rpi/rpi_fixup_paths.h"

#include <algorithm>
#include <cstring>

namespace ovl::rpi {
namespace {

// The strings of a NUL-separated list, as (start, length) pairs.
std::vector<std::pair<std::size_t, std::size_t>> list_entries(const Bytes& list) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t at = 0;
  while (at < list.size()) {
    std::size_t end = at;
    while (end < list.size() && list[end] != 0) ++end;
    out.emplace_back(at, end - at);
    at = end + 1;
  }
  return out;
}

bool entry_is(const Bytes& list, std::pair<std::size_t, std::size_t> entry, std::string_view s) {
  return entry.second == s.size() && std::equal(s.begin(), s.end(), list.begin() + entry.first);
}

// Rewrites the strings of one property that name `old_path` or a place below it.
bool patch_paths(Bytes& value, const std::string& old_path, std::size_t dir_len,
                 std::size_t old_name_len, const std::string& name) {
  bool changed = false;
  std::size_t pos = 0;
  while (pos < value.size()) {
    if (pos + old_path.size() < value.size() &&
        std::equal(old_path.begin(), old_path.end(), value.begin() + pos)) {
      char after = static_cast<char>(value[pos + old_path.size()]);
      if (after == ':' || after == '/' || after == '\0') {
        auto at = value.begin() + static_cast<std::ptrdiff_t>(pos + dir_len);
        at = value.erase(at, at + static_cast<std::ptrdiff_t>(old_name_len));
        value.insert(at, name.begin(), name.end());
        changed = true;
      }
    }
    std::size_t end = pos;
    while (end < value.size() && value[end] != 0) ++end;
    pos = end + 1;
  }
  return changed;
}

}  // namespace

void rename_node(OverlayTree& tree, EditId id, const std::string& name) {
  const std::string old_path = tree.path(id);
  const std::string old_name = tree.node(id).name;
  tree.set_name(id, name);
  if (name == old_name) return;

  const std::size_t dir_len = old_path.size() - old_name.size();
  for (const char* holder : {"/__fixups__", "/__local_fixups__", "/__symbols__"}) {
    EditId at = tree.find_path(holder);
    if (at == kNoEdit) continue;
    // Collect first: set_property keeps positions, but iterate over a stable copy anyway.
    std::vector<EditProperty> props = tree.node(at).properties;
    for (EditProperty& p : props) {
      if (patch_paths(p.value, old_path, dir_len, old_name.size(), name)) {
        tree.set_property(at, p.name, std::move(p.value));
      }
    }
  }

  // The node's mirror under __local_fixups__ (a libfdt path walk, '@' rules included).
  EditId mirror = tree.find_path("/__local_fixups__");
  if (mirror == kNoEdit) return;
  std::size_t p = 0;
  while (p < old_path.size() && mirror != kNoEdit) {
    while (p < old_path.size() && old_path[p] == '/') ++p;
    std::size_t q = std::min(old_path.find('/', p), old_path.size());
    mirror = tree.subnode(mirror, std::string_view(old_path).substr(p, q - p));
    p = q;
  }
  if (mirror != kNoEdit) tree.set_name(mirror, name);
}

std::optional<std::string> find_fixup(const OverlayTree& tree, std::string_view location) {
  EditId fixups = tree.find_path("/__fixups__");
  if (fixups == kNoEdit) return std::nullopt;
  for (const EditProperty& p : tree.node(fixups).properties) {
    for (auto entry : list_entries(p.value)) {
      if (entry_is(p.value, entry, location)) return p.name;
    }
  }
  return std::nullopt;
}

void delete_fixup(OverlayTree& tree, std::string_view location) {
  EditId fixups = tree.find_path("/__fixups__");
  if (fixups == kNoEdit) return;
  for (const EditProperty& p : tree.node(fixups).properties) {
    for (auto entry : list_entries(p.value)) {
      if (!entry_is(p.value, entry, location)) continue;
      if (entry.second + 1 >= p.value.size()) {
        std::string label = p.name;  // the label is no longer used
        tree.delete_property(fixups, label);
        return;
      }
      Bytes rest = p.value;
      auto from = rest.begin() + static_cast<std::ptrdiff_t>(entry.first);
      rest.erase(from, std::min(from + static_cast<std::ptrdiff_t>(entry.second + 1), rest.end()));
      tree.set_property(fixups, std::string(p.name), std::move(rest));
      return;
    }
  }
}

void add_fixup(OverlayTree& tree, const std::string& label, std::string_view location) {
  EditId fixups = tree.find_path("/__fixups__");
  if (fixups == kNoEdit) return;  // a label was found there, so this does not happen
  Bytes entry(location.begin(), location.end());
  entry.push_back(0);
  tree.append_property(fixups, label, entry);
}

void rebase_fixups(OverlayTree& tree, std::string_view from_prefix, std::string_view to_prefix) {
  EditId fixups = tree.find_path("/__fixups__");
  if (fixups == kNoEdit) return;
  std::vector<EditProperty> props = tree.node(fixups).properties;
  for (EditProperty& p : props) {
    Bytes out;
    bool replaced = false;
    std::size_t remaining = p.value.size();
    for (auto [at, len] : list_entries(p.value)) {
      std::size_t skip = 0;
      if (from_prefix.size() < remaining &&
          std::equal(from_prefix.begin(), from_prefix.end(), p.value.begin() + at,
                     p.value.begin() + at + std::min(len, from_prefix.size())) &&
          len >= from_prefix.size()) {
        out.insert(out.end(), to_prefix.begin(), to_prefix.end());
        skip = from_prefix.size();
        replaced = true;
      }
      out.insert(out.end(), p.value.begin() + at + skip, p.value.begin() + at + len);
      out.push_back(0);
      remaining -= len + 1;
    }
    if (replaced) tree.set_property(fixups, p.name, std::move(out));
  }
}

}  // namespace ovl::rpi
