#include "core/overlay/changeset.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"
#include "core/util/big_endian.h"

#include <algorithm>

namespace ovl {
namespace {

// A property parked on deadprops leaves it when an entry puts it (back) into the tree.
void take_from_deadprops(Node& node, const Property& property) {
  auto& dead = node.deadprops;
  auto it = std::find_if(dead.begin(), dead.end(),
                         [&](const Property& p) { return p.identity == property.identity; });
  if (it != dead.end()) dead.erase(it);
}

// __of_attach_node: a node that no overlay created reads its phandle again from its properties.
void attach(DeviceTree& tree, NodeId id) {
  Node& node = tree.node(id);
  if (!node.has(kFlagOverlay)) {
    const Property* ph = node.properties.find("phandle");
    if (ph == nullptr) ph = node.properties.find("linux,phandle");
    tree.set_phandle(id, ph != nullptr && ph->value.size() >= 4 ? read_be32(ph->value.data()) : 0);
  }
  tree.link_first(id);  // the kernel links an attached node at the head of its parent's children
  tree.node(id).flags &= ~kFlagDetached;
}

void detach(DeviceTree& tree, NodeId id) {
  if (tree.node(id).has(kFlagDetached)) return;  // the kernel WARNs and carries on
  tree.unlink(id);
  tree.node(id).flags |= kFlagDetached;
}

int add_property(Node& node, const Property& property) {
  take_from_deadprops(node, property);
  if (node.properties.find(property.name) != nullptr) return -kEEXIST;
  node.properties.append(property);
  return 0;
}

int remove_property(Node& node, const Property& property) {
  // The kernel looks the property up by pointer: one of the same name is not the same property.
  const Property* current = node.properties.find(property.name);
  if (current == nullptr || current->identity != property.identity) return -kENODEV;
  node.deadprops.push_back(node.properties.remove(property.name));
  return 0;
}

void update_property(Node& node, const Property& property) {
  take_from_deadprops(node, property);
  if (node.properties.find(property.name) == nullptr) {
    node.properties.append(property);
  } else {
    node.deadprops.push_back(node.properties.replace(property.name, property));
  }
}

}  // namespace

void Changeset::attach_node(NodeId node) {
  entries_.push_back({ChangesetAction::kAttachNode, node, {}, {}, false});
}

void Changeset::add_property(NodeId node, Property property) {
  entries_.push_back({ChangesetAction::kAddProperty, node, std::move(property), {}, false});
}

void Changeset::update_property(NodeId node, Property property, const Property* current, bool record_now) {
  ChangesetEntry entry{ChangesetAction::kUpdateProperty, node, std::move(property), {}, false};
  if (current != nullptr) {
    entry.old_property = *current;
    entry.had_old_property = true;
  }
  entry.old_property_recorded = record_now;
  entries_.push_back(std::move(entry));
}

ChangesetAction effective_action(const ChangesetEntry& entry, bool revert) {
  if (!revert) return entry.action;
  if (entry.action == ChangesetAction::kUpdateProperty && !(entry.had_old_property && entry.old_property_recorded)) {
    return ChangesetAction::kRemoveProperty;  // the update created it: undo by removing it
  }
  return inverse(entry.action);
}

int apply_entry(DeviceTree& tree, const ChangesetEntry& entry, bool revert,
                const KernelProfile& profile, KernelLog& log, const EntryHook& hook) {
  ChangesetAction action = effective_action(entry, revert);
  const Property* property = &entry.property;
  if (revert && action == ChangesetAction::kUpdateProperty) {
    property = &entry.old_property;
  }
  Node& node = tree.node(entry.node);
  int err = 0;
  switch (action) {
    case ChangesetAction::kAttachNode: attach(tree, entry.node); break;
    case ChangesetAction::kDetachNode: detach(tree, entry.node); break;
    case ChangesetAction::kAddProperty: err = add_property(node, *property); break;
    case ChangesetAction::kRemoveProperty: err = remove_property(node, *property); break;
    case ChangesetAction::kUpdateProperty: update_property(node, *property); break;
  }
  if (err != 0) {
    log.report({"changeset-entry-failed", Severity::kError,
                tree.path(entry.node) + (is_node_action(action) ? "" : "/" + property->name),
                kmsg::changeset_entry_failed(profile, action, tree.path(entry.node), property->name),
                "the kernel could not carry out this changeset entry (" + errno_name(err) + ")",
                {}});
  } else if (hook) {
    hook(entry, action);
  }
  return err;
}

int Changeset::apply_entries(DeviceTree& tree, const KernelProfile& profile, KernelLog& log,
                             int& revert_error, const EntryHook& hook) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    int err = apply_entry(tree, entries_[i], false, profile, log, hook);
    if (err == 0) {
      entries_[i].old_property_recorded = true;  // __of_update_property() hands it back
      continue;
    }
    log.print(Severity::kError, kmsg::error_applying_changeset(err));
    for (std::size_t j = i; j-- > 0;) {
      if (int undo = apply_entry(tree, entries_[j], true, profile, log, hook)) {
        revert_error = undo;
        return err;
      }
    }
    return err;
  }
  return 0;
}

int Changeset::revert_entries(DeviceTree& tree, const KernelProfile& profile, KernelLog& log,
                              int& apply_error, const EntryHook& hook) {
  for (std::size_t i = entries_.size(); i-- > 0;) {
    int err = apply_entry(tree, entries_[i], true, profile, log, hook);
    if (err == 0) continue;
    log.print(Severity::kError, kmsg::error_reverting_changeset(err));
    for (std::size_t j = i + 1; j < entries_.size(); ++j) {
      if (int redo = apply_entry(tree, entries_[j], false, profile, log, hook)) {
        apply_error = redo;
        return err;
      }
    }
    return err;
  }
  return 0;
}

}  // namespace ovl
