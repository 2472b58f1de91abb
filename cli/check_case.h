// One case of `ovlcheck check`: a base, the overlays applied to it in order, a kernel; and its
// result, one list of findings (core's Finding, each tagged with the overlay it is about and the
// stage that found it). Every renderer of `check` (text, JSON, JUnit, SARIF) reads this list.
#pragma once

#include "core/devices/driver_set.h"
#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "fdt/blob_io.h"

#include <array>
#include <string>
#include <vector>

namespace ovl::cli {

struct CheckCase {
  std::string name;                   // from the manifest, or made from the file names
  std::string base;                   // as given: a file, `live` or `live-tree`
  std::vector<std::string> overlays;  // applied in this order
  std::string kernel;                 // as given (--kernel or the manifest)
};

// Where a finding comes from, in the order a case runs.
enum class Stage {
  kBoot,          // populating the base
  kApply,         // of_overlay_fdt_apply()
  kRemove,        // of_overlay_remove(), in the run that matches the kernel's barrier
  kRemoveOther,   // the same in the other run (with the barrier if the kernel lacks it, or not)
  kLint,          // ovlcheck's own checks of the inputs and the result
};
const char* stage_name(Stage stage);  // "boot", "apply", "remove", "remove-other-barrier", "lint"

struct CheckFinding {
  Stage stage;
  std::string overlay;  // the overlay file it is about; empty: the base
  Finding finding;
};

struct CaseResult {
  CheckCase spec;
  std::string kernel;  // the profile's name
  std::vector<CheckFinding> findings;
  std::array<std::size_t, 3> counts{};  // by Severity: error, warning, info

  std::size_t count(Severity severity) const { return counts[static_cast<std::size_t>(severity)]; }
};

// The loaded inputs of one case; owned by the caller, shared read-only between cases.
struct CaseInputs {
  const fdt::LoadedBlob* base;
  std::vector<const fdt::LoadedBlob*> overlays;
};

// Boots, applies, and with `lifecycle` removes the overlays (last first) in both barrier runs.
// Findings of the run the kernel does not match are kept as info, and only where the matching run
// lacks them (the barrier is what makes them differ). Touches nothing but its own copies.
CaseResult run_case(const CheckCase& spec, const CaseInputs& inputs, const KernelProfile& profile,
                    const DriverSet& drivers, bool lifecycle);

}  // namespace ovl::cli
