#include "core/kernel/kernel_version.h"

#include <cctype>
#include <charconv>

namespace ovl {

std::optional<KernelVersion> KernelVersion::parse(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  std::string_view rest = text.substr(end);
  if (!rest.empty() && rest.front() != '-' && rest.front() != '+') return std::nullopt;
  text = text.substr(0, end);

  int parts[3] = {0, 0, 0};
  int count = 0;
  while (!text.empty()) {
    if (count == 3) return std::nullopt;
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), parts[count]);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) return std::nullopt;
    ++count;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
    if (text.empty()) return std::nullopt;
  }
  if (count < 2) return std::nullopt;
  return KernelVersion{parts[0], parts[1], parts[2]};
}

std::string KernelVersion::to_string() const {
  std::string out = std::to_string(major) + "." + std::to_string(minor);
  if (patch != 0) out += "." + std::to_string(patch);
  return out;
}

}  // namespace ovl
