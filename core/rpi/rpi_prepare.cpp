#include "core/rpi/rpi_prepare.h"

#include "core/rpi/rpi_overlay_tree.h"
#include "core/util/nearest_name.h"

namespace ovl::rpi {

std::vector<std::string> parameter_names(const DeviceTree& overlay) {
  std::vector<std::string> names;
  NodeId overrides = overlay.find_child(overlay.root(), "__overrides__");
  if (overrides == kNoNode) return names;
  for (const Property& p : overlay.node(overrides).properties.items()) {
    if (!p.synthetic) names.push_back(p.name);
  }
  return names;
}

Expected<PreparedOverlay> prepare_overlay(const DeviceTree& overlay, const std::vector<Parameter>& parameters) {
  OverlayTree tree = OverlayTree::from_device_tree(overlay);
  const std::uint32_t max_phandle = largest_phandle(tree);  // as loaded, before any parameter
  PreparedOverlay prepared;
  for (const Parameter& parameter : parameters) {
    // Looked up afresh each time: an earlier parameter may have renamed or rewritten things,
    // and dtoverlay reads the property from the edited blob too.
    EditId overrides = tree.find_path("/__overrides__");
    const Bytes* data = overrides == kNoEdit ? nullptr : tree.property(overrides, parameter.name);
    if (data == nullptr) {
      std::string message = "unknown parameter '" + parameter.name + "'";
      if (auto near = nearest_name(parameter.name, parameter_names(overlay))) {
        message += " (did you mean '" + *near + "'?)";
      }
      return Error{message};
    }
    Bytes copy = *data;  // the entries are read while the tree changes
    auto changes = apply_parameter(tree, parameter.name, copy, parameter.value);
    if (!changes) {
      return Error{"cannot set " + parameter.name + "=" + parameter.value + ": " + changes.error().message};
    }
    prepared.parameters.push_back({parameter, std::move(changes.value())});
  }
  prepared.merge = merge_intra_overlay_fragments(tree, max_phandle);
  prepared.tree = tree.to_device_tree();
  return prepared;
}

}  // namespace ovl::rpi
