// `ovlcheck check --format junit`: one <testsuite> per base and kernel, one <testcase> per overlay
// of each case (plus one for the base itself when something is found about it). A testcase fails
// when it has a finding at or above --fail-on; its other findings go to <system-out>.
#include "cli/check_report.h"

#include <map>
#include <sstream>

namespace ovl::cli {
namespace {

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no way to write other control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += c;
    }
  }
  return out;
}

std::string finding_line(const CheckFinding& f) {
  std::string line = std::string(severity_name(f.finding.severity)) + " " + f.finding.code;
  if (!f.finding.path.empty()) line += " " + f.finding.path;
  line += " [" + std::string(stage_name(f.stage)) + "]";
  if (!f.finding.detail.empty()) line += ": " + f.finding.detail;
  if (!f.finding.message.empty()) line += "\n  kernel: " + f.finding.message;
  return line + "\n";
}

struct TestCase {
  std::string name;
  std::string classname;
  std::vector<const CheckFinding*> findings;
};

struct Suite {
  std::string name;
  std::vector<TestCase> cases;
};

void render_case(std::ostringstream& out, const TestCase& tc, const FailOn& fail_on, std::size_t& failures) {
  std::string failing, other;
  std::vector<std::string> failing_codes;
  for (const CheckFinding* f : tc.findings) {
    if (fail_on.fails(f->finding.severity)) {
      failing += finding_line(*f);
      failing_codes.push_back(f->finding.code);
    } else {
      other += finding_line(*f);
    }
  }
  out << "    <testcase name=\"" << xml_escaped(tc.name) << "\" classname=\"" << xml_escaped(tc.classname) << "\"";
  if (failing.empty() && other.empty()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  if (!failing.empty()) {
    ++failures;
    std::string message = std::to_string(failing_codes.size()) + " finding(s) at or above " + fail_on.name + ":";
    for (const std::string& code : failing_codes) message += " " + code;
    out << "      <failure type=\"" << xml_escaped(failing_codes.front()) << "\" message=\"" << xml_escaped(message)
        << "\">" << xml_escaped(failing) << "</failure>\n";
  }
  if (!other.empty()) out << "      <system-out>" << xml_escaped(other) << "</system-out>\n";
  out << "    </testcase>\n";
}

}  // namespace

std::string render_check_junit(const CheckReport& report) {
  std::vector<Suite> suites;
  std::map<std::pair<std::string, std::string>, std::size_t> suite_of;  // (base, kernel)
  for (const CaseResult& c : report.cases) {
    auto key = std::make_pair(c.spec.base, c.kernel);
    auto [it, added] = suite_of.emplace(key, suites.size());
    if (added) suites.push_back({c.spec.base + " (kernel " + c.kernel + ")", {}});
    Suite& suite = suites[it->second];
    std::size_t first = suite.cases.size();
    for (const std::string& overlay : c.spec.overlays) suite.cases.push_back({overlay, c.spec.name, {}});
    TestCase about_base{c.spec.base + " (base)", c.spec.name, {}};
    for (const CheckFinding& f : c.findings) {
      TestCase* target = &about_base;
      for (std::size_t i = first; i < suite.cases.size(); ++i) {
        if (suite.cases[i].name == f.overlay) target = &suite.cases[i];
      }
      target->findings.push_back(&f);
    }
    if (!about_base.findings.empty() || c.spec.overlays.empty()) suite.cases.push_back(std::move(about_base));
  }

  std::ostringstream body;
  std::size_t tests = 0, failures = 0;
  for (const Suite& suite : suites) {
    std::ostringstream cases;
    std::size_t suite_failures = 0;
    for (const TestCase& tc : suite.cases) render_case(cases, tc, report.fail_on, suite_failures);
    body << "  <testsuite name=\"" << xml_escaped(suite.name) << "\" tests=\"" << suite.cases.size()
         << "\" failures=\"" << suite_failures << "\" errors=\"0\" skipped=\"0\">\n"
         << cases.str() << "  </testsuite>\n";
    tests += suite.cases.size();
    failures += suite_failures;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ovlcheck check\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\">\n"
      << body.str() << "</testsuites>\n";
  return out.str();
}

}  // namespace ovl::cli
