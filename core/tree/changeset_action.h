// The kernel's of_reconfig actions (include/linux/of.h), shared by changesets and notifiers.
#pragma once

namespace ovl {

enum class ChangesetAction { kAttachNode, kDetachNode, kAddProperty, kRemoveProperty, kUpdateProperty };

inline bool is_node_action(ChangesetAction action) {
  return action == ChangesetAction::kAttachNode || action == ChangesetAction::kDetachNode;
}

inline const char* action_name(ChangesetAction action) {
  switch (action) {
    case ChangesetAction::kAttachNode: return "ATTACH_NODE";
    case ChangesetAction::kDetachNode: return "DETACH_NODE";
    case ChangesetAction::kAddProperty: return "ADD_PROPERTY";
    case ChangesetAction::kRemoveProperty: return "REMOVE_PROPERTY";
    case ChangesetAction::kUpdateProperty: return "UPDATE_PROPERTY";
  }
  return "?";
}

// The action that undoes `action` (revert runs entries backwards with inverted actions).
inline ChangesetAction inverse(ChangesetAction action) {
  switch (action) {
    case ChangesetAction::kAttachNode: return ChangesetAction::kDetachNode;
    case ChangesetAction::kDetachNode: return ChangesetAction::kAttachNode;
    case ChangesetAction::kAddProperty: return ChangesetAction::kRemoveProperty;
    case ChangesetAction::kRemoveProperty: return ChangesetAction::kAddProperty;
    case ChangesetAction::kUpdateProperty: return ChangesetAction::kUpdateProperty;
  }
  return action;
}

}  // namespace ovl
