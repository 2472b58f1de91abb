#include "core/lints/overlay_lints.h"

#include "core/devices/driver_set.h"

#include <map>
#include <set>

namespace ovl {
namespace {

std::vector<std::string> property_names(const DeviceTree& tree, std::string_view node_name) {
  std::vector<std::string> names;
  NodeId node = tree.find_child(tree.root(), node_name);
  if (node == kNoNode) return names;
  for (const Property& p : tree.node(node).properties.items()) {
    if (!p.synthetic && p.name != "name" && p.name != "phandle" && p.name != "linux,phandle") names.push_back(p.name);
  }
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "\"" : ", \"") + s + "\"";
  return out;
}

}  // namespace

std::vector<OverlayLint> lint_overlay_stack(const DeviceTree& base, const std::vector<const DeviceTree*>& overlays,
                                            const std::vector<std::string>& labels) {
  std::vector<OverlayLint> lints;
  std::set<std::string> base_symbols;
  for (const std::string& name : property_names(base, "__symbols__")) base_symbols.insert(name);
  std::map<std::string, std::size_t> defined_by;  // label -> the first overlay of the stack defining it
  std::vector<std::string> base_compatible = compatibles_of(base, base.root());
  std::set<std::string> base_boards(base_compatible.begin(), base_compatible.end());

  for (std::size_t i = 0; i < overlays.size(); ++i) {
    const DeviceTree& overlay = *overlays[i];
    std::set<std::size_t> needed;
    for (const std::string& label : property_names(overlay, "__fixups__")) {
      if (base_symbols.count(label) != 0) continue;
      auto it = defined_by.find(label);
      if (it == defined_by.end() || needed.count(it->second) != 0) continue;
      needed.insert(it->second);
      lints.push_back({i, {"needs-earlier-overlay", Severity::kInfo, "/__fixups__/" + label, "",
                           "label '" + label + "' comes from " + labels[it->second] +
                               ", not the base: this overlay applies only after it, and must be removed before it",
                           {labels[it->second]}}});
    }
    for (const std::string& label : property_names(overlay, "__symbols__")) defined_by.emplace(label, i);

    std::vector<std::string> boards = compatibles_of(overlay, overlay.root());
    if (boards.empty() || base_boards.empty()) continue;
    bool matches = false;
    for (const std::string& b : boards) matches = matches || base_boards.count(b) != 0;
    if (!matches) {
      lints.push_back({i, {"board-compatible-mismatch", Severity::kWarning, "/compatible", "",
                           "the overlay is meant for " + joined(boards) + "; the base is " + joined(base_compatible),
                           {}}});
    }
  }
  return lints;
}

}  // namespace ovl
