#include "core/tree/reconfig_state.h"

namespace ovl {
namespace {

// -1: no status property; 1: "okay"/"ok"; 0: anything else.
int status_state(const Property* status) {
  if (status == nullptr) return -1;
  std::string_view value = status->as_string();
  return value == "okay" || value == "ok" ? 1 : 0;
}

}  // namespace

StateChange reconfig_state_change(const DeviceTree& tree, ChangesetAction action, NodeId node,
                                  const Property* property, const Property* old_property) {
  const Property* status = nullptr;
  if (is_node_action(action)) {
    // Looked up when the notification runs: after a revert a new node has lost its properties.
    status = tree.node(node).properties.find("status");
  } else if (property != nullptr && property->name == "status") {
    status = property;
  } else {
    return StateChange::kNoChange;
  }
  int state = status_state(status);
  int prev = -1;
  int next = -1;
  switch (action) {
    case ChangesetAction::kAttachNode: prev = 0; next = state != 0; break;
    case ChangesetAction::kDetachNode: prev = state != 0; next = 0; break;
    case ChangesetAction::kAddProperty: prev = 1; next = state; break;
    case ChangesetAction::kRemoveProperty: prev = state; next = 1; break;
    case ChangesetAction::kUpdateProperty:
      prev = status_state(old_property) != 0;
      next = state != 0;
      break;
  }
  if (prev == next) return StateChange::kNoChange;
  return next ? StateChange::kAdd : StateChange::kRemove;
}

}  // namespace ovl
