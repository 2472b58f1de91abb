// of_overlay_remove(): the topmost rule, revert, notifications (devices go), then
// free_overlay_changeset() -> of_changeset_destroy(), where unbalanced nodes show.
#include "core/replay/overlay_session.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"

#include <algorithm>
#include <unordered_set>

namespace ovl {
namespace {

// A node and, while it is attached, its ancestors: the nodes find_node() can reach it from.
std::vector<NodeId> reachable_from(const DeviceTree& tree, NodeId node) {
  std::vector<NodeId> chain = {node};
  for (NodeId at = node; tree.node(at).linked && tree.node(at).parent != kNoNode;) {
    at = tree.node(at).parent;
    chain.push_back(at);
  }
  return chain;
}

}  // namespace

// overlay_removal_is_ok(): no later overlay may have an entry on a node of ours, an ancestor of
// one, or a descendant of one.
bool OverlaySession::removal_is_ok(const AppliedOverlay& ovcs, KernelLog& log) const {
  auto self = std::find_if(overlays_.begin(), overlays_.end(), [&](const auto& o) { return o.get() == &ovcs; });
  struct Later {
    int id;
    std::unordered_set<NodeId> entries;    // its entry nodes
    std::unordered_set<NodeId> enclosing;  // those nodes and their ancestors
  };
  std::vector<Later> later;
  for (auto it = overlays_.end(); it != self + 1;) {
    --it;
    Later l{(*it)->id, {}, {}};
    for (const ChangesetEntry& e : (*it)->changeset.entries()) {
      l.entries.insert(e.node);
      for (NodeId n : reachable_from(live_, e.node)) l.enclosing.insert(n);
    }
    later.push_back(std::move(l));
  }
  for (const ChangesetEntry& e : ovcs.changeset.entries()) {
    std::vector<NodeId> ours = reachable_from(live_, e.node);
    for (const Later& l : later) {
      bool overlaps = l.enclosing.count(e.node) != 0 ||
                      std::any_of(ours.begin(), ours.end(), [&](NodeId n) { return l.entries.count(n) != 0; });
      if (!overlaps) continue;
      std::string path = live_.path(e.node);
      log.print(Severity::kError, kmsg::overlaps_later(ovcs.id, l.id, path));
      log.report({"not-topmost", Severity::kError, path, kmsg::not_topmost(ovcs.id),
                  "overlay #" + std::to_string(l.id) +
                      ", applied later, changes this node, an ancestor or a descendant: remove it first",
                  {}});
      return false;
    }
  }
  return true;
}

// Reverting a changeset that was never applied: before v6.6 an UPDATE entry already holds the
// property it would replace, so its revert "restores" that one and removes the sysfs file of its
// own property, which was never created: the kernel (6.1.192, observed with the oracle)
// dereferences NULL when it meets such an entry before any entry fails. From v6.6 the entry
// reverts as a REMOVE of its own property, which fails cleanly (-ENODEV).
bool OverlaySession::revert_would_crash(const AppliedOverlay& ovcs, KernelLog& log) {
  const auto& entries = ovcs.changeset.entries();
  for (std::size_t i = entries.size(); i-- > 0;) {
    ChangesetAction action = effective_action(entries[i], true);
    if (action == ChangesetAction::kRemoveProperty || action == ChangesetAction::kAddProperty) return false;
    if (entries[i].action != ChangesetAction::kUpdateProperty) continue;
    std::string path = live_.path(entries[i].node) + "/" + entries[i].property.name;
    log.add({"kernel-oops", Severity::kError, path, "",
             "removing this refused overlay reverts an UPDATE entry that was never applied; the "
             "kernel oopses (NULL pointer dereference removing a sysfs file that was never made, "
             "seen on 6.1.192)",
             {}});
    return true;
  }
  return false;
}

RemoveOutcome OverlaySession::remove(int id, bool barrier) {
  RemoveOutcome outcome;
  outcome.id = id;
  KernelLog& log = outcome.log;
  if (crashed_) {
    log.add({"kernel-crashed", Severity::kError, "", "", "the kernel crashed earlier in this replay", {}});
    outcome.result = -kEBUSY;
    return outcome;
  }
  if (devicetree_suspect()) {
    log.report({"devicetree-suspect", Severity::kError, "", kmsg::devicetree_suspect_on_remove(),
                "an earlier apply or remove failed half-way; the kernel refuses to remove overlays", {}});
    outcome.result = -kEBUSY;
    return outcome;
  }
  auto it = std::find_if(overlays_.begin(), overlays_.end(), [&](const auto& o) { return o->id == id; });
  if (it == overlays_.end()) {
    log.report({"no-such-overlay", Severity::kError, "", kmsg::remove_not_found(id),
                "no overlay has this id", {}});
    outcome.result = -kENODEV;
    return outcome;
  }
  if (!removal_is_ok(**it, log)) {
    outcome.result = -kEBUSY;
    return outcome;
  }
  std::unique_ptr<AppliedOverlay> ovcs = std::move(*it);
  std::size_t position = static_cast<std::size_t>(it - overlays_.begin());
  overlays_.erase(it);
  if (!ovcs->applied && revert_would_crash(*ovcs, log)) {
    crashed_ = true;
    outcome.result = -kEFAULT;
    return outcome;
  }
  int apply_error = 0;
  auto hook = [&](const ChangesetEntry& entry, ChangesetAction action) { follow_entry(entry, action, log); };
  if (int err = ovcs->changeset.revert_entries(live_, profile_, log, apply_error, hook)) {
    if (apply_error != 0) revert_failed_ = true;
    // The changeset stays on the overlay list (free_overlay_changeset() never ran): later
    // removals still see it, as a later overlay and by its id.
    overlays_.insert(overlays_.begin() + static_cast<std::ptrdiff_t>(position), std::move(ovcs));
    outcome.result = err;
    return outcome;
  }
  notify_entries(*ovcs, true, log);
  outcome.devices = device_changes();
  destroy_changeset(*ovcs, barrier, outcome);
  ids_in_use_.erase(id);
  for (const Fragment& f : ovcs->fragments.fragments) {
    if (f.target != kNoNode) put_node(f.target, target_holder(*ovcs), log);
  }
  outcome.removed = true;
  return outcome;
}

// of_changeset_destroy(): newest entry first. An overlay node's ATTACH entry expects to hold
// the last reference; anything more is printed, and the node will be leaked when it goes.
void OverlaySession::destroy_changeset(AppliedOverlay& ovcs, bool barrier, RemoveOutcome& outcome) {
  KernelLog& log = outcome.log;
  if (barrier) {
    trace_.record("barrier", "of_changeset_destroy() waits for " +
                                 std::to_string(devices_.pending_releases().size()) + " pending device-link release(s)");
    devices_.run_all_releases(log);
  }
  const auto& entries = ovcs.changeset.entries();
  for (std::size_t i = entries.size(); i-- > 0;) {
    NodeId node = entries[i].node;
    if (entries[i].action == ChangesetAction::kAttachNode && live_.node(node).has(kFlagOverlay)) {
      int count = refs_.count(node);
      std::string path = live_.path(node);
      if (trace_.enabled()) trace_.record("destroy", "destroy check of the ATTACH entry: refcount " + std::to_string(count) +
                                   (count > 1 ? ", expected 1" : ", as expected"),
                    path, count);
      if (count > 1) {
        UnbalancedNode u{path, count, kmsg::destroy_unbalanced(count, path), {}, {}, true};
        bool skipped_entry = false;
        for (const std::string& holder : refs_.holders(node)) {
          if (!skipped_entry && holder == entry_holder(ovcs)) {
            skipped_entry = true;
            continue;
          }
          u.holders.push_back(devices_.explain_holder(holder));
          if (!devices_.held_only_by_pending_links(holder, u.pending_releases)) u.only_pending_releases = false;
        }
        log.report({"unbalanced-refcount", Severity::kError, path, u.message,
                    "the node still has " + std::to_string(count - 1) +
                        " reference(s) besides its changeset entry when the changeset is destroyed",
                    u.holders});
        outcome.unbalanced.push_back(std::move(u));
      } else {
        live_.node(node).flags |= kFlagOverlayFreeCset;
      }
    }
    put_node(node, entry_holder(ovcs), log);
  }
}

void OverlaySession::run_deferred_releases(KernelLog& log) { devices_.run_all_releases(log); }

void OverlaySession::run_deferred_release(std::size_t index, KernelLog& log) {
  devices_.run_release(index, log);
}

}  // namespace ovl
