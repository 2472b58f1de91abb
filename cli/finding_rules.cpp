#include "cli/finding_rules.h"

#include <algorithm>

namespace ovl::cli {
namespace {

std::vector<FindingRule> make_rules() {
  using S = Severity;
  std::vector<FindingRule> rules = {
      // Applying (drivers/of/overlay.c, drivers/of/resolver.c)
      {"leak-on-remove", S::kWarning, "A property is added to or changed on a node the overlay did not create",
       "The kernel prints 'memory leak will occur if overlay removed' for it: on removal the base value comes "
       "back, but the overlay's copy of the property stays allocated on the base node. Harmless for an overlay "
       "that is never removed; each apply/remove cycle leaks it again."},
      {"leak-override", S::kInfo, "An overlay overrides an existing property of a base node (harmless leak)",
       "The kernel still warns 'memory leak will occur if overlay removed'. On removal the base node gets its "
       "old value back; only the overlay's copy stays allocated. Typical for 'status = \"okay\"'. Nothing to do "
       "unless the overlay is applied and removed again and again."},
      {"leak-symbol", S::kInfo, "An overlay adds a label to the base's /__symbols__",
       "Each label of the overlay becomes a property of /__symbols__, a base node, so the kernel warns that it "
       "leaks on removal. Expected for any overlay built with dtc -@ that defines labels; remove the labels "
       "other overlays do not need if the warnings matter."},
      {"unresolved-label", S::kError, "The overlay refers to a label the base does not define",
       "The kernel's resolver refuses the overlay (-EINVAL). Compile the base with dtc -@, or fix the label in "
       "the overlay, or apply the overlay that defines the label first."},
      {"no-live-symbols", S::kError, "The base has no /__symbols__ but the overlay needs it",
       "The base was compiled without dtc -@, so no label can be resolved. Rebuild the base with -@."},
      {"label-path-not-found", S::kError, "A base label names a path that is not in the tree",
       "The base's /__symbols__ entry points at a node that does not exist; the kernel returns -ENOENT."},
      {"bad-fixup", S::kError, "Malformed __fixups__ entry", "The overlay's __fixups__ cannot be parsed; rebuild it with dtc."},
      {"bad-local-fixups", S::kError, "Malformed __local_fixups__",
       "The overlay's __local_fixups__ do not match its nodes; rebuild it with dtc."},
      {"target-not-found", S::kError, "A fragment's target is not in the live tree",
       "The kernel resolves every fragment's target before applying any, so a target created by an earlier "
       "fragment of the same overlay is not found (fdtoverlay accepts that). Target an existing node."},
      {"no-target", S::kError, "A fragment has no target", "Give the fragment a target or target-path property."},
      {"no-fragments", S::kError, "The overlay has no fragments or symbols", "The kernel refuses an empty overlay."},
      {"cells-change", S::kError, "The overlay changes #address-cells or #size-cells of an existing node",
       "The kernel refuses it; keep the base's values."},
      {"phandle-conflict", S::kError, "An overlay node with a phandle lands on a node that has one",
       "The kernel refuses it silently (fdtoverlay accepts it). Drop the label from the overlay node or target "
       "the node by reference."},
      {"symbol-exists", S::kError, "The overlay defines a label the live tree already has",
       "The kernel refuses to change an existing /__symbols__ property. Rename the label."},
      {"symbol-outside-fragment", S::kError, "An overlay label points outside its fragments",
       "The kernel cannot translate the label's path (-ENOMEM)."},
      {"duplicate-node-entry", S::kError, "Two fragments add or delete the same node", "Merge the fragments."},
      {"duplicate-property-entry", S::kError, "Two fragments set the same property", "Merge the fragments."},
      {"changeset-entry-failed", S::kError, "A changeset entry failed to apply or revert",
       "The kernel's changeset could not add or revert a node or property; the tree is left suspect."},
      {"devicetree-suspect", S::kError, "An earlier failure left the tree suspect",
       "After a failed apply or revert the kernel refuses every further overlay until reboot."},
      // Devices and links (drivers/of/platform.c, drivers/base/core.c)
      {"bad-supplier-reference", S::kError, "A supplier property does not parse",
       "A phandle or its cells in a supplier binding (clocks, gpios, ...) do not resolve; fw_devlink skips it."},
      {"client-not-created", S::kError, "An i2c or spi child cannot become a device",
       "It lacks 'compatible' or 'reg'; the controller's driver logs it and no device is created."},
      {"device-not-created", S::kError, "A node the kernel should populate gets no device",
       "The kernel prints why; see the kernel line."},
      {"cycle-relaxed", S::kInfo, "A device-link cycle that fw_devlink relaxes",
       "The links on the cycle become SYNC_STATE_ONLY and no longer order probing: every device probes, in an "
       "order the links no longer guarantee. Break the cycle (post-init-providers) if the order matters."},
      {"supplier-never-ready", S::kWarning, "A consumer waits for a supplier that never becomes a device",
       "A device the overlay creates waits for a supplier that never binds (no driver in --drivers), for a "
       "node that never becomes a device (left out by its bus; or disabled: fw_devlink makes no link, but "
       "the driver's own lookup finds no provider and defers), or for a chain of suppliers "
       "waiting for such a one: it defers its probe forever. The waits are device links, fwnode links to "
       "nodes without a device yet, and suppliers a driver looks up itself when it probes (a fixed "
       "regulator's vin-supply). The finding's causes list the chain."},
      {"cycle-blocking", S::kWarning, "A dependency cycle that keeps its devices from ever probing",
       "The devices wait for each other and nothing relaxes the cycle: before v6.3 (6.1.53) fw_devlink "
       "missed cycles that pass through a supplier without a device yet, and a driver that looks its "
       "supplier up itself (a fixed regulator's vin-supply) still waits after fw_devlink relaxed the "
       "links. None of them probes. The causes list the waits around the cycle; break it in the device "
       "tree."},
      // Removing
      {"unbalanced-refcount", S::kError, "Removal leaves a node's reference count unbalanced",
       "of_changeset_destroy() finds more references than its own: the kernel prints 'memory leak, expected "
       "refcount 1 instead of N'. The holders say who keeps them (often a device link whose deferred release "
       "has not run: the 2024 barrier fix)."},
      {"leak-before-free", S::kError, "An overlay node is freed while still referenced",
       "The kernel prints 'memory leak before free overlay changeset'."},
      {"unexpected-properties", S::kError, "A freed overlay node still has properties",
       "of_node_release() finds properties on a node its changeset should have emptied."},
      {"bad-node-put", S::kError, "of_node_put() on a node without a reference", "A refcount underflow in the kernel."},
      {"not-topmost", S::kError, "The overlay cannot be removed before a later one",
       "A later overlay changes the same node, an ancestor or a descendant: remove that one first (-EBUSY)."},
      {"no-such-overlay", S::kError, "Removal of an id the kernel does not hold", "of_overlay_remove() returns -ENODEV."},
      {"kernel-oops", S::kError, "The real kernel oopses here",
       "Removing a refused overlay whose changeset holds an UPDATE entry crashes the kernel (seen on 6.1.192)."},
      {"kernel-crashed", S::kError, "The replay stopped after a kernel crash", "Nothing after the oops is predicted."},
      // Lints of the inputs
      {"needs-earlier-overlay", S::kInfo, "The overlay only applies on top of an earlier one",
       "It refers to a label that an earlier overlay of the stack defines, not the base: it must be applied "
       "after that overlay, and removed before it."},
      {"removal-order-refused", S::kInfo, "The kernel refuses to remove the stack in apply order",
       "Removing the first overlay while a later one is applied fails with -EBUSY ('not topmost'): remove "
       "the overlays last first."},
      {"board-compatible-mismatch", S::kWarning, "The overlay is meant for another board",
       "The overlay's root 'compatible' names boards none of which the base's root 'compatible' lists."},
  };
  std::sort(rules.begin(), rules.end(), [](const FindingRule& a, const FindingRule& b) { return a.id < b.id; });
  return rules;
}

}  // namespace

const std::vector<FindingRule>& finding_rules() {
  static const std::vector<FindingRule> rules = make_rules();
  return rules;
}

FindingRule rule_for(const std::string& id, Severity severity) {
  const std::vector<FindingRule>& rules = finding_rules();
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const FindingRule& r, const std::string& key) { return r.id < key; });
  if (it != rules.end() && it->id == id) return *it;
  return {id, severity, id, "See docs/json-schema.md for the finding codes."};
}

}  // namespace ovl::cli
