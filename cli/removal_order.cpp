#include "cli/removal_order.h"

#include <cstdlib>

namespace ovl::cli {

std::vector<RemovalStep> last_first(std::size_t count) {
  std::vector<RemovalStep> order;
  for (std::size_t i = count; i-- > 0;) order.push_back({i, true});
  return order;
}

Expected<std::vector<RemovalStep>> removal_order(const std::string& text, std::size_t count) {
  if (text.empty()) return last_first(count);
  std::vector<RemovalStep> order;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",+", start);
    std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    bool digits = !item.empty() && item.find_first_not_of("0123456789") == std::string::npos;
    long position = digits && item.size() < 10 ? std::strtol(item.c_str(), nullptr, 10) : 0;
    if (!digits || item.front() == '0' || position < 1 || static_cast<std::size_t>(position) > count) {
      return Error{"--order: '" + item + "' is not an overlay position between 1 and " + std::to_string(count)};
    }
    order.push_back({static_cast<std::size_t>(position - 1), end == std::string::npos || text[end] == ','});
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return order;
}

}  // namespace ovl::cli
