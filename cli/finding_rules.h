// The catalogue of finding codes as rules: id, default severity, a one-line summary and help text.
// SARIF's tool.driver.rules is made from it; docs/json-schema.md lists the same codes.
#pragma once

#include "core/kernel/kernel_log.h"

#include <string>
#include <vector>

namespace ovl::cli {

struct FindingRule {
  std::string id;  // the finding code
  Severity severity;
  std::string summary;  // one line
  std::string help;     // what it means and what to do
};

// Every known rule, sorted by id.
const std::vector<FindingRule>& finding_rules();

// The rule for `id`; an unknown id (a code added to core but not here) gets a plain rule named
// after it, so that a report never drops a finding.
FindingRule rule_for(const std::string& id, Severity severity);

}  // namespace ovl::cli
