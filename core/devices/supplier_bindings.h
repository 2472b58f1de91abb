// fw_devlink's supplier bindings (drivers/of/property.c, of_supplier_bindings[]): which
// properties of a consumer node name supplier nodes, and how to parse them. The table is data,
// one entry per binding with the kernel release it appeared in (and left, if it did).
#pragma once

#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "core/tree/device_tree.h"

#include <string>
#include <vector>

namespace ovl {

struct SupplierReference {
  NodeId supplier = kNoNode;   // the node the property points at (of_link_to_phandle's sup_np)
  NodeId consumer = kNoNode;   // the consumer node to link from; differs from the property's node
                               // only for graph endpoints (remote-endpoint)
  std::string property;        // the property name, e.g. "clocks"
  int index = 0;               // which element of the property
  // post-init-providers: a fwnode link that never becomes a device link (the kernel's
  // FWLINK_FLAG_IGNORE, 6.9+). Such a reference orders nothing and blocks nothing.
  bool ignore = false;
};

struct SupplierBinding {
  std::string name;            // the property name, or the suffix for suffix entries ("-supply")
  // ... the rest is private to supplier_bindings.cpp; exposed for documentation and tests.
  std::string cells;           // "#clock-cells", or "" for bare phandles
  bool suffix = false;         // matches names ending with `name` (and longer than it)
  bool optional = false;       // parsed only with fw_devlink.strict=1 (iommus, iommu-map, dmas)
  std::string added;           // mainline release it appeared in, for reports ("5.5")
  std::string removed;         // "" if still present
};

// The bindings of this kernel, in the kernel's table order.
std::vector<SupplierBinding> supplier_bindings(const KernelProfile& profile);

// of_link_property for one property of `consumer`: the suppliers the matching binding finds.
// Parsing follows the kernel (phandle + `#*-cells` arguments; a missing cells property counts
// as 0 where the kernel allows it). A phandle that points nowhere, or a property too short for
// its cells, is reported in `problems` as a finding (code "bad-supplier-reference", with the
// property path) instead of crashing; parsing of that property stops there, as in the kernel.
std::vector<SupplierReference> parse_supplier_property(const DeviceTree& tree, NodeId consumer,
                                                       const Property& property,
                                                       const KernelProfile& profile,
                                                       std::vector<Finding>& problems);

// All suppliers of one node (every property, in property order).
std::vector<SupplierReference> parse_suppliers(const DeviceTree& tree, NodeId consumer,
                                               const KernelProfile& profile,
                                               std::vector<Finding>& problems);

}  // namespace ovl
