// `ovlcheck remove`: apply the overlays, then remove them (last first, or --order), replayed
// twice: without and with the barrier that makes of_changeset_destroy() wait for pending
// device-link releases. Reports the kernel's lines and the nodes left unbalanced.
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/removal_order.h"
#include "cli/removal_replay.h"
#include "cli/remove_report.h"
#include "cli/session_setup.h"

#include "core/kernel/kernel_messages.h"
#include "core/replay/overlay_session.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

namespace ovl::cli {
namespace {

struct RemoveOptions {
  CommonOptions common;
  // "2,1": 1-based positions of the overlays on the command line. A ',' lets the deferred
  // releases run before the next removal (time passes); a '+' removes the next one at once.
  std::string order;
  bool trace = false;
  bool explore = false;
};

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
    report.runs.push_back(replay_removal(inputs.base.tree, overlay_trees(inputs), profile, drivers, common.overlays, *order,
                                         {barrier, options.trace, false, {}}, barrier ? nullptr : &report.apply));
  }
  report.exit_status = report.apply.exit_status;
  for (const RemovalRun& run : report.runs) {
    if (run.matches_kernel && run_has_error(run)) report.exit_status = kExitFindings;
  }
  if (options.explore) {
    // A kernel with the barrier runs every release queued before of_changeset_destroy() first:
    // from its run there is nothing left to explore.
    bool barrier = profile.has(Feature::kDeviceLinkWaitRemoval);
    RemovalRun latest = replay_removal(inputs.base.tree, overlay_trees(inputs), profile, drivers, common.overlays, *order, {barrier, false, true, {}}, nullptr);
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
