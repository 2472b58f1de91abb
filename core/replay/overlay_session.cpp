// of_overlay_fdt_apply() and what surrounds it: ids, the apply steps, notifications, reports.
#include "core/replay/overlay_session.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"
#include "core/overlay/changeset_builder.h"
#include "core/overlay/resolver.h"

namespace ovl {
namespace {

std::string property_path(const std::string& node, const std::string& property) {
  return node == "/" ? "/" + property : node + "/" + property;
}

ChangesetSummary summarize(const DeviceTree& live, const Changeset& changeset) {
  ChangesetSummary summary;
  for (const ChangesetEntry& entry : changeset.entries()) {
    std::string path = live.path(entry.node);
    switch (entry.action) {
      case ChangesetAction::kAttachNode: summary.nodes_added.push_back(path); break;
      case ChangesetAction::kAddProperty:
        summary.properties_added.push_back(property_path(path, entry.property.name));
        break;
      case ChangesetAction::kUpdateProperty:
        summary.properties_updated.push_back(property_path(path, entry.property.name));
        break;
      default: break;
    }
  }
  return summary;
}

}  // namespace

std::string ApplyOutcome::error_code() const {
  if (result == 0) return "";
  for (const Finding& finding : log.findings()) {
    if (finding.severity == Severity::kError) return finding.code;
  }
  return "apply-failed";
}

OverlaySession::OverlaySession(DeviceTree base, KernelProfile profile, DriverSet drivers)
    : live_(std::move(base)),
      profile_(std::move(profile)),
      devices_(live_, refs_, profile_, std::move(drivers),
               [this](NodeId node, const std::string& holder, KernelLog& log) { put_node(node, holder, log); }) {}

void OverlaySession::enable_trace() {
  trace_.enable();
  devices_.set_trace(&trace_);
  refs_.observe([this](NodeId node, const std::string& holder, int delta, int count) {
    trace_.record(delta > 0 ? "get" : "put", (delta > 0 ? "of_node_get by " : "of_node_put by ") + holder,
                  live_.path(node), count);
  });
}

void OverlaySession::boot(KernelLog& log) {
  devices_.populate_at_boot(log);
  devices_.run_all_releases(log);
  devices_.take_device_events();
  devices_.take_new_links();
}

int OverlaySession::allocate_id() {
  int id = 1;
  while (ids_in_use_.count(id) != 0) ++id;
  ids_in_use_.insert(id);
  return id;
}

std::vector<DeviceChange> OverlaySession::device_changes() {
  std::vector<DeviceChange> out;
  for (const DeviceEvent& e : devices_.take_device_events()) {
    out.push_back({live_.path(e.node), e.bus, e.created});
  }
  return out;
}

ApplyOutcome OverlaySession::apply(const std::string& label, DeviceTree overlay) {
  ApplyOutcome outcome;
  if (devicetree_suspect()) {
    outcome.log.report({"devicetree-suspect", Severity::kError, "", kmsg::devicetree_suspect_on_apply(),
                        "an earlier overlay failed half-way and could not be undone; the kernel "
                        "refuses every further overlay",
                        {}});
    outcome.result = -kEBUSY;
    return outcome;
  }
  auto ovcs = std::make_unique<AppliedOverlay>();
  ovcs->label = label;
  ovcs->overlay = std::move(overlay);
  bool keeps_id = profile_.has(Feature::kFailedApplyKeepsId);
  if (keeps_id) ovcs->id = allocate_id();  // v5.19+: the id exists before any work

  outcome.result = run_apply(*ovcs, outcome);
  if (outcome.result == 0) {
    if (!keeps_id) ovcs->id = allocate_id();
    ovcs->applied = true;
    outcome.applied = true;
    outcome.changeset = summarize(live_, ovcs->changeset);
    notify_entries(*ovcs, false, outcome.log);
    if (profile_.has(Feature::kOverlayFwDevlinkRefresh)) {
      // overlay_fw_devlink_refresh(): every fragment's target, the symbols fragment's included.
      for (const Fragment& f : ovcs->fragments.fragments) devices_.refresh_fwnode(f.target, outcome.log);
    }
    // Links a binding consumer let go of are released shortly after; by the time anything else
    // happens to this tree they are gone.
    if (!defer_apply_releases_) devices_.run_all_releases(outcome.log);
  }
  outcome.devices = device_changes();
  for (LinkId id : devices_.take_new_links()) {
    const DeviceLink& link = devices_.links()[id];
    const auto& devs = devices_.devices();
    outcome.links.push_back({live_.path(devs[link.consumer].node), live_.path(devs[link.supplier].node),
                             link.property, link.flags});
  }
  if (outcome.result == 0 || keeps_id) {
    // A refused overlay stays on the list until its caller removes it (v5.19+).
    outcome.id = ovcs->id;
    overlays_.push_back(std::move(ovcs));
  }
  return outcome;
}

int OverlaySession::run_apply(AppliedOverlay& ovcs, ApplyOutcome& outcome) {
  KernelLog& log = outcome.log;
  if (int err = resolve_phandles(live_, ovcs.overlay, profile_, log)) return err;
  int err = find_fragments(live_, ovcs.overlay, ovcs.fragments, log);
  if (err == 0) {
    err = build_changeset(live_, ovcs.overlay, ovcs.fragments, profile_, ovcs.changeset, log,
                          next_property_identity_);
  }
  take_references(ovcs);  // whatever was found or built holds its references until removal
  if (err != 0) return err;
  int revert_error = 0;
  auto hook = [&](const ChangesetEntry& entry, ChangesetAction action) { follow_entry(entry, action, log); };
  if (int apply_err = ovcs.changeset.apply_entries(live_, profile_, log, revert_error, hook)) {
    if (revert_error != 0) apply_failed_ = true;
    return apply_err;
  }
  return 0;
}

// __of_changeset_apply_notify / __of_changeset_revert_notify: every entry in order (reverted:
// backwards, inverted). Property notifications reach only nodes still attached.
void OverlaySession::notify_entries(const AppliedOverlay& ovcs, bool revert, KernelLog& log) {
  const auto& entries = ovcs.changeset.entries();
  for (std::size_t n = 0; n < entries.size(); ++n) {
    const ChangesetEntry& entry = entries[revert ? entries.size() - 1 - n : n];
    ChangesetAction action = effective_action(entry, revert);
    if (trace_.enabled()) trace_.record("notify", std::string(revert ? "revert " : "") + "notification " +
                                action_name(action) + " " + live_.path(entry.node) +
                                (is_node_action(action) ? "" : "/" + entry.property.name),
                  live_.path(entry.node));
    if (is_node_action(action)) {
      devices_.notify(action, entry.node, nullptr, nullptr, ovcs.id, log);
      continue;
    }
    if (!live_.node(entry.node).linked) continue;
    const Property* property = &entry.property;
    const Property* old_property = entry.had_old_property ? &entry.old_property : nullptr;
    if (revert && entry.action == ChangesetAction::kUpdateProperty && entry.had_old_property) {
      std::swap(property, old_property);
    }
    devices_.notify(action, entry.node, property, old_property, ovcs.id, log);
  }
}

}  // namespace ovl
