// Who holds overlay nodes: the changeset entries, sysfs, devices (kernel-model-of.md §1.7, §3.4),
// and what the kernel says when the last reference goes (of_node_release, §3.3).
#include "core/replay/overlay_session.h"

#include "core/kernel/kernel_messages.h"

namespace ovl {
namespace {

std::string creation_holder(const AppliedOverlay& o) { return "overlay " + o.label + " building its changeset"; }
const char* const kSysfsHolder = "sysfs (node attached)";
std::string sysfs_child_holder(const std::string& child) { return "sysfs child " + child; }

}  // namespace

// Holders are named after the overlay's file, not its id: before v5.19 the id comes only after
// the changeset is built.
std::string entry_holder(const AppliedOverlay& o) { return "changeset entry of overlay " + o.label; }
std::string target_holder(const AppliedOverlay& o) { return "fragment target of overlay " + o.label; }

// init_overlay_changeset() holds every target; each changeset entry holds its node; a new node
// is born with one reference that add_changeset_node() drops once its subtree is built.
void OverlaySession::take_references(AppliedOverlay& ovcs) {
  for (const Fragment& f : ovcs.fragments.fragments) {
    if (f.target != kNoNode) refs_.get(f.target, target_holder(ovcs));
  }
  const auto& entries = ovcs.changeset.entries();
  const std::string creation = creation_holder(ovcs);
  const std::string entry = entry_holder(ovcs);
  for (const ChangesetEntry& e : entries) {
    if (e.action == ChangesetAction::kAttachNode) refs_.born(e.node, creation);
  }
  for (const ChangesetEntry& e : entries) refs_.get(e.node, entry);
  for (const ChangesetEntry& e : entries) {
    if (e.action == ChangesetAction::kAttachNode) refs_.put(e.node, creation);
  }
}

// Attaching exports the node to sysfs (+1 on it, +1 on its parent's kobject); detaching drops
// both at once (kobject_del, v5.8+).
void OverlaySession::follow_entry(const ChangesetEntry& entry, ChangesetAction action, KernelLog& log) {
  NodeId node = entry.node;
  if (trace_.enabled()) trace_.record("entry", std::string(action_name(action)) + " " + live_.path(node) +
                             (is_node_action(action) ? "" : "/" + entry.property.name),
                live_.path(node), refs_.count(node));
  NodeId parent = live_.node(node).parent;
  if (!is_node_action(action)) return;
  const std::string& name = live_.node(node).full_name;
  if (action == ChangesetAction::kAttachNode) {
    if (profile_.has(Feature::kOverlayNodesNotDevice) && !profile_.has(Feature::kOverlayNodesNotDeviceReverted)) {
      live_.node(node).fwnode_flags |= kFwnodeNotDevice;
    }
    refs_.get(node, kSysfsHolder);
    if (parent != kNoNode) refs_.get(parent, sysfs_child_holder(name));
  } else if (action == ChangesetAction::kDetachNode) {
    if (parent != kNoNode) put_node(parent, sysfs_child_holder(name), log);
    put_node(node, kSysfsHolder, log);
  }
}

void OverlaySession::put_node(NodeId node, const std::string& holder, KernelLog& log) {
  if (refs_.put(node, holder) == 0 && live_.node(node).has(kFlagDynamic)) release_node(node, log);
}

// of_node_release(): only dynamic nodes are ever freed; an overlay node whose changeset entry
// saw it unbalanced is leaked with a last complaint.
void OverlaySession::release_node(NodeId node, KernelLog& log) {
  Node& n = live_.node(node);
  std::string path = live_.path(node);
  if (!n.has(kFlagDetached)) {
    log.report({"bad-node-put", Severity::kError, path, kmsg::bad_node_put(profile_, path),
                "the node's last reference went while it was still in the live tree", {}});
    return;
  }
  if (n.has(kFlagOverlay) && !n.has(kFlagOverlayFreeCset)) {
    std::vector<std::string> causes;
    // %pOF walks the parents: one freed before this line prints its name from freed memory.
    for (NodeId up = n.parent; up != kNoNode; up = live_.node(up).parent) {
      if (live_.node(up).has(kFlagFreed)) {
        causes.push_back("the kernel prints this path through " + live_.path(up) +
                         ", which it freed earlier: in the real log that part of the path is "
                         "whatever the freed memory holds (often unprintable bytes)");
      }
    }
    log.report({"leak-before-free", Severity::kError, path, kmsg::leak_before_free(path),
                "the node's last reference went after its changeset was destroyed; the kernel "
                "leaks the node",
                std::move(causes)});
    return;
  }
  if (n.has(kFlagOverlay) && !n.properties.empty()) {
    log.report({"unexpected-properties", Severity::kError, path, kmsg::unexpected_properties(path),
                "the node was freed with properties still attached", {}});
  }
  n.flags |= kFlagFreed;
}

}  // namespace ovl
