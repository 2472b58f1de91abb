// What differs between kernel versions, as data. A profile is the set of behaviour changes
// ("features") that a given release has, computed from one table of when each change reached
// mainline and which stable branches took it. Code asks `profile.has(Feature::X)`; it never
// compares version numbers itself.
#pragma once

#include "core/expected.h"
#include "core/kernel_version.h"
#include "core/version_history.h"

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace ovl {

enum class Feature {
  // of_overlay_fdt_apply() hands out the overlay id before any work and keeps it on failure; the
  // caller must remove the failed overlay (Rowand's rework, 067c098766c6, v5.19).
  kFailedApplyKeepsId,
  // Changeset entry failures print "OF: changeset: apply failed: ACTION path:prop" instead of
  // "OF: changeset: add_property failed @path/prop" (v6.5).
  kChangesetFailureSaysApplyFailed,
  // ... and node actions print no ":prop" part (v6.6).
  kChangesetNodeFailureWithoutProperty,
  kCount,
};

struct FeatureHistory {
  Feature feature;
  const char* name;          // stable identifier for reports
  Introduced introduced;     // mainline release and stable backports
  const char* source;        // commit or thread, for the reader
};

// The table itself, for documentation and tests.
const std::vector<FeatureHistory>& feature_history();

class KernelProfile {
 public:
  static constexpr std::string_view kDefaultVersion = "6.12";
  // Oldest release whose overlay and device-link behaviour ovlcheck models.
  static constexpr KernelVersion kOldestModelled{5, 9, 0};

  // "6.1", "6.1.85", ...; an error for a malformed or unmodelled version.
  static Expected<KernelProfile> for_version(std::string_view text);
  static KernelProfile for_version(const KernelVersion& version);

  const KernelVersion& version() const { return version_; }
  std::string name() const { return version_.to_string(); }
  bool has(Feature feature) const { return features_.test(static_cast<std::size_t>(feature)); }
  // Names of the features this profile has, in table order (for reports).
  std::vector<std::string> feature_names() const;

 private:
  KernelVersion version_;
  std::bitset<static_cast<std::size_t>(Feature::kCount)> features_;
};

}  // namespace ovl
