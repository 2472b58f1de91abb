#include "core/kernel/kernel_profile.h"

namespace ovl {

const std::vector<FeatureHistory>& feature_history() {
  static const std::vector<FeatureHistory> table = {
      {Feature::kFailedApplyKeepsId, "failed-apply-keeps-id", {{5, 19, 0}, {}},
       "067c098766c6 of: overlay: rework overlay apply and remove kfree()s"},
      {Feature::kChangesetFailureSaysApplyFailed, "changeset-apply-failed-text", {{6, 5, 0}, {{6, 1, 50}}},
       "of: dynamic: Refactor action prints to not use \"%pOF\" inside devtree_lock (v6.5; Debian's "
       "6.1 changelog lists it in 6.1.50, and 6.1.192's dynamic.c prints \"apply failed:\")"},
      {Feature::kChangesetNodeFailureWithoutProperty, "changeset-node-action-no-prop", {{6, 6, 0}, {}},
       "of: dynamic: do not print a property for node actions (v6.6)"},
      {Feature::kFwDevlinkOn, "fw-devlink-on", {{5, 13, 0}, {}},
       "driver core: Set fw_devlink=on by default (v5.13)"},
      {Feature::kDeviceLinkCycleFlag, "devlink-cycle-flag", {{6, 3, 0}, {{6, 1, 53}}},
       "driver core: fw_devlink: Add DL_FLAG_CYCLE support (v6.3)"},
      {Feature::kFwDevlinkCycleSearch, "fw-devlink-cycle-search", {{6, 3, 0}, {{6, 1, 53}}},
       "driver core: fw_devlink: Make cycle detection more robust (v6.3, with DL_FLAG_CYCLE; 6.1.192 "
       "and 6.12.118 have __fw_devlink_relax_cycles())"},
      {Feature::kInferredLinkFlag, "devlink-inferred-flag", {{5, 12, 0}, {}},
       "driver core: Add DL_FLAG_INFERRED (v5.12)"},
      {Feature::kLinkReleaseOnWorkqueue, "devlink-release-workqueue", {{5, 13, 0}, {{5, 10, 42}}},
       "80dd33cf72d1 drivers: base: Fix device link removal"},
      {Feature::kDeviceLinkWaitRemoval, "device-link-wait-removal",
       {{6, 9, 0}, {{6, 8, 5}, {6, 6, 26}, {6, 1, 85}, {5, 15, 154}, {5, 10, 215}}},
       "8917e7385346 of: dynamic: Synchronize of_changeset_destroy() with the devlink removals"},
      {Feature::kLinkToExactSupplierNode, "fwnode-link-exact-supplier", {{6, 3, 0}, {{6, 1, 53}}},
       "of: property: Simplify of_link_to_phandle() (v6.3); the 6.1.53 fw_devlink backports (the "
       "oracle's 6.1.192 links a consumer to the parent device of a NOT_DEVICE supplier)"},
      {Feature::kResolverLabelErrorAlone, "resolver-label-error-alone", {{6, 15, 0}, {{6, 12, 26}, {6, 1, 192}}},
       "a46a0805635d of: resolver: Fix device node refcount leakage in of_resolve_phandles()"},
      {Feature::kOverlayNodesNotDevice, "overlay-nodes-not-device", {{6, 3, 0}, {{6, 1, 53}}},
       "1a50d9403fb9 treewide: Fix probing of devices in DT overlays"},
      {Feature::kOverlayNodesNotDeviceReverted, "overlay-nodes-not-device-reverted", {{7, 2, 0}, {{6, 12, 97}}},
       "7d67ddc5f0148 Revert \"treewide: Fix probing of devices in DT overlays\" (in -next after "
       "v7.1-rc2, so v7.2 is assumed; Debian's changelog lists it in 6.12.97; absent from 6.1.192)"},
      {Feature::kOverlayFwDevlinkRefresh, "overlay-fw-devlink-refresh", {{7, 2, 0}, {{6, 12, 111}}},
       "76841259ac092 of: dynamic: Fix overlayed devices not probing because of fw_devlink (in -next "
       "after v7.1-rc2, so v7.2 is assumed; Debian's changelog lists it in 6.12.111)"},
      {Feature::kSpiDevicesLinked, "spi-fwnode", {{5, 11, 0}, {}},
       "spi: Populate fwnode in of_register_spi_device() (v5.11)"},
      {Feature::kRootTargetSymbolsSingleSlash, "root-target-symbols-single-slash",
       {{7, 3, 0}, {{6, 1, 191}, {6, 12, 113}}},
       "of/overlay: don't create \"//\" paths for fragments targeting the root (merged with "
       "devicetree-fixes-for-7.3-2, ce1e0223d8ad; Debian's changelogs list it in 6.1.191 and "
       "6.12.113; the oracle's 6.1.192 writes /node)"},
      {Feature::kChangesetOldPropertyAtApply, "changeset-old-property-at-apply", {{6, 6, 0}, {}},
       "of: dynamic: Fix race in getting old property when updating property (v6.6, Rob Herring's "
       "changeset fixes series; not in 6.1.192, whose of_changeset_action() still records it)"},
      {Feature::kNodeReleaseReworkedChecks, "of-node-release-v6.4", {{6, 4, 0}, {}},
       "of: do not use \"%pOF\" printk format on node with refcount of zero (v6.4)"},
  };
  return table;
}

KernelProfile KernelProfile::for_version(const KernelVersion& version) {
  KernelProfile profile;
  profile.version_ = version;
  for (const FeatureHistory& entry : feature_history()) {
    profile.features_.set(static_cast<std::size_t>(entry.feature), entry.introduced.present_in(version));
  }
  return profile;
}

Expected<KernelProfile> KernelProfile::for_version(std::string_view text) {
  auto version = KernelVersion::parse(text);
  if (!version) {
    return Error{"'" + std::string(text) + "' is not a kernel version (expected e.g. 6.1 or 6.1.85)"};
  }
  if (*version < kOldestModelled) {
    return Error{"kernel " + version->to_string() + " is older than " +
                 kOldestModelled.to_string() + ", the oldest release ovlcheck models"};
  }
  return for_version(*version);
}

std::vector<std::string> KernelProfile::feature_names() const {
  std::vector<std::string> names;
  for (const FeatureHistory& entry : feature_history()) {
    if (has(entry.feature)) names.emplace_back(entry.name);
  }
  return names;
}

}  // namespace ovl
