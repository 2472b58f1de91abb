// `ovlcheck check --format sarif`: SARIF 2.1.0 (OASIS), one run. Rules come from the finding
// catalogue (id, summary, help); each finding is a result whose artifact is the overlay file (the
// base for findings about the base) and whose logical location is the node path.
#include "cli/check_report.h"
#include "cli/finding_rules.h"
#include "cli/findings_json.h"

#include <map>

namespace ovl::cli {
namespace {

const char* sarif_level(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "note";
  }
  return "none";
}

// A file name as a relative URI reference: unreserved characters and '/' kept, the rest %XX.
std::string uri_of(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool keep = std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Json rule_json(const FindingRule& rule) {
  return {{"id", rule.id},
          {"shortDescription", {{"text", rule.summary}}},
          {"fullDescription", {{"text", rule.help}}},
          {"help", {{"text", rule.help}}},
          {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}}};
}

std::string message_of(const CheckFinding& f) {
  std::string text = f.finding.detail.empty() ? f.finding.code : f.finding.detail;
  if (!f.finding.path.empty()) text += " (node " + f.finding.path + ")";
  if (!f.finding.message.empty()) text += ". Kernel: " + f.finding.message;
  return text;
}

}  // namespace

std::string render_check_sarif(const CheckReport& report) {
  Json rules = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const FindingRule& rule : finding_rules()) {
    rule_index.emplace(rule.id, rules.size());
    rules.push_back(rule_json(rule));
  }
  Json results = Json::array();
  for (const CaseResult& c : report.cases) {
    for (const CheckFinding& f : c.findings) {
      auto [it, added] = rule_index.emplace(f.finding.code, rules.size());
      if (added) rules.push_back(rule_json(rule_for(f.finding.code, f.finding.severity)));
      Json location = {{"physicalLocation", {{"artifactLocation", {{"uri", uri_of(f.overlay.empty() ? c.spec.base : f.overlay)}}}}}};
      if (!f.finding.path.empty()) {
        location["logicalLocations"] = Json::array({{{"fullyQualifiedName", f.finding.path}, {"kind", "element"}}});
      }
      Json properties = {{"case", c.spec.name}, {"base", c.spec.base}, {"kernel", c.kernel}, {"stage", stage_name(f.stage)}};
      if (!f.finding.message.empty()) properties["kernelLine"] = f.finding.message;
      if (!f.finding.causes.empty()) properties["causes"] = f.finding.causes;
      results.push_back({{"ruleId", f.finding.code},
                         {"ruleIndex", it->second},
                         {"level", sarif_level(f.finding.severity)},
                         {"message", {{"text", message_of(f)}}},
                         {"locations", Json::array({location})},
                         {"properties", properties}});
    }
  }
  Json driver = {{"name", "ovlcheck"}, {"version", OVLCHECK_VERSION}, {"semanticVersion", OVLCHECK_VERSION}, {"rules", rules}};
  Json run = {{"tool", {{"driver", driver}}},
              {"results", results},
              {"properties", {{"drivers", report.drivers}, {"lifecycle", report.lifecycle}, {"failOn", report.fail_on.name}}}};
  Json root = {{"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
               {"version", "2.1.0"},
               {"runs", Json::array({run})}};
  return root.dump(2) + "\n";
}

}  // namespace ovl::cli
