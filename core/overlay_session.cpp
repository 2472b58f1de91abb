#include "core/overlay_session.h"

#include "core/changeset_builder.h"
#include "core/errno_names.h"
#include "core/kernel_messages.h"
#include "core/resolver.h"

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

OverlaySession::OverlaySession(DeviceTree base, KernelProfile profile)
    : live_(std::move(base)), profile_(std::move(profile)) {}

int OverlaySession::allocate_id() {
  int id = 1;
  while (ids_in_use_.count(id) != 0) ++id;
  ids_in_use_.insert(id);
  return id;
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
  if (int err = resolve_phandles(live_, ovcs.overlay, log)) return err;
  if (int err = find_fragments(live_, ovcs.overlay, ovcs.fragments, log)) return err;
  if (int err = build_changeset(live_, ovcs.overlay, ovcs.fragments, ovcs.changeset, log,
                                next_property_identity_)) {
    return err;
  }
  int revert_error = 0;
  if (int err = ovcs.changeset.apply_entries(live_, profile_, log, revert_error)) {
    if (revert_error != 0) apply_failed_ = true;
    return err;
  }
  return 0;
}

}  // namespace ovl
