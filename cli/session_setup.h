// What every command that replays the kernel shares: the kernel profile, the driver assumption,
// the input blobs, and a booted session.
#pragma once

#include "cli/input_files.h"
#include "core/devices/driver_set.h"
#include "core/kernel/kernel_profile.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace ovl::cli {

struct CommonOptions {
  std::string base;
  std::string kernel{KernelProfile::kDefaultVersion};
  std::string drivers;  // "" (all bind), "none", or a file of compatibles
  bool json = false;
  InputOptions inputs;  // -I, --sysroot, --dtoverlay
  std::vector<std::string> overlays;
};

// Registers -I (include directories for .dts sources), --sysroot (for --base live) and --dtoverlay.
void add_input_options(CLI::App& cmd, InputOptions& options);

// Registers --base/-i, --kernel, --drivers, --json, the input options and the overlay
// arguments (which may carry Raspberry Pi parameters inline: cli/overlay_argument.h).
void add_common_options(CLI::App& cmd, CommonOptions& options, bool overlays_required);

// --drivers: all, none, or one compatible per line from a file ('#' starts a comment).
Expected<DriverSet> load_driver_set(const std::string& option);

// Everything a replay starts from, read and checked before any output.
struct Prepared {
  KernelProfile profile;
  DriverSet drivers;
  Inputs inputs;
};
// Errors name the option or read "'FILE': CAUSE".
Expected<Prepared> prepare(const CommonOptions& options);

// Whether text output may use colour: a terminal, and NO_COLOR not set.
bool colour_wanted(const CommonOptions& options);

}  // namespace ovl::cli
