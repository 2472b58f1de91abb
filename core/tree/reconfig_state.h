// of_reconfig_get_state_change (drivers/of/dynamic.c): whether a reconfig notification enables
// or disables a node, as far as bus notifiers are concerned.
#pragma once

#include "core/tree/changeset_action.h"
#include "core/tree/device_tree.h"

namespace ovl {

enum class StateChange { kNoChange, kAdd, kRemove };

// `property`/`old_property` are the entry's (for UPDATE, old_property may be null).
StateChange reconfig_state_change(const DeviceTree& tree, ChangesetAction action, NodeId node,
                                  const Property* property, const Property* old_property);

}  // namespace ovl
