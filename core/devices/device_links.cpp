// Device links (drivers/base/core.c): each link holds a reference on both of its devices; when a
// link is deleted those references are dropped only later, from deferred work (an SRCU callback
// in v5.9-v5.12, a workqueue item from v5.13). That delay is what leaves overlay nodes one
// reference too many when the changeset is destroyed (kernel-model-devlink.md §3).
#include "core/devices/device_model.h"

#include <algorithm>

namespace ovl {

std::string DeviceModel::link_label(LinkId id) const {
  const DeviceLink& link = links_[id];
  return "device link " + tree_.path(devices_[link.consumer].node) + " -> " +
         tree_.path(devices_[link.supplier].node) + " (" + link.property + ")";
}

// device_is_dependent(): whether `supplier` already depends on `consumer`, through child devices
// or managed consumer links. Such a link would close a cycle; `cycle` gets the links on the way.
bool DeviceModel::device_is_dependent(DeviceId consumer, DeviceId supplier, std::vector<LinkId>& cycle) const {
  // A walk over every device that depends on `consumer`, once per new link: long supplier chains
  // make this the hot loop, so the visited marks live in vectors indexed by device and stamped
  // with a walk number instead of a set built and freed per call.
  constexpr LinkId kByParent = UINT32_MAX;
  DependencyWalk& walk = dependency_walk_;
  if (walk.seen.size() < devices_.size()) {
    walk.seen.resize(devices_.size(), 0);
    walk.came_from.resize(devices_.size());
  }
  if (++walk.number == 0) {  // the stamp wrapped: forget every old mark
    std::fill(walk.seen.begin(), walk.seen.end(), 0);
    walk.number = 1;
  }
  auto visit = [&](DeviceId next, DeviceId from, LinkId via) {
    if (walk.seen[next] == walk.number) return;
    walk.seen[next] = walk.number;
    walk.came_from[next] = {from, via};
    walk.stack.push_back(next);
  };
  walk.stack.clear();
  visit(consumer, kNoDevice, kByParent);
  while (!walk.stack.empty()) {
    DeviceId at = walk.stack.back();
    walk.stack.pop_back();
    if (at == supplier) {
      for (DeviceId d = at; walk.came_from[d].first != kNoDevice; d = walk.came_from[d].first) {
        if (walk.came_from[d].second != kByParent) cycle.push_back(walk.came_from[d].second);
      }
      return true;
    }
    for (DeviceId child : devices_[at].children) {
      if (devices_[child].registered) visit(child, at, kByParent);
    }
    for (LinkId l : devices_[at].links) {
      const DeviceLink& link = links_[l];
      if (link.state == LinkState::kActive && link.supplier == at && !link.sync_state_only) visit(link.consumer, at, l);
    }
  }
  return false;
}

bool DeviceLink::has_flag(std::string_view name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::vector<std::string> DeviceModel::relaxed_flags() const {
  std::vector<std::string> flags = {"MANAGED"};
  if (profile_.has(Feature::kInferredLinkFlag)) flags.push_back("INFERRED");
  flags.push_back("SYNC_STATE_ONLY");
  if (profile_.has(Feature::kDeviceLinkCycleFlag)) flags.push_back("CYCLE");
  return flags;
}

bool DeviceModel::device_link_add(DeviceId consumer, DeviceId supplier, const PendingSupplier& why,
                                  std::vector<std::string> flags, KernelLog& log) {
  bool sso = std::find(flags.begin(), flags.end(), "SYNC_STATE_ONLY") != flags.end();
  // A SYNC_STATE_ONLY link is useless once the consumer has a driver.
  if (sso && devices_[consumer].bound) return false;
  std::vector<LinkId> cycle;
  if (!sso && device_is_dependent(consumer, supplier, cycle)) {
    // fw_devlink relaxes a cycle rather than refusing it: every link on it, and the new one,
    // becomes SYNC_STATE_ONLY and no longer gates probe. (From v6.3 the cycle search has
    // normally relaxed it before this point.)
    flags = relaxed_flags();
    sso = true;
    for (LinkId l : cycle) relax_link(l);
    log.add({"cycle-relaxed", Severity::kInfo, tree_.path(devices_[consumer].node),
             "", "the " + why.property + " link to " + tree_.path(devices_[supplier].node) +
                     " would close a dependency cycle; fw_devlink relaxes it to SYNC_STATE_ONLY, so it "
                     "no longer orders probing",
             {}});
  }
  // One link object per (consumer, supplier) pair: a second request only merges flags.
  for (LinkId l : devices_[consumer].links) {
    DeviceLink& link = links_[l];
    if (link.state != LinkState::kActive || link.consumer != consumer || link.supplier != supplier) continue;
    if (link.sync_state_only && !sso) {
      link.sync_state_only = false;
      link.flags = flags;
    }
    return true;
  }
  LinkId id = static_cast<LinkId>(links_.size());
  DeviceLink link;
  link.consumer = consumer;
  link.supplier = supplier;
  link.consumer_node = why.consumer;
  link.supplier_node = why.supplier;
  link.property = why.property;
  link.flags = std::move(flags);
  link.sync_state_only = sso;
  link.overlay_id = std::max(devices_[consumer].overlay_id, devices_[supplier].overlay_id);
  links_.push_back(std::move(link));
  devices_[consumer].links.push_back(id);
  devices_[supplier].links.push_back(id);
  ++devices_[consumer].refs;  // get_device(consumer)
  ++devices_[supplier].refs;  // get_device(supplier)
  new_links_.push_back(id);
  if (trace_) trace_->record("link", link_label(id) + " added");
  return true;
}

// __device_link_del(): the link leaves both devices now; its device references go when the
// deferred release runs.
void DeviceModel::device_link_del(LinkId id, KernelLog& log) {
  (void)log;
  DeviceLink& link = links_[id];
  if (link.state != LinkState::kActive) return;
  link.state = LinkState::kDeleted;
  pending_.push_back(id);
  if (trace_) {
    trace_->record("link", link_label(id) + " deleted");
    trace_->record("release", "deferred release of " + link_label(id) + " queued (" +
                                  (profile_.has(Feature::kLinkReleaseOnWorkqueue) ? "workqueue" : "call_srcu") + ")");
  }
}

// device_link_free() / device_link_release_fn(): put the consumer, then the supplier.
void DeviceModel::free_link(LinkId id, KernelLog& log) {
  DeviceLink& link = links_[id];
  link.state = LinkState::kFreed;
  if (trace_) trace_->record("release", "deferred release of " + link_label(id) + " runs: put consumer, put supplier");
  device_put(link.consumer, log);
  device_put(link.supplier, log);
}

DeviceId DeviceModel::device_holding_as(const std::string& holder) const {
  auto it = devices_by_label_.find(holder);
  if (it == devices_by_label_.end()) return kNoDevice;
  // A node path can name several devices over time; the live one (not yet released) holds.
  for (auto id = it->second.rbegin(); id != it->second.rend(); ++id) {
    if (!devices_[*id].released) return *id;
  }
  return kNoDevice;
}

std::string DeviceModel::explain_holder(const std::string& holder) const {
  if (DeviceId id = device_holding_as(holder); id != kNoDevice) {
    std::string out = holder;
    std::string sep = ", kept alive by ";
    for (LinkId l : devices_[id].links) {
      if (links_[l].state != LinkState::kDeleted) continue;
      out += sep + link_label(l);
      sep = " and ";
    }
    if (sep != ", kept alive by ") out += " until its deferred release runs";
    return out;
  }
  return holder;
}

bool DeviceModel::held_only_by_pending_links(const std::string& holder, std::vector<std::string>& links) const {
  if (DeviceId id = device_holding_as(holder); id != kNoDevice && !devices_[id].registered) {
    const Device& d = devices_[id];
    int pending = 0;
    for (LinkId l : d.links) {
      if (links_[l].state != LinkState::kDeleted) continue;
      links.push_back(link_label(l));
      ++pending;
    }
    return pending == d.refs;
  }
  return false;
}

void DeviceModel::run_release(std::size_t index, KernelLog& log) {
  LinkId id = pending_[index];
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
  free_link(id, log);
}

void DeviceModel::run_all_releases(KernelLog& log) {
  while (!pending_.empty()) run_release(0, log);
}

}  // namespace ovl
