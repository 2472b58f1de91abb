#include "core/rpi/rpi_fragment_merge.h"

#include "core/rpi/rpi_fixup_paths.h"
#include "core/util/big_endian.h"

#include <set>

namespace ovl::rpi {
namespace {

bool is_fragment_name(const std::string& name) {
  return name.rfind("fragment@", 0) == 0 || name.rfind("fragment-", 0) == 0;
}

bool is_phandle_name(const std::string& name) { return name == "phandle" || name == "linux,phandle"; }

// dtoverlay_merge_fragment: properties set (new ones first, as fdt_setprop adds them), bootargs
// appended, subnodes merged into a same-named child or added first. A fragment's top-level
// phandle stays behind unless the fragment says `dtoverlay,preserve-phandle`.
void merge_into(OverlayTree& tree, EditId target, const SubtreeCopy& source, int depth) {
  bool preserve_phandles = depth > 0;
  for (const EditProperty& p : source.properties) {
    if (p.name == "dtoverlay,preserve-phandle") preserve_phandles = true;
  }
  for (const EditProperty& p : source.properties) {
    if (p.name == "name" || p.name == "dtoverlay,preserve-phandle") continue;
    if (!preserve_phandles && is_phandle_name(p.name)) continue;
    const Bytes* old = tree.property(target, p.name);
    if (p.name == "bootargs" && old != nullptr && !old->empty() && (*old)[0] != 0) {
      Bytes joined = *old;
      joined.back() = ' ';
      joined.insert(joined.end(), p.value.begin(), p.value.end());
      tree.set_property(target, p.name, std::move(joined));
    } else {
      tree.set_property(target, p.name, p.value);
    }
  }
  for (const SubtreeCopy& child : source.children) {
    EditId into = tree.subnode(target, child.name);
    if (into == kNoEdit) into = tree.add_subnode(target, child.name);
    merge_into(tree, into, child, depth + 1);
  }
}

// dtoverlay_create_node: walks `path`, adding what is missing.
EditId create_path(OverlayTree& tree, const std::string& path) {
  EditId at = tree.root();
  std::size_t p = 0;
  while (p < path.size()) {
    ++p;  // the '/'
    std::size_t q = std::min(path.find('/', p), path.size());
    std::string name = path.substr(p, q - p);
    EditId next = tree.subnode(at, name);
    at = next != kNoEdit ? next : tree.add_subnode(at, name);
    p = q;
  }
  return at;
}

// dtoverlay's intra_fragment_merged_callback, second half: the fragment's __local_fixups__
// mirror is merged into a mirror of the target (created as needed), so that the kernel still
// relocates the local phandles the payload carries to its new place.
//
// dtoverlay finds the source by its byte offset before it creates the target's mirror and only
// looks it up again when the new mirror lies before that offset. When the created nodes push the
// source back by exactly as many bytes as lie between, the stale offset names the new mirror
// itself, and dtoverlay merges the mirror into itself: the local fixups are lost, and the kernel
// will not relocate those phandles. ovlcheck replays that offset arithmetic (recorded case
// fragments-*), so that its prediction is the kernel's, not the intended one.
void copy_local_fixups(OverlayTree& tree, const std::string& fragment_path, const std::string& target_path) {
  EditId source = tree.find_path("/__local_fixups__" + fragment_path);
  if (source == kNoEdit) return;  // no local phandles in the payload
  const std::size_t source_offset = tree.structure_offset(source);
  const SubtreeCopy source_copy = tree.copy_subtree(source);
  EditId mirror = create_path(tree, "/__local_fixups__" + target_path);
  const std::size_t mirror_offset = tree.structure_offset(mirror);
  if (mirror_offset < source_offset) {
    merge_into(tree, mirror, source_copy, 1);  // dtoverlay re-finds the source in a copy
    return;
  }
  EditId stale = tree.node_at_structure_offset(source_offset);
  if (stale == kNoEdit) return;  // not a node: libfdt finds nothing to merge there
  merge_into(tree, mirror, tree.copy_subtree(stale), 1);
}

std::vector<std::string> filter_symbols(OverlayTree& tree) {
  std::vector<std::string> removed;
  EditId symbols = tree.find_path("/__symbols__");
  if (symbols == kNoEdit) return removed;
  EditId exports = tree.find_path("/__exports__");
  std::set<std::string> exported;
  if (exports != kNoEdit) {
    for (const EditProperty& p : tree.node(exports).properties) exported.insert(p.name);
  }
  std::vector<std::string> labels;
  for (const EditProperty& p : tree.node(symbols).properties) labels.push_back(p.name);
  for (const std::string& label : labels) {
    if (exported.count(label) == 0) removed.push_back(label);
  }
  if (exports == kNoEdit) {
    tree.delete_node(symbols);  // no exports: every label is private
  } else {
    for (const std::string& label : removed) tree.delete_property(symbols, label);
  }
  return removed;
}

// dtoverlay_get_target_offset without a base: the node of the overlay a fragment's `target`
// names, or kNoEdit when the target is a path or outside the overlay.
EditId local_target(const OverlayTree& tree, EditId fragment, std::uint32_t max_phandle) {
  if (tree.property(fragment, "target-path") != nullptr) return kNoEdit;
  const Bytes* target = tree.property(fragment, "target");
  if (target == nullptr || target->size() != 4) return kNoEdit;
  std::uint32_t phandle = read_be32(target->data());
  if (static_cast<std::int32_t>(phandle) < 0 || phandle > max_phandle) return kNoEdit;
  return tree.find_phandle(phandle);
}

}  // namespace

std::uint32_t largest_phandle(const OverlayTree& tree) {
  std::uint32_t largest = 0;
  std::vector<EditId> stack{tree.root()};
  while (!stack.empty()) {
    EditId id = stack.back();
    stack.pop_back();
    const Bytes* value = tree.property(id, "phandle");
    if (value == nullptr || value->size() != 4) value = tree.property(id, "linux,phandle");
    if (value != nullptr && value->size() == 4) largest = std::max(largest, read_be32(value->data()));
    const auto& children = tree.node(id).children;
    stack.insert(stack.end(), children.begin(), children.end());
  }
  return largest;
}

MergeOutcome merge_intra_overlay_fragments(OverlayTree& tree, std::uint32_t max_phandle) {
  MergeOutcome outcome;
  outcome.symbols_removed = filter_symbols(tree);
  // By index, re-reading the root's children each time, as dtoverlay re-finds its place.
  for (std::size_t i = 0; i < tree.node(tree.root()).children.size(); ++i) {
    EditId fragment = tree.node(tree.root()).children[i];
    if (!is_fragment_name(tree.node(fragment).name)) continue;
    EditId overlay = tree.subnode(fragment, "__overlay__");
    if (overlay == kNoEdit) continue;  // dormant (or malformed): left as it is
    EditId target = local_target(tree, fragment, max_phandle);
    if (target == kNoEdit) continue;

    const std::string fragment_path = tree.path(overlay);
    const std::string target_path = tree.path(target);
    rebase_fixups(tree, fragment_path + ":", target_path + ":");
    copy_local_fixups(tree, fragment_path, target_path);
    SubtreeCopy payload = tree.copy_subtree(overlay);
    merge_into(tree, target, payload, 0);

    fragment = tree.node(tree.root()).children[i];
    overlay = tree.subnode(fragment, "__overlay__");
    if (overlay != kNoEdit) rename_node(tree, overlay, "__dormant__");
    outcome.fragments_merged.push_back(tree.path(fragment) + " -> " + target_path);
  }
  return outcome;
}

}  // namespace ovl::rpi
