#include "cli/input_files.h"

#include "cli/error_line.h"
#include "cli/exit_status.h"
#include "cli/live_base.h"
#include "cli/overlay_argument.h"
#include "cli/source_compile.h"

#include <iostream>

namespace ovl::cli {
namespace {

// A file as a blob: the running system, a source compiled with dtc, or a blob read as it is.
Expected<fdt::LoadedBlob> load_file(const std::string& file, const InputOptions& options, bool as_base) {
  if (as_base && is_live_base(file)) return load_live_base(file, options.sysroot);
  if (is_source_file(file)) {
    auto bytes = compile_source(file, options.include_dirs);
    if (!bytes) return bytes.error();
    return fdt::load_blob_bytes(file, std::move(bytes.value()));
  }
  return fdt::load_blob_file(file);
}

}  // namespace

Expected<fdt::LoadedBlob> load_input(const std::string& text, const InputOptions& options, bool as_base) {
  if (as_base) return load_file(text, options, true);
  auto argument = parse_overlay_argument(text);
  if (!argument) return argument.error();
  const std::string& file = argument->file;
  auto loaded = load_file(file, options, false);
  if (!loaded) return loaded.error();
  auto blob = prepare_overlay_argument(std::move(loaded.value()), *argument, options.dtoverlay);
  return blob;
}

Expected<Inputs> load_inputs(const std::string& base, const std::vector<std::string>& overlays,
                             const InputOptions& options) {
  auto base_blob = load_input(base, options, true);
  if (!base_blob) return base_blob.error();
  Inputs inputs{std::move(base_blob.value()), {}};
  for (const std::string& text : overlays) {
    auto blob = load_input(text, options, false);
    if (!blob) return blob.error();
    // A blob without fragments is still one the kernel unflattens; it refuses it later ("no
    // fragments or symbols in overlay"), which is a finding, not a reason not to run.
    inputs.overlays.push_back(std::move(blob.value()));
  }
  return inputs;
}

int report_cannot_run(const std::string& message) {
  std::cerr << error_line(message);
  return kExitCannotRun;
}

}  // namespace ovl::cli
