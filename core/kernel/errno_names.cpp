#include "core/kernel/errno_names.h"

namespace ovl {

std::string errno_name(int negative_errno) {
  switch (-negative_errno) {
    case 0: return "0";
    case kENOENT: return "-ENOENT";
    case kENOMEM: return "-ENOMEM";
    case kEFAULT: return "-EFAULT";
    case kEBUSY: return "-EBUSY";
    case kEEXIST: return "-EEXIST";
    case kENODEV: return "-ENODEV";
    case kEINVAL: return "-EINVAL";
    case kERANGE: return "-ERANGE";
    case kENODATA: return "-ENODATA";
    case kEOVERFLOW: return "-EOVERFLOW";
    case kEILSEQ: return "-EILSEQ";
  }
  return std::to_string(negative_errno);
}

}  // namespace ovl
