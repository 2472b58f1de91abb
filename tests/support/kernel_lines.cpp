#include "tests/support/kernel_lines.h"

namespace ovl::test {

std::string refcount_error_line(const std::string& node) { return kRefcountErrorPrefix + node; }

std::string leak_before_free_line(const std::string& node) { return kLeakBeforeFreePrefix + node; }

std::string leak_warning_line(const std::string& property) {
  return "OF: overlay: WARNING: memory leak will occur if overlay removed, property: " + property;
}

}  // namespace ovl::test
