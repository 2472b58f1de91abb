#include "cli/check_case.h"

#include "cli/removal_replay.h"
#include "core/kernel_messages.h"

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
  RemovalRun matching = replay_removal(inputs.base->tree, overlays, profile, drivers, spec.overlays, order,
                                       {kernel_barrier, false, false}, &applied);
  add_all(result.findings, Stage::kBoot, "", applied.boot);
  for (const OverlayApplyReport& o : applied.overlays) add_all(result.findings, Stage::kApply, o.file, o.outcome.log);
  if (lifecycle) {
    std::vector<CheckFinding> removal = removal_findings(matching, Stage::kRemove);
    std::set<FindingKey> seen;
    for (const CheckFinding& f : removal) seen.insert(key_of(f.finding));
    result.findings.insert(result.findings.end(), removal.begin(), removal.end());
    RemovalRun other = replay_removal(inputs.base->tree, overlays, profile, drivers, spec.overlays, order,
                                      {!kernel_barrier, false, false}, nullptr);
    std::string which = kernel_barrier ? "without " : "with ";
    for (CheckFinding& f : removal_findings(other, Stage::kRemoveOther)) {
      if (seen.count(key_of(f.finding)) != 0) continue;
      // Not what the selected kernel does; what a kernel on the other side of the barrier fix does.
      f.finding.severity = Severity::kInfo;
      f.finding.detail = "on a kernel " + which + kmsg::barrier_name(profile) + ": " + f.finding.detail;
      result.findings.push_back(std::move(f));
    }
  }
  for (const CheckFinding& f : result.findings) ++result.counts[static_cast<std::size_t>(f.finding.severity)];
  return result;
}

}  // namespace ovl::cli
