#include "core/kernel/kernel_messages.h"

#include <cstdio>

namespace ovl::kmsg {
namespace {

const char* const kResolver = "OF: resolver: ";
const char* const kOverlay = "OF: overlay: ";
const char* const kOf = "OF: ";

// %pOF/%s: the kernel joins with '/', so a property of the root prints as "//name".
std::string node_slash_property(const std::string& node, const std::string& property) {
  return node + "/" + property;
}

}  // namespace

std::string resolver_label_not_found(const std::string& label) {
  return std::string(kResolver) + "node label '" + label +
         "' not found in live devicetree symbols table";
}
std::string resolver_no_live_symbols() {
  return std::string(kResolver) + "no symbols in root of device tree.";
}
std::string resolver_fixup_failed(int err) {
  return std::string(kResolver) + "overlay phandle fixup failed: " + std::to_string(err);
}

std::string target_phandle_not_found(const std::string& fragment, std::uint32_t phandle) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%x", phandle);
  return std::string(kOverlay) + "find target, node: " + fragment + ", phandle " + hex +
         " not found";
}
std::string target_path_not_found(const std::string& fragment, const std::string& target_path) {
  return std::string(kOverlay) + "find target, node: " + fragment + ", path '" + target_path +
         "' not found";
}
std::string target_missing(const std::string& fragment) {
  return std::string(kOverlay) + "find target, node: " + fragment + ", no target property";
}
std::string symbols_without_live_symbols() {
  return std::string(kOverlay) + "symbols in overlay, but not in live tree";
}
std::string no_fragments() { return std::string(kOverlay) + "no fragments or symbols in overlay"; }
std::string init_failed(int err) {
  return std::string(kOverlay) + "init_overlay_changeset() failed, ret = " + std::to_string(err);
}
std::string devicetree_suspect_on_apply() {
  return std::string(kOverlay) + "devicetree state suspect, refuse to apply overlay";
}

std::string leak_on_remove(const std::string& node, const std::string& property) {
  return std::string(kOverlay) + "WARNING: memory leak will occur if overlay removed, property: " +
         node_slash_property(node, property);
}
std::string cells_change(const std::string& cells_property, const std::string& node) {
  return std::string(kOverlay) + "ERROR: changing value of " + cells_property +
         " is not allowed in " + node;
}
std::string duplicate_node(const std::string& node) {
  return std::string(kOverlay) + "ERROR: multiple fragments add and/or delete node " + node;
}
std::string duplicate_property(const std::string& node, const std::string& property) {
  return std::string(kOverlay) + "ERROR: multiple fragments add, update, and/or delete property " +
         node_slash_property(node, property);
}

std::string changeset_entry_failed(const KernelProfile& profile, ChangesetAction action,
                                   const std::string& node, const std::string& property) {
  static const char* const kOldVerbs[] = {"attach_node", "detach_node", "add_property",
                                          "remove_property", "update_property"};
  const auto index = static_cast<std::size_t>(action);
  bool node_action = is_node_action(action);
  if (profile.has(Feature::kChangesetFailureSaysApplyFailed)) {
    char padded[32];
    std::snprintf(padded, sizeof padded, "%-15s", action_name(action));  // the kernel's "%-15s"
    std::string line = std::string(kOf) + "changeset: apply failed: " + padded + " " + node;
    if (!(node_action && profile.has(Feature::kChangesetNodeFailureWithoutProperty))) {
      line += ":" + property;
    }
    return line;
  }
  return std::string(kOf) + "changeset: " + kOldVerbs[index] + " failed @" +
         node_slash_property(node, property);
}
std::string error_applying_changeset(int err) {
  return std::string(kOf) + "Error applying changeset (" + std::to_string(err) + ")";
}
std::string error_reverting_changeset(int err) {
  return std::string(kOf) + "Error reverting changeset (" + std::to_string(err) + ")";
}

}  // namespace ovl::kmsg

namespace ovl::kmsg {

std::string platform_notify_failed(const std::string& node) {
  return "OF: of_platform_notify: failed to create for '" + node + "'";
}

}  // namespace ovl::kmsg

namespace ovl::kmsg {

std::string devicetree_suspect_on_remove() {
  return "OF: overlay: suspect devicetree state, refuse to remove overlay";
}
std::string remove_not_found(int id) {
  return "OF: overlay: remove: Could not find overlay #" + std::to_string(id);
}
std::string overlaps_later(int removing, int later, const std::string& node) {
  return "OF: overlay: node_overlaps_later_cs: #" + std::to_string(removing) + " overlaps with #" +
         std::to_string(later) + " @" + node;
}
std::string not_topmost(int id) {
  return "OF: overlay: overlay #" + std::to_string(id) + " is not topmost";
}

std::string destroy_unbalanced(int refcount, const std::string& node) {
  return "OF: ERROR: memory leak, expected refcount 1 instead of " + std::to_string(refcount) +
         ", of_node_get()/of_node_put() unbalanced - destroy cset entry: attach overlay node " + node;
}
std::string leak_before_free(const std::string& node) {
  return "OF: ERROR: memory leak before free overlay changeset,  " + node;  // two spaces: sic
}
std::string unexpected_properties(const std::string& node) {
  return "OF: ERROR: of_node_release(), unexpected properties in " + node;
}
std::string bad_node_put(const KernelProfile& profile, const std::string& node) {
  if (profile.has(Feature::kNodeReleaseReworkedChecks)) {
    return "OF: ERROR: of_node_release() detected bad of_node_put() on " + node;
  }
  return "OF: ERROR: Bad of_node_put() on " + node;
}

}  // namespace ovl::kmsg

namespace ovl::kmsg {

std::string barrier_name(const KernelProfile& profile) {
  return profile.has(Feature::kLinkReleaseOnWorkqueue) ? "device_link_wait_removal()" : "srcu_barrier()";
}

}  // namespace ovl::kmsg
