// `ovlcheck prepare`: an overlay as Raspberry Pi's dtoverlay hands it to the kernel, the
// equivalent of `dtoverlay -D` (its dry run, which writes dry_run.dtbo).
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/input_files.h"
#include "cli/overlay_argument.h"
#include "cli/prepare_report.h"

#include "fdt/blob_io.h"

#include <iostream>
#include <memory>

namespace ovl::cli {
namespace {

struct PrepareOptions {
  std::string overlay;
  std::vector<std::string> parameters;
  std::string output;
  bool json = false;
};

int run_prepare(const PrepareOptions& options) {
  auto argument = parse_overlay_argument(options.overlay);
  if (!argument) return report_cannot_run(argument.error().message);
  for (const std::string& p : options.parameters) {
    rpi::Parameter parameter = parse_parameter(p);
    if (parameter.name.empty()) {
      return report_cannot_run("'" + argument->file + "': empty parameter name in '" + p + "'");
    }
    argument->parameters.push_back(std::move(parameter));
  }
  PrepareReport report{options.overlay, argument->file, {}, std::nullopt};
  auto blob = load_overlay_argument(*argument, true, &report.prepared);
  if (!blob) return report_cannot_run(blob.error().message);
  if (!options.output.empty()) {
    auto written = fdt::write_file_atomically(options.output, fdt::flatten(blob->tree, blob->header));
    if (!written) return report_cannot_run(written.error().message);
    report.output = options.output;
  }
  std::cout << (options.json ? render_prepare_json(report) : render_prepare_text(report));
  return kExitClean;
}

}  // namespace

void add_prepare_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<PrepareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "prepare", "Prepare a Raspberry Pi overlay with parameters as dtoverlay does (dtoverlay -D)");
  cmd->add_option("overlay", options->overlay,
                  "Overlay blob (.dtbo); parameters may also follow inline: w1-gpio.dtbo,gpiopin=17")
      ->required();
  cmd->add_option("parameters", options->parameters, "PARAM[=VALUE] ... (a bare PARAM means PARAM=true)");
  cmd->add_option("-o,--output", options->output, "Write the prepared overlay here (as dry_run.dtbo)");
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->callback([options, &exit_status] { exit_status = run_prepare(*options); });
}

}  // namespace ovl::cli
