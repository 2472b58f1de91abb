#include "cli/input_files.h"

#include "cli/exit_status.h"

#include <iostream>

namespace ovl::cli {

Expected<Inputs> load_inputs(const std::string& base, const std::vector<std::string>& overlays) {
  auto base_blob = fdt::load_blob_file(base);
  if (!base_blob) return base_blob.error();
  Inputs inputs{std::move(base_blob.value()), {}};
  for (const std::string& file : overlays) {
    auto blob = fdt::load_blob_file(file);
    if (!blob) return blob.error();
    // A blob without fragments is still one the kernel unflattens; it refuses it later ("no
    // fragments or symbols in overlay"), which is a finding, not a reason not to run.
    inputs.overlays.push_back(std::move(blob.value()));
  }
  return inputs;
}

int report_cannot_run(const std::string& message) {
  std::cerr << "ovlcheck: error: " << message << "\n";
  return kExitCannotRun;
}

}  // namespace ovl::cli
