#include "cli/session_setup.h"

#include "cli/overlay_argument.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ovl::cli {

void add_common_options(CLI::App& cmd, CommonOptions& options, bool overlays_required) {
  cmd.add_option("-i,--base", options.base, "Base: .dtb, .dts, or 'live' / 'live-tree' for the running system")->required();
  cmd.add_option("--kernel", options.kernel, "Kernel version to model, e.g. 6.1 or 6.1.85")
      ->capture_default_str();
  cmd.add_option("--drivers", options.drivers,
                 "Which compatibles have a driver: a file with one per line, or 'none' "
                 "(default: every enabled node with a compatible binds)");
  cmd.add_flag("--json", options.json, "Print one JSON object instead of text");
  add_input_options(cmd, options.inputs);
  auto* overlays = cmd.add_option("overlays", options.overlays, kOverlayArgumentHelp);
  if (overlays_required) overlays->required();
}

void add_input_options(CLI::App& cmd, InputOptions& options) {
  cmd.add_option("-I,--include", options.include_dirs,
                 "Include directory for .dts/.dtso sources (cpp -I and dtc -i); repeat for several")
      ->allow_extra_args(false);
  cmd.add_option("--sysroot", options.sysroot,
                 "Root directory in which --base live / live-tree look (default /)");
  cmd.add_flag("--dtoverlay", options.dtoverlay, kDtoverlayOptionHelp);
}

Expected<DriverSet> load_driver_set(const std::string& option) {
  if (option.empty()) return DriverSet::all();
  if (option == "none") return DriverSet::none();
  std::ifstream in(option);
  if (!in) return Error{"'" + option + "': cannot read the driver list"};
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return Error{"'" + option + "': cannot read the driver list"};
  auto set = DriverSet::parse(text);
  if (!set) return Error{"'" + option + "': " + set.error().message};
  return set;
}

}  // namespace ovl::cli

namespace ovl::cli {

Expected<Prepared> prepare(const CommonOptions& options) {
  auto profile = KernelProfile::for_version(options.kernel);
  if (!profile) return Error{"--kernel: " + profile.error().message};
  auto drivers = load_driver_set(options.drivers);
  if (!drivers) return drivers.error();
  auto inputs = load_inputs(options.base, options.overlays, options.inputs);
  if (!inputs) return inputs.error();
  return Prepared{std::move(profile.value()), std::move(drivers.value()), std::move(inputs.value())};
}

bool colour_wanted(const CommonOptions& options) {
  return !options.json && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

}  // namespace ovl::cli
