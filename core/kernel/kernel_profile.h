// What differs between kernel versions, as data. A profile is the set of behaviour changes
// ("features") that a given release has, computed from one table of when each change reached
// mainline and which stable branches took it. Code asks `profile.has(Feature::X)`, or looks the
// version up in a data table whose rows carry a Lifespan (the supplier bindings); it never
// compares version numbers itself. A version newer than any row behaves like the newest known.
#pragma once

#include "core/kernel/kernel_version.h"
#include "core/kernel/version_history.h"
#include "core/util/expected.h"

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
  // fw_devlink=on is the default: inferred links are managed and gate the consumer's probe
  // (v5.13). Before, fw_devlink=permissive: every inferred link is SYNC_STATE_ONLY.
  kFwDevlinkOn,
  // A link's device references are dropped from a workqueue item (device_link_release_fn,
  // 80dd33cf72d1, v5.13; stable 5.10.42); before, from an SRCU callback (call_srcu).
  kLinkReleaseOnWorkqueue,
  // of_changeset_destroy() first waits for pending link releases: device_link_wait_removal()
  // (8917e7385346 + 0462c56c290a, v6.9; stable 6.8.5, 6.6.26, 6.1.85, 5.15.154, 5.10.215).
  kDeviceLinkWaitRemoval,
  // fwnode links target the exact supplier node, resolved to the nearest ancestor device when
  // the node is FWNODE_FLAG_NOT_DEVICE (v6.3). Before, of_link_to_phandle() moved up to the
  // nearest node with `compatible` and refused links to a consumer's own descendants.
  kLinkToExactSupplierNode,
  // Nodes attached by an overlay are FWNODE_FLAG_NOT_DEVICE until a bus notifier makes a device
  // of them (1a50d9403fb9, v6.3; stable 6.1.53).
  kOverlayNodesNotDevice,
  // ... undone: Revert "treewide: Fix probing of devices in DT overlays" (7d67ddc5f0148, queued
  // for v7.2; stable 6.12.97). Overlay nodes are ordinary fwnodes again: a consumer of one that
  // has no device yet waits for it instead of linking to its parent's device.
  kOverlayNodesNotDeviceReverted,
  // After the notifications, of_overlay_apply() re-runs fw_devlink for each fragment target's
  // nearest bound bus device: its new child nodes without a device become NOT_DEVICE and their
  // consumers link to it (overlay_fw_devlink_refresh, 76841259ac092 "of: dynamic: Fix overlayed
  // devices not probing because of fw_devlink", queued for v7.2; stable 6.12.111).
  kOverlayFwDevlinkRefresh,
  // spi devices carry their fwnode, so fw_devlink links them (v5.11).
  kSpiDevicesLinked,
  // of_node_release() prints "detected bad of_node_put() on %pOF/%s" and checks children (v6.4).
  kNodeReleaseReworkedChecks,
  // The resolver's unresolved-label error returns at once, without the catch-all "overlay
  // phandle fixup failed" line (a46a0805635d with 5275e8b5293f, v6.15; stable 6.12.26; seen on
  // 6.1.192 with the oracle, first 6.1.y release not pinned).
  kResolverLabelErrorAlone,
  // A link relaxed because it closes a cycle carries DL_FLAG_CYCLE (v6.3, with the cycle rework;
  // in 6.1.y since 6.1.53 with the fw_devlink backports).
  kDeviceLinkCycleFlag,
  // Before linking, fw_devlink searches for a dependency cycle through fwnode links, parent devices
  // and device links, and relaxes every link on one it finds (v6.3; 6.1.53).
  kFwDevlinkCycleSearch,
  // fw_devlink marks the links it creates DL_FLAG_INFERRED (v5.12).
  kInferredLinkFlag,
  // dup_and_fixup_symbol_prop() drops a root target's "/" before appending the path below
  // __overlay__, so a label of a fragment targeting "/" reads "/node" in the live __symbols__;
  // before, "//node", which the resolver of a later overlay cannot find (devicetree-fixes for
  // v7.3, "of/overlay: don't create "//" paths for fragments targeting the root"; stable 6.1.191,
  // 6.12.113).
  kRootTargetSymbolsSingleSlash,
  // An UPDATE entry learns the property it replaces when it is applied, not when it is made
  // ("of: dynamic: Fix race in getting old property when updating property", v6.6). So an entry
  // of a refused overlay, never applied, reverts as a REMOVE_PROPERTY that fails with -ENODEV;
  // before, it reverted as an UPDATE whose "old" property never had a sysfs file, and the kernel
  // oopsed (6.1.192 and 6.12.118 with the oracle, b-new-bus/*.twice).
  kChangesetOldPropertyAtApply,
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
