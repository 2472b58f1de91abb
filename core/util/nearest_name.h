// "Did you mean": the known name closest to a mistyped one, for error messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ovl {

// The candidate with the smallest edit distance (insertions, deletions, substitutions, and
// swaps of neighbours) to `typed`, when that distance is small for the name's length: at most
// 1 for names up to 4 characters, 2 up to 8, 3 beyond. Ties go to the earlier candidate.
std::optional<std::string> nearest_name(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace ovl
