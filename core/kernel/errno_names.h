// The kernel's errno values that overlay code returns, by name.
#pragma once

#include <string>

namespace ovl {

enum Errno : int {
  kENOENT = 2,
  kENOMEM = 12,
  kEFAULT = 14,
  kEBUSY = 16,
  kEEXIST = 17,
  kENODEV = 19,
  kEINVAL = 22,
  kERANGE = 34,
  kENODATA = 61,
  kEOVERFLOW = 75,
  kEILSEQ = 84,
};

// -22 -> "-EINVAL"; 0 -> "0"; an unknown value -> its number.
std::string errno_name(int negative_errno);

}  // namespace ovl
