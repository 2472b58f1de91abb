// `ovlcheck remove`: apply the overlays, then remove them (last first, or --order), replayed
// twice: without and with the barrier that makes of_changeset_destroy() wait for pending
// device-link releases. Reports the kernel's lines and the nodes left unbalanced.
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/remove_report.h"
#include "cli/removal_replay.h"
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
  // "2,1": 1-based positions of the overlays on the command line. A ',' lets the deferred
  // releases run before the next removal (time passes); a '+' removes the next one at once.
  std::string order;
  bool trace = false;
  bool explore = false;
};

Expected<std::vector<RemovalStep>> removal_order(const std::string& text, std::size_t count) {
  if (text.empty()) return last_first(count);
  std::vector<RemovalStep> order;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",+", start);
    std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    bool digits = !item.empty() && item.find_first_not_of("0123456789") == std::string::npos;
    long position = digits && item.size() < 10 ? std::strtol(item.c_str(), nullptr, 10) : 0;
    if (!digits || item.front() == '0' || position < 1 || static_cast<std::size_t>(position) > count) {
      return Error{"--order: '" + item + "' is not an overlay position between 1 and " + std::to_string(count)};
    }
    order.push_back({static_cast<std::size_t>(position - 1), end == std::string::npos || text[end] == ','});
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return order;
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
