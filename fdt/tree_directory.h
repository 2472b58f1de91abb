// A device tree as the kernel shows it in /proc/device-tree (/sys/firmware/devicetree/base): a
// directory per node, a file per property holding its raw value. This is the live tree, with the
// overlays already applied at run time.
#pragma once

#include "core/util/expected.h"
#include "fdt/blob_io.h"

#include <string>

namespace ovl::fdt {

// Reads `dir` as a tree. The directory keeps no order, so children and properties are taken in
// name order (the kernel's list order is lost; nothing ovlcheck reports depends on it but the
// order of kernel lines for sibling nodes). The `name` files are the kernel's synthetic `name`
// properties and are made again the way unflatten makes them. Symbolic links are not followed.
// Errors read "'LABEL': CAUSE".
Expected<LoadedBlob> load_tree_directory(const std::string& label, const std::string& dir);

}  // namespace ovl::fdt
