// `ovlcheck remove`: apply the overlays, then remove them (last first, or --order), replayed
// twice: without and with the barrier that makes of_changeset_destroy() wait for pending
// device-link releases. Reports the kernel's lines and the nodes left unbalanced.
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/removal_order.h"
#include "cli/remove_report.h"
#include "cli/session_setup.h"

#include "core/kernel_messages.h"
#include "core/overlay_session.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

namespace ovl::cli {
namespace {

struct RemoveOptions {
  CommonOptions common;
  std::string order;  // see cli/removal_order.h
  bool trace = false;
  bool explore = false;
};

// `worst_case`: every deferred release, even one queued while applying, waits until the end
// (the schedule --explore starts from).
RemovalRun replay(const Inputs& inputs, const KernelProfile& profile, const DriverSet& drivers,
                  const CommonOptions& common, const std::vector<RemovalStep>& order, bool barrier,
                  bool trace, ApplyReport* apply_report, bool worst_case = false) {
  RemovalRun run;
  run.barrier = barrier;
  run.matches_kernel = barrier == profile.has(Feature::kDeviceLinkWaitRemoval);
  OverlaySession session(inputs.base.tree, profile, drivers);
  KernelLog boot;
  session.boot(boot);
  if (trace) session.enable_trace();
  if (worst_case) session.defer_releases_queued_by_apply();
  std::vector<int> ids;
  for (std::size_t i = 0; i < common.overlays.size(); ++i) {
    ApplyOutcome outcome = session.apply(common.overlays[i], inputs.overlays[i].tree);
    ids.push_back(outcome.id);
    if (apply_report != nullptr) {
      if (outcome.log.has_error()) apply_report->exit_status = kExitFindings;
      apply_report->overlays.push_back({common.overlays[i], std::move(outcome)});
    }
  }
  if (apply_report != nullptr) apply_report->boot = std::move(boot);
  for (const RemovalStep& step : order) {
    if (ids[step.position] == 0) continue;  // the kernel gave this overlay no id: nothing to remove
    RemoveOperation op{common.overlays[step.position], session.remove(ids[step.position], barrier), step.settles, {}};
    // In practice the deferred releases run soon after the removal has returned.
    if (step.settles && !worst_case) session.run_deferred_releases(op.after);
    run.operations.push_back(std::move(op));
  }
  session.run_deferred_releases(run.later);
  if (trace) run.trace = session.trace();
  return run;
}

bool run_has_error(const RemovalRun& run) {
  for (const RemoveOperation& op : run.operations) {
    if (op.outcome.log.has_error() || !op.outcome.unbalanced.empty() || op.after.has_error()) return true;
  }
  return run.later.has_error();
}

int run_remove(const RemoveOptions& options) {
  const CommonOptions& common = options.common;
  auto order = removal_order(options.order, common.overlays.size());
  if (!order) return report_cannot_run(order.error().message);
  auto prepared = prepare(common);
  if (!prepared) return report_cannot_run(prepared.error().message);
  const KernelProfile& profile = prepared->profile;
  const DriverSet& drivers = prepared->drivers;
  Inputs& inputs = prepared->inputs;

  RemoveReport report;
  report.apply.kernel = profile.name();
  report.apply.base = common.base;
  report.apply.drivers = drivers.describe();
  report.with_trace = options.trace;
  report.barrier_name = kmsg::barrier_name(profile);
  for (bool barrier : {false, true}) {
    report.runs.push_back(replay(inputs, profile, drivers, common, *order, barrier, options.trace,
                                 barrier ? nullptr : &report.apply));
  }
  report.exit_status = report.apply.exit_status;
  for (const RemovalRun& run : report.runs) {
    if (run.matches_kernel && run_has_error(run)) report.exit_status = kExitFindings;
  }
  if (options.explore) {
    // A kernel with the barrier runs every release queued before of_changeset_destroy() first:
    // from its run there is nothing left to explore.
    bool barrier = profile.has(Feature::kDeviceLinkWaitRemoval);
    RemovalRun latest = replay(inputs, profile, drivers, common, *order, barrier, false, nullptr, true);
    std::vector<UnbalancedNode> worst_case;
    for (const RemoveOperation& op : latest.operations) {
      worst_case.insert(worst_case.end(), op.outcome.unbalanced.begin(), op.outcome.unbalanced.end());
    }
    report.exploration = explore_release_timings(worst_case);
  }
  bool colour = colour_wanted(common);
  std::cout << (common.json ? render_remove_json(report) : render_remove_text(report, colour));
  return report.exit_status;
}

}  // namespace

void add_remove_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<RemoveOptions>();
  CLI::App* cmd = app.add_subcommand(
      "remove", "Apply overlays, then replay their removal without and with the device-link barrier");
  add_common_options(*cmd, options->common, true);
  cmd->add_option("--order", options->order,
                  "Removal order as 1-based overlay positions, e.g. 1,2 (default: last applied first); "
                  "'+' instead of ',' removes the next one before the deferred releases run");
  cmd->add_flag("--trace", options->trace, "Include every step with node reference counts");
  cmd->add_flag("--explore", options->explore,
                "Let each deferred release run at any point after it is queued; list the distinct outcomes");
  cmd->callback([options, &exit_status] { exit_status = run_remove(*options); });
}

}  // namespace ovl::cli
