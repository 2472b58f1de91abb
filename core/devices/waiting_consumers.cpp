#include "core/devices/waiting_consumers.h"

#include <set>

namespace ovl {
namespace {

// The first active probe-ordering link of `id` to an unbound supplier, or none.
const DeviceLink* blocking_link(const DeviceModel& model, DeviceId id) {
  for (LinkId l : model.devices()[id].links) {
    const DeviceLink& link = model.links()[l];
    if (link.state != LinkState::kActive || link.sync_state_only || link.consumer != id) continue;
    if (!model.devices()[link.supplier].bound) return &link;
  }
  return nullptr;
}

}  // namespace

std::vector<WaitingConsumer> find_waiting_consumers(const DeviceModel& model) {
  std::vector<WaitingConsumer> out;
  const DeviceTree& tree = model.tree();
  for (DeviceId id = 0; id < model.devices().size(); ++id) {
    const Device& d = model.devices()[id];
    // A device no driver matches would not bind anyway: it is not waiting for anyone.
    if (d.overlay_id == 0 || !d.registered || d.bound || !model.drivers().matches(tree, d.node)) continue;
    const DeviceLink* link = blocking_link(model, id);
    if (link == nullptr) continue;
    // Follow the chain of waiting suppliers to the one that waits for no one (a cycle stops it).
    std::vector<std::string> chain = {model.link_label(static_cast<LinkId>(link - model.links().data()))};
    std::set<DeviceId> seen = {id};
    DeviceId supplier = link->supplier;
    while (seen.insert(supplier).second) {
      const DeviceLink* next = blocking_link(model, supplier);
      if (next == nullptr) break;
      chain.push_back(model.link_label(static_cast<LinkId>(next - model.links().data())));
      supplier = next->supplier;
    }
    NodeId root = model.devices()[supplier].node;
    std::string why = !model.drivers().matches(tree, root) ? "no driver matches its compatible (--drivers)"
                                                           : "it waits for its own suppliers in a cycle";
    out.push_back({d.overlay_id,
                   {"supplier-never-ready", Severity::kWarning, tree.path(d.node), "",
                    "the device waits for " + model.device_label(supplier) + ", which never binds: " + why +
                        "; its probe is deferred forever",
                    chain}});
  }
  return out;
}

}  // namespace ovl
