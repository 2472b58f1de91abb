// Harness 2: applying an overlay. One input is a base blob followed by an overlay blob (see
// fuzz_input.h; both are mutated); the tail picks the kernel version and the drivers. The
// overlay goes through the resolver, the fragments, the changeset, devices and device links.
// Invariants:
//  - no reference is ever dropped by a holder that holds none (NodeRefs throws: a refcount
//    would go negative) -- the exception is left to crash the harness;
//  - the outcome agrees with itself: applied means result 0 and an id; a refusal prints an error;
//  - the live tree stays consistent, every node the changeset added is found by its path, and
//    the live tree re-serialises to a blob that loads to the same tree.
#include "core/replay/overlay_session.h"
#include "fdt/blob_io.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/tree_invariants.h"

#include <climits>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ovl;
  fuzz::SplitInput input = fuzz::split_blobs(data, size, 2);
  if (input.blobs.size() < 2) return 0;
  auto base = fdt::load_blob_bytes("base", std::move(input.blobs[0]));
  if (!base) return 0;
  auto overlay = fdt::load_blob_bytes("overlay", std::move(input.blobs[1]));
  if (!overlay) return 0;  // an overlay without fragments goes on: the kernel's refusal is a finding

  bool path_cannot_name_it = false;
  for (NodeId id = 1; id < overlay->tree.node_count(); ++id) {
    const std::string& name = overlay->tree.node(id).full_name;
    // A path stops at its first ':' (the rest is options, as for of_find_node_by_path).
    if (name.empty() || name.find_first_of("/:") != std::string::npos) path_cannot_name_it = true;
  }
  OverlaySession session(std::move(base->tree), fuzz::profile_from(input.choice(0)),
                         fuzz::drivers_from(input.choice(1)));
  KernelLog boot;
  session.boot(boot);
  ApplyOutcome outcome = session.apply("overlay", std::move(overlay->tree));

  if (outcome.applied) {
    OVL_FUZZ_CHECK(outcome.result == 0 && outcome.id > 0, "applied without result 0 and an id");
    for (const std::string& path : outcome.changeset.nodes_added) {
      // A blob may name a node "", "a/b" or "a:b"; the kernel attaches it, but no path lookup
      // (the kernel's included) can walk to it (testdata/fuzz/apply/overlay-node-name-with-slash,
      // overlay-node-name-with-colon).
      if (path_cannot_name_it) break;
      OVL_FUZZ_CHECK(session.live().find_by_path(path) != kNoNode, "an added node is not in the live tree: " + path);
    }
  } else {
    OVL_FUZZ_CHECK(outcome.result != 0, "not applied, yet of_overlay_fdt_apply() returned 0");
    OVL_FUZZ_CHECK(outcome.log.has_error(), "refused without an error line");
  }
  fuzz::check_tree(session.live(), INT_MAX);
  fuzz::check_round_trip(session.live(), base->header);
  return 0;
}
