#include "cli/error_line.h"

#include <cstdio>

namespace ovl::cli {

std::string error_line(std::string_view message) {
  std::string line = "ovlcheck: error: ";
  for (char c : message) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (c == '\t') {
      line += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      line += escaped;
    } else {
      line += c;
    }
  }
  line += '\n';
  return line;
}

}  // namespace ovl::cli
