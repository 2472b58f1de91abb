// When a kernel behaviour appeared: a mainline release plus the stable releases that took it.
#pragma once

#include "core/kernel/kernel_version.h"

#include <optional>
#include <vector>

namespace ovl {

struct Introduced {
  KernelVersion mainline;
  std::vector<KernelVersion> backports;  // one per stable branch, e.g. 6.1.85

  bool present_in(const KernelVersion& version) const {
    if (version >= mainline) return true;
    for (const KernelVersion& backport : backports) {
      if (version.same_branch(backport) && version >= backport) return true;
    }
    return false;
  }
};

// Present from `added` on, and gone again from `removed` on (if it was removed).
struct Lifespan {
  Introduced added;
  std::optional<Introduced> removed;

  bool present_in(const KernelVersion& version) const {
    return added.present_in(version) && !(removed && removed->present_in(version));
  }
};

}  // namespace ovl
