// `ovlcheck check` for people: one line per case with its counts, then the errors and warnings of
// each case that has any.
#include "cli/check_report.h"

#include <cstdio>
#include <sstream>

namespace ovl::cli {
namespace {

std::string counts_cell(std::size_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%6zu", n);
  return buf;
}

}  // namespace

std::string render_check_text(const CheckReport& report, bool colour) {
  std::string red = colour ? "\033[31m" : "", green = colour ? "\033[32m" : "";
  std::string yellow = colour ? "\033[33m" : "", reset = colour ? "\033[0m" : "";
  std::ostringstream out;
  out << "drivers: " << report.drivers << "; removal " << (report.lifecycle ? "replayed" : "not replayed")
      << "; fail on " << report.fail_on.name << "\n\n";
  out << "result  errors  warnings  info  kernel   case\n";
  for (const CaseResult& c : report.cases) {
    bool fails = report.case_fails(c);
    out << (fails ? red + "FAIL" : green + "ok  ") << reset << "  " << counts_cell(c.count(Severity::kError)) << "    "
        << counts_cell(c.count(Severity::kWarning)) << counts_cell(c.count(Severity::kInfo)) << "  ";
    std::string kernel = c.kernel;
    kernel.resize(std::max<std::size_t>(kernel.size(), 8), ' ');
    out << kernel << " " << c.spec.name << "\n";
  }
  for (const CaseResult& c : report.cases) {
    bool header = false;
    for (const CheckFinding& f : c.findings) {
      if (f.finding.severity == Severity::kInfo) continue;
      if (!header) {
        out << "\n" << c.spec.name << " (kernel " << c.kernel << "):\n";
        header = true;
      }
      std::string tint = f.finding.severity == Severity::kError ? red : yellow;
      out << "  " << tint << severity_name(f.finding.severity) << reset << " " << f.finding.code;
      if (!f.finding.path.empty()) out << " " << f.finding.path;
      out << " [" << stage_name(f.stage) << (f.overlay.empty() ? "" : " " + f.overlay) << "]";
      if (!f.finding.detail.empty()) out << ": " << f.finding.detail;
      out << "\n";
      if (!f.finding.message.empty()) out << "    kernel: " << f.finding.message << "\n";
    }
  }
  auto [failed, totals] = report.totals();
  out << "\n" << report.cases.size() << " cases, " << failed << " failed; findings: " << totals[0] << " errors, "
      << totals[1] << " warnings, " << totals[2] << " info\n";
  return out.str();
}

}  // namespace ovl::cli
