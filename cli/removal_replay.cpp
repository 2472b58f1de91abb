#include "cli/removal_replay.h"

#include "cli/exit_status.h"
#include "core/replay/overlay_session.h"

namespace ovl::cli {

RemovalRun replay_removal(const DeviceTree& base, const std::vector<const DeviceTree*>& overlays,
                          const KernelProfile& profile, const DriverSet& drivers,
                          const std::vector<std::string>& labels, const std::vector<RemovalStep>& order,
                          const ReplayOptions& options, ApplyReport* apply_report) {
  RemovalRun run;
  run.barrier = options.barrier;
  run.matches_kernel = options.barrier == profile.has(Feature::kDeviceLinkWaitRemoval);
  OverlaySession session(base, profile, drivers);
  KernelLog boot;
  session.boot(boot);
  if (options.trace) session.enable_trace();
  if (options.worst_case) session.defer_releases_queued_by_apply();
  std::vector<int> ids;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    ApplyOutcome outcome = session.apply(labels[i], *overlays[i]);
    ids.push_back(outcome.id);
    if (apply_report != nullptr) {
      if (outcome.log.has_error()) apply_report->exit_status = kExitFindings;
      apply_report->overlays.push_back({labels[i], std::move(outcome)});
    }
  }
  if (apply_report != nullptr) apply_report->boot = std::move(boot);
  if (options.after_apply) options.after_apply(session);
  for (const RemovalStep& step : order) {
    if (ids[step.position] == 0) continue;  // the kernel gave this overlay no id: nothing to remove
    RemoveOperation op{labels[step.position], session.remove(ids[step.position], options.barrier),
                       step.settles, {}};
    // In practice the deferred releases run soon after the removal has returned.
    if (step.settles && !options.worst_case) session.run_deferred_releases(op.after);
    run.operations.push_back(std::move(op));
  }
  session.run_deferred_releases(run.later);
  if (options.trace) run.trace = session.trace();
  return run;
}

std::vector<const DeviceTree*> overlay_trees(const Inputs& inputs) {
  std::vector<const DeviceTree*> trees;
  for (const fdt::LoadedBlob& blob : inputs.overlays) trees.push_back(&blob.tree);
  return trees;
}

bool run_has_error(const RemovalRun& run) {
  for (const RemoveOperation& op : run.operations) {
    if (op.outcome.log.has_error() || !op.outcome.unbalanced.empty() || op.after.has_error()) return true;
  }
  return run.later.has_error();
}

}  // namespace ovl::cli
