#include "core/rpi/rpi_override_apply.h"

#include "core/rpi/rpi_fixup_paths.h"
#include "core/rpi/rpi_override_entry.h"
#include "core/rpi/rpi_parameter_value.h"

#include <cstdio>
#include <cstdlib>

namespace ovl::rpi {
namespace {

// dtoverlay loads an overlay into a buffer 4 KiB larger than the blob; a property grown past
// that room fails with FDT_ERR_NOSPACE, so a cell that far out is refused.
constexpr std::size_t kGrowthRoom = 4096;

struct TargetContext {
  OverlayTree& tree;
  const std::string& parameter;
  std::vector<ParameterChange>& changes;
};

std::string describe(const OverrideTarget& target, const OverlayTree& tree, EditId node) {
  return "'" + target.property + "' of " + (node == kNoEdit ? std::string("the overlay") : tree.path(node));
}

void record_property(TargetContext& ctx, EditId node, const std::string& property,
                     std::optional<Bytes> before) {
  const Bytes* now = ctx.tree.property(node, property);
  if (!before && now == nullptr) return;  // e.g. `reg:0` on a node without reg: only the rename
  ctx.changes.push_back({ctx.tree.path(node), property, std::move(before),
                         now ? std::optional<Bytes>(*now) : std::nullopt, "", ""});
}

void rename_recorded(TargetContext& ctx, EditId node, const std::string& name) {
  ParameterChange change{ctx.tree.path(node), "", std::nullopt, std::nullopt, ctx.tree.node(node).name, name};
  rename_node(ctx.tree, node, name);
  ctx.changes.push_back(std::move(change));
}

std::optional<Bytes> current(const OverlayTree& tree, EditId node, const std::string& property) {
  const Bytes* value = tree.property(node, property);
  return value ? std::optional<Bytes>(*value) : std::nullopt;
}

Expected<bool> apply_string(TargetContext& ctx, const OverrideTarget& target, EditId node) {
  auto bytes = unescape_string_value(target.value);
  if (!bytes) return Error{"invalid escape in '" + target.value + "'"};
  if (target.property == "name") {  // a pseudo-property: the node's name
    rename_recorded(ctx, node, std::string(reinterpret_cast<const char*>(bytes->data())));
    return true;
  }
  auto before = current(ctx.tree, node, target.property);
  if (target.property == "bootargs" && before && !before->empty() && (*before)[0] != 0) {
    // bootargs grows: the old NUL becomes a space and the new text follows.
    Bytes joined = *before;
    joined.back() = ' ';
    joined.insert(joined.end(), bytes->begin(), bytes->end());
    ctx.tree.set_property(node, target.property, std::move(joined));
  } else {
    ctx.tree.set_property(node, target.property, std::move(*bytes));
  }
  record_property(ctx, node, target.property, std::move(before));
  return true;
}

void write_cell(Bytes& value, int offset, int width, std::uint64_t number) {
  for (int i = 0; i < width; ++i) {
    value[static_cast<std::size_t>(offset + i)] =
        static_cast<std::uint8_t>(number >> (8 * (width - 1 - i)));
  }
}

Expected<bool> apply_integer(TargetContext& ctx, const OverrideTarget& target, EditId node,
                             std::uint64_t number) {
  auto before = current(ctx.tree, node, target.property);
  std::size_t needed = static_cast<std::size_t>(target.offset + target.width);
  std::size_t have = before ? before->size() : 0;
  if (needed > have + kGrowthRoom) {
    return Error{"offset " + std::to_string(target.offset) + " of " + describe(target, ctx.tree, node) +
                 " is out of range (the property has " + std::to_string(have) + " bytes)"};
  }
  if (needed <= have) {
    Bytes value = *before;
    write_cell(value, target.offset, target.width, number);
    ctx.tree.set_property(node, target.property, std::move(value));
  } else if (target.property != "reg") {
    // Missing or short: zero-padded to the cell and set. `reg` is never created or grown; it
    // is a pseudo-property for the unit address.
    Bytes value = before ? *before : Bytes{};
    value.resize(needed, 0);
    write_cell(value, target.offset, target.width, number);
    ctx.tree.set_property(node, target.property, std::move(value));
  }
  record_property(ctx, node, target.property, std::move(before));

  if (target.property == "reg" && target.offset == 0) {
    const std::string& old_name = ctx.tree.node(node).name;
    std::size_t at = old_name.find('@');
    if (at != std::string::npos) {
      char unit[16];
      std::snprintf(unit, sizeof unit, "%x", static_cast<std::uint32_t>(number));
      rename_recorded(ctx, node, old_name.substr(0, at) + "@" + unit);
    }
  }
  return true;
}

Expected<bool> apply_boolean(TargetContext& ctx, const OverrideTarget& target, EditId node,
                             std::uint64_t number) {
  auto before = current(ctx.tree, node, target.property);
  if (before && !before->empty()) {
    // Whatever the property held (a label reference?) is gone either way, and so is its fixup.
    delete_fixup(ctx.tree, ctx.tree.path(node) + ":" + target.property + ":" + std::to_string(target.offset));
  }
  bool present = (number != 0) != (target.kind == TargetKind::kBooleanInverted);
  if (present) {
    ctx.tree.set_property(node, target.property, Bytes{});
  } else {
    ctx.tree.delete_property(node, target.property);
  }
  record_property(ctx, node, target.property, std::move(before));
  return true;
}

Expected<bool> apply_fragments(TargetContext& ctx, const OverrideTarget& target, std::uint64_t number) {
  const std::string& spec = target.property;
  std::size_t p = 0;
  while (p < spec.size()) {
    char op = spec[p];
    if (op != '+' && op != '-' && op != '=' && op != '!') {
      return Error{"invalid fragment switch '" + spec + "'"};
    }
    char* end = nullptr;
    const char* from = spec.c_str() + p + 1;
    auto fragment = static_cast<std::uint32_t>(std::strtoul(from, &end, 0));
    p = static_cast<std::size_t>(end - spec.c_str());
    bool active = op == '+' || (op == '=' && number != 0) || (op == '!' && number == 0);
    EditId frag = ctx.tree.find_path("/fragment@" + std::to_string(fragment));
    if (frag == kNoEdit) frag = ctx.tree.find_path("/fragment-" + std::to_string(fragment));
    if (frag == kNoEdit) return Error{"fragment " + std::to_string(fragment) + " not found"};
    const char* from_state = active ? "__dormant__" : "__overlay__";
    const char* to_state = active ? "__overlay__" : "__dormant__";
    EditId state = ctx.tree.subnode(frag, from_state);
    if (state != kNoEdit) rename_recorded(ctx, state, to_state);
  }
  return true;
}

// dtoverlay's cell_changed_callback: the value came from a cell of __overrides__ that uses an
// outside label, so the label's fixup now points at the target cell instead.
void move_cell_fixup(TargetContext& ctx, const OverrideTarget& target, EditId node) {
  std::string location = ctx.tree.path(node) + ":" + target.property + ":" + std::to_string(target.offset);
  delete_fixup(ctx.tree, location);
  std::string source = "/__overrides__:" + ctx.parameter + ":" + std::to_string(*target.cell_source);
  if (auto label = find_fixup(ctx.tree, source)) add_fixup(ctx.tree, *label, location);
}

Expected<bool> apply_target(TargetContext& ctx, const OverrideTarget& target) {
  EditId node = kNoEdit;
  if (target.phandle != 0) {
    node = ctx.tree.find_phandle(target.phandle);
    if (node == kNoEdit) return Error{"phandle " + std::to_string(target.phandle) + " not found"};
  }
  switch (target.kind) {
    case TargetKind::kString:
      return apply_string(ctx, target, node);
    case TargetKind::kByteString: {
      auto bytes = parse_byte_string_value(target.value);
      if (!bytes) return Error{"invalid byte string '" + target.value + "' for " + describe(target, ctx.tree, node)};
      auto before = current(ctx.tree, node, target.property);
      ctx.tree.set_property(node, target.property, std::move(*bytes));
      record_property(ctx, node, target.property, std::move(before));
      return true;
    }
    default:
      break;
  }
  auto number = parse_integer_value(target.value, target.kind == TargetKind::kFragments);
  if (!number) {
    return Error{"invalid value '" + target.value + "' for " + describe(target, ctx.tree, node) +
                 " (a number, or y/yes/on/true/down, n/no/off/false, up)"};
  }
  switch (target.kind) {
    case TargetKind::kInteger: {
      auto done = apply_integer(ctx, target, node, *number);
      if (!done) return done;
      if (target.width == 4 && target.cell_source) move_cell_fixup(ctx, target, node);
      return true;
    }
    case TargetKind::kBoolean:
    case TargetKind::kBooleanInverted:
      return apply_boolean(ctx, target, node, *number);
    default:
      return apply_fragments(ctx, target, *number);
  }
}

}  // namespace

Expected<std::vector<ParameterChange>> apply_parameter(OverlayTree& tree, const std::string& name,
                                                       const Bytes& data, const std::string& value) {
  std::vector<ParameterChange> changes;
  if (value.size() > kMaxValueLength) return Error{"value of '" + name + "' is longer than 255 characters"};
  TargetContext ctx{tree, name, changes};
  std::size_t pos = 0;
  for (;;) {
    auto target = read_override_target(data, pos, value);
    if (!target) return Error{"malformed __overrides__ entry for '" + name + "': " + target.error().message};
    if (!target->has_value()) break;
    auto done = apply_target(ctx, **target);
    if (!done) return done.error();
  }
  return changes;
}

}  // namespace ovl::rpi
