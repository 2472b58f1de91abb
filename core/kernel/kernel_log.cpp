#include "core/kernel/kernel_log.h"

#include <algorithm>

namespace ovl {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "error";
}

bool KernelLog::has_error() const {
  auto is_error = [](const auto& item) { return item.severity == Severity::kError; };
  return std::any_of(findings_.begin(), findings_.end(), is_error) ||
         std::any_of(lines_.begin(), lines_.end(),
                     [](const KernelLine& line) { return line.level == Severity::kError; });
}

}  // namespace ovl
