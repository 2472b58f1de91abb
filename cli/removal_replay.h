// One replay of apply-then-remove from a booted base: what `remove` prints twice (without and
// with the barrier) and what `check --lifecycle` turns into findings.
#pragma once

#include "cli/input_files.h"
#include "cli/removal_order.h"
#include "cli/remove_report.h"
#include "core/devices/driver_set.h"
#include "core/kernel/kernel_profile.h"
#include "core/replay/overlay_session.h"
#include "core/tree/device_tree.h"

#include <functional>
#include <string>
#include <vector>

namespace ovl::cli {

struct ReplayOptions {
  bool barrier = false;   // of_changeset_destroy() waits for pending releases first
  bool trace = false;     // record every step
  bool worst_case = false;  // every deferred release, even one queued while applying, waits to the end
  // Called once every overlay is applied, before any removal (check's lints look at the session).
  std::function<void(const OverlaySession&)> after_apply;
};

// Boots `base`, applies `overlays` (named by `labels`) in order, then removes them
// as `order` says. When `apply_report` is given, the boot findings and the apply outcomes go there
// too (its exit_status is raised to kExitFindings on an apply error). Copies the trees: several
// replays may run from the same inputs, in parallel.
RemovalRun replay_removal(const DeviceTree& base, const std::vector<const DeviceTree*>& overlays,
                          const KernelProfile& profile, const DriverSet& drivers,
                          const std::vector<std::string>& labels, const std::vector<RemovalStep>& order,
                          const ReplayOptions& options, ApplyReport* apply_report);

// An error line or an unbalanced node in any of the run's removals or releases.
bool run_has_error(const RemovalRun& run);

}  // namespace ovl::cli

namespace ovl::cli {

// The trees of loaded inputs, for replay_removal().
std::vector<const DeviceTree*> overlay_trees(const Inputs& inputs);

}  // namespace ovl::cli
