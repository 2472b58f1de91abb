// fw_devlink: from supplier properties to device links (drivers/base/core.c and
// drivers/of/property.c; kernel-model-devlink.md §1). A node's properties are parsed once, when
// the first device for it (or for an ancestor) is added; what cannot become a device link yet is
// kept pending until the supplier's device appears.
#include "core/devices/device_model.h"

#include "core/devices/supplier_bindings.h"

namespace ovl {

void DeviceModel::add_pending(NodeId consumer, NodeId supplier, const std::string& property, bool ignore) {
  // One pending entry per (consumer, supplier) pair, as __fwnode_link_add merges duplicates.
  if (auto it = pending_by_consumer_.find(consumer); it != pending_by_consumer_.end()) {
    for (std::size_t i : it->second) {
      if (pending_suppliers_[i].live && pending_suppliers_[i].supplier == supplier) return;
    }
  }
  std::size_t index = pending_suppliers_.size();
  pending_suppliers_.push_back({consumer, supplier, property, ignore, true});
  pending_by_consumer_[consumer].push_back(index);
  pending_by_supplier_[supplier].push_back(index);
}

// of_fwnode_add_links() through fw_devlink_parse_fwtree(): the node, then its available children.
void DeviceModel::parse_supplier_tree(NodeId node, KernelLog& log) {
  Node& n = tree_.node(node);
  if ((n.fwnode_flags & kFwnodeLinksAdded) == 0) {
    n.fwnode_flags |= kFwnodeLinksAdded;
    std::vector<Finding> problems;
    for (const SupplierReference& ref : parse_suppliers(tree_, node, profile_, problems)) {
      NodeId supplier = ref.supplier;
      NodeId consumer = ref.consumer == kNoNode ? node : ref.consumer;
      if (profile_.has(Feature::kLinkToExactSupplierNode)) {
        // v6.3+: the exact node, unless something unavailable stands between it and the nearest
        // node that has a device.
        bool usable = true;
        for (NodeId at = supplier; at != kNoNode && device_of(at) == kNoDevice; at = tree_.node(at).parent) {
          if (!is_available(tree_, at)) usable = false;
        }
        if (!usable) continue;
      } else {
        // Before v6.3: the nearest node (itself or an ancestor) with `compatible`; never a
        // consumer's own descendant; never an early device that has no struct device.
        while (supplier != kNoNode && is_available(tree_, supplier) &&
               tree_.node(supplier).properties.find("compatible") == nullptr) {
          supplier = tree_.node(supplier).parent;
        }
        if (supplier == kNoNode || !is_available(tree_, supplier)) continue;
        if (tree_.is_ancestor(consumer, supplier)) continue;
        const Node& s = tree_.node(supplier);
        bool no_device_ever = s.has(kFlagPopulated) || (s.fwnode_flags & kFwnodeNotDevice) != 0;
        if (device_of(supplier) == kNoDevice && no_device_ever) continue;
      }
      add_pending(consumer, supplier, ref.property, ref.ignore);
    }
    for (Finding& problem : problems) log.add(std::move(problem));
  }
  std::vector<NodeId> children;
  tree_.for_each_child(node, [&](NodeId c) {
    if (is_available(tree_, c)) children.push_back(c);
  });
  for (NodeId child : children) parse_supplier_tree(child, log);
}

DeviceId DeviceModel::nearest_ancestor_device(NodeId node) const {
  for (NodeId at = tree_.node(node).parent; at != kNoNode; at = tree_.node(at).parent) {
    if (DeviceId d = device_of(at); d != kNoDevice) return d;
  }
  return kNoDevice;
}

DeviceId DeviceModel::supplier_device(NodeId supplier_node) const {
  if (profile_.has(Feature::kLinkToExactSupplierNode) &&
      (tree_.node(supplier_node).fwnode_flags & kFwnodeNotDevice) != 0) {
    return nearest_ancestor_device(supplier_node);  // fwnode_get_next_parent_dev()
  }
  return device_of(supplier_node);
}

bool DeviceModel::initialized_without_driver(NodeId node) const {
  for (NodeId at = node; at != kNoNode; at = tree_.node(at).parent) {
    if ((tree_.node(at).fwnode_flags & kFwnodeInitialized) != 0 && device_of(at) == kNoDevice) return true;
  }
  return false;
}

// fw_devlink_create_devlink(): kDone when the pending entry has been dealt with (a link, or a
// reason never to make one), kWait while the supplier has no device yet.
DeviceModel::LinkResult DeviceModel::create_devlink(DeviceId consumer, std::size_t pending_index, bool own,
                                                    KernelLog& log) {
  if (pending_suppliers_[pending_index].ignore) return LinkResult::kGiveUp;
  bool search = profile_.has(Feature::kFwDevlinkCycleSearch);
  if (search && relax_cycles(pending_suppliers_[pending_index].consumer, pending_suppliers_[pending_index].supplier)) {
    PendingSupplier& p = pending_suppliers_[pending_index];
    p.cycle = true;
    std::string line = tree_.path(p.consumer) + ": Fixed dependency cycle(s) with " + tree_.path(p.supplier);
    log.report({"cycle-relaxed", Severity::kInfo, tree_.path(p.consumer), line,
                "the " + p.property + " dependency on " + tree_.path(p.supplier) +
                    " closes a dependency cycle; fw_devlink cannot tell which dependency is false, so it relaxes "
                    "every link on the cycle (SYNC_STATE_ONLY | CYCLE) and none of them orders probing",
                {}});
  }
  const PendingSupplier pending = pending_suppliers_[pending_index];
  bool on = profile_.has(Feature::kFwDevlinkOn);
  std::vector<std::string> flags = {"MANAGED"};
  if (profile_.has(Feature::kInferredLinkFlag)) flags.push_back("INFERRED");
  if (own && pending.cycle) {
    flags = relaxed_flags();
  } else if (own && on) {
    flags.push_back("AUTOPROBE_CONSUMER");
  } else {
    flags.push_back("SYNC_STATE_ONLY");  // permissive, or a proxy link for a descendant
  }
  DeviceId supplier = supplier_device(pending.supplier);
  if (supplier == kNoDevice) {
    if (initialized_without_driver(pending.supplier)) return LinkResult::kGiveUp;
    if (!search && own && on && fix_pending_cycle(consumer, pending_index, log)) return LinkResult::kGiveUp;
    return LinkResult::kWait;
  }
  if (!devices_[supplier].bound && !devices_[supplier].probing &&
      (tree_.node(pending.supplier).fwnode_flags & kFwnodeInitialized) != 0) {
    return LinkResult::kGiveUp;  // "dev might never probe"
  }
  if (supplier == consumer) return LinkResult::kDone;
  device_link_add(consumer, supplier, pending, std::move(flags), log);
  return LinkResult::kDone;
}

// Before v6.3 (and 6.1.53), a supplier without a device was checked for a cycle only through its
// nearest parent device: when that device already depends on the consumer, the links on the way
// are relaxed and this dependency is dropped. A cycle that runs through another supplier without
// a device is not seen, and its devices wait for each other for ever.
bool DeviceModel::fix_pending_cycle(DeviceId consumer, std::size_t pending_index, KernelLog& log) {
  const PendingSupplier& pending = pending_suppliers_[pending_index];
  DeviceId parent = nearest_ancestor_device(pending.supplier);
  std::vector<LinkId> cycle;
  if (parent == kNoDevice || !device_is_dependent(consumer, parent, cycle)) return false;
  for (LinkId l : cycle) relax_link(l);
  log.add({"cycle-relaxed", Severity::kInfo, tree_.path(pending.consumer), "",
           "the " + pending.property + " dependency on " + tree_.path(pending.supplier) +
               ", which has no device yet, closes a dependency cycle through " + device_label(parent) +
               "; fw_devlink drops it and relaxes the links on the cycle (the kernel logs \"Fixing up cyclic "
               "dependency with ...\")",
           {}});
  return true;
}

// fw_devlink_link_device(): called from device_add() for a node's primary device.
void DeviceModel::link_device(DeviceId id, KernelLog& log) {
  parse_supplier_tree(devices_[id].node, log);
  link_waiting_consumers(id, log);
  link_to_suppliers(id, devices_[id].node, log);
}

// __fw_devlink_link_to_consumers(): nodes that were waiting for this one.
void DeviceModel::link_waiting_consumers(DeviceId id, KernelLog& log) {
  NodeId node = devices_[id].node;
  if (auto it = pending_by_supplier_.find(node); it != pending_by_supplier_.end()) {
    std::vector<std::size_t> waiting = it->second;
    for (std::size_t i : waiting) {
      PendingSupplier pending = pending_suppliers_[i];
      if (!pending.live || pending.ignore) continue;
      DeviceId consumer = device_of(pending.consumer);
      if (consumer != kNoDevice) {
        if (create_devlink(consumer, i, true, log) != LinkResult::kWait) pending_suppliers_[i].live = false;
        continue;
      }
      // The consumer node has no device yet: its nearest ancestor device stands in for it with a
      // SYNC_STATE_ONLY link, unless that ancestor is also the supplier's ancestor.
      DeviceId proxy = nearest_ancestor_device(pending.consumer);
      if (proxy == kNoDevice || tree_.is_ancestor(devices_[proxy].node, node)) continue;
      create_devlink(proxy, i, false, log);
    }
  }
}

// __fw_devlink_link_to_suppliers(): the device's own suppliers, then proxy links for the
// suppliers of every available descendant.
void DeviceModel::link_to_suppliers(DeviceId id, NodeId node, KernelLog& log) {
  bool own = devices_[id].node == node;
  if (auto it = pending_by_consumer_.find(node); it != pending_by_consumer_.end()) {
    std::vector<std::size_t> suppliers = it->second;
    for (std::size_t i : suppliers) {
      PendingSupplier pending = pending_suppliers_[i];
      if (!pending.live) continue;
      if (pending.ignore) {
        if (own) pending_suppliers_[i].live = false;
        continue;
      }
      LinkResult result = create_devlink(id, i, own, log);
      if (own && result != LinkResult::kWait) pending_suppliers_[i].live = false;
    }
  }
  std::vector<NodeId> children;
  tree_.for_each_child(node, [&](NodeId c) {
    if (is_available(tree_, c)) children.push_back(c);
  });
  for (NodeId child : children) link_to_suppliers(id, child, log);
}

// __fw_devlink_pickup_dangling_consumers() (v6.3+): once a device binds, its available child
// nodes that did not become devices are NOT_DEVICE, and whoever waits for them links to it.
void DeviceModel::pick_up_dangling_consumers(DeviceId id, KernelLog& log) {
  std::vector<NodeId> stack;
  tree_.for_each_child(devices_[id].node, [&](NodeId c) { stack.push_back(c); });
  while (!stack.empty()) {
    NodeId node = stack.back();
    stack.pop_back();
    if (!is_available(tree_, node) || device_of(node) != kNoDevice) continue;
    tree_.node(node).fwnode_flags |= kFwnodeNotDevice;
    tree_.for_each_child(node, [&](NodeId c) { stack.push_back(c); });
    auto it = pending_by_supplier_.find(node);
    if (it == pending_by_supplier_.end()) continue;
    std::vector<std::size_t> waiting = it->second;
    for (std::size_t i : waiting) {
      PendingSupplier pending = pending_suppliers_[i];
      DeviceId consumer = pending.live ? device_of(pending.consumer) : kNoDevice;
      if (consumer == kNoDevice || pending.ignore) continue;
      if (create_devlink(consumer, i, true, log) != LinkResult::kWait) pending_suppliers_[i].live = false;
    }
  }
}

void DeviceModel::refresh_fwnode(NodeId node, KernelLog& log) {
  // The closest node, itself or an ancestor, that is not NOT_DEVICE and has a device on a bus.
  DeviceId dev = kNoDevice;
  for (NodeId at = node; at != kNoNode && dev == kNoDevice; at = tree_.node(at).parent) {
    if ((tree_.node(at).fwnode_flags & kFwnodeNotDevice) == 0) dev = device_of(at);
  }
  // Only a bound device redoes what binding did; an unbound one does it when it binds.
  if (dev == kNoDevice || !devices_[dev].bound) return;
  pick_up_dangling_consumers(dev, log);
  link_waiting_consumers(dev, log);
  retry_deferred_probes(log);  // driver_deferred_probe_trigger()
}

}  // namespace ovl
