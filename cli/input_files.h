// Loading the base and overlay inputs named on the command line, all before any work, so that an
// unreadable input stops ovlcheck before it prints or writes anything. Every command loads through
// here: blobs (.dtb/.dtbo), sources (.dts/.dtso, compiled with dtc, see source_compile.h), and the
// running system as base (`live`, `live-tree`, see live_base.h).
#pragma once

#include "core/util/expected.h"
#include "fdt/blob_io.h"

#include <string>
#include <vector>

namespace ovl::cli {

struct InputOptions {
  std::vector<std::string> include_dirs;  // -I: for sources that go through cpp and dtc
  std::string sysroot;                    // where `live` and `live-tree` look; "" is "/"
  bool dtoverlay = false;  // --dtoverlay: prepare every overlay as Raspberry Pi's dtoverlay does
};

struct Inputs {
  fdt::LoadedBlob base;
  std::vector<fdt::LoadedBlob> overlays;
};

// One input. `as_base`: the names `live` and `live-tree` mean the running system. An overlay
// argument may carry Raspberry Pi parameters inline ("x.dtbo,p=v"); such an overlay, or every
// overlay with `options.dtoverlay`, is prepared as Raspberry Pi's dtoverlay would first. Only blobs the
// kernel could not unflatten (and refused parameters) are errors here: "'FILE': CAUSE".
Expected<fdt::LoadedBlob> load_input(const std::string& text, const InputOptions& options, bool as_base);

// The base and the overlays, in order; the first error stops.
Expected<Inputs> load_inputs(const std::string& base, const std::vector<std::string>& overlays,
                             const InputOptions& options = {});

// Prints "ovlcheck: error: MESSAGE" on stderr and returns kExitCannotRun.
int report_cannot_run(const std::string& message);

}  // namespace ovl::cli
