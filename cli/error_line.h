// The one line ovlcheck prints when it cannot run: "ovlcheck: error: MESSAGE". Messages quote
// what the user gave (a file name, a --kernel or --order value), which may hold a newline or
// other control characters; they are shown escaped (\n, \x1b) so the error stays one line.
#pragma once

#include <string>
#include <string_view>

namespace ovl::cli {

// "ovlcheck: error: MESSAGE\n", control characters in MESSAGE escaped.
std::string error_line(std::string_view message);

}  // namespace ovl::cli
