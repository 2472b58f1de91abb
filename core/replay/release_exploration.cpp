#include "core/replay/release_exploration.h"

#include "core/kernel/kernel_messages.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

namespace ovl {
namespace {

constexpr std::size_t kMaxOutcomesPerGroup = 4096;

struct Release {
  std::string label;
  std::vector<std::size_t> checks;  // indices of the checks it pins, in order
};

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

std::string where(const Release& r, std::size_t ran_after, const std::vector<UnbalancedNode>& checks) {
  const auto& c = r.checks;
  if (ran_after == 0) return r.label + ": runs before the destroy check of " + checks[c.front()].node;
  if (ran_after == c.size()) return r.label + ": runs after the destroy check of " + checks[c.back()].node;
  return r.label + ": runs after the destroy check of " + checks[c[ran_after - 1]].node +
         ", before that of " + checks[c[ran_after]].node;
}

// The concrete timeline a witness stands for: each release runs right after the last of its
// checks that it lets pass (or before all of them). The kernel prints an ERROR line at each
// unbalanced check and a "before free" line when the last release pinning that node runs.
ExplorationOutcome outcome_for(const std::set<std::size_t>& errors, const std::vector<Release>& releases,
                               const std::vector<std::size_t>& members, const std::vector<std::size_t>& slots,
                               const std::vector<UnbalancedNode>& checks) {
  ExplorationOutcome out;
  std::map<std::size_t, int> unreleased;                     // check -> releases still pending
  std::map<std::size_t, std::vector<std::size_t>> runs_after;  // check -> members running right after it
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Release& r = releases[members[i]];
    for (std::size_t k : r.checks) ++unreleased[k];
    if (slots[i] > 0) runs_after[r.checks[slots[i] - 1]].push_back(i);
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (slots[i] == 0) {
      for (std::size_t k : releases[members[i]].checks) --unreleased[k];
    }
  }
  for (const auto& [k, pending] : unreleased) {
    if (errors.count(k) != 0) out.lines.push_back(checks[k].message);
    for (std::size_t i : runs_after[k]) {
      for (std::size_t j : releases[members[i]].checks) {
        if (--unreleased[j] == 0 && j <= k && errors.count(j) != 0) {
          out.lines.push_back(kmsg::leak_before_free(checks[j].node));
        }
      }
    }
  }
  for (std::size_t i = 0; i < members.size(); ++i) out.witness.push_back(where(releases[members[i]], slots[i], checks));
  return out;
}

// The distinct sets of unbalanced checks, built release by release: a release that lets s of
// its checks pass first adds those s checks. Distinct sets stay few (at most 2^checks) even when
// schedules are astronomically many.
ExplorationGroup explore_group(const std::vector<Release>& releases, const std::vector<std::size_t>& members,
                               const std::vector<UnbalancedNode>& checks) {
  ExplorationGroup group;
  for (std::size_t m : members) group.releases.push_back(releases[m].label);
  std::map<std::set<std::size_t>, std::vector<std::size_t>> states = {{{}, {}}};
  for (std::size_t m : members) {
    const auto& c = releases[m].checks;
    std::map<std::set<std::size_t>, std::vector<std::size_t>> next;
    for (const auto& [errors, slots] : states) {
      for (std::size_t s = 0; s <= c.size(); ++s) {
        std::set<std::size_t> grown = errors;
        grown.insert(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(s));
        if (next.count(grown) != 0) continue;
        std::vector<std::size_t> with = slots;
        with.push_back(s);
        next.emplace(std::move(grown), std::move(with));
      }
    }
    states = std::move(next);
    if (states.size() > kMaxOutcomesPerGroup) {
      group.truncated = true;
      break;
    }
  }
  if (group.truncated) {
    // Too many distinct outcomes to list: keep the two extremes.
    std::vector<std::size_t> early(members.size(), 0);
    std::vector<std::size_t> late;
    std::set<std::size_t> all;
    for (std::size_t m : members) {
      late.push_back(releases[m].checks.size());
      all.insert(releases[m].checks.begin(), releases[m].checks.end());
    }
    group.outcomes.push_back(outcome_for({}, releases, members, early, checks));
    group.outcomes.push_back(outcome_for(all, releases, members, late, checks));
    return group;
  }
  for (const auto& [errors, slots] : states) {
    group.outcomes.push_back(outcome_for(errors, releases, members, slots, checks));
  }
  std::stable_sort(group.outcomes.begin(), group.outcomes.end(),
                   [](const auto& a, const auto& b) { return a.lines.size() < b.lines.size(); });
  return group;
}

}  // namespace

Exploration explore_release_timings(const std::vector<UnbalancedNode>& worst_case) {
  Exploration result;
  std::vector<Release> releases;
  std::map<std::string, std::size_t> by_label;
  for (std::size_t k = 0; k < worst_case.size(); ++k) {
    const UnbalancedNode& check = worst_case[k];
    if (!check.only_pending_releases || check.pending_releases.empty()) {
      result.always.push_back(check.message);
      continue;
    }
    for (const std::string& label : check.pending_releases) {
      auto [it, added] = by_label.emplace(label, releases.size());
      if (added) releases.push_back({label, {}});
      releases[it->second].checks.push_back(k);
    }
  }
  // Releases that pin a common check depend on each other; the rest are independent.
  std::vector<std::size_t> parent(releases.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::map<std::size_t, std::size_t> first_release_of_check;
  for (std::size_t r = 0; r < releases.size(); ++r) {
    for (std::size_t k : releases[r].checks) {
      auto [it, added] = first_release_of_check.emplace(k, r);
      if (!added) parent[find_root(parent, r)] = find_root(parent, it->second);
    }
  }
  std::map<std::size_t, std::vector<std::size_t>> groups;
  for (std::size_t r = 0; r < releases.size(); ++r) groups[find_root(parent, r)].push_back(r);
  for (const auto& [root, members] : groups) {
    result.groups.push_back(explore_group(releases, members, worst_case));
    std::size_t n = result.groups.back().outcomes.size();
    if (result.outcome_count > SIZE_MAX / n) {
      result.outcome_count = SIZE_MAX;  // saturated: more outcomes than a 64-bit count holds
      result.outcome_count_is_lower_bound = true;
    } else {
      result.outcome_count *= n;
    }
    if (result.groups.back().truncated) result.outcome_count_is_lower_bound = true;
  }
  return result;
}

}  // namespace ovl
