// The kernel's overlay state for one replay: the live tree with its devices and device links,
// the applied overlays (ovcs_list) and their ids, the ledger of node references, and the sticky
// "devicetree state suspect" flags. `apply` is of_overlay_fdt_apply(), `remove` is
// of_overlay_remove() (drivers/of/overlay.c).
#pragma once

#include "core/devices/device_model.h"
#include "core/devices/driver_set.h"
#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "core/kernel/trace.h"
#include "core/overlay/changeset.h"
#include "core/overlay/overlay_fragments.h"
#include "core/tree/device_tree.h"
#include "core/tree/node_refs.h"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ovl {

struct ChangesetSummary {
  std::vector<std::string> nodes_added;         // full paths
  std::vector<std::string> properties_added;    // "/path/prop"
  std::vector<std::string> properties_updated;  // "/path/prop"
};

struct DeviceChange {
  std::string node;
  Bus bus;
  bool created;  // false: destroyed
};

struct LinkSummary {
  std::string consumer;  // node paths of the two devices
  std::string supplier;
  std::string property;
  std::vector<std::string> flags;
};

struct ApplyOutcome {
  int id = 0;           // the overlay id the kernel hands back (0: none)
  bool applied = false; // the changeset is in the live tree
  int result = 0;       // of_overlay_fdt_apply()'s return value: 0 or a negative errno
  ChangesetSummary changeset;
  std::vector<DeviceChange> devices;
  std::vector<LinkSummary> links;  // links created while applying
  KernelLog log;
  // The finding that made the kernel refuse, or empty.
  std::string error_code() const;
};

// One overlay node that of_changeset_destroy() found with more references than its entry.
struct UnbalancedNode {
  std::string node;
  int refcount = 0;  // what the kernel printed ("instead of N")
  std::string message;
  std::vector<std::string> holders;  // who holds the references beyond the changeset entry
  // The deferred device-link releases that would have balanced it had they run before the check,
  // and whether they are all that stands between it and a clean destroy.
  std::vector<std::string> pending_releases;
  bool only_pending_releases = false;
};

struct RemoveOutcome {
  int id = 0;
  bool removed = false;
  int result = 0;  // of_overlay_remove()'s return value
  std::vector<DeviceChange> devices;
  std::vector<UnbalancedNode> unbalanced;
  KernelLog log;
};

struct AppliedOverlay;
std::string entry_holder(const AppliedOverlay& overlay);
std::string target_holder(const AppliedOverlay& overlay);

// One overlay the kernel knows by id: applied, or (v5.19+) refused but not yet removed.
struct AppliedOverlay {
  int id = 0;
  std::string label;
  DeviceTree overlay;  // the unflattened overlay, after the resolver
  OverlayFragments fragments;
  Changeset changeset;
  bool applied = false;
};

class OverlaySession {
 public:
  OverlaySession(DeviceTree base, KernelProfile profile, DriverSet drivers = DriverSet::all());

  // of_platform_default_populate() and the OF_DECLARE providers; call once before anything else.
  void boot(KernelLog& log);
  // Records every step from now on (see core/kernel/trace.h).
  void enable_trace();
  // Keep every deferred device-link release pending until run_deferred_releases() (by default
  // the releases queued while applying, e.g. by a consumer binding, run before apply returns).
  void defer_releases_queued_by_apply() { defer_apply_releases_ = true; }
  const Trace& trace() const { return trace_; }
  ApplyOutcome apply(const std::string& label, DeviceTree overlay);
  // `barrier`: of_changeset_destroy() waits for pending device-link releases first (the 2020 RFC's
  // srcu_barrier, the 2024 fix's device_link_wait_removal()).
  RemoveOutcome remove(int id, bool barrier);
  // The deferred device-link releases run (what happens "a little later" in a real kernel).
  void run_deferred_releases(KernelLog& log);
  // The same, one at a time: pending release `index` (see devices().pending_releases()).
  void run_deferred_release(std::size_t index, KernelLog& log);

  const DeviceTree& live() const { return live_; }
  const KernelProfile& profile() const { return profile_; }
  const DeviceModel& devices() const { return devices_; }
  const NodeRefs& refs() const { return refs_; }
  const std::vector<std::unique_ptr<AppliedOverlay>>& overlays() const { return overlays_; }
  bool devicetree_suspect() const { return apply_failed_ || revert_failed_; }
  bool crashed() const { return crashed_; }

 private:
  int allocate_id();  // idr_alloc(..., 1, 0): the lowest free id from 1
  int run_apply(AppliedOverlay& ovcs, ApplyOutcome& outcome);
  void take_references(AppliedOverlay& ovcs);
  void follow_entry(const ChangesetEntry& entry, ChangesetAction action, KernelLog& log);
  void notify_entries(const AppliedOverlay& ovcs, bool revert, KernelLog& log);
  bool removal_is_ok(const AppliedOverlay& ovcs, KernelLog& log) const;
  bool revert_would_crash(const AppliedOverlay& ovcs, KernelLog& log);
  void destroy_changeset(AppliedOverlay& ovcs, bool barrier, RemoveOutcome& outcome);
  void put_node(NodeId node, const std::string& holder, KernelLog& log);
  void release_node(NodeId node, KernelLog& log);
  std::vector<DeviceChange> device_changes();

  DeviceTree live_;
  KernelProfile profile_;
  NodeRefs refs_;
  DeviceModel devices_;
  std::vector<std::unique_ptr<AppliedOverlay>> overlays_;  // ovcs_list, oldest first
  std::set<int> ids_in_use_;
  bool apply_failed_ = false;   // DTSF_APPLY_FAIL
  bool revert_failed_ = false;  // DTSF_REVERT_FAIL
  bool crashed_ = false;        // the replay reached a path where the real kernel oopses
  bool defer_apply_releases_ = false;
  std::uint64_t next_property_identity_ = 1;
  Trace trace_;
};

}  // namespace ovl
