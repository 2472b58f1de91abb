// The running system as base: `--base live` is the blob the kernel booted with
// (/sys/firmware/fdt: overlays applied since boot are not in it), `--base live-tree` the live tree
// as /proc/device-tree shows it (overlays already applied included). Both are read below
// --sysroot, so that tests (and a look at another machine's copy) work on a directory.
#pragma once

#include "core/util/expected.h"
#include "fdt/blob_io.h"

#include <optional>
#include <string>

namespace ovl::cli {

// Whether `name` is `live` or `live-tree`.
bool is_live_base(const std::string& name);

// Reads it; the error says which file was not readable and what to do.
Expected<fdt::LoadedBlob> load_live_base(const std::string& name, const std::string& sysroot);

}  // namespace ovl::cli
