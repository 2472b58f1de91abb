#include "cli/check_case.h"

#include "cli/removal_replay.h"
#include "core/devices/waiting_consumers.h"
#include "core/kernel/kernel_messages.h"
#include "core/lints/overlay_lints.h"

#include <set>
#include <tuple>

namespace ovl::cli {
namespace {

using FindingKey = std::tuple<std::string, std::string, std::string>;
FindingKey key_of(const Finding& f) { return {f.code, f.path, f.message}; }

void add_all(std::vector<CheckFinding>& out, Stage stage, const std::string& overlay, const KernelLog& log) {
  for (const Finding& f : log.findings()) out.push_back({stage, overlay, f});
}

// The removal findings of one run, in the order the kernel meets them.
std::vector<CheckFinding> removal_findings(const RemovalRun& run, Stage stage) {
  std::vector<CheckFinding> out;
  for (const RemoveOperation& op : run.operations) {
    add_all(out, stage, op.file, op.outcome.log);
    add_all(out, stage, op.file, op.after);
  }
  add_all(out, stage, "", run.later);
  return out;
}

// The kernel's "memory leak will occur if overlay removed" for every property an overlay puts on a
// base node, split by what removal does: an override (the property existed) gets its base value
// back, a /__symbols__ entry is the overlay's label; both keep only the overlay's copy allocated.
// A property the overlay adds to a base node stays the plain warning.
void classify_leaks(std::vector<CheckFinding>& findings, const ApplyReport& applied) {
  std::set<std::string> updated;
  for (const OverlayApplyReport& o : applied.overlays) {
    updated.insert(o.outcome.changeset.properties_updated.begin(), o.outcome.changeset.properties_updated.end());
  }
  for (CheckFinding& f : findings) {
    if (f.finding.code != "leak-on-remove") continue;
    if (f.finding.path.rfind("/__symbols__/", 0) == 0) {
      f.finding.code = "leak-symbol";
      f.finding.severity = Severity::kInfo;
      f.finding.detail = "the overlay's label is added to the base's /__symbols__; on removal it goes, its memory stays";
    } else if (updated.count(f.finding.path) != 0) {
      f.finding.code = "leak-override";
      f.finding.severity = Severity::kInfo;
      f.finding.detail = "the overlay overrides a property of a base node; removal restores the base value and keeps only "
                         "the overlay's copy allocated (harmless unless applied and removed again and again)";
    }
  }
}

// Whether removing the stack first-applied-first is refused (the kernel's topmost rule).
bool first_first_refused(const DeviceTree& base, const std::vector<const DeviceTree*>& overlays,
                         const KernelProfile& profile, const DriverSet& drivers, const std::vector<std::string>& labels,
                         bool barrier) {
  std::vector<RemovalStep> order;
  for (std::size_t i = 0; i < overlays.size(); ++i) order.push_back({i, true});
  RemovalRun run = replay_removal(base, overlays, profile, drivers, labels, order, {barrier, false, false, {}}, nullptr);
  for (const RemoveOperation& op : run.operations) {
    for (const Finding& f : op.outcome.log.findings()) {
      if (f.code == "not-topmost") return true;
    }
  }
  return false;
}

}  // namespace

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kBoot: return "boot";
    case Stage::kApply: return "apply";
    case Stage::kRemove: return "remove";
    case Stage::kRemoveOther: return "remove-other-barrier";
    case Stage::kLint: return "lint";
  }
  return "?";
}

CaseResult run_case(const CheckCase& spec, const CaseInputs& inputs, const KernelProfile& profile,
                    const DriverSet& drivers, bool lifecycle) {
  CaseResult result;
  result.spec = spec;
  result.kernel = profile.name();
  std::vector<const DeviceTree*> overlays;
  for (const fdt::LoadedBlob* blob : inputs.overlays) overlays.push_back(&blob->tree);

  bool kernel_barrier = profile.has(Feature::kDeviceLinkWaitRemoval);
  std::vector<RemovalStep> order = lifecycle ? last_first(overlays.size()) : std::vector<RemovalStep>{};
  ApplyReport applied;
  std::vector<WaitingConsumer> waiting;
  ReplayOptions replay{kernel_barrier, false, false, [&](const OverlaySession& session) {
                         waiting = find_waiting_consumers(session.devices());
                       }};
  RemovalRun matching = replay_removal(inputs.base->tree, overlays, profile, drivers, spec.overlays, order, replay,
                                       &applied);
  add_all(result.findings, Stage::kBoot, "", applied.boot);
  for (const OverlayApplyReport& o : applied.overlays) add_all(result.findings, Stage::kApply, o.file, o.outcome.log);
  classify_leaks(result.findings, applied);
  for (WaitingConsumer& w : waiting) {
    std::string file;
    for (const OverlayApplyReport& o : applied.overlays) {
      if (o.outcome.id == w.overlay_id) file = o.file;
    }
    result.findings.push_back({Stage::kLint, file, std::move(w.finding)});
  }
  for (OverlayLint& lint : lint_overlay_stack(inputs.base->tree, overlays, spec.overlays)) {
    result.findings.push_back({Stage::kLint, spec.overlays[lint.overlay], std::move(lint.finding)});
  }
  if (lifecycle) {
    std::vector<CheckFinding> removal = removal_findings(matching, Stage::kRemove);
    std::set<FindingKey> seen;
    for (const CheckFinding& f : removal) seen.insert(key_of(f.finding));
    result.findings.insert(result.findings.end(), removal.begin(), removal.end());
    RemovalRun other = replay_removal(inputs.base->tree, overlays, profile, drivers, spec.overlays, order,
                                      {!kernel_barrier, false, false, {}}, nullptr);
    std::string which = kernel_barrier ? "without " : "with ";
    for (CheckFinding& f : removal_findings(other, Stage::kRemoveOther)) {
      if (seen.count(key_of(f.finding)) != 0) continue;
      // Not what the selected kernel does; what a kernel on the other side of the barrier fix does.
      f.finding.severity = Severity::kInfo;
      f.finding.detail = "on a kernel " + which + kmsg::barrier_name(profile) + ": " + f.finding.detail;
      result.findings.push_back(std::move(f));
    }
    bool all_applied = true;
    for (const OverlayApplyReport& o : applied.overlays) all_applied = all_applied && o.outcome.applied;
    if (overlays.size() > 1 && all_applied &&
        first_first_refused(inputs.base->tree, overlays, profile, drivers, spec.overlays, kernel_barrier)) {
      result.findings.push_back({Stage::kLint, spec.overlays.front(),
                                 {"removal-order-refused", Severity::kInfo, "", "",
                                  "removing the stack in apply order is refused (-EBUSY, not topmost): remove the "
                                  "overlays last first",
                                  {}}});
    }
  }
  for (const CheckFinding& f : result.findings) ++result.counts[static_cast<std::size_t>(f.finding.severity)];
  return result;
}

}  // namespace ovl::cli
