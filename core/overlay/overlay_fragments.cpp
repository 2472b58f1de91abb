#include "core/overlay/overlay_fragments.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"
#include "core/util/big_endian.h"

namespace ovl {
namespace {

// of_get_child_by_name: the first child whose name without unit address matches.
NodeId child_named(const DeviceTree& tree, NodeId parent, std::string_view name) {
  NodeId found = kNoNode;
  tree.for_each_child(parent, [&](NodeId c) {
    if (found == kNoNode && DeviceTree::base_name(tree.node(c).full_name) == name) found = c;
  });
  return found;
}

// find_target: `target` (a phandle) wins when it reads as a u32; then `target-path`.
NodeId find_target(const DeviceTree& live, const DeviceTree& overlay, NodeId info, KernelLog& log) {
  const PropertyList& props = overlay.node(info).properties;
  std::string fragment = overlay.path(info);
  if (const Property* target = props.find("target"); target != nullptr && target->value.size() >= 4) {
    std::uint32_t phandle = read_be32(target->value.data());
    NodeId node = live.find_by_phandle(phandle);
    if (node == kNoNode) {
      log.report({"target-not-found", Severity::kError, fragment,
                  kmsg::target_phandle_not_found(fragment, phandle),
                  "the fragment's target phandle is not in the live tree", {}});
    }
    return node;
  }
  // of_property_read_string refuses an empty or unterminated value: that counts as no property.
  if (const Property* path = props.find("target-path");
      path != nullptr && !path->value.empty() && path->as_string().size() < path->value.size()) {
    std::string target_path(path->as_string());
    NodeId node = live.find_by_path(target_path);
    if (node == kNoNode) {
      log.report({"target-not-found", Severity::kError, fragment,
                  kmsg::target_path_not_found(fragment, target_path),
                  "the fragment's target-path is not in the live tree", {}});
    }
    return node;
  }
  log.report({"no-target", Severity::kError, fragment, kmsg::target_missing(fragment),
              "the fragment has neither a usable target nor target-path property", {}});
  return kNoNode;
}

int find(const DeviceTree& live, const DeviceTree& overlay, OverlayFragments& out, KernelLog& log) {
  int err = 0;
  overlay.for_each_child(overlay.root(), [&](NodeId info) {
    if (err != 0) return;
    NodeId body = child_named(overlay, info, "__overlay__");
    if (body == kNoNode) return;
    NodeId target = find_target(live, overlay, info, log);
    if (target == kNoNode) err = -kEINVAL;
    out.fragments.push_back({info, body, target});
  });
  if (err != 0) return err;

  if (NodeId symbols = child_named(overlay, overlay.root(), "__symbols__"); symbols != kNoNode) {
    NodeId live_symbols = live.find_by_path("/__symbols__");
    if (live_symbols == kNoNode) {
      log.report({"no-live-symbols", Severity::kError, "/__symbols__",
                  kmsg::symbols_without_live_symbols(),
                  "the overlay defines labels but the base has no __symbols__ node to add them "
                  "to; compile the base with dtc -@",
                  {}});
      return -kEINVAL;
    }
    out.fragments.push_back({kNoNode, symbols, live_symbols});
    out.has_symbols_fragment = true;
  }
  if (out.fragments.empty()) {
    log.report({"no-fragments", Severity::kError, "/", kmsg::no_fragments(),
                "the overlay has no fragment with an __overlay__ node and no __symbols__", {}});
    return -kEINVAL;
  }
  return 0;
}

}  // namespace

int find_fragments(const DeviceTree& live, const DeviceTree& overlay, OverlayFragments& out,
                   KernelLog& log) {
  int err = find(live, overlay, out, log);
  if (err != 0) log.print(Severity::kError, kmsg::init_failed(err));
  return err;
}

}  // namespace ovl
