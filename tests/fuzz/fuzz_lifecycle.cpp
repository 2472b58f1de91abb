// Harness 3: the whole lifecycle on small trees, as `ovlcheck remove --explore` replays it. One
// input is a base blob and up to three overlay blobs (fuzz_input.h); the tail picks the kernel,
// the drivers, the removal order and which removals let the deferred releases run.
// Each input is replayed twice (without and with the device-link barrier), then once with every
// release deferred to the end, whose unbalanced checks --explore explores.
// Invariants:
//  - no reference is ever dropped by a holder that holds none (a refcount would go negative:
//    NodeRefs throws, and the exception crashes the harness);
//  - the run with the barrier never reports more unbalanced nodes than the run without;
//  - applying does not depend on the barrier: both runs hand out the same ids and results;
//  - when every overlay applied and was removed, the live tree is the base tree again;
//  - exploration: at least one outcome per group, fewest errors first, each outcome's lines
//    among the worst case's (or their "leak before free" lines), and the count is the product over groups (or flagged as a bound).
#include "core/kernel/kernel_messages.h"
#include "core/replay/overlay_session.h"
#include "core/replay/release_exploration.h"
#include "fdt/blob_io.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/tree_invariants.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace ovl;

// Bigger trees add nothing the apply harness does not cover, and slow every execution.
constexpr std::size_t kMaxNodes = 4000;

struct Plan {
  std::vector<std::size_t> order;  // overlay positions, removed in this order
  std::vector<bool> settles;       // the deferred releases run after this removal
};

struct Run {
  std::vector<int> ids;
  std::vector<int> apply_results;
  bool all_applied = true;
  bool all_removed = true;
  std::vector<UnbalancedNode> unbalanced;  // every removal's, in order
  std::vector<std::uint8_t> live_blob;     // the live tree at the end, flattened
};

Run replay(const DeviceTree& base, const std::vector<DeviceTree>& overlays, const KernelProfile& profile,
           const DriverSet& drivers, const Plan& plan, bool barrier, bool worst_case) {
  Run run;
  OverlaySession session(base, profile, drivers);
  KernelLog log;
  session.boot(log);
  if (worst_case) session.defer_releases_queued_by_apply();
  for (std::size_t i = 0; i < overlays.size(); ++i) {
    ApplyOutcome outcome = session.apply("overlay" + std::to_string(i + 1), overlays[i]);
    run.ids.push_back(outcome.id);
    run.apply_results.push_back(outcome.result);
    run.all_applied = run.all_applied && outcome.applied;
  }
  for (std::size_t step = 0; step < plan.order.size(); ++step) {
    int id = run.ids[plan.order[step]];
    if (id == 0) continue;
    RemoveOutcome removed = session.remove(id, barrier);
    run.all_removed = run.all_removed && removed.removed;
    run.unbalanced.insert(run.unbalanced.end(), removed.unbalanced.begin(), removed.unbalanced.end());
    if (plan.settles[step] && !worst_case) session.run_deferred_releases(log);
  }
  session.run_deferred_releases(log);
  fuzz::check_tree(session.live(), INT_MAX);
  if (!session.crashed()) run.live_blob = fdt::flatten(session.live(), {});
  return run;
}

void check_exploration(const Exploration& exploration, const std::vector<UnbalancedNode>& worst_case) {
  std::multiset<std::string> worst_lines;
  for (const UnbalancedNode& u : worst_case) {
    worst_lines.insert(u.message);
    worst_lines.insert(kmsg::leak_before_free(u.node));  // printed when its last release runs
  }
  std::size_t product = 1;
  bool saturated = false;
  for (const ExplorationGroup& group : exploration.groups) {
    OVL_FUZZ_CHECK(!group.outcomes.empty(), "an exploration group without outcomes");
    for (std::size_t k = 0; k < group.outcomes.size(); ++k) {
      const ExplorationOutcome& outcome = group.outcomes[k];
      if (k > 0) {
        OVL_FUZZ_CHECK(group.outcomes[k - 1].lines.size() <= outcome.lines.size(),
                       "exploration outcomes not fewest errors first");
      }
      for (const std::string& line : outcome.lines) {
        OVL_FUZZ_CHECK(worst_lines.count(line) > 0, "an explored line the worst case never printed: " + line);
      }
    }
    if (product > SIZE_MAX / group.outcomes.size()) saturated = true;
    else product *= group.outcomes.size();
  }
  if (!saturated && !exploration.outcome_count_is_lower_bound) {
    OVL_FUZZ_CHECK(exploration.outcome_count == product, "outcome count is not the product over groups");
  }
  OVL_FUZZ_CHECK(exploration.outcome_count >= 1, "no outcome at all");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::SplitInput input = fuzz::split_blobs(data, size, 4);
  if (input.blobs.size() < 2) return 0;
  auto base = fdt::load_blob_bytes("base", std::move(input.blobs[0]));
  if (!base || base->tree.node_count() > kMaxNodes) return 0;
  std::vector<DeviceTree> overlays;
  for (std::size_t i = 1; i < input.blobs.size(); ++i) {
    auto overlay = fdt::load_blob_bytes("overlay", std::move(input.blobs[i]));
    if (!overlay || overlay->tree.node_count() > kMaxNodes) return 0;
    overlays.push_back(std::move(overlay->tree));
  }
  const KernelProfile profile = fuzz::profile_from(input.choice(0));
  const DriverSet drivers = fuzz::drivers_from(input.choice(1));
  Plan plan;
  for (std::size_t i = overlays.size(); i-- > 0;) plan.order.push_back(i);  // last applied first
  std::uint8_t shuffle = input.choice(2);
  for (std::size_t i = plan.order.size(); i > 1; --i) {
    std::swap(plan.order[i - 1], plan.order[shuffle % i]);
    shuffle = static_cast<std::uint8_t>(shuffle / i);
  }
  for (std::size_t i = 0; i < plan.order.size(); ++i) plan.settles.push_back(((input.choice(3) >> i) & 1) == 0);

  Run without = replay(base->tree, overlays, profile, drivers, plan, false, false);
  Run with = replay(base->tree, overlays, profile, drivers, plan, true, false);
  OVL_FUZZ_CHECK(without.ids == with.ids && without.apply_results == with.apply_results,
                 "applying depends on the removal barrier");
  OVL_FUZZ_CHECK(with.unbalanced.size() <= without.unbalanced.size(),
                 "the barrier run reports more unbalanced nodes (" + std::to_string(with.unbalanced.size()) +
                     ") than the run without (" + std::to_string(without.unbalanced.size()) + ")");
  const std::vector<std::uint8_t> base_blob = fdt::flatten(base->tree, {});
  for (const Run* run : {&without, &with}) {
    if (run->all_applied && run->all_removed && !run->live_blob.empty()) {
      OVL_FUZZ_CHECK(run->live_blob == base_blob, "the live tree is not the base tree after removing everything");
    }
  }

  Run latest = replay(base->tree, overlays, profile, drivers, plan,
                      profile.has(Feature::kDeviceLinkWaitRemoval), true);
  check_exploration(explore_release_timings(latest.unbalanced), latest.unbalanced);
  return 0;
}
