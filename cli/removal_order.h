// `remove --order`: which overlay is removed when, and whether time passes in between.
#pragma once

#include "core/util/expected.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ovl::cli {

struct RemovalStep {
  std::size_t position;  // 0-based, on the command line
  bool settles;          // the deferred releases run before the next removal
};

// The default order: last applied first, each removal settling.
std::vector<RemovalStep> last_first(std::size_t count);

// "2,1": 1-based positions of the overlays on the command line. A ',' lets the deferred
// releases run before the next removal (time passes); a '+' removes the next one at once.
// Empty: last applied first, each removal settling. `count` overlays were given.
Expected<std::vector<RemovalStep>> removal_order(const std::string& text, std::size_t count);

}  // namespace ovl::cli
