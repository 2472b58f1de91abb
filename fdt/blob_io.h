// The only door between blobs on disk and ovlcheck's model: read and validate a flattened device
// tree (.dtb/.dtbo), unflatten it the way the kernel does, and write a tree back out.
// Nothing outside fdt/ sees libfdt or a structure-block offset.
#pragma once

#include "core/tree/device_tree.h"
#include "core/util/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ovl::fdt {

// What a blob carries besides the tree; kept so that a written tree keeps its base's header.
struct BlobHeader {
  struct Reservation {
    std::uint64_t address = 0;
    std::uint64_t size = 0;
  };
  std::vector<Reservation> memory_reservations;
  std::uint32_t boot_cpuid_phys = 0;
};

struct LoadedBlob {
  DeviceTree tree;
  BlobHeader header;
};

// The kernel's unflatten (drivers/of/fdt.c) keeps nodes no deeper than this below the root;
// deeper nodes are skipped with a warning, so ovlcheck refuses such a blob instead.
// unflatten_dt_nodes() skips depth >= FDT_MAX_DEPTH - 1 (FDT_MAX_DEPTH is 64, root at depth 0)
// since the 2022 off-by-one fix (before it, depth 63 overran its nps[] stack array).
inline constexpr int kKernelMaxDepth = 62;

// Reads and validates `file` (fdt_check_full before any walk) and unflattens it:
//  - nodes and properties in blob order; every node is linked (attached) in the returned tree;
//  - a node without a `name` property gets a synthetic one (the name without "@unit"), appended
//    last, as the kernel's populate_properties() does;
//  - a node's phandle comes from its first `phandle` or `linux,phandle` property.
// On failure the error message is "'FILE': CAUSE", CAUSE in words (empty file, truncated, bad
// magic, header offsets or sizes out of range, corrupt structure block, nesting too deep, ...).
Expected<LoadedBlob> load_blob_file(const std::string& file);
// The same for bytes already in memory; `label` names them in error messages.
Expected<LoadedBlob> load_blob_bytes(const std::string& label, std::vector<std::uint8_t> bytes);

// Flattens the attached part of `tree` (children and properties in list order, synthetic
// properties left out) into a version 17 blob with `header`'s reservations and boot cpu.
// Throws std::length_error if the blob would exceed libfdt's 2 GiB limit.
std::vector<std::uint8_t> flatten(const DeviceTree& tree, const BlobHeader& header);

// Writes `bytes` to `file` atomically (a temporary file beside it, fsync, rename): either the
// whole new file is there or the old one is untouched. On failure the message is "'FILE': CAUSE".
Expected<bool> write_file_atomically(const std::string& file, const std::vector<std::uint8_t>& bytes);

}  // namespace ovl::fdt
