// A device tree as the kernel holds it in memory (struct device_node), not as a blob.
//
// Nodes live in an arena and are named by NodeId. Like the kernel, a node knows its parent even
// while it is detached (an overlay node that a changeset has created but not yet attached), and
// only attached nodes are reachable from the root, by path, or by phandle. Children keep the
// kernel's list order: unflatten appends in blob order, an overlay ATTACH puts the node first.
//
// Lookups are indexed (children by name, nodes by phandle, properties of large nodes by name) so
// that applying an overlay never rescans the tree.
#pragma once

#include "core/tree/property_list.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ovl {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

// The kernel's OF_PHANDLE_ILLEGAL: never counted as the largest phandle, never shifted.
inline constexpr std::uint32_t kIllegalPhandle = 0xdeadbeef;

// The kernel's node flags (include/linux/of.h) that ovlcheck replays.
enum NodeFlag : std::uint32_t {
  kFlagDynamic = 1u << 0,          // OF_DYNAMIC: allocated at run time, may be freed
  kFlagDetached = 1u << 1,         // OF_DETACHED: not linked into the live tree
  kFlagPopulated = 1u << 2,        // OF_POPULATED: a device was created for the node
  kFlagPopulatedBus = 1u << 3,     // OF_POPULATED_BUS: its children were populated
  kFlagOverlay = 1u << 4,          // OF_OVERLAY: created by an overlay changeset
  kFlagOverlayFreeCset = 1u << 5,  // OF_OVERLAY_FREE_CSET: its changeset let go of it cleanly
  kFlagFreed = 1u << 6,            // (no kernel flag) of_node_release() freed it: its memory is gone
};

// fwnode flags (include/linux/fwnode.h) that fw_devlink reads; kept on the node as the kernel does.
enum FwnodeFlag : std::uint32_t {
  kFwnodeLinksAdded = 1u << 0,  // FWNODE_FLAG_LINKS_ADDED: its supplier properties were parsed
  kFwnodeNotDevice = 1u << 1,   // FWNODE_FLAG_NOT_DEVICE: will not become a device of its own
  kFwnodeInitialized = 1u << 2, // FWNODE_FLAG_INITIALIZED: set up at boot without a device
};

struct Node {
  std::string full_name;  // the node's own name with unit address; "" for the root
  NodeId parent = kNoNode;
  NodeId first_child = kNoNode;
  NodeId last_child = kNoNode;
  NodeId next_sibling = kNoNode;
  NodeId prev_sibling = kNoNode;
  PropertyList properties;
  std::vector<Property> deadprops;  // removed or replaced properties, kept as the kernel does
  std::uint32_t phandle = 0;
  std::uint32_t flags = 0;
  std::uint32_t fwnode_flags = 0;
  bool linked = false;  // reachable from its parent's child list

  bool has(NodeFlag flag) const { return (flags & flag) != 0; }
};

// Key of the child-name index: (parent, name), compared ignoring ASCII case (of_node_cmp) and
// looked up without building a string; exact-case lookups pick from the matches.
struct ChildKey {
  NodeId parent;
  std::string name;
};
struct ChildKeyView {
  NodeId parent;
  std::string_view name;
};
struct ChildKeyHash {
  using is_transparent = void;
  std::size_t operator()(const ChildKeyView& k) const;
  std::size_t operator()(const ChildKey& k) const { return (*this)(ChildKeyView{k.parent, k.name}); }
};
struct ChildKeyEqual {
  using is_transparent = void;
  static ChildKeyView view(const ChildKey& k) { return {k.parent, k.name}; }
  static ChildKeyView view(const ChildKeyView& k) { return k; }
  static bool same(ChildKeyView a, ChildKeyView b);
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return same(view(a), view(b));
  }
};

class DeviceTree {
 public:
  DeviceTree();  // a tree holding only an attached root node

  NodeId root() const { return 0; }
  const Node& node(NodeId id) const { return nodes_[id]; }
  Node& node(NodeId id) { return nodes_[id]; }
  std::size_t node_count() const { return nodes_.size(); }

  // A new node whose parent is `parent` but which is not in its child list yet.
  NodeId create_node(std::string full_name, NodeId parent);
  // Link a created node into its parent's child list: last (unflatten) or first (overlay attach).
  void link_last(NodeId id);
  void link_first(NodeId id);
  // Take a node out of its parent's child list (its own children stay under it).
  void unlink(NodeId id);

  // Setting a phandle keeps the phandle index and the running maximum right.
  void set_phandle(NodeId id, std::uint32_t phandle);

  // Children in list order; `fn(NodeId)`.
  template <class Fn>
  void for_each_child(NodeId id, Fn&& fn) const {
    for (NodeId c = nodes_[id].first_child; c != kNoNode; c = nodes_[c].next_sibling) fn(c);
  }

  // The first linked child whose full name equals `name` exactly (path lookup, strncmp).
  NodeId find_child(NodeId parent, std::string_view name) const;
  // The first linked child whose full name equals `name` ignoring ASCII case (of_node_cmp).
  NodeId find_child_ignore_case(NodeId parent, std::string_view name) const;
  // of_find_node_opts_by_path: "/a/b@1", an alias ("serial0/x"), ":options" ignored.
  NodeId find_by_path(std::string_view path) const;
  // __of_find_node_by_full_path: "/a/b" below `from`; a path that does not start with '/'
  // (even "") stops at `from` itself, as the kernel's loop does.
  NodeId walk_path(NodeId from, std::string_view path) const;
  // of_find_node_by_phandle: attached nodes only.
  NodeId find_by_phandle(std::uint32_t phandle) const;
  // The largest phandle of an attached node, ignoring kIllegalPhandle; 0 when there is none.
  std::uint32_t max_phandle() const;

  // %pOF: "/" for the root, "/a/b@1" otherwise; works for detached nodes through `parent`.
  std::string path(NodeId id) const;
  // The name without unit address ("b" for "b@1").
  static std::string_view base_name(std::string_view full_name);
  bool is_ancestor(NodeId ancestor, NodeId id) const;

 private:
  NodeId first_child_named(NodeId parent, std::string_view name, bool ignore_case) const;
  void index_link(NodeId id);
  void index_unlink(NodeId id);

  std::vector<Node> nodes_;
  // Linked children by (parent, name ignoring case). Same-named siblings are legal in a blob, so
  // each key keeps every child; the first in list order wins a lookup.
  std::unordered_map<ChildKey, std::vector<NodeId>, ChildKeyHash, ChildKeyEqual> children_by_name_;
  std::unordered_map<std::uint32_t, std::vector<NodeId>> nodes_by_phandle_;
  std::map<std::uint32_t, std::uint32_t> phandle_counts_;  // attached phandles, for max_phandle()
};

}  // namespace ovl
