// fw_devlink's cycle search (__fw_devlink_relax_cycles, v6.3; in 6.1.y since 6.1.53). Before a
// fwnode link becomes a device link, fw_devlink asks whether the supplier already depends on the
// consumer, following what the supplier waits for: its own fwnode links, its parent device (the
// one that must bind before a node without a device can get one) and its device links. fw_devlink
// cannot tell which dependency of a cycle is false, so every link on it is relaxed: fwnode links
// are marked CYCLE and device links become SYNC_STATE_ONLY | CYCLE, and none of them orders
// probing any more (kernel-model-devlink.md §1.5).
#include "core/devices/device_model.h"

#include <algorithm>

namespace ovl {

bool DeviceModel::relax_cycles(NodeId consumer, NodeId supplier) {
  CycleSearch& search = cycle_search_;
  if (search.state.size() < tree_.node_count()) {
    search.state.resize(tree_.node_count(), 0);
    search.walk.resize(tree_.node_count(), 0);
  }
  if (++search.number == 0) {  // the walk number wrapped: forget every old mark
    std::fill(search.walk.begin(), search.walk.end(), 0);
    search.number = 1;
  }
  return cycle_from(consumer, supplier);
}

// Whether `node` depends on `consumer`. The kernel marks a node visited only while it is on the
// current path, so it may walk a node again through another path; here each node is explored
// once per search and its answer remembered, which finds the same cycles without the walk
// growing exponentially on graphs with many paths.
bool DeviceModel::cycle_from(NodeId consumer, NodeId node) {
  enum : std::uint8_t { kOnPath = 1, kNoCycle = 2, kCycle = 3 };
  CycleSearch& search = cycle_search_;
  if (node == kNoNode || node >= search.state.size()) return false;
  if (search.walk[node] == search.number) return search.state[node] == kCycle;
  search.walk[node] = search.number;
  search.state[node] = kOnPath;
  if (node == consumer) {
    search.state[node] = kCycle;
    return true;
  }
  bool found = false;
  DeviceId sup_dev = device_of(node);
  DeviceId con_dev = device_of(consumer);
  // A bound supplier cannot be waiting for a consumer that has not started to bind.
  if (sup_dev != kNoDevice && devices_[sup_dev].bound && con_dev != kNoDevice && !devices_[con_dev].bound) {
    search.state[node] = kNoCycle;
    return false;
  }
  if (auto it = pending_by_consumer_.find(node); it != pending_by_consumer_.end()) {
    std::vector<std::size_t> fwnode_links = it->second;  // the recursion may add entries
    for (std::size_t i : fwnode_links) {
      const PendingSupplier& p = pending_suppliers_[i];
      if (!p.live || p.ignore) continue;
      if (cycle_from(consumer, p.supplier)) {
        pending_suppliers_[i].cycle = true;
        found = true;
      }
    }
  }
  DeviceId parent = sup_dev != kNoDevice ? devices_[sup_dev].parent : nearest_ancestor_device(node);
  if (parent != kNoDevice && cycle_from(consumer, devices_[parent].node)) found = true;
  if (sup_dev != kNoDevice) {
    std::vector<LinkId> to_suppliers;
    for (LinkId l : devices_[sup_dev].links) {
      const DeviceLink& link = links_[l];
      if (link.state != LinkState::kActive || link.consumer != sup_dev) continue;
      if (link.sync_state_only && !link.has_flag("CYCLE")) continue;  // relaxed, but not by a cycle
      to_suppliers.push_back(l);
    }
    for (LinkId l : to_suppliers) {
      if (!cycle_from(consumer, devices_[links_[l].supplier].node)) continue;
      relax_link(l);
      found = true;
    }
  }
  search.state[node] = found ? kCycle : kNoCycle;
  return found;
}

// fw_devlink_relax_link(), and DL_FLAG_CYCLE where the kernel has it. Every link here was made
// by fw_devlink, so every one may be relaxed.
void DeviceModel::relax_link(LinkId id) {
  DeviceLink& link = links_[id];
  if (!link.sync_state_only) {
    link.sync_state_only = true;
    link.flags = relaxed_flags();
  } else if (profile_.has(Feature::kDeviceLinkCycleFlag) && !link.has_flag("CYCLE")) {
    link.flags.push_back("CYCLE");
  }
}

}  // namespace ovl
