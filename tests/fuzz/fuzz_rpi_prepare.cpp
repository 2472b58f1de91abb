// Harness 5: a Raspberry Pi overlay and its parameters (core/rpi/: __overrides__ entries, values,
// fragment switches, intra-overlay merges), as `ovlcheck prepare x.dtbo,PARAMS` takes them.
// The input is an overlay blob followed by the parameter text ("p=v,q,..." as after the file on a
// config.txt line). Invariants: a refusal is one labelled line; a prepared overlay is a
// tree that flattens to a blob that loads back to the same tree.
#include "cli/error_line.h"
#include "cli/overlay_argument.h"
#include "core/rpi/rpi_prepare.h"
#include "fdt/blob_io.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/tree_invariants.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ovl::fuzz::SplitInput input = ovl::fuzz::split_blobs(data, size, 1);
  if (input.blobs.empty()) return 0;
  auto loaded = ovl::fdt::load_blob_bytes("fuzz", input.blobs[0]);
  if (!loaded) return 0;  // harness 1 covers blobs that do not load
  std::string text = "fuzz.dtbo," + std::string(input.tail.begin(), input.tail.end());
  if (text.find('\0') != std::string::npos) return 0;  // argv cannot hold a NUL
  auto argument = ovl::cli::parse_overlay_argument(text);
  if (!argument) return 0;
  auto prepared = ovl::rpi::prepare_overlay(loaded->tree, argument->parameters);
  if (!prepared) {
    std::string line = ovl::cli::error_line("'fuzz': " + prepared.error().message);
    OVL_FUZZ_CHECK(line.find('\n') == line.size() - 1, "a multi-line refusal: " + line);
    return 0;
  }
  // Renames may leave same-named siblings (legal in a blob), so the tree is checked through its
  // blob: what `ovlcheck prepare -o` writes must load back as the same tree.
  ovl::fuzz::check_round_trip(prepared->tree, loaded->header);
  return 0;
}
