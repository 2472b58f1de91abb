// An overlay as Raspberry Pi's dtoverlay edits it: a tree with libfdt's editing rules, not the
// kernel's. dtoverlay prepares an overlay blob with libfdt calls (fdt_setprop, fdt_add_subnode,
// fdt_set_name, ...) before the kernel ever sees it, and those calls leave an order behind that
// the kernel later replays property by property: a new property goes first among its node's
// properties, a new subnode first among its siblings. This tree keeps that order so that the
// prepared overlay is the blob dtoverlay writes, not merely an equivalent one.
//
// Name lookups follow libfdt too (fdt_subnode_offset): "foo" finds "foo" or, failing that,
// any "foo@unit", while "foo@1" finds only "foo@1".
#pragma once

#include "core/tree/device_tree.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ovl::rpi {

using EditId = int;
inline constexpr EditId kNoEdit = -1;

struct EditProperty {
  std::string name;
  Bytes value;
};

struct EditNode {
  std::string name;
  EditId parent = kNoEdit;
  std::vector<EditId> children;  // blob order
  std::vector<EditProperty> properties;  // blob order
};

// A detached copy of a subtree, so that merging it elsewhere in the same tree reads the source
// as it was before the merge started (dtoverlay merges from a snapshot of the blob).
struct SubtreeCopy {
  std::string name;
  std::vector<EditProperty> properties;
  std::vector<SubtreeCopy> children;
};

class OverlayTree {
 public:
  // The attached nodes and real (non-synthetic) properties of `tree`, in list order.
  static OverlayTree from_device_tree(const DeviceTree& tree);
  // The tree as the kernel's unflatten would hold it (phandles from `phandle`/`linux,phandle`).
  DeviceTree to_device_tree() const;

  EditId root() const { return 0; }
  const EditNode& node(EditId id) const { return nodes_[id]; }

  // fdt_subnode_offset: the first child named `name`, or named `name@...` when `name` has no '@'.
  EditId subnode(EditId parent, std::string_view name) const;
  // fdt_path_offset for absolute paths ("/a/b"; repeated '/' are skipped).
  EditId find_path(std::string_view path) const;
  // fdt_node_offset_by_phandle: the first node in blob order whose phandle is `phandle`.
  EditId find_phandle(std::uint32_t phandle) const;
  // fdt_get_path.
  std::string path(EditId id) const;

  const Bytes* property(EditId id, std::string_view name) const;
  // fdt_setprop: replaced in place when present, otherwise inserted first.
  void set_property(EditId id, std::string_view name, Bytes value);
  // fdt_appendprop: appended to the value in place, or a new (first) property.
  void append_property(EditId id, std::string_view name, const Bytes& tail);
  // fdt_delprop; false when there was no such property.
  bool delete_property(EditId id, std::string_view name);
  // fdt_add_subnode: a new node, first among the children of `parent`.
  EditId add_subnode(EditId parent, std::string name);
  // fdt_del_node.
  void delete_node(EditId id);
  // fdt_set_name alone (dtoverlay's renames also patch paths: rename_node in rpi_fixup_paths.h).
  void set_name(EditId id, std::string name);

  SubtreeCopy copy_subtree(EditId id) const;

  // Where the node's FDT_BEGIN_NODE tag would sit in the blob's structure block, counting the
  // bytes of everything before it (dtoverlay compares such offsets after edits; see
  // rpi_fragment_merge.cpp). One walk.
  std::size_t structure_offset(EditId id) const;
  // The node whose FDT_BEGIN_NODE tag sits at `offset`, or kNoEdit (an offset inside a node).
  EditId node_at_structure_offset(std::size_t offset) const;

 private:
  void invalidate_phandles() { phandles_valid_ = false; }
  void index_phandles() const;

  std::vector<EditNode> nodes_;  // a deleted node stays here, unreachable
  // First node in blob order per phandle, rebuilt when a phandle property or the node set
  // changes (overlays are small; the rebuild is one walk).
  mutable std::unordered_map<std::uint32_t, EditId> phandle_index_;
  mutable bool phandles_valid_ = false;
};

// libfdt's name rule for subnode lookups.
bool fdt_name_matches(std::string_view node_name, std::string_view wanted);

}  // namespace ovl::rpi
