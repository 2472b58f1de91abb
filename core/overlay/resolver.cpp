#include "core/overlay/resolver.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"
#include "core/util/big_endian.h"

#include <cerrno>
#include <charconv>
#include <string_view>

namespace ovl {
namespace {

bool is_phandle_property(std::string_view name) {
  return name == "phandle" || name == "linux,phandle";
}

// Every overlay phandle moves above the live tree's largest, so the two can never collide.
void shift_overlay_phandles(DeviceTree& overlay, std::uint32_t delta) {
  for (NodeId id = 0; id < overlay.node_count(); ++id) {
    std::uint32_t phandle = overlay.node(id).phandle;
    if (phandle == 0 || phandle == kIllegalPhandle) continue;
    overlay.set_phandle(id, phandle + delta);
    for (const Property& prop : overlay.node(id).properties.items()) {
      if (!is_phandle_property(prop.name) || prop.value.size() < 4) continue;
      write_be32(overlay.node(id).properties.find(prop.name)->value.data(), phandle + delta);
    }
  }
}

// The first child of `parent` whose basename equals `name` (of_node_name_eq), or kNoNode.
NodeId child_by_base_name(const DeviceTree& tree, NodeId parent, std::string_view name, bool last) {
  NodeId found = kNoNode;
  tree.for_each_child(parent, [&](NodeId c) {
    if (DeviceTree::base_name(tree.node(c).full_name) != name) return;
    if (found == kNoNode || last) found = c;
  });
  return found;
}

// __local_fixups__ mirrors the overlay: each property lists byte offsets of cells, in the
// same-named property of the mirrored overlay node, that hold overlay-internal phandles.
int adjust_local_references(DeviceTree& overlay, const DeviceTree& fixups_tree, NodeId fixups,
                            NodeId target, std::uint32_t delta) {
  for (const Property& fix : fixups_tree.node(fixups).properties.items()) {
    if (fix.name == "name" || is_phandle_property(fix.name)) continue;
    if (fix.value.empty() || fix.value.size() % 4 != 0) return -kEINVAL;
    Property* prop = overlay.node(target).properties.find(fix.name);
    if (prop == nullptr) return -kEINVAL;
    for (std::size_t i = 0; i < fix.value.size(); i += 4) {
      std::uint64_t offset = read_be32(&fix.value[i]);
      if (offset + 4 > prop->value.size()) return -kEINVAL;
      std::uint8_t* cell = &prop->value[offset];
      write_be32(cell, read_be32(cell) + delta);
    }
  }
  int err = 0;
  fixups_tree.for_each_child(fixups, [&](NodeId child) {
    if (err != 0) return;
    // Children pair up by full name, compared ignoring case (node_name_cmp).
    NodeId mirror = overlay.find_child_ignore_case(target, overlay.node(child).full_name);
    err = mirror == kNoNode ? -kEINVAL
                            : adjust_local_references(overlay, fixups_tree, child, mirror, delta);
  });
  return err;
}

// kstrtoint(s, 10): optional sign, decimal digits, an optional trailing newline.
int parse_offset(std::string_view text, int& offset) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return -kEINVAL;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
  if (ec == std::errc::result_out_of_range) return -kERANGE;
  if (ec != std::errc() || ptr != text.data() + text.size()) return -kEINVAL;
  return 0;
}

// One __fixups__ property: "path:property:offset" strings, NUL separated, each a cell that must
// receive `phandle`.
int apply_label_fixups(DeviceTree& overlay, const Property& fixup, std::uint32_t phandle) {
  std::string_view all(reinterpret_cast<const char*>(fixup.value.data()), fixup.value.size());
  std::size_t pos = 0;
  while (pos < all.size()) {
    std::size_t nul = all.find('\0', pos);
    std::string_view entry = all.substr(pos, (nul == std::string_view::npos ? all.size() : nul) - pos);
    pos += entry.size() + 1;
    std::size_t first = entry.find(':');
    if (first == std::string_view::npos) return -kEINVAL;
    std::size_t second = entry.find(':', first + 1);
    if (second == std::string_view::npos) return -kEINVAL;
    int offset = 0;
    if (int err = parse_offset(entry.substr(second + 1), offset); err != 0) return err;
    NodeId node = overlay.walk_path(overlay.root(), entry.substr(0, first));
    if (node == kNoNode) continue;  // the kernel skips references into nodes it cannot find
    Property* prop = overlay.node(node).properties.find(entry.substr(first + 1, second - first - 1));
    if (prop == nullptr) return -kENOENT;
    if (offset < 0 || static_cast<std::size_t>(offset) + 4 > prop->value.size()) return -kEINVAL;
    write_be32(&prop->value[static_cast<std::size_t>(offset)], phandle);
  }
  return 0;
}

int resolve(const DeviceTree& live, DeviceTree& overlay, KernelLog& log) {
  std::uint32_t delta = live.max_phandle() + 1;
  shift_overlay_phandles(overlay, delta);

  NodeId local_fixups = child_by_base_name(overlay, overlay.root(), "__local_fixups__", false);
  if (local_fixups != kNoNode) {
    if (int err = adjust_local_references(overlay, overlay, local_fixups, overlay.root(), delta)) {
      log.add({"bad-local-fixups", Severity::kError, "/__local_fixups__", "",
               "__local_fixups__ names a property, node or offset the overlay does not have", {}});
      return err;
    }
  }

  NodeId fixups = child_by_base_name(overlay, overlay.root(), "__fixups__", true);
  if (fixups == kNoNode) return 0;
  NodeId symbols = live.find_by_path("/__symbols__");
  if (symbols == kNoNode) {
    log.report({"no-live-symbols", Severity::kError, "/__symbols__", kmsg::resolver_no_live_symbols(),
                "the overlay refers to base labels (__fixups__) but the base has no __symbols__ "
                "node; compile the base with dtc -@",
                {}});
    return -kEINVAL;
  }
  for (const Property& fixup : overlay.node(fixups).properties.items()) {
    if (fixup.name == "name") continue;
    const Property* symbol = live.node(symbols).properties.find(fixup.name);
    // of_property_read_string: missing, empty or unterminated all count as not found.
    if (symbol == nullptr || symbol->value.empty() ||
        symbol->as_string().size() >= symbol->value.size()) {
      log.report({"unresolved-label", Severity::kError, "/__fixups__/" + fixup.name,
                  kmsg::resolver_label_not_found(fixup.name),
                  "the overlay refers to label '" + fixup.name + "', which the base does not define",
                  {}});
      return symbol == nullptr ? -kEINVAL : -kEILSEQ;
    }
    NodeId target = live.find_by_path(symbol->as_string());
    if (target == kNoNode) {
      log.add({"label-path-not-found", Severity::kError, "/__symbols__/" + fixup.name, "",
               "label '" + fixup.name + "' names " + std::string(symbol->as_string()) +
                   ", which is not in the live tree",
               {}});
      return -kENOENT;
    }
    if (int err = apply_label_fixups(overlay, fixup, live.node(target).phandle)) {
      log.add({"bad-fixup", Severity::kError, "/__fixups__/" + fixup.name, "",
               "a __fixups__ entry for '" + fixup.name +
                   "' is malformed or points outside its property",
               {}});
      return err;
    }
  }
  return 0;
}

}  // namespace

int resolve_phandles(const DeviceTree& live, DeviceTree& overlay, const KernelProfile& profile,
                     KernelLog& log) {
  int err = resolve(live, overlay, log);
  if (err == 0) return 0;
  bool label_error = !log.findings().empty() && log.findings().back().code == "unresolved-label";
  if (!(label_error && profile.has(Feature::kResolverLabelErrorAlone))) {
    log.print(Severity::kError, kmsg::resolver_fixup_failed(err));
  }
  return err;
}

}  // namespace ovl
