// ovlcheck's exit statuses (docs/exit-codes.md). Scripts and CI jobs rely on them.
#pragma once

namespace ovl::cli {

enum ExitStatus : int {
  kExitClean = 0,     // every overlay applies (warnings allowed)
  kExitFindings = 1,  // the kernel would refuse an overlay or log an error
  kExitCannotRun = 2, // usage error, unreadable or invalid input, output not writable
};

}  // namespace ovl::cli
