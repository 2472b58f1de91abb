#include "core/tree/device_tree.h"

#include <algorithm>
#include <cctype>

namespace ovl {
namespace {

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

void erase_value(std::vector<NodeId>& ids, NodeId id) {
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

}  // namespace

std::size_t ChildKeyHash::operator()(const ChildKeyView& k) const {
  std::size_t h = 1469598103934665603ull ^ k.parent;  // FNV-1a over the case-folded name
  for (char c : k.name) h = (h ^ static_cast<unsigned char>(fold(c))) * 1099511628211ull;
  return h;
}

bool ChildKeyEqual::same(ChildKeyView a, ChildKeyView b) {
  return a.parent == b.parent && equal_ignoring_case(a.name, b.name);
}

DeviceTree::DeviceTree() {
  nodes_.emplace_back();
  nodes_[0].linked = true;
}

NodeId DeviceTree::create_node(std::string full_name, NodeId parent) {
  NodeId id = static_cast<NodeId>(nodes_.size());
  nodes_.emplace_back();
  nodes_.back().full_name = std::move(full_name);
  nodes_.back().parent = parent;
  return id;
}

void DeviceTree::link_last(NodeId id) {
  Node& n = nodes_[id];
  Node& p = nodes_[n.parent];
  n.prev_sibling = p.last_child;
  n.next_sibling = kNoNode;
  if (p.last_child != kNoNode) nodes_[p.last_child].next_sibling = id; else p.first_child = id;
  p.last_child = id;
  index_link(id);
}

void DeviceTree::link_first(NodeId id) {
  Node& n = nodes_[id];
  Node& p = nodes_[n.parent];
  n.next_sibling = p.first_child;
  n.prev_sibling = kNoNode;
  if (p.first_child != kNoNode) nodes_[p.first_child].prev_sibling = id; else p.last_child = id;
  p.first_child = id;
  index_link(id);
}

void DeviceTree::unlink(NodeId id) {
  Node& n = nodes_[id];
  Node& p = nodes_[n.parent];
  if (n.prev_sibling != kNoNode) nodes_[n.prev_sibling].next_sibling = n.next_sibling;
  else p.first_child = n.next_sibling;
  if (n.next_sibling != kNoNode) nodes_[n.next_sibling].prev_sibling = n.prev_sibling;
  else p.last_child = n.prev_sibling;
  n.prev_sibling = n.next_sibling = kNoNode;
  index_unlink(id);
}

void DeviceTree::index_link(NodeId id) {
  Node& n = nodes_[id];
  n.linked = true;
  children_by_name_[ChildKey{n.parent, n.full_name}].push_back(id);
  if (n.phandle != 0) {
    nodes_by_phandle_[n.phandle].push_back(id);
    if (n.phandle != kIllegalPhandle) ++phandle_counts_[n.phandle];
  }
}

void DeviceTree::index_unlink(NodeId id) {
  Node& n = nodes_[id];
  n.linked = false;
  erase_value(children_by_name_[ChildKey{n.parent, n.full_name}], id);
  if (n.phandle != 0) {
    erase_value(nodes_by_phandle_[n.phandle], id);
    if (n.phandle != kIllegalPhandle && --phandle_counts_[n.phandle] == 0) {
      phandle_counts_.erase(n.phandle);
    }
  }
}

void DeviceTree::set_phandle(NodeId id, std::uint32_t phandle) {
  Node& n = nodes_[id];
  if (!n.linked) {
    n.phandle = phandle;
    return;
  }
  index_unlink(id);
  n.phandle = phandle;
  index_link(id);
}

NodeId DeviceTree::find_child(NodeId parent, std::string_view name) const {
  auto it = children_by_name_.find(ChildKeyView{parent, name});
  if (it == children_by_name_.end()) return kNoNode;
  NodeId match = kNoNode;
  for (NodeId c : it->second) {
    if (nodes_[c].full_name != name) continue;
    if (match != kNoNode) return first_child_named(parent, name, false);  // several: list order
    match = c;
  }
  return match;
}

NodeId DeviceTree::find_child_ignore_case(NodeId parent, std::string_view name) const {
  auto it = children_by_name_.find(ChildKeyView{parent, name});
  if (it == children_by_name_.end() || it->second.empty()) return kNoNode;
  if (it->second.size() == 1) return it->second.front();
  return first_child_named(parent, name, true);
}

// Same-named siblings: the first in list order, as a walk of the child list would find.
NodeId DeviceTree::first_child_named(NodeId parent, std::string_view name, bool ignore_case) const {
  for (NodeId c = nodes_[parent].first_child; c != kNoNode; c = nodes_[c].next_sibling) {
    if (ignore_case ? equal_ignoring_case(nodes_[c].full_name, name) : nodes_[c].full_name == name) return c;
  }
  return kNoNode;
}

NodeId DeviceTree::find_by_path(std::string_view path) const {
  // Everything from the first ':' on is an option string for the caller, as in
  // of_find_node_opts_by_path; it ends the lookup wherever it stands.
  path = path.substr(0, path.find(':'));
  if (path.empty()) return kNoNode;
  if (path == "/") return root();
  NodeId at = root();
  if (path.front() != '/') {
    // An alias: the first component names a property of /aliases that holds a path.
    std::size_t end = std::min(path.find('/'), path.size());
    NodeId aliases = find_child(root(), "aliases");
    if (aliases == kNoNode) return kNoNode;
    const Property* target = nodes_[aliases].properties.find(path.substr(0, end));
    if (target == nullptr) return kNoNode;
    at = find_by_path(target->as_string());
    path = path.substr(end);
  }
  return at == kNoNode ? kNoNode : walk_path(at, path);
}

NodeId DeviceTree::walk_path(NodeId from, std::string_view path) const {
  path = path.substr(0, path.find(':'));
  NodeId at = from;
  // Each '/' must be followed by a whole child name: "//" or a trailing '/' finds nothing.
  while (at != kNoNode && !path.empty() && path.front() == '/') {
    std::size_t end = std::min(path.find('/', 1), path.size());
    std::string_view name = path.substr(1, end - 1);
    at = name.empty() ? kNoNode : find_child(at, name);
    path = path.substr(end);
  }
  return at;
}

NodeId DeviceTree::find_by_phandle(std::uint32_t phandle) const {
  if (phandle == 0) return kNoNode;
  auto it = nodes_by_phandle_.find(phandle);
  if (it == nodes_by_phandle_.end() || it->second.empty()) return kNoNode;
  return it->second.front();
}

std::uint32_t DeviceTree::max_phandle() const {
  return phandle_counts_.empty() ? 0 : phandle_counts_.rbegin()->first;
}

std::string DeviceTree::path(NodeId id) const {
  if (id == root()) return "/";
  std::vector<NodeId> chain;
  for (NodeId n = id; n != root() && n != kNoNode; n = nodes_[n].parent) chain.push_back(n);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    out += '/';
    out += nodes_[*it].full_name;
  }
  return out;
}

std::string_view DeviceTree::base_name(std::string_view full_name) {
  return full_name.substr(0, full_name.find('@'));
}

bool DeviceTree::is_ancestor(NodeId ancestor, NodeId id) const {
  for (NodeId n = nodes_[id].parent; n != kNoNode; n = nodes_[n].parent) {
    if (n == ancestor) return true;
  }
  return false;
}

}  // namespace ovl
