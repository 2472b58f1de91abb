#include "cli/input_files.h"

#include "cli/error_line.h"
#include "cli/exit_status.h"
#include "cli/overlay_argument.h"
#include "core/overlay_fragments.h"

#include <iostream>

namespace ovl::cli {

Expected<Inputs> load_inputs(const std::string& base, const std::vector<std::string>& overlays,
                             bool dtoverlay) {
  auto base_blob = fdt::load_blob_file(base);
  if (!base_blob) return base_blob.error();
  Inputs inputs{std::move(base_blob.value()), {}};
  for (const std::string& text : overlays) {
    auto argument = parse_overlay_argument(text);
    if (!argument) return argument.error();
    const std::string& file = argument->file;
    auto blob = load_overlay_argument(*argument, dtoverlay);
    if (!blob) return blob.error();
    if (!has_overlay_fragments(blob->tree)) {
      return Error{"'" + file + "': not an overlay: no node of its root has an __overlay__ child "
                                "(was it compiled from a /plugin/ source?)"};
    }
    inputs.overlays.push_back(std::move(blob.value()));
  }
  return inputs;
}

int report_cannot_run(const std::string& message) {
  std::cerr << error_line(message);
  return kExitCannotRun;
}

}  // namespace ovl::cli
