#include "core/devices/waiting_consumers.h"

#include "core/devices/supplier_bindings.h"

#include <algorithm>
#include <set>

namespace ovl {
namespace {

// One wait: the device that must bind first (or none, then `end` says why nothing comes), and the
// wait in words.
struct WaitStep {
  DeviceId next = kNoDevice;
  std::string what;
  std::string end;
};

bool waits_at_all(const DeviceModel& model, DeviceId id) {
  const Device& d = model.devices()[id];
  return d.registered && !d.bound && model.drivers().matches(model.tree(), d.node);
}

// What keeps `id` from probing, as a step. Returns false when nothing does.
bool wait_step(const DeviceModel& model, DeviceId id, WaitStep& step) {
  const DeviceTree& tree = model.tree();
  const Device::WaitsFor w = model.what_holds_back(id);
  auto device_or_parent = [&](NodeId node) {
    DeviceId dev = model.device_of(node);
    return dev != kNoDevice ? dev : model.nearest_ancestor_device(node);
  };
  switch (w.kind) {
    case Device::WaitsFor::kLink: {
      const DeviceLink& link = model.links()[w.index];
      if (link.state != LinkState::kActive || link.sync_state_only || model.devices()[link.supplier].bound) return false;
      step = {link.supplier, model.link_label(static_cast<LinkId>(w.index)), ""};
      return true;
    }
    case Device::WaitsFor::kPending: {
      const PendingSupplier& p = model.pending_suppliers()[w.index];
      if (!p.live || p.ignore || p.cycle) return false;
      std::string what = "fwnode link " + tree.path(p.consumer) + " -> " + tree.path(p.supplier) + " (" + p.property + ")";
      if (DeviceId dev = model.device_of(p.supplier); dev != kNoDevice) {
        step = {dev, what, ""};
        return true;
      }
      DeviceId parent = model.nearest_ancestor_device(p.supplier);
      if (parent != kNoDevice && !model.devices()[parent].bound) {
        step = {parent, what + ", which gets a device only when " + model.device_label(parent) + " binds", ""};
      } else {
        step = {kNoDevice, what, tree.path(p.supplier) + " never becomes a device"};
      }
      return true;
    }
    case Device::WaitsFor::kProbeNeed: {
      NodeId supplier = static_cast<NodeId>(w.index);
      std::string what = tree.path(model.devices()[id].node) + ": its driver looks up " + tree.path(supplier) +
                         " when it probes and defers until that is registered";
      DeviceId dev = tree.node(supplier).properties.find("compatible") != nullptr ? model.device_of(supplier)
                                                                                  : device_or_parent(supplier);
      if (dev != kNoDevice && !model.devices()[dev].bound) {
        step = {dev, what, ""};
      } else {
        step = {kNoDevice, what, tree.path(supplier) + " never registers what it provides (it has no device)"};
      }
      return true;
    }
    case Device::WaitsFor::kNothing:
      return false;
  }
  return false;
}

// The first node at or above `node` that is disabled, or kNoNode.
NodeId disabled_at_or_above(const DeviceTree& tree, NodeId node) {
  for (NodeId at = node; at != kNoNode; at = tree.node(at).parent) {
    if (!is_available(tree, at)) return at;
  }
  return kNoNode;
}

// Suppliers of an overlay's device that are disabled (or sit below a disabled node).
void find_disabled_suppliers(const DeviceModel& model, DeviceId id, std::vector<WaitingConsumer>& out) {
  const DeviceTree& tree = model.tree();
  const Device& d = model.devices()[id];
  std::vector<Finding> problems;  // bad references are reported by the apply itself
  for (const SupplierReference& ref : parse_suppliers(tree, d.node, model.profile(), problems)) {
    if (ref.ignore || ref.consumer != d.node) continue;  // graph endpoints are not looked up in probe
    NodeId disabled = disabled_at_or_above(tree, ref.supplier);
    if (disabled == kNoNode) continue;
    std::string where = disabled == ref.supplier ? "is disabled" : "is below the disabled " + tree.path(disabled);
    out.push_back({d.overlay_id,
                   {"supplier-never-ready", Severity::kWarning, tree.path(d.node), "",
                    "its supplier " + tree.path(ref.supplier) + " (" + ref.property + ") " + where +
                        ": fw_devlink makes no link to it, but the driver, looking it up when it probes, finds "
                        "no provider and defers (-EPROBE_DEFER) for ever, unless it takes that supplier as "
                        "optional",
                    {ref.property + " -> " + tree.path(ref.supplier) + " (" + where + ")"}}});
  }
}

}  // namespace

std::vector<WaitingConsumer> find_waiting_consumers(const DeviceModel& model) {
  std::vector<WaitingConsumer> out;
  std::set<DeviceId> reported;  // one finding a device: its disabled suppliers say enough
  for (DeviceId id = 0; id < model.devices().size(); ++id) {
    const Device& d = model.devices()[id];
    if (d.overlay_id != 0 && d.registered && model.drivers().matches(model.tree(), d.node)) {
      std::size_t before = out.size();
      find_disabled_suppliers(model, id, out);
      if (out.size() != before) reported.insert(id);
    }
  }
  const DeviceTree& tree = model.tree();
  std::set<std::vector<DeviceId>> cycles_reported;
  for (DeviceId id = 0; id < model.devices().size(); ++id) {
    const Device& d = model.devices()[id];
    // A device no driver matches would not bind anyway: it is not waiting for anyone.
    if (d.overlay_id == 0 || reported.count(id) != 0 || !waits_at_all(model, id)) continue;
    WaitStep step;
    if (!wait_step(model, id, step)) continue;
    std::vector<DeviceId> on_the_way = {id};
    std::vector<std::string> chain = {step.what};
    DeviceId at = step.next;
    // Follow the waits to a device that waits for nothing, a dead end, or a device seen before.
    while (at != kNoDevice && std::find(on_the_way.begin(), on_the_way.end(), at) == on_the_way.end() &&
           waits_at_all(model, at) && wait_step(model, at, step)) {
      on_the_way.push_back(at);
      chain.push_back(step.what);
      at = step.next;
    }
    auto seen = std::find(on_the_way.begin(), on_the_way.end(), at);
    bool cycle = at != kNoDevice && seen != on_the_way.end();
    if (cycle && seen == on_the_way.begin()) {
      std::vector<DeviceId> members = on_the_way;
      std::sort(members.begin(), members.end());
      if (!cycles_reported.insert(members).second) continue;
      std::string names;
      for (DeviceId m : on_the_way) names += (names.empty() ? "" : ", ") + tree.path(model.devices()[m].node);
      out.push_back({d.overlay_id,
                     {"cycle-blocking", Severity::kWarning, tree.path(d.node), "",
                      "a dependency cycle that nothing relaxes: " + names +
                          " each wait for the next, so none of them ever probes",
                      chain}});
      continue;
    }
    std::string why;
    if (cycle) {
      why = model.device_label(at) + " waits in a dependency cycle that nothing relaxes";
    } else if (at == kNoDevice) {
      why = step.end;
    } else if (!model.drivers().matches(tree, model.devices()[at].node)) {
      why = model.device_label(at) + " never binds: no driver matches its compatible (--drivers)";
    } else {
      continue;  // the last one may still bind
    }
    out.push_back({d.overlay_id,
                   {"supplier-never-ready", Severity::kWarning, tree.path(d.node), "",
                    "the device waits for a supplier that never comes: " + why + "; its probe is deferred forever",
                    chain}});
  }
  return out;
}

}  // namespace ovl
