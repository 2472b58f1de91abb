#include "cli/input_files.h"

#include "cli/exit_status.h"
#include "cli/live_base.h"
#include "cli/source_compile.h"
#include "core/overlay_fragments.h"

#include <iostream>

namespace ovl::cli {

Expected<fdt::LoadedBlob> load_input(const std::string& file, const InputOptions& options, bool as_base) {
  Expected<fdt::LoadedBlob> blob = Error{""};
  if (as_base && is_live_base(file)) {
    blob = load_live_base(file, options.sysroot);
  } else if (is_source_file(file)) {
    auto bytes = compile_source(file, options.include_dirs);
    if (!bytes) return bytes.error();
    blob = fdt::load_blob_bytes(file, std::move(bytes.value()));
  } else {
    blob = fdt::load_blob_file(file);
  }
  if (!blob) return blob.error();
  if (!as_base && !has_overlay_fragments(blob->tree)) {
    return Error{"'" + file + "': not an overlay: no node of its root has an __overlay__ child "
                              "(was it compiled from a /plugin/ source?)"};
  }
  return blob;
}

Expected<Inputs> load_inputs(const std::string& base, const std::vector<std::string>& overlays,
                             const InputOptions& options) {
  auto base_blob = load_input(base, options, true);
  if (!base_blob) return base_blob.error();
  Inputs inputs{std::move(base_blob.value()), {}};
  for (const std::string& file : overlays) {
    auto blob = load_input(file, options, false);
    if (!blob) return blob.error();
    inputs.overlays.push_back(std::move(blob.value()));
  }
  return inputs;
}

int report_cannot_run(const std::string& message) {
  std::cerr << "ovlcheck: error: " << message << "\n";
  return kExitCannotRun;
}

}  // namespace ovl::cli
