#include "core/overlay/changeset_builder.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"

#include <string_view>

namespace ovl {
namespace {

class Builder {
 public:
  Builder(DeviceTree& live, const DeviceTree& overlay, const OverlayFragments& fragments,
          const KernelProfile& profile, Changeset& changeset, KernelLog& log,
          std::uint64_t& next_identity)
      : live_(live), overlay_(overlay), fragments_(fragments), profile_(profile),
        changeset_(changeset), log_(log), next_identity_(next_identity) {}

  int build() {
    std::size_t ordinary = fragments_.fragments.size() - (fragments_.has_symbols_fragment ? 1 : 0);
    for (std::size_t i = 0; i < ordinary; ++i) {
      const Fragment& f = fragments_.fragments[i];
      if (int err = next_level(f.target, true, f.overlay)) return err;
    }
    if (fragments_.has_symbols_fragment) {
      const Fragment& f = fragments_.fragments.back();
      for (const Property& prop : overlay_.node(f.overlay).properties.items()) {
        if (int err = add_property(f.target, true, prop, true)) return err;
      }
    }
    return 0;
  }

 private:
  int next_level(NodeId target, bool in_livetree, NodeId overlay_node) {
    for (const Property& prop : overlay_.node(overlay_node).properties.items()) {
      if (int err = add_property(target, in_livetree, prop, false)) return err;
    }
    int err = 0;
    overlay_.for_each_child(overlay_node, [&](NodeId child) {
      if (err == 0) err = add_node(target, in_livetree, child);
    });
    return err;
  }

  int add_node(NodeId target, bool in_livetree, NodeId overlay_child) {
    const Node& source = overlay_.node(overlay_child);
    // Only linked children can match: nodes this changeset creates are not linked until applied.
    NodeId existing = live_.find_child_ignore_case(target, source.full_name);
    if (existing == kNoNode) {
      NodeId created = live_.create_node(source.full_name, target);
      Node& node = live_.node(created);
      node.flags = kFlagDynamic | kFlagDetached | kFlagOverlay;
      // Only "phandle" counts here; the kernel ignores the obsolete "linux,phandle".
      if (const Property* ph = source.properties.find("phandle"); ph != nullptr && ph->value.size() == 4) {
        node.phandle = overlay_.node(overlay_child).phandle;
      }
      changeset_.attach_node(created);
      return next_level(created, false, overlay_child);
    }
    if (source.phandle != 0 && live_.node(existing).phandle != 0) {
      std::string path = live_.path(existing);
      log_.add({"phandle-conflict", Severity::kError, path, "",
                "the overlay node " + overlay_.path(overlay_child) +
                    " carries a phandle and lands on " + path +
                    ", which has one already; the kernel refuses this silently (-EINVAL)",
                {}});
      return -kEINVAL;
    }
    return next_level(existing, in_livetree, overlay_child);
  }

  int add_property(NodeId target, bool in_livetree, const Property& source, bool is_symbol) {
    const std::string& name = source.name;
    if (in_livetree && (name == "name" || name == "phandle" || name == "linux,phandle")) return 0;
    const Property* existing = in_livetree ? live_.node(target).properties.find(name) : nullptr;
    if (existing != nullptr && (name == "#address-cells" || name == "#size-cells")) {
      if (existing->value == source.value) return 0;
      std::string path = live_.path(target);
      log_.report({"cells-change", Severity::kError, path + "/" + name,
                   kmsg::cells_change(name, path),
                   "an overlay may not change " + name + " of an existing node", {}});
      return -kEINVAL;
    }
    Property copy;
    if (is_symbol) {
      if (existing != nullptr) {
        log_.add({"symbol-exists", Severity::kError, "/__symbols__/" + name, "",
                  "the overlay defines label '" + name +
                      "', which the live tree already has; the kernel refuses this silently "
                      "(-EINVAL)",
                  {}});
        return -kEINVAL;
      }
      if (!fixup_symbol(source, copy)) {
        log_.add({"symbol-outside-fragment", Severity::kError, "/__symbols__/" + name, "",
                  "label '" + name + "' points to " + std::string(source.as_string()) +
                      ", which is not inside a fragment's __overlay__; the kernel fails with "
                      "-ENOMEM",
                  {}});
        return -kENOMEM;
      }
    } else {
      copy = source;
    }
    copy.identity = next_identity_++;

    if (existing == nullptr) {
      // A new node keeps its future properties on deadprops until the changeset applies them.
      if (!in_livetree) live_.node(target).deadprops.push_back(copy);
      changeset_.add_property(target, copy);
    } else {
      changeset_.update_property(target, copy, existing, !profile_.has(Feature::kChangesetOldPropertyAtApply));
    }
    if (!live_.node(target).has(kFlagOverlay)) {
      std::string path = live_.path(target);
      log_.report({"leak-on-remove", Severity::kWarning, path == "/" ? "/" + name : path + "/" + name,
                   kmsg::leak_on_remove(path, name),
                   "the property is added to or changed on a node the overlay did not create; the "
                   "kernel cannot free it when the overlay is removed",
                   {}});
    }
    return 0;
  }

  // dup_and_fixup_symbol_prop: "/fragment@N/__overlay__/tail" becomes "<target path>/tail"; for
  // the root target that is "//tail" until the kernel drops the root's "/" (the profile says).
  bool fixup_symbol(const Property& source, Property& out) {
    std::string_view path = source.as_string();
    if (path.empty()) return false;
    std::string_view first = path.substr(1, path.substr(1).find_first_of("/:"));
    NodeId fragment_node = first.empty() ? kNoNode : overlay_.find_child(overlay_.root(), first);
    NodeId body = fragment_node == kNoNode ? kNoNode : overlay_.find_child(fragment_node, "__overlay__");
    const Fragment* fragment = nullptr;
    for (const Fragment& f : fragments_.fragments) {
      if (body != kNoNode && f.overlay == body) fragment = &f;
    }
    if (fragment == nullptr) return false;
    std::size_t prefix = overlay_.path(fragment->overlay).size();
    if (prefix > path.size()) return false;
    std::string value = live_.path(fragment->target);
    std::string_view tail = path.substr(prefix);
    if (value == "/" && !tail.empty() && profile_.has(Feature::kRootTargetSymbolsSingleSlash)) {
      value.clear();
    }
    value.append(tail);
    out.name = source.name;
    out.value.assign(value.begin(), value.end());
    out.value.push_back(0);
    return true;
  }

  DeviceTree& live_;
  const DeviceTree& overlay_;
  const OverlayFragments& fragments_;
  const KernelProfile& profile_;
  Changeset& changeset_;
  KernelLog& log_;
  std::uint64_t& next_identity_;
};

}  // namespace

int build_changeset(DeviceTree& live, const DeviceTree& overlay, const OverlayFragments& fragments,
                    const KernelProfile& profile, Changeset& changeset, KernelLog& log,
                    std::uint64_t& next_identity) {
  Builder builder(live, overlay, fragments, profile, changeset, log, next_identity);
  if (int err = builder.build()) return err;
  return check_duplicate_entries(live, changeset, log);
}

}  // namespace ovl
