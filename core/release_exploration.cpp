#include "core/release_exploration.h"

#include "core/kernel_messages.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

namespace ovl {
namespace {

constexpr std::size_t kMaxSchedulesPerGroup = 4096;

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

ExplorationOutcome outcome_for(const std::set<std::size_t>& errors, const std::vector<Release>& releases,
                               const std::vector<std::size_t>& members, const std::vector<std::size_t>& slots,
                               const std::vector<UnbalancedNode>& checks) {
  ExplorationOutcome out;
  for (std::size_t k : errors) out.lines.push_back(checks[k].message);
  for (std::size_t k : errors) out.lines.push_back(kmsg::leak_before_free(checks[k].node));
  for (std::size_t i = 0; i < members.size(); ++i) out.witness.push_back(where(releases[members[i]], slots[i], checks));
  return out;
}

ExplorationGroup explore_group(const std::vector<Release>& releases, const std::vector<std::size_t>& members,
                               const std::vector<UnbalancedNode>& checks) {
  ExplorationGroup group;
  for (std::size_t m : members) group.releases.push_back(releases[m].label);
  std::size_t schedules = 1;
  for (std::size_t m : members) {
    schedules *= releases[m].checks.size() + 1;
    if (schedules > kMaxSchedulesPerGroup) break;
  }
  std::map<std::set<std::size_t>, ExplorationOutcome> seen;
  auto add = [&](const std::vector<std::size_t>& slots) {
    std::set<std::size_t> errors;
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto& c = releases[members[i]].checks;
      errors.insert(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(slots[i]));
    }
    if (seen.count(errors) == 0) seen.emplace(errors, outcome_for(errors, releases, members, slots, checks));
  };
  std::vector<std::size_t> slots(members.size(), 0);
  if (schedules > kMaxSchedulesPerGroup) {
    group.truncated = true;
    add(slots);
    for (std::size_t i = 0; i < members.size(); ++i) slots[i] = releases[members[i]].checks.size();
    add(slots);
  } else {
    // Every combination of "how many of its checks each release lets pass before it runs".
    for (;;) {
      add(slots);
      std::size_t i = 0;
      while (i < slots.size() && slots[i] == releases[members[i]].checks.size()) slots[i++] = 0;
      if (i == slots.size()) break;
      ++slots[i];
    }
  }
  for (auto& [errors, outcome] : seen) group.outcomes.push_back(std::move(outcome));
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
    result.outcome_count = result.outcome_count > SIZE_MAX / n ? SIZE_MAX : result.outcome_count * n;
  }
  return result;
}

}  // namespace ovl
