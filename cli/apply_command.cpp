// `ovlcheck apply`: apply overlays to a base as of_overlay_fdt_apply() would, report per overlay,
// and optionally write the resulting tree.
#include "cli/apply_report.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/input_files.h"
#include "cli/session_setup.h"

#include "core/replay/overlay_session.h"
#include "fdt/blob_io.h"

#include <iostream>
#include <memory>

namespace ovl::cli {
namespace {

struct ApplyOptions {
  CommonOptions common;
  std::string output;
};

int run_apply(const ApplyOptions& options) {
  const CommonOptions& common = options.common;
  auto prepared = prepare(common);
  if (!prepared) return report_cannot_run(prepared.error().message);
  const KernelProfile& profile = prepared->profile;
  const DriverSet& drivers = prepared->drivers;
  Inputs& inputs = prepared->inputs;

  ApplyReport report;
  report.kernel = profile.name();
  report.base = common.base;
  report.drivers = drivers.describe();
  OverlaySession session(std::move(inputs.base.tree), profile, drivers);
  session.boot(report.boot);
  bool all_applied = true;
  for (std::size_t i = 0; i < common.overlays.size(); ++i) {
    ApplyOutcome outcome = session.apply(common.overlays[i], std::move(inputs.overlays[i].tree));
    all_applied = all_applied && outcome.applied;
    if (outcome.log.has_error()) report.exit_status = kExitFindings;
    report.overlays.push_back({common.overlays[i], std::move(outcome)});
  }

  if (!options.output.empty()) {
    if (all_applied) {
      auto written = fdt::write_file_atomically(
          options.output, fdt::flatten(session.live(), inputs.base.header));
      if (!written) return report_cannot_run(written.error().message);
      report.output = options.output;
    } else {
      report.not_written = "not all overlays applied";
    }
  }
  bool colour = colour_wanted(common);
  std::cout << (common.json ? render_apply_json(report) : render_apply_text(report, colour));
  return report.exit_status;
}

}  // namespace

void add_apply_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<ApplyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Apply overlays to a base as the kernel's of_overlay_fdt_apply() would");
  add_common_options(*cmd, options->common, true);
  cmd->add_option("-o,--output", options->output,
                  "Write the resulting tree here (only if every overlay applies)");
  cmd->callback([options, &exit_status] { exit_status = run_apply(*options); });
}

}  // namespace ovl::cli
