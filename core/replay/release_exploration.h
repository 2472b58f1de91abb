// `--explore`: a deferred device-link release may run at any point after it is queued. Which
// destroy checks can then find an overlay node unbalanced? Computed from the run in which every
// release runs last (the worst case): releases running earlier only ever remove references, so
// a check can only turn clean, and it turns clean exactly when every release that pins its node
// has run before it. Releases that pin no common node are independent; outcomes are built per
// group of dependent releases, as the distinct sets of unbalanced checks (not as schedules, which
// are astronomically many), so hundreds of devices stay cheap.
#pragma once

#include "core/replay/overlay_session.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ovl {

struct ExplorationOutcome {
  std::vector<std::string> lines;    // the kernel's ERROR lines in this outcome, in order
  std::vector<std::string> witness;  // one schedule of the releases that produces it
};

struct ExplorationGroup {
  std::vector<std::string> releases;         // the releases in this group
  std::vector<ExplorationOutcome> outcomes;  // distinct outcomes, fewest errors first
  bool truncated = false;                    // too many outcomes: only the extremes were kept
};

struct Exploration {
  std::vector<std::string> always;     // lines in every outcome (something else holds the node)
  std::vector<ExplorationGroup> groups;
  std::size_t outcome_count = 1;       // distinct outcomes overall: the product over groups
  bool outcome_count_is_lower_bound = false;  // some group had too many to list
};

// `worst_case`: the unbalanced checks of the run without the barrier, in the order they ran.
Exploration explore_release_timings(const std::vector<UnbalancedNode>& worst_case);

}  // namespace ovl
