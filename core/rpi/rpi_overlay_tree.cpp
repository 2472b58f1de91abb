#include "core/rpi/rpi_overlay_tree.h"

#include "core/util/big_endian.h"

#include <algorithm>

namespace ovl::rpi {

bool fdt_name_matches(std::string_view node_name, std::string_view wanted) {
  if (node_name == wanted) return true;
  // libfdt's fdt_nodename_eq_: a name without a unit address matches "name@anything".
  return wanted.find('@') == std::string_view::npos && node_name.size() > wanted.size() &&
         node_name.substr(0, wanted.size()) == wanted && node_name[wanted.size()] == '@';
}

OverlayTree OverlayTree::from_device_tree(const DeviceTree& tree) {
  OverlayTree out;
  struct Pending {
    NodeId from;
    EditId to;
  };
  out.nodes_.emplace_back();
  std::vector<Pending> stack{{tree.root(), 0}};
  while (!stack.empty()) {
    Pending at = stack.back();
    stack.pop_back();
    for (const Property& p : tree.node(at.from).properties.items()) {
      if (!p.synthetic) out.nodes_[at.to].properties.push_back({p.name, p.value});
    }
    std::vector<Pending> children;
    tree.for_each_child(at.from, [&](NodeId c) {
      EditId id = static_cast<EditId>(out.nodes_.size());
      out.nodes_.emplace_back();
          out.nodes_[id].name = tree.node(c).full_name;
      out.nodes_[id].parent = at.to;
      out.nodes_[at.to].children.push_back(id);
      children.push_back({c, id});
    });
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return out;
}

DeviceTree OverlayTree::to_device_tree() const {
  DeviceTree tree;
  std::uint64_t identity = 0;
  std::vector<std::pair<EditId, NodeId>> stack{{root(), tree.root()}};
  while (!stack.empty()) {
    auto [from, to] = stack.back();
    stack.pop_back();
    std::uint32_t phandle = 0;
    for (const EditProperty& p : nodes_[from].properties) {
      tree.node(to).properties.append(Property{p.name, p.value, false, ++identity});
      if (phandle == 0 && (p.name == "phandle" || p.name == "linux,phandle") && p.value.size() == 4) {
        phandle = read_be32(p.value.data());
      }
    }
    tree.set_phandle(to, phandle);
    std::vector<std::pair<EditId, NodeId>> children;
    for (EditId c : nodes_[from].children) {
      NodeId id = tree.create_node(nodes_[c].name, to);
      tree.link_last(id);
      children.push_back({c, id});
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return tree;
}

EditId OverlayTree::subnode(EditId parent, std::string_view name) const {
  for (EditId c : nodes_[parent].children) {
    if (fdt_name_matches(nodes_[c].name, name)) return c;
  }
  return kNoEdit;
}

EditId OverlayTree::find_path(std::string_view path) const {
  if (path.empty() || path.front() != '/') return kNoEdit;
  EditId at = root();
  std::size_t p = 0;
  while (p < path.size()) {
    while (p < path.size() && path[p] == '/') ++p;
    if (p == path.size()) break;
    std::size_t q = std::min(path.find('/', p), path.size());
    at = subnode(at, path.substr(p, q - p));
    if (at == kNoEdit) return kNoEdit;
    p = q;
  }
  return at;
}

void OverlayTree::index_phandles() const {
  phandle_index_.clear();
  std::vector<EditId> stack{root()};
  while (!stack.empty()) {
    EditId id = stack.back();
    stack.pop_back();
    // fdt_get_phandle: `phandle` if it is one cell, else `linux,phandle`.
    const Bytes* value = property(id, "phandle");
    if (value == nullptr || value->size() != 4) value = property(id, "linux,phandle");
    if (value != nullptr && value->size() == 4) phandle_index_.emplace(read_be32(value->data()), id);
    const auto& children = nodes_[id].children;
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  phandles_valid_ = true;
}

EditId OverlayTree::find_phandle(std::uint32_t phandle) const {
  if (phandle == 0 || phandle == 0xffffffffu) return kNoEdit;  // libfdt's FDT_ERR_BADPHANDLE
  if (!phandles_valid_) index_phandles();
  auto it = phandle_index_.find(phandle);
  return it == phandle_index_.end() ? kNoEdit : it->second;
}

std::string OverlayTree::path(EditId id) const {
  if (id == root()) return "/";
  std::vector<EditId> chain;
  for (EditId n = id; n != root(); n = nodes_[n].parent) chain.push_back(n);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) out += "/" + nodes_[*it].name;
  return out;
}

const Bytes* OverlayTree::property(EditId id, std::string_view name) const {
  for (const EditProperty& p : nodes_[id].properties) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

static bool is_phandle_name(std::string_view name) { return name == "phandle" || name == "linux,phandle"; }

void OverlayTree::set_property(EditId id, std::string_view name, Bytes value) {
  if (is_phandle_name(name)) invalidate_phandles();
  auto& props = nodes_[id].properties;
  for (EditProperty& p : props) {
    if (p.name == name) {
      p.value = std::move(value);
      return;
    }
  }
  props.insert(props.begin(), EditProperty{std::string(name), std::move(value)});
}

void OverlayTree::append_property(EditId id, std::string_view name, const Bytes& tail) {
  if (is_phandle_name(name)) invalidate_phandles();
  for (EditProperty& p : nodes_[id].properties) {
    if (p.name == name) {
      p.value.insert(p.value.end(), tail.begin(), tail.end());
      return;
    }
  }
  set_property(id, name, tail);
}

bool OverlayTree::delete_property(EditId id, std::string_view name) {
  auto& props = nodes_[id].properties;
  auto it = std::find_if(props.begin(), props.end(), [&](const EditProperty& p) { return p.name == name; });
  if (it == props.end()) return false;
  if (is_phandle_name(name)) invalidate_phandles();
  props.erase(it);
  return true;
}

EditId OverlayTree::add_subnode(EditId parent, std::string name) {
  EditId id = static_cast<EditId>(nodes_.size());
  nodes_.emplace_back();
  nodes_[id].name = std::move(name);
  nodes_[id].parent = parent;
  auto& siblings = nodes_[parent].children;
  siblings.insert(siblings.begin(), id);
  return id;
}

void OverlayTree::delete_node(EditId id) {
  auto& siblings = nodes_[nodes_[id].parent].children;
  siblings.erase(std::remove(siblings.begin(), siblings.end(), id), siblings.end());
  invalidate_phandles();
}

void OverlayTree::set_name(EditId id, std::string name) { nodes_[id].name = std::move(name); }

namespace {

std::size_t padded(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

}  // namespace

// The structure block as libfdt lays it out: per node a BEGIN_NODE tag and its NUL-terminated
// name padded to 4, its properties (tag, length, name offset, value padded to 4), its children,
// an END_NODE tag. dtoverlay's edits (fdt_setprop, fdt_delprop, fdt_del_node) splice bytes
// rather than leave NOPs, so the layout follows from the tree alone.
template <class Visit>
static bool walk_layout(const std::vector<EditNode>& nodes, EditId id, std::size_t& at, Visit&& visit) {
  if (visit(id, at)) return true;
  at += 4 + padded(nodes[id].name.size() + 1);
  for (const EditProperty& p : nodes[id].properties) at += 12 + padded(p.value.size());
  for (EditId c : nodes[id].children) {
    if (walk_layout(nodes, c, at, visit)) return true;
  }
  at += 4;
  return false;
}

std::size_t OverlayTree::structure_offset(EditId id) const {
  std::size_t at = 0;
  std::size_t found = 0;
  walk_layout(nodes_, root(), at, [&](EditId n, std::size_t offset) {
    if (n != id) return false;
    found = offset;
    return true;
  });
  return found;
}

EditId OverlayTree::node_at_structure_offset(std::size_t offset) const {
  std::size_t at = 0;
  EditId found = kNoEdit;
  walk_layout(nodes_, root(), at, [&](EditId n, std::size_t node_offset) {
    if (node_offset != offset) return node_offset > offset;
    found = n;
    return true;
  });
  return found;
}

SubtreeCopy OverlayTree::copy_subtree(EditId id) const {
  SubtreeCopy copy{nodes_[id].name, nodes_[id].properties, {}};
  for (EditId c : nodes_[id].children) copy.children.push_back(copy_subtree(c));
  return copy;
}

}  // namespace ovl::rpi
