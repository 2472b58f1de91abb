// An of_changeset: an ordered list of node and property changes to the live tree, applied and
// reverted as a unit (drivers/of/dynamic.c).
#pragma once

#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "core/tree/changeset_action.h"
#include "core/tree/device_tree.h"

#include <functional>
#include <vector>

namespace ovl {

struct ChangesetEntry {
  ChangesetAction action;
  NodeId node;
  Property property;      // the property added, removed or set (empty for node actions)
  Property old_property;  // UPDATE: the value it replaced, captured when the entry was made
  bool had_old_property = false;
  // UPDATE: whether the kernel holds the replaced property (ce->old_prop): from the entry's
  // creation before v6.6, only once it is applied since (profile changeset-old-property-at-apply).
  // Without it an UPDATE reverts as a REMOVE of its own property.
  bool old_property_recorded = false;
};

// Called after each entry took effect, with the action actually carried out (inverted when
// reverting): how sysfs references and notifications follow the entries.
using EntryHook = std::function<void(const ChangesetEntry&, ChangesetAction)>;

class Changeset {
 public:
  void attach_node(NodeId node);
  void add_property(NodeId node, Property property);
  // `record_now`: the kernel records the replaced property at once (before v6.6).
  void update_property(NodeId node, Property property, const Property* current, bool record_now);

  const std::vector<ChangesetEntry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

  // __of_changeset_apply_entries: apply in order; on the first failure, print it and revert what
  // was applied. Returns 0 or the failing entry's errno; `revert_error` is set when that revert
  // fails too (the kernel then marks the devicetree state suspect).
  int apply_entries(DeviceTree& tree, const KernelProfile& profile, KernelLog& log, int& revert_error,
                    const EntryHook& hook = {});
  // __of_changeset_revert_entries: the mirror image, newest entry first.
  int revert_entries(DeviceTree& tree, const KernelProfile& profile, KernelLog& log, int& apply_error,
                     const EntryHook& hook = {});

 private:
  std::vector<ChangesetEntry> entries_;
};

// One entry, forwards (`revert` false) or inverted; 0 or the kernel's negative errno, with the
// kernel's failure line printed.
int apply_entry(DeviceTree& tree, const ChangesetEntry& entry, bool revert,
                const KernelProfile& profile, KernelLog& log, const EntryHook& hook = {});

// The action an entry carries out forwards or reverted (an UPDATE that created its property, or
// was never applied, is undone by a REMOVE).
ChangesetAction effective_action(const ChangesetEntry& entry, bool revert);

}  // namespace ovl
