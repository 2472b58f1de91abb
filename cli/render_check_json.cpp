// The JSON contract of `ovlcheck check --format json` (docs/json-schema.md,
// docs/check-report.schema.json).
#include "cli/check_report.h"
#include "cli/findings_json.h"

namespace ovl::cli {

std::string render_check_json(const CheckReport& report) {
  Json cases = Json::array();
  for (const CaseResult& c : report.cases) {
    bool fails = report.case_fails(c);
    Json findings = Json::array();
    for (const CheckFinding& f : c.findings) {
      Json one = finding_json(f.finding);
      one["stage"] = stage_name(f.stage);
      one["overlay"] = f.overlay.empty() ? Json(nullptr) : Json(f.overlay);
      findings.push_back(std::move(one));
    }
    cases.push_back({{"name", c.spec.name},
                     {"base", c.spec.base},
                     {"overlays", c.spec.overlays},
                     {"kernel", c.kernel},
                     {"result", fails ? "fail" : "pass"},
                     {"counts", {{"error", c.counts[0]}, {"warning", c.counts[1]}, {"info", c.counts[2]}}},
                     {"findings", std::move(findings)}});
  }
  auto [failed, totals] = report.totals();
  Json root = {{"ovlcheck", OVLCHECK_VERSION},
               {"drivers", report.drivers},
               {"lifecycle", report.lifecycle},
               {"fail_on", report.fail_on.name},
               {"cases", std::move(cases)},
               {"summary", {{"cases", report.cases.size()},
                            {"failed", failed},
                            {"error", totals[0]},
                            {"warning", totals[1]},
                            {"info", totals[2]}}},
               {"exit_status", report.exit_status()}};
  return root.dump(2) + "\n";
}

}  // namespace ovl::cli
