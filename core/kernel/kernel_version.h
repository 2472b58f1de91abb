// A kernel release number such as 6.1 or 6.1.85, as given to --kernel.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace ovl {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // "6.1", "6.1.85", "v5.10.215"; a "-rc3" or "+" suffix is ignored. nullopt when malformed.
  static std::optional<KernelVersion> parse(std::string_view text);
  std::string to_string() const;  // "6.1.85", or "6.1" when patch is 0

  bool same_branch(const KernelVersion& other) const {
    return major == other.major && minor == other.minor;
  }
  auto operator<=>(const KernelVersion&) const = default;
};

}  // namespace ovl
