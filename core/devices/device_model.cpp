// Devices: creation at boot and from reconfig notifications, probing, unbinding and release.
// fw_devlink lives in fw_devlink.cpp, device links in device_links.cpp.
#include "core/devices/device_model.h"

#include "core/devices/bus_controllers.h"
#include "core/devices/kernel_drivers.h"
#include "core/kernel/kernel_messages.h"
#include "core/tree/reconfig_state.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace ovl {
namespace {

// of_default_bus_match_table: nodes whose children of_platform_populate() walks into.
bool is_default_bus(const DeviceTree& tree, NodeId node) {
  static constexpr std::array<std::string_view, 4> kBuses = {"simple-bus", "simple-mfd", "isa",
                                                             "arm,amba-bus"};
  for (const std::string& c : compatibles_of(tree, node)) {
    if (std::find(kBuses.begin(), kBuses.end(), c) != kBuses.end()) return true;
  }
  return false;
}

Bus client_bus(HostedBus hosted) { return hosted == HostedBus::kI2c ? Bus::kI2c : Bus::kSpi; }

}  // namespace

const char* bus_name(Bus bus) {
  switch (bus) {
    case Bus::kPlatform: return "platform";
    case Bus::kI2c: return "i2c";
    case Bus::kSpi: return "spi";
  }
  return "platform";
}

DeviceModel::DeviceModel(DeviceTree& tree, NodeRefs& refs, const KernelProfile& profile,
                         DriverSet drivers, NodePut put_node)
    : tree_(tree), refs_(refs), profile_(profile), drivers_(std::move(drivers)),
      put_node_(std::move(put_node)) {}

DeviceId DeviceModel::device_of(NodeId node) const {
  auto it = device_by_node_.find(node);
  return it == device_by_node_.end() ? kNoDevice : it->second;
}

std::string DeviceModel::device_label(DeviceId id) const {
  const Device& d = devices_[id];
  return std::string(bus_name(d.bus)) + " device " + tree_.path(d.node);
}

std::vector<DeviceEvent> DeviceModel::take_device_events() { return std::exchange(device_events_, {}); }
std::vector<LinkId> DeviceModel::take_new_links() { return std::exchange(new_links_, {}); }

// ---- boot -------------------------------------------------------------------------------------

void DeviceModel::populate_at_boot(KernelLog& log) {
  // OF_DECLARE providers are set up from their nodes before any device exists.
  for (NodeId id = 0; id < tree_.node_count(); ++id) {
    if (!tree_.node(id).linked || !is_available(tree_, id)) continue;
    if (is_early_provider(tree_, id, drivers_)) {
      tree_.node(id).flags |= kFlagPopulated;
      tree_.node(id).fwnode_flags |= kFwnodeInitialized;
    }
  }
  // of_platform_populate(root): strict, so children without `compatible` are skipped.
  populating_at_boot_ = true;
  populate_bus(tree_.root(), kNoDevice, true, 0, log);
  populating_at_boot_ = false;
  retry_deferred_probes(log);
}

// of_platform_populate()/of_platform_bus_create() for the children of `bus`.
void DeviceModel::populate_bus(NodeId bus, DeviceId parent, bool strict, int overlay_id, KernelLog& log) {
  std::vector<NodeId> children;
  tree_.for_each_child(bus, [&](NodeId c) { children.push_back(c); });
  for (NodeId child : children) {
    if (strict && tree_.node(child).properties.find("compatible") == nullptr) continue;
    if (tree_.node(child).has(kFlagPopulatedBus)) continue;
    bool created = create_platform_device(child, parent, overlay_id, log);
    if (!created || !is_default_bus(tree_, child)) continue;
    populate_bus(child, device_of(child), strict, overlay_id, log);
  }
  tree_.node(bus).flags |= kFlagPopulatedBus;
}

// ---- devices ----------------------------------------------------------------------------------

// of_platform_device_create(): only available nodes, each once (OF_POPULATED).
bool DeviceModel::create_platform_device(NodeId node, DeviceId parent, int overlay_id, KernelLog& log) {
  if (!is_available(tree_, node) || tree_.node(node).has(kFlagPopulated)) return false;
  tree_.node(node).flags |= kFlagPopulated;
  create_device(node, Bus::kPlatform, parent, overlay_id, log);
  return true;
}

DeviceId DeviceModel::create_device(NodeId node, Bus bus, DeviceId parent, int overlay_id, KernelLog& log) {
  DeviceId id = static_cast<DeviceId>(devices_.size());
  Device device;
  device.node = node;
  device.bus = bus;
  device.parent = parent;
  device.overlay_id = overlay_id;
  device.refs = 1;
  devices_.push_back(device);
  if (parent != kNoDevice) devices_[parent].children.push_back(id);
  // of_device_alloc / i2c_new_client_device / of_register_spi_device: of_node_get(node).
  std::string label = device_label(id);
  devices_by_label_[label].push_back(id);
  refs_.get(node, std::move(label));
  device_events_.push_back({node, bus, true});
  if (trace_) trace_->record("device", device_label(id) + " created", tree_.path(node));
  device_add(id, log);
  return id;
}

void DeviceModel::device_add(DeviceId id, KernelLog& log) {
  Device& device = devices_[id];
  device.registered = true;
  device_by_node_.emplace(device.node, id);  // the node's primary device, if it has none yet
  bool linked = device.bus != Bus::kSpi || profile_.has(Feature::kSpiDevicesLinked);
  if (linked && device_of(device.node) == id) link_device(id, log);
  try_probe(id, log);
}

bool DeviceModel::suppliers_ready(DeviceId id) {
  if (still_waiting(id)) return false;
  devices_[id].waits_for = what_holds_back(id);
  return devices_[id].waits_for.kind == Device::WaitsFor::kNothing;
}

// device_links_check_suppliers() (with fw_devlink on: the fwnode links, then the device links),
// then what the driver's probe looks up itself.
Device::WaitsFor DeviceModel::what_holds_back(DeviceId id) const {
  const Device& device = devices_[id];
  if (profile_.has(Feature::kFwDevlinkOn)) {  // permissive: links never gate probe
    if (auto it = pending_by_consumer_.find(device.node); it != pending_by_consumer_.end()) {
      for (std::size_t i : it->second) {
        const PendingSupplier& p = pending_suppliers_[i];
        if (p.live && !p.ignore && !p.cycle) return {Device::WaitsFor::kPending, i};  // CYCLE links order nothing
      }
    }
    for (LinkId l : device.links) {
      const DeviceLink& link = links_[l];
      if (link.state != LinkState::kActive || link.consumer != id || link.sync_state_only) continue;
      if (!devices_[link.supplier].bound) return {Device::WaitsFor::kLink, l};
    }
  }
  for (const ProbeNeed& need : suppliers_needed_at_probe(tree_, device.node)) {
    if (need.supplier != kNoNode && !provider_registered(need.supplier)) {
      return {Device::WaitsFor::kProbeNeed, need.supplier};
    }
  }
  return {};
}

// Whether what held `id` back last time still does. The deferred-probe list is retried after
// every bind, so along a long supplier chain this cheap look answers most of the retries.
bool DeviceModel::still_waiting(DeviceId id) const {
  const Device::WaitsFor& w = devices_[id].waits_for;
  if (w.kind == Device::WaitsFor::kPending) {
    const PendingSupplier& p = pending_suppliers_[w.index];
    return p.live && !p.ignore && !p.cycle;
  }
  if (w.kind == Device::WaitsFor::kLink) {
    const DeviceLink& link = links_[w.index];
    return link.state == LinkState::kActive && !link.sync_state_only && !devices_[link.supplier].bound;
  }
  if (w.kind == Device::WaitsFor::kProbeNeed) return !provider_registered(static_cast<NodeId>(w.index));
  return false;
}

// Whether what `node` provides is registered: its own device is bound, or, for a node without
// `compatible` (a PMIC's regulator subnode, say), the nearest ancestor device whose driver
// registers it.
bool DeviceModel::provider_registered(NodeId node) const {
  DeviceId dev = device_of(node);
  if (dev == kNoDevice && tree_.node(node).properties.find("compatible") == nullptr) dev = nearest_ancestor_device(node);
  return dev != kNoDevice && devices_[dev].bound;
}

void DeviceModel::try_probe(DeviceId id, KernelLog& log) {
  Device& device = devices_[id];
  if (device.bound || device.probing || !device.registered || !drivers_.matches(tree_, device.node)) return;
  if (populating_at_boot_ || !suppliers_ready(id)) {
    deferred_probes_.push_back(id);  // -EPROBE_DEFER (or drivers not registered yet); retried
    return;
  }
  probe(id, log);
  retry_deferred_probes(log);
}

// The deferred-probe list: retried until nothing more binds.
void DeviceModel::retry_deferred_probes(KernelLog& log) {
  for (bool progress = true; progress;) {
    progress = false;
    std::vector<DeviceId> waiting = std::exchange(deferred_probes_, {});
    for (DeviceId id : waiting) {
      const Device& d = devices_[id];
      if (d.bound || d.probing || !d.registered) continue;
      if (!suppliers_ready(id)) {
        deferred_probes_.push_back(id);
        continue;
      }
      probe(id, log);
      progress = true;
    }
  }
}

// really_probe(): the driver's probe runs while the device is still only probing (what it adds
// then sees it that way: a cycle search can pass through it, its consumers wait), and
// driver_bound() follows.
void DeviceModel::probe(DeviceId id, KernelLog& log) {
  devices_[id].probing = true;
  driver_probe(id, log);
  devices_[id].probing = false;
  devices_[id].bound = true;
  if (trace_) trace_->record("device", device_label(id) + " bound to its driver", tree_.path(devices_[id].node));
  driver_bound(id, log);
}

// What the drivers ovlcheck knows do in probe: populate their children, register an i2c or spi
// bus (decided once, here) and its clients, and the channels of a mux.
void DeviceModel::driver_probe(DeviceId id, KernelLog& log) {
  NodeId node = devices_[id].node;
  if (devices_[id].bus == Bus::kPlatform && populates_children_on_probe(tree_, node)) {
    devices_[id].populated_children = true;
    populate_bus(node, id, true, devices_[id].overlay_id, log);
  }
  if (devices_[id].bus == Bus::kPlatform) {
    devices_[id].hosts = decide_hosted_bus(tree_, node, drivers_);
    if (devices_[id].hosts.bus != HostedBus::kNone) {
      populate_clients(id, node, client_bus(devices_[id].hosts.bus), log);
    }
  }
  std::vector<NodeId> channels;
  tree_.for_each_child(node, [&](NodeId c) {
    if (is_mux_channel(tree_, c) && is_available(tree_, c)) channels.push_back(c);
  });
  for (NodeId channel : channels) {
    populate_clients(id, channel, client_bus(bus_by_node_name(tree_.node(channel).full_name)), log);
  }
}

// device_links_driver_bound().
void DeviceModel::driver_bound(DeviceId id, KernelLog& log) {
  NodeId node = devices_[id].node;
  // fwnode_links_purge_suppliers(): a bound device waits for nothing any more.
  if (auto it = pending_by_consumer_.find(node); it != pending_by_consumer_.end()) {
    for (std::size_t i : it->second) pending_suppliers_[i].live = false;
  }
  if (profile_.has(Feature::kLinkToExactSupplierNode)) pick_up_dangling_consumers(id, log);
  // A bound consumer no longer needs its SYNC_STATE_ONLY links.
  std::vector<LinkId> drop;
  for (LinkId l : devices_[id].links) {
    const DeviceLink& link = links_[l];
    if (link.state == LinkState::kActive && link.consumer == id && link.sync_state_only) drop.push_back(l);
  }
  for (LinkId l : drop) device_link_del(l, log);
}

// A bound i2c or spi controller (or a mux channel) registers its bus; each available child of
// the bus node becomes a client.
void DeviceModel::populate_clients(DeviceId controller, NodeId bus_node, Bus bus, KernelLog& log) {
  std::vector<NodeId> children;
  tree_.for_each_child(bus_node, [&](NodeId c) { children.push_back(c); });
  for (NodeId child : children) {
    if (!is_available(tree_, child) || tree_.node(child).has(kFlagPopulated)) continue;
    create_client(child, bus, controller, devices_[controller].overlay_id, log);
  }
}

bool DeviceModel::create_client(NodeId node, Bus bus, DeviceId controller, int overlay_id, KernelLog& log) {
  // of_i2c_get_board_info / of_register_spi_device: a modalias from `compatible` and a `reg`.
  const char* what = nullptr;
  if (tree_.node(node).properties.find("compatible") == nullptr) what = "modalias failure";
  else if (tree_.node(node).properties.find("reg") == nullptr) what = "invalid reg";
  if (what != nullptr) {
    std::string path = tree_.path(node);
    log.add({"client-not-created", Severity::kError, path, "",
             std::string(bus_name(bus)) + " client not created (" + what + " on " + path +
                 "): the controller's driver logs it against the adapter",
             {}});
    return false;
  }
  tree_.node(node).flags |= kFlagPopulated;
  create_device(node, bus, controller, overlay_id, log);
  return true;
}

// of_find_i2c_adapter_by_node / of_find_spi_controller_by_node: a bound controller whose driver
// registered this bus on `node`, or the bound multiplexer of a channel node.
DeviceId DeviceModel::hosting_controller(NodeId node, Bus bus) const {
  bool channel = is_mux_channel(tree_, node);
  NodeId owner = channel ? tree_.node(node).parent : node;
  DeviceId controller = owner == kNoNode ? kNoDevice : device_of(owner);
  if (controller == kNoDevice || !(devices_[controller].bound || devices_[controller].probing)) return kNoDevice;
  if (channel) {
    return client_bus(bus_by_node_name(tree_.node(node).full_name)) == bus ? controller : kNoDevice;
  }
  const BusDecision& hosts = devices_[controller].hosts;
  if (devices_[controller].bus != Bus::kPlatform || hosts.bus == HostedBus::kNone) return kNoDevice;
  return client_bus(hosts.bus) == bus ? controller : kNoDevice;
}

void DeviceModel::unbind(DeviceId id, KernelLog& log) {
  Device& device = devices_[id];
  if (!device.bound) return;
  // device_links_unbind_consumers(): consumers with managed links go first.
  std::vector<DeviceId> consumers;
  for (LinkId l : device.links) {
    const DeviceLink& link = links_[l];
    if (link.state == LinkState::kActive && link.supplier == id && !link.sync_state_only) {
      consumers.push_back(link.consumer);
    }
  }
  for (DeviceId c : consumers) unbind(c, log);
  // The driver's remove(): bus controllers and muxes drop their clients, populating drivers
  // depopulate.
  NodeId node = devices_[id].node;
  {
    std::vector<DeviceId> children = devices_[id].children;
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      DeviceId child = *it;
      const Device& c = devices_[child];
      if (c.registered && c.bus != Bus::kPlatform) {
        tree_.node(c.node).flags &= ~kFlagPopulated;
        device_unregister(child, log);
      }
    }
  }
  if (devices_[id].populated_children) {
    std::vector<DeviceId> children = devices_[id].children;
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      if (devices_[*it].registered && devices_[*it].bus == Bus::kPlatform) destroy_platform_device(*it, log);
    }
    tree_.node(node).flags &= ~kFlagPopulatedBus;
    devices_[id].populated_children = false;
  }
  devices_[id].bound = false;
  devices_[id].hosts = {};
}

// device_unregister(): device_del() then the registration reference.
void DeviceModel::device_unregister(DeviceId id, KernelLog& log) {
  Device& device = devices_[id];
  if (!device.registered) return;
  // i2c_unregister_device()/spi_unregister_device() drop the node reference synchronously.
  if (device.bus != Bus::kPlatform) put_node_(device.node, device_label(id), log);
  unbind(id, log);
  // device_links_purge(): every link of the device goes, whatever its state.
  std::vector<LinkId> purge;
  for (LinkId l : devices_[id].links) {
    if (links_[l].state == LinkState::kActive) purge.push_back(l);
  }
  for (LinkId l : purge) device_link_del(l, log);
  devices_[id].registered = false;
  if (device_of(devices_[id].node) == id) device_by_node_.erase(devices_[id].node);
  device_events_.push_back({devices_[id].node, devices_[id].bus, false});
  if (trace_) trace_->record("device", device_label(id) + " unregistered", tree_.path(devices_[id].node));
  device_put(id, log);
}

void DeviceModel::device_put(DeviceId id, KernelLog& log) {
  Device& device = devices_[id];
  if (--device.refs > 0) return;
  device.released = true;
  if (trace_) trace_->record("device", device_label(id) + " released", tree_.path(device.node));
  // platform_device_release(): the device's hold on its node ends only now.
  if (device.bus == Bus::kPlatform) put_node_(device.node, device_label(id), log);
}

// of_platform_device_destroy(): children first when the node was populated as a bus.
void DeviceModel::destroy_platform_device(DeviceId id, KernelLog& log) {
  NodeId node = devices_[id].node;
  if (!tree_.node(node).has(kFlagPopulated)) return;
  if (tree_.node(node).has(kFlagPopulatedBus)) {
    std::vector<DeviceId> children = devices_[id].children;
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      if (devices_[*it].registered && devices_[*it].bus == Bus::kPlatform) destroy_platform_device(*it, log);
    }
  }
  tree_.node(node).flags &= ~(kFlagPopulated | kFlagPopulatedBus);
  device_unregister(id, log);
}

// ---- reconfig notifications --------------------------------------------------------------------

void DeviceModel::notify(ChangesetAction action, NodeId node, const Property* property,
                         const Property* old_property, int overlay_id, KernelLog& log) {
  StateChange change = reconfig_state_change(tree_, action, node, property, old_property);
  if (change == StateChange::kNoChange) return;
  NodeId parent = tree_.node(node).parent;
  if (change == StateChange::kAdd) {
    // of_platform_notify: only below a populated bus, and once.
    if (parent != kNoNode && tree_.node(parent).has(kFlagPopulatedBus) && !tree_.node(node).has(kFlagPopulated)) {
      tree_.node(node).fwnode_flags &= ~kFwnodeNotDevice;
      if (!create_platform_device(node, device_of(parent), overlay_id, log)) {
        log.report({"device-not-created", Severity::kError, tree_.path(node),
                    kmsg::platform_notify_failed(tree_.path(node)),
                    "the platform bus notifier could not create a device for the node", {}});
      }
    }
    // of_i2c_notify / of_spi_notify: only below a registered adapter or controller.
    for (Bus bus : {Bus::kI2c, Bus::kSpi}) {
      if (parent == kNoNode) break;
      DeviceId controller = hosting_controller(parent, bus);
      if (controller == kNoDevice || tree_.node(node).has(kFlagPopulated)) continue;
      tree_.node(node).fwnode_flags &= ~kFwnodeNotDevice;
      create_client(node, bus, controller, overlay_id, log);
    }
    return;
  }
  if (!tree_.node(node).has(kFlagPopulated)) return;
  DeviceId id = device_of(node);
  if (id == kNoDevice) return;
  if (devices_[id].bus == Bus::kPlatform) {
    destroy_platform_device(id, log);
  } else {
    tree_.node(node).flags &= ~kFlagPopulated;
    device_unregister(id, log);
  }
}

}  // namespace ovl
