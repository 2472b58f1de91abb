// `ovlcheck apply`: apply overlays to a base as of_overlay_fdt_apply() would, report per overlay,
// and optionally write the resulting tree.
#include "cli/apply_report.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/input_files.h"

#include "core/overlay_session.h"
#include "fdt/blob_io.h"

#include <unistd.h>

#include <cstdlib>

#include <iostream>
#include <memory>

namespace ovl::cli {
namespace {

struct ApplyOptions {
  std::string base;
  std::string output;
  std::string kernel{KernelProfile::kDefaultVersion};
  bool json = false;
  std::vector<std::string> overlays;
};

int run_apply(const ApplyOptions& options) {
  auto profile = KernelProfile::for_version(options.kernel);
  if (!profile) return report_cannot_run("--kernel: " + profile.error().message);
  auto inputs = load_inputs(options.base, options.overlays);
  if (!inputs) return report_cannot_run(inputs.error().message);

  ApplyReport report;
  report.kernel = profile->name();
  report.base = options.base;
  OverlaySession session(std::move(inputs->base.tree), *profile);
  bool all_applied = true;
  for (std::size_t i = 0; i < options.overlays.size(); ++i) {
    ApplyOutcome outcome = session.apply(options.overlays[i], std::move(inputs->overlays[i].tree));
    all_applied = all_applied && outcome.applied;
    if (outcome.log.has_error()) report.exit_status = kExitFindings;
    report.overlays.push_back({options.overlays[i], std::move(outcome)});
  }

  if (!options.output.empty()) {
    if (all_applied) {
      auto written = fdt::write_file_atomically(
          options.output, fdt::flatten(session.live(), inputs->base.header));
      if (!written) return report_cannot_run(written.error().message);
      report.output = options.output;
    } else {
      report.not_written = "not all overlays applied";
    }
  }
  bool colour = !options.json && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  std::cout << (options.json ? render_apply_json(report) : render_apply_text(report, colour));
  return report.exit_status;
}

}  // namespace

void add_apply_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<ApplyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Apply overlays to a base as the kernel's of_overlay_fdt_apply() would");
  cmd->add_option("-i,--base", options->base, "Base device tree blob (.dtb)")->required();
  cmd->add_option("-o,--output", options->output,
                  "Write the resulting tree here (only if every overlay applies)");
  cmd->add_option("--kernel", options->kernel, "Kernel version to model, e.g. 6.1 or 6.1.85")
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->add_option("overlays", options->overlays, "Overlay blobs (.dtbo), applied in order")
      ->required();
  cmd->callback([options, &exit_status] { exit_status = run_apply(*options); });
}

}  // namespace ovl::cli
