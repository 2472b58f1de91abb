// Loading the base and overlay blobs named on the command line, all before any work, so that an
// unreadable input stops ovlcheck before it prints or writes anything.
#pragma once

#include "core/expected.h"
#include "fdt/blob_io.h"

#include <string>
#include <vector>

namespace ovl::cli {

struct Inputs {
  fdt::LoadedBlob base;
  std::vector<fdt::LoadedBlob> overlays;
};

// Errors read "'FILE': CAUSE"; an overlay blob without any fragment is refused here. An overlay
// argument may carry Raspberry Pi parameters inline ("x.dtbo,p=v"); such an overlay, or every
// overlay when `dtoverlay` is set, is prepared as Raspberry Pi's dtoverlay would first.
Expected<Inputs> load_inputs(const std::string& base, const std::vector<std::string>& overlays,
                             bool dtoverlay = false);

// Prints "ovlcheck: error: MESSAGE" on stderr and returns kExitCannotRun.
int report_cannot_run(const std::string& message);

}  // namespace ovl::cli
