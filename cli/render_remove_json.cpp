// The JSON contract of `ovlcheck remove --json` (docs/json-schema.md).
#include "cli/devices_json.h"
#include "cli/findings_json.h"
#include "cli/remove_report.h"

#include "core/kernel/errno_names.h"

namespace ovl::cli {
namespace {

Json unbalanced_json(const UnbalancedNode& u) {
  return {{"node", u.node},
          {"refcount", u.refcount},
          {"expected", 1},
          {"message", u.message},
          {"holders", u.holders},
          {"pending_releases", u.pending_releases}};
}

Json run_json(const RemovalRun& run, bool with_trace) {
  Json operations = Json::array();
  Json unbalanced = Json::array();
  Json messages = Json::array();
  for (const RemoveOperation& op : run.operations) {
    const RemoveOutcome& out = op.outcome;
    Json op_unbalanced = Json::array();
    for (const UnbalancedNode& u : out.unbalanced) {
      op_unbalanced.push_back(unbalanced_json(u));
      unbalanced.push_back(unbalanced_json(u));
    }
    for (const KernelLine& line : out.log.lines()) messages.push_back({{"level", severity_name(line.level)}, {"text", line.text}});
    for (const KernelLine& line : op.after.lines()) messages.push_back({{"level", severity_name(line.level)}, {"text", line.text}});
    operations.push_back({{"op", "remove"},
                          {"file", op.file},
                          {"id", out.id},
                          {"removed", out.removed},
                          {"result", out.result},
                          {"errno", out.result == 0 ? Json(nullptr) : Json(errno_name(out.result).substr(1))},
                          {"devices", device_changes_json(out.devices)},
                          {"unbalanced", op_unbalanced},
                          {"messages", kernel_lines_json(out.log.lines())},
                          {"findings", findings_json(out.log.findings())},
                          {"settles", op.settles},
                          {"after", {{"messages", kernel_lines_json(op.after.lines())},
                                     {"findings", findings_json(op.after.findings())}}}});
  }
  for (const KernelLine& line : run.later.lines()) messages.push_back({{"level", severity_name(line.level)}, {"text", line.text}});
  Json out = {{"barrier", run.barrier},
              {"matches_kernel", run.matches_kernel},
              {"unbalanced", unbalanced},
              {"messages", messages},
              {"operations", operations},
              {"later", {{"messages", kernel_lines_json(run.later.lines())},
                         {"findings", findings_json(run.later.findings())}}}};
  if (with_trace) {
    Json events = Json::array();
    for (const TraceEvent& e : run.trace.events()) {
      Json event = {{"kind", e.kind}, {"text", e.text}};
      if (!e.node.empty()) event["node"] = e.node;
      if (e.refcount >= 0) event["refcount"] = e.refcount;
      events.push_back(std::move(event));
    }
    out["trace"] = std::move(events);
  }
  return out;
}

Json exploration_json(const Exploration& x) {
  Json groups = Json::array();
  for (const ExplorationGroup& g : x.groups) {
    Json outcomes = Json::array();
    for (const ExplorationOutcome& o : g.outcomes) outcomes.push_back({{"messages", o.lines}, {"witness", o.witness}});
    groups.push_back({{"releases", g.releases}, {"truncated", g.truncated}, {"outcomes", outcomes}});
  }
  return {{"outcome_count", x.outcome_count},
          {"outcome_count_is_lower_bound", x.outcome_count_is_lower_bound},
          {"always", x.always},
          {"groups", groups}};
}

}  // namespace

std::string render_remove_json(const RemoveReport& report) {
  Json runs = Json::array();
  for (const RemovalRun& run : report.runs) runs.push_back(run_json(run, report.with_trace));
  Json apply = Json::parse(render_apply_json(report.apply), nullptr, true, false);
  Json root = {{"ovlcheck", OVLCHECK_VERSION},
               {"kernel", report.apply.kernel},
               {"base", report.apply.base},
               {"drivers", report.apply.drivers},
               {"barrier", report.barrier_name},
               {"apply", apply["overlays"]},
               {"runs", runs}};
  if (report.exploration) root["explore"] = exploration_json(*report.exploration);
  root["exit_status"] = report.exit_status;
  return root.dump(2) + "\n";
}

}  // namespace ovl::cli
