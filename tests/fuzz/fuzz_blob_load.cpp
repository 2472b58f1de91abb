// Harness 1: any bytes as a blob (fdt/: validation and unflattening).
// Invariants, for a blob that loads: the tree is consistent (tree_invariants.h) and no deeper than
// the kernel keeps; it re-serialises to a blob that loads to the same tree, and re-serialising
// that gives the very same bytes. A blob that does not load says why on one line, labelled, and
// ovlcheck prints it on one line.
#include "cli/error_line.h"
#include "fdt/blob_io.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/tree_invariants.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto loaded = ovl::fdt::load_blob_bytes("fuzz", std::vector<std::uint8_t>(data, data + size));
  if (!loaded) {
    const std::string& message = loaded.error().message;
    OVL_FUZZ_CHECK(message.rfind("'fuzz': ", 0) == 0, "an error message without its label: " + message);
    std::string line = ovl::cli::error_line(message);  // as ovlcheck prints it
    OVL_FUZZ_CHECK(line.find('\n') == line.size() - 1, "a multi-line error: " + line);
    return 0;
  }
  ovl::fuzz::check_tree(loaded->tree, ovl::fdt::kKernelMaxDepth);
  ovl::fuzz::check_round_trip(loaded->tree, loaded->header);
  return 0;
}
