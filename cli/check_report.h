// The result of `ovlcheck check`: every case's findings, and what --fail-on makes of them. Built
// once; each output format is a renderer of its own (render_check_*.cpp).
#pragma once

#include "cli/check_case.h"

#include <array>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace ovl::cli {

// --fail-on: the lowest severity that fails a case; never: nothing does.
struct FailOn {
  std::optional<Severity> threshold;
  std::string name;  // "error", "warning", "never"
  // Whether a finding of `severity` fails its case.
  bool fails(Severity severity) const {
    return threshold && static_cast<int>(severity) <= static_cast<int>(*threshold);
  }
};

struct CheckReport {
  std::string drivers;  // the driver assumption, in words
  bool lifecycle = true;
  FailOn fail_on;
  std::vector<CaseResult> cases;  // in the order the cases were given

  bool case_fails(const CaseResult& c) const {
    for (const CheckFinding& f : c.findings) {
      if (fail_on.fails(f.finding.severity)) return true;
    }
    return false;
  }
  int exit_status() const;  // 1 when any case fails, else 0
  // Failed cases, and findings by Severity (error, warning, info) over all cases.
  std::pair<std::size_t, std::array<std::size_t, 3>> totals() const;
};

std::string render_check_text(const CheckReport& report, bool colour);
std::string render_check_json(const CheckReport& report);
std::string render_check_junit(const CheckReport& report);
std::string render_check_sarif(const CheckReport& report);

}  // namespace ovl::cli
