// The kernel's overlay state for one replay: the live tree, the applied overlays (ovcs_list) and
// their ids, and the sticky "devicetree state suspect" flags. `apply` is of_overlay_fdt_apply().
#pragma once

#include "core/changeset.h"
#include "core/device_tree.h"
#include "core/kernel_log.h"
#include "core/kernel_profile.h"
#include "core/overlay_fragments.h"

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

struct ApplyOutcome {
  int id = 0;           // the overlay id the kernel hands back (0: none)
  bool applied = false; // the changeset is in the live tree
  int result = 0;       // of_overlay_fdt_apply()'s return value: 0 or a negative errno
  ChangesetSummary changeset;
  KernelLog log;
  // The finding that made the kernel refuse, or empty.
  std::string error_code() const;
};

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
  OverlaySession(DeviceTree base, KernelProfile profile);

  // Applies an unflattened overlay blob; `label` names it in reports (its file name).
  ApplyOutcome apply(const std::string& label, DeviceTree overlay);

  const DeviceTree& live() const { return live_; }
  const KernelProfile& profile() const { return profile_; }
  const std::vector<std::unique_ptr<AppliedOverlay>>& overlays() const { return overlays_; }
  bool devicetree_suspect() const { return apply_failed_ || revert_failed_; }

 private:
  int allocate_id();  // idr_alloc(..., 1, 0): the lowest free id from 1
  int run_apply(AppliedOverlay& ovcs, ApplyOutcome& outcome);

  DeviceTree live_;
  KernelProfile profile_;
  std::vector<std::unique_ptr<AppliedOverlay>> overlays_;  // ovcs_list, oldest first
  std::set<int> ids_in_use_;
  bool apply_failed_ = false;   // DTSF_APPLY_FAIL
  bool revert_failed_ = false;  // DTSF_REVERT_FAIL
  std::uint64_t next_property_identity_ = 1;
};

}  // namespace ovl
