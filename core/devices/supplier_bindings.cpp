// fw_devlink's supplier bindings, after drivers/of/property.c (of_supplier_bindings[],
// of_link_property) and the parsers it calls: __of_parse_phandle_with_args (drivers/of/base.c),
// of_irq_parse_one / of_irq_find_parent / of_irq_parse_raw (drivers/of/irq.c) and the of_graph
// helpers. Everything that changed between releases is one of two tables below: the binding
// table (one row per property name, with its lifespan) and a few parse-rule changes.
//
// One rule shapes all parsers: of_link_property() asks the matching parser for index 0, 1, 2, ...
// and stops at the first index that yields no node. So an empty slot (phandle 0), a phandle that
// points nowhere, or a malformed element ends the list there; later elements are never linked.
#include "core/devices/supplier_bindings.h"

#include "core/util/big_endian.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace ovl {
namespace {

// ---------------------------------------------------------------------------------------------
// Parse rules that changed over time (not tied to one table row).

enum class Rule {
  // fw_devlink.strict=0 (the default) skips the optional bindings: iommus, iommu-map, dmas.
  // Before this they were ordinary bindings.
  kOptionalBindingsSkipped,
  // Simple bindings count a missing cells property on the target as 0 arguments
  // (parse_prop_cells calls __of_parse_phandle_with_args with cell_count 0). Before, and for
  // suffix bindings always, a missing cells property is a parse error.
  kSimpleCellsOptional,
  // "*-gpios" no longer matches names ending in ",nr-gpios" (e.g. "snps,nr-gpios").
  kNrGpiosExcluded,
  // remote-endpoint: the supplier is the remote endpoint's port parent
  // (of_graph_get_remote_port_parent) instead of the remote endpoint node itself.
  kGraphSupplierIsPortParent,
  // remote-endpoint: the consumer is the local endpoint's port parent (get_con_dev =
  // of_graph_get_port_parent) instead of the nearest ancestor with "compatible" (node_not_dev).
  kGraphConsumerIsPortParent,
};

struct RuleHistory {
  Rule rule;
  Introduced introduced;
  const char* source;
};

const std::vector<RuleHistory>& rule_history() {
  static const std::vector<RuleHistory> table = {
      {Rule::kOptionalBindingsSkipped, {{5, 12, 0}, {}},
       "driver-core 5.12 pull: fw_devlink.strict, optional bindings"},
      {Rule::kSimpleCellsOptional, {{6, 3, 0}, {}},
       "of: property: make #.*-cells optional for simple props (nvmem pull for 6.3, "
       "with the follow-up that moved it from DEFINE_SUFFIX_PROP to parse_prop_cells)"},
      {Rule::kNrGpiosExcluded, {{5, 12, 0}, {}},
       "parse_gpios ignores ',nr-gpios' (kernel-model-devlink.md §2.2: about 5.12, unconfirmed)"},
      // Mainline 6.8-rc (782bfd03c3ae, 8f1e0d791b52). Stable: in the "Linux 6.1.79" and
      // "Linux 6.7.6" shortlogs. 6.6.y probably has it too (6.6.18?) but that is unconfirmed.
      // Not modelled: 782bfd03c3ae tested "!index", so remote-endpoint matched nothing until
      // 7cb50f6c9fba ("Fix stupid bug in remote-endpoint parsing"); stable took the fix in the
      // 4 March 2024 review round (6.1 071/215, 6.6 067/143).
      {Rule::kGraphSupplierIsPortParent, {{6, 8, 0}, {{6, 1, 79}, {6, 7, 6}}},
       "782bfd03c3ae of: property: Improve finding the supplier of a remote-endpoint property"},
      // Mainline 6.8-rc (f4653ec9861c). Stable: in "Linux 6.7.6"; absent from "Linux 6.1.79".
      {Rule::kGraphConsumerIsPortParent, {{6, 8, 0}, {{6, 7, 6}}},
       "f4653ec9861c of: property: Improve finding the consumer of a remote-endpoint property"},
  };
  return table;
}

bool has_rule(const KernelProfile& profile, Rule rule) {
  for (const RuleHistory& entry : rule_history()) {
    if (entry.rule == rule) return entry.introduced.present_in(profile.version());
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The binding table: one row per property name (the kernel's gpio/gpios and
// interrupts/interrupts-extended entries are two rows each), in the kernel's table order.

enum class Parser {
  kSimple,          // DEFINE_SIMPLE_PROP: exact name, phandle + cells list (or bare phandles)
  kSuffix,          // DEFINE_SUFFIX_PROP: name ends with the suffix and is longer than it
  kSuffixGpios,     // parse_gpios: "-gpios" suffix, minus ",nr-gpios" (Rule::kNrGpiosExcluded)
  kIommuMap,        // parse_iommu_maps: phandle at cell 4*i+1
  kGpioCompat,      // parse_gpio_compat: "gpio"/"gpios", skipped on gpio-hog nodes
  kInterrupts,      // parse_interrupts: of_irq_parse_one
  kInterruptMap,    // parse_interrupt_map: each map entry's parent
  kRemoteEndpoint,  // remote-endpoint: index 0 only; see the graph rules
};

struct Entry {
  const char* name;    // property name, or suffix for the suffix parsers
  const char* cells;   // "#clock-cells", or nullptr for bare phandles
  Parser parser;
  bool optional;       // needs fw_devlink.strict=1 once Rule::kOptionalBindingsSkipped applies
  bool ignore;         // FWLINK_FLAG_IGNORE (post-init-providers)
  Lifespan lifespan;
};

constexpr KernelVersion v(int major, int minor, int patch = 0) { return {major, minor, patch}; }

Lifespan since(KernelVersion added) { return Lifespan{Introduced{added, {}}, std::nullopt}; }
Lifespan between(KernelVersion added, Introduced removed) {
  return Lifespan{Introduced{added, {}}, std::move(removed)};
}

// Sources: kernel-model-devlink.md §2.2 unless noted. Checked against the stored ≈6.11
// drivers/of/property.c: names, cells names, order, optional flags.
const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {"clocks", "#clock-cells", Parser::kSimple, false, false, since(v(5, 5))},
      {"interconnects", "#interconnect-cells", Parser::kSimple, false, false, since(v(5, 5))},
      {"iommus", "#iommu-cells", Parser::kSimple, true, false, since(v(5, 5))},
      {"iommu-map", nullptr, Parser::kIommuMap, true, false, since(v(5, 5))},
      {"mboxes", "#mbox-cells", Parser::kSimple, false, false, since(v(5, 5))},
      // The typo: the entry matched "io-channel", which no binding uses. Fixed by "of: property:
      // fix typo in io-channels" (Nuno Sá): mainline 6.8-rc, since it is in the "Linux 6.7.6" and
      // "Linux 6.1.79" stable shortlogs, both released before 6.8 (the model doc guessed 6.9).
      {"io-channel", "#io-channel-cells", Parser::kSimple, false, false,
       between(v(5, 5), Introduced{v(6, 8), {v(6, 1, 79), v(6, 7, 6)}})},
      {"io-channels", "#io-channel-cells", Parser::kSimple, false, false,
       Lifespan{Introduced{v(6, 8), {v(6, 1, 79), v(6, 7, 6)}}, std::nullopt}},
      {"io-backends", "#io-backend-cells", Parser::kSimple, false, false, since(v(6, 9))},
      // Removed by bc7acc0bd0f9 "of: property: fw_devlink: Do not use interrupt-parent
      // directly" (6.13-rc); stable: in the 6.12.7-rc1 review series (23 Dec 2024). The 6.11,
      // 6.6, 6.1, 5.15 and 5.10 queues of the same push do not carry it.
      {"interrupt-parent", nullptr, Parser::kSimple, false, false,
       between(v(5, 5), Introduced{v(6, 13), {v(6, 12, 7)}})},
      {"dmas", "#dma-cells", Parser::kSimple, true, false, since(v(5, 5))},
      {"power-domains", "#power-domain-cells", Parser::kSimple, false, false, since(v(5, 7))},
      {"hwlocks", "#hwlock-cells", Parser::kSimple, false, false, since(v(5, 7))},
      {"extcon", nullptr, Parser::kSimple, false, false, since(v(5, 8))},
      // 5.9–5.11: a simple entry; 5.12 replaced it with parse_interrupts (row further down).
      {"interrupts-extended", "#interrupt-cells", Parser::kSimple, false, false,
       between(v(5, 9), Introduced{v(5, 12), {}})},
      {"nvmem-cells", nullptr, Parser::kSimple, false, false,
       between(v(5, 9), Introduced{v(6, 3), {}})},
      {"nvmem-cells", "#nvmem-cell-cells", Parser::kSimple, false, false, since(v(6, 3))},
      {"phys", "#phy-cells", Parser::kSimple, false, false, since(v(5, 9))},
      {"wakeup-parent", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-0", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-1", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-2", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-3", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-4", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-5", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-6", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-7", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"pinctrl-8", nullptr, Parser::kSimple, false, false, since(v(5, 9))},
      {"remote-endpoint", nullptr, Parser::kRemoteEndpoint, false, false, since(v(5, 13))},
      {"pwms", "#pwm-cells", Parser::kSimple, false, false, since(v(5, 15))},
      {"resets", "#reset-cells", Parser::kSimple, false, false, since(v(5, 15))},
      {"leds", nullptr, Parser::kSimple, false, false, since(v(5, 15))},
      {"backlight", nullptr, Parser::kSimple, false, false, since(v(5, 15))},
      {"panel", nullptr, Parser::kSimple, false, false, since(v(6, 6))},
      {"msi-parent", "#msi-cells", Parser::kSimple, false, false, since(v(6, 8))},
      {"pses", "#pse-cells", Parser::kSimple, false, false, since(v(6, 10))},
      {"power-supplies", nullptr, Parser::kSimple, false, false, since(v(6, 10))},
      {"gpio", "#gpio-cells", Parser::kGpioCompat, false, false, since(v(5, 12))},
      {"gpios", "#gpio-cells", Parser::kGpioCompat, false, false, since(v(5, 12))},
      {"interrupts", nullptr, Parser::kInterrupts, false, false, since(v(5, 12))},
      {"interrupts-extended", nullptr, Parser::kInterrupts, false, false, since(v(5, 12))},
      {"interrupt-map", nullptr, Parser::kInterruptMap, false, false, since(v(6, 10))},
      {"access-controllers", "#access-controller-cells", Parser::kSimple, false, false,
       since(v(6, 10))},
      {"-supply", nullptr, Parser::kSuffix, false, false, since(v(5, 5))},
      {"-gpio", "#gpio-cells", Parser::kSuffix, false, false, since(v(5, 5))},
      {"-gpios", "#gpio-cells", Parser::kSuffixGpios, false, false, since(v(5, 5))},
      {"post-init-providers", nullptr, Parser::kSimple, false, true, since(v(6, 9))},
  };
  return entries;
}

bool is_suffix_parser(Parser parser) {
  return parser == Parser::kSuffix || parser == Parser::kSuffixGpios;
}

// strcmp_suffix() == 0: `name` ends with `suffix` and is strictly longer.
bool ends_with_strictly(std::string_view name, std::string_view suffix) {
  return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------------------------
// Tree helpers.

const Property* find_property(const DeviceTree& tree, NodeId id, std::string_view name) {
  return tree.node(id).properties.find(name);
}

bool has_property(const DeviceTree& tree, NodeId id, std::string_view name) {
  return find_property(tree, id, name) != nullptr;
}

// of_property_read_u32: the first cell, if the property holds at least one.
std::optional<std::uint32_t> read_u32(const DeviceTree& tree, NodeId id, std::string_view name) {
  const Property* property = find_property(tree, id, name);
  if (property == nullptr || property->value.size() < 4) return std::nullopt;
  return read_be32(property->value.data());
}

std::vector<std::uint32_t> cells_of(const Property& property) {
  std::vector<std::uint32_t> cells(property.value.size() / 4);
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = read_be32(property.value.data() + 4 * i);
  return cells;
}

std::string hex(std::uint32_t value) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  do {
    text.insert(text.begin(), digits[value & 0xf]);
    value >>= 4;
  } while (value != 0);
  return "0x" + text;
}

// What one property parse needs to report problems.
struct Context {
  const DeviceTree& tree;
  NodeId node;
  const Property& property;
  std::vector<Finding>& problems;

  std::string property_path() const {
    std::string path = tree.path(node);
    if (path != "/") path += '/';
    return path + property.name;
  }

  void report(Severity severity, std::string detail) const {
    Finding finding;
    finding.code = "bad-supplier-reference";
    finding.severity = severity;
    finding.path = property_path();
    // The kernel's own lines for these cases (pr_err in of_phandle_iterator_next) changed
    // wording over the releases and are not printed for bare lists at all, so none is claimed.
    finding.detail = std::move(detail);
    problems.push_back(std::move(finding));
  }

  void report_dangling(std::uint32_t phandle, std::size_t index) const {
    report(Severity::kError, "phandle " + hex(phandle) + " at index " + std::to_string(index) +
                                 " points nowhere; the kernel links no supplier from here on");
  }
};

// of_link_property's index loop over __of_parse_phandle_with_args(np, name, cells_name,
// cell_count, i): the nodes for index 0, 1, ... up to the first index that yields none.
//   cells == nullptr: every cell is a phandle (cell_count 0, no node lookup errors).
//   cells_optional: a target without `cells` takes 0 arguments (cell_count 0); otherwise
//   (cell_count -1) that is an error that ends the list.
std::vector<NodeId> parse_phandle_list(const Context& ctx, const char* cells, bool cells_optional) {
  std::vector<NodeId> nodes;
  const Property& property = ctx.property;
  if (property.value.size() % 4 != 0) {
    // of_phandle_iterator_init uses size / 4 cells: the tail is silently ignored.
    ctx.report(Severity::kWarning, "length " + std::to_string(property.value.size()) +
                                       " is not a multiple of 4; the last " +
                                       std::to_string(property.value.size() % 4) +
                                       " byte(s) are ignored");
  }
  const std::vector<std::uint32_t> list = cells_of(property);
  std::size_t position = 0;
  for (std::size_t index = 0; position < list.size(); ++index) {
    const std::uint32_t phandle = list[position++];
    if (phandle == 0) break;  // empty slot: -ENOENT for this index, so the list ends here
    const NodeId target = ctx.tree.find_by_phandle(phandle);
    if (target == kNoNode) {
      ctx.report_dangling(phandle, index);
      break;
    }
    std::uint64_t count = 0;
    if (cells != nullptr) {
      if (auto value = read_u32(ctx.tree, target, cells)) {
        count = *value;
      } else if (!cells_optional) {
        ctx.report(Severity::kError, "phandle " + hex(phandle) + " at index " +
                                         std::to_string(index) + " points to " +
                                         ctx.tree.path(target) + ", which has no " + cells +
                                         "; the kernel links no supplier from here on");
        break;
      }
    }
    if (position + count > list.size()) {
      ctx.report(Severity::kError,
                 "element " + std::to_string(index) + " needs " + std::to_string(count) +
                     " argument cell(s) after phandle " + hex(phandle) + " but only " +
                     std::to_string(list.size() - position) + " remain (property too short)");
      break;
    }
    nodes.push_back(target);
    position += static_cast<std::size_t>(count);
  }
  return nodes;
}

// parse_iommu_maps: of_parse_phandle(np, "iommu-map", 4 * i + 1). Each map entry is
// <rid-base iommu-phandle iommu-base length>; only the phandle cell is used.
std::vector<NodeId> parse_iommu_map(const Context& ctx) {
  std::vector<NodeId> nodes;
  const std::vector<std::uint32_t> list = cells_of(ctx.property);
  for (std::size_t index = 0; 4 * index + 1 < list.size(); ++index) {
    const std::uint32_t phandle = list[4 * index + 1];
    if (phandle == 0) break;
    const NodeId target = ctx.tree.find_by_phandle(phandle);
    if (target == kNoNode) {
      ctx.report_dangling(phandle, index);
      break;
    }
    nodes.push_back(target);
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// Interrupts (drivers/of/irq.c).

// of_irq_find_parent: the node's own interrupt-parent, else its tree parent; repeated until a
// node with #interrupt-cells is reached. kNoNode if none is; `dangling` gets an interrupt-parent
// value that points nowhere. The kernel loops forever on an interrupt-parent cycle through nodes
// without #interrupt-cells; ovlcheck gives up after visiting every node once.
NodeId irq_find_parent(const DeviceTree& tree, NodeId child, std::uint32_t* dangling = nullptr) {
  NodeId node = child;
  for (std::size_t steps = 0; steps <= tree.node_count(); ++steps) {
    NodeId next;
    if (auto phandle = read_u32(tree, node, "interrupt-parent")) {
      next = tree.find_by_phandle(*phandle);
      if (next == kNoNode && dangling != nullptr) *dangling = *phandle;
    } else {
      next = tree.node(node).parent;
    }
    if (next == kNoNode || has_property(tree, next, "#interrupt-cells")) return next;
    node = next;
  }
  return kNoNode;
}

// of_irq_parse_raw, reduced to "which node is the supplier": from the first interrupt parent,
// walk to the interrupt controller. A nexus (interrupt-map) is reported as the supplier itself:
// translating the specifier through the map to the final controller is not modelled yet.
NodeId irq_resolve(const DeviceTree& tree, NodeId consumer, NodeId parent) {
  // #address-cells of the first parent or its nearest ancestor that has one (default 2).
  std::uint32_t address_cells = 2;
  for (NodeId n = parent; n != kNoNode; n = tree.node(n).parent) {
    if (const Property* p = find_property(tree, n, "#address-cells")) {
      address_cells = p->value.size() >= 4 ? read_be32(p->value.data()) : 0;
      break;
    }
  }
  const bool has_reg = has_property(tree, consumer, "reg");
  NodeId node = parent;
  for (std::size_t steps = 0; node != kNoNode && steps <= tree.node_count(); ++steps) {
    if (has_property(tree, node, "interrupt-controller")) return node;
    // "interrupt-map parsing does not work without a reg property when #address-cells != 0"
    if (address_cells != 0 && !has_reg) return kNoNode;
    if (has_property(tree, node, "interrupt-map")) return node;  // nexus; see above
    node = irq_find_parent(tree, node);
  }
  return kNoNode;
}

// parse_interrupts for every index: of_irq_parse_one(np, i). Whichever of the two names is
// parsed, of_irq_parse_one tries interrupts-extended[i] first and falls back to interrupts[i]
// through the interrupt parent, so both properties of a node name the same suppliers.
std::vector<NodeId> parse_interrupts(const Context& ctx) {
  const DeviceTree& tree = ctx.tree;
  const bool parsing_extended = ctx.property.name == "interrupts-extended";

  std::vector<NodeId> extended;
  if (const Property* ext = find_property(tree, ctx.node, "interrupts-extended")) {
    // Problems in interrupts-extended are reported when that property itself is parsed.
    std::vector<Finding> ignored;
    Context ext_ctx{tree, ctx.node, *ext, parsing_extended ? ctx.problems : ignored};
    extended = parse_phandle_list(ext_ctx, "#interrupt-cells", /*cells_optional=*/false);
  }

  std::uint32_t dangling = 0;
  const NodeId parent = irq_find_parent(tree, ctx.node, &dangling);
  std::uint32_t interrupt_cells = 0;
  std::size_t interrupts_count = 0;
  const Property* interrupts = find_property(tree, ctx.node, "interrupts");
  if (parent != kNoNode) {
    interrupt_cells = read_u32(tree, parent, "#interrupt-cells").value_or(0);
    if (interrupts != nullptr && interrupt_cells != 0) {
      interrupts_count = interrupts->value.size() / 4 / interrupt_cells;
    }
  }
  if (!parsing_extended && extended.empty()) {
    if (parent == kNoNode && dangling != 0) {
      ctx.report(Severity::kError, "the interrupt parent (interrupt-parent phandle " +
                                       hex(dangling) + ") points nowhere");
    } else if (parent != kNoNode && interrupt_cells == 0) {
      // The kernel would "find" an interrupt at every index and never stop.
      ctx.report(Severity::kError, "interrupt parent " + tree.path(parent) +
                                       " has #interrupt-cells = 0 (or unreadable)");
    } else if (parent != kNoNode && interrupts != nullptr &&
               interrupts->value.size() % (4 * interrupt_cells) != 0) {
      ctx.report(Severity::kWarning,
                 "length " + std::to_string(interrupts->value.size()) +
                     " is not a whole number of " + std::to_string(interrupt_cells) +
                     "-cell specifiers of " + tree.path(parent) + "; the tail is ignored");
    }
  }

  std::vector<NodeId> nodes;
  for (std::size_t index = 0;; ++index) {
    NodeId supplier = kNoNode;
    if (index < extended.size()) {
      supplier = irq_resolve(tree, ctx.node, extended[index]);
    } else if (index < interrupts_count) {
      supplier = irq_resolve(tree, ctx.node, parent);
    }
    if (supplier == kNoNode) break;
    nodes.push_back(supplier);
  }
  return nodes;
}

// parse_interrupt_map (6.10+): the parent of each entry
// <child-unit-address child-interrupt parent-phandle parent-unit-address parent-interrupt>.
std::vector<NodeId> parse_interrupt_map(const Context& ctx) {
  const DeviceTree& tree = ctx.tree;
  std::vector<NodeId> nodes;
  const auto interrupt_cells = read_u32(tree, ctx.node, "#interrupt-cells");
  if (!interrupt_cells) return nodes;
  // of_bus_n_addr_cells(np): from the node itself upwards; 1 at the root by default.
  std::uint32_t address_cells = 1;
  for (NodeId n = ctx.node; n != kNoNode; n = tree.node(n).parent) {
    if (auto value = read_u32(tree, n, "#address-cells")) {
      address_cells = *value;
      break;
    }
  }
  const std::vector<std::uint32_t> map = cells_of(ctx.property);
  std::uint64_t position = 0;
  for (std::size_t index = 0; position + address_cells + *interrupt_cells + 1 < map.size();
       ++index) {
    position += std::uint64_t{address_cells} + *interrupt_cells;
    const std::uint32_t phandle = map[position++];
    const NodeId target = tree.find_by_phandle(phandle);
    if (target == kNoNode) {
      ctx.report_dangling(phandle, index);
      break;
    }
    const auto parent_interrupt_cells = read_u32(tree, target, "#interrupt-cells");
    if (!parent_interrupt_cells) {
      ctx.report(Severity::kError, "entry " + std::to_string(index) + ": " + tree.path(target) +
                                       " has no #interrupt-cells");
      break;
    }
    const std::uint64_t parent_cells =
        std::uint64_t{read_u32(tree, target, "#address-cells").value_or(0)} + *parent_interrupt_cells;
    if (map.size() - position < parent_cells) {
      ctx.report(Severity::kError,
                 "entry " + std::to_string(index) + " is cut short (property too short)");
      break;
    }
    position += parent_cells;
    nodes.push_back(target);
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// Graph endpoints.

// of_graph_get_port_parent: endpoint -> port -> (ports | in-ports | out-ports ->) device.
NodeId graph_port_parent(const DeviceTree& tree, NodeId endpoint) {
  NodeId node = endpoint;
  for (int depth = 3; depth > 0 && node != kNoNode; --depth) {
    node = tree.node(node).parent;
    if (depth == 2 && node != kNoNode) {
      const std::string_view name = DeviceTree::base_name(tree.node(node).full_name);
      if (name != "ports" && name != "in-ports" && name != "out-ports") break;
    }
  }
  return node;
}

// node_not_dev (5.13–6.7): the nearest node, the endpoint itself included, with "compatible".
// (The kernel also gives up at an unavailable node; availability is of_link_to_phandle's concern
// in ovlcheck and is not looked at here.)
NodeId nearest_compatible(const DeviceTree& tree, NodeId node) {
  for (NodeId n = node; n != kNoNode; n = tree.node(n).parent) {
    if (has_property(tree, n, "compatible")) return n;
  }
  return kNoNode;
}

// ---------------------------------------------------------------------------------------------

bool entry_present(const Entry& entry, const KernelProfile& profile) {
  return entry.lifespan.present_in(profile.version());
}

bool entry_skipped_as_optional(const Entry& entry, const KernelProfile& profile) {
  return entry.optional && has_rule(profile, Rule::kOptionalBindingsSkipped);
}

bool entry_matches_name(const Entry& entry, const Context& ctx, const KernelProfile& profile) {
  const std::string& name = ctx.property.name;
  switch (entry.parser) {
    case Parser::kSuffix:
      return ends_with_strictly(name, entry.name);
    case Parser::kSuffixGpios:
      if (has_rule(profile, Rule::kNrGpiosExcluded) && ends_with_strictly(name, ",nr-gpios")) {
        return false;
      }
      return ends_with_strictly(name, entry.name);
    case Parser::kGpioCompat:
      // "Ignore node with gpio-hog property since its gpios are all provided by its parent."
      return name == entry.name && !has_property(ctx.tree, ctx.node, "gpio-hog");
    default:
      return name == entry.name;
  }
}

// The suppliers one entry's parser yields for index 0, 1, ... (empty: the entry does not match).
std::vector<SupplierReference> run_entry(const Entry& entry, const Context& ctx,
                                         const KernelProfile& profile) {
  std::vector<NodeId> suppliers;
  NodeId consumer = ctx.node;
  switch (entry.parser) {
    case Parser::kSimple:
      suppliers = parse_phandle_list(ctx, entry.cells,
                                     entry.cells == nullptr ||
                                         has_rule(profile, Rule::kSimpleCellsOptional));
      break;
    case Parser::kSuffix:
    case Parser::kSuffixGpios:
    case Parser::kGpioCompat:
      suppliers = parse_phandle_list(ctx, entry.cells, entry.cells == nullptr);
      break;
    case Parser::kIommuMap:
      suppliers = parse_iommu_map(ctx);
      break;
    case Parser::kInterrupts:
      suppliers = parse_interrupts(ctx);
      break;
    case Parser::kInterruptMap:
      suppliers = parse_interrupt_map(ctx);
      break;
    case Parser::kRemoteEndpoint: {
      consumer = has_rule(profile, Rule::kGraphConsumerIsPortParent)
                     ? graph_port_parent(ctx.tree, ctx.node)
                     : nearest_compatible(ctx.tree, ctx.node);
      std::vector<NodeId> remote = parse_phandle_list(ctx, nullptr, true);
      if (consumer == kNoNode || remote.empty()) break;
      if (has_rule(profile, Rule::kGraphSupplierIsPortParent)) {
        // parse_remote_endpoint: index 0 only, of_graph_get_remote_port_parent(np).
        const NodeId supplier = graph_port_parent(ctx.tree, remote.front());
        if (supplier != kNoNode) suppliers.push_back(supplier);
      } else {
        // 5.13 until then: DEFINE_SIMPLE_PROP(remote_endpoint, "remote-endpoint", NULL) with
        // node_not_dev; the supplier is the remote endpoint node itself.
        suppliers = std::move(remote);
      }
      break;
    }
  }

  std::vector<SupplierReference> references;
  for (std::size_t i = 0; i < suppliers.size(); ++i) {
    SupplierReference reference;
    reference.supplier = suppliers[i];
    reference.consumer = consumer;
    reference.property = ctx.property.name;
    reference.index = static_cast<int>(i);
    reference.ignore = entry.ignore;
    references.push_back(std::move(reference));
  }
  return references;
}

}  // namespace

std::vector<SupplierBinding> supplier_bindings(const KernelProfile& profile) {
  std::vector<SupplierBinding> bindings;
  for (const Entry& entry : table()) {
    if (!entry_present(entry, profile)) continue;
    SupplierBinding binding;
    binding.name = entry.name;
    binding.cells = entry.cells != nullptr ? entry.cells : "";
    binding.suffix = is_suffix_parser(entry.parser);
    binding.optional = entry_skipped_as_optional(entry, profile);
    binding.added = entry.lifespan.added.mainline.to_string();
    if (entry.lifespan.removed) binding.removed = entry.lifespan.removed->mainline.to_string();
    bindings.push_back(std::move(binding));
  }
  return bindings;
}

std::vector<SupplierReference> parse_supplier_property(const DeviceTree& tree, NodeId consumer,
                                                       const Property& property,
                                                       const KernelProfile& profile,
                                                       std::vector<Finding>& problems) {
  const Context ctx{tree, consumer, property, problems};
  for (const Entry& entry : table()) {
    if (!entry_present(entry, profile) || entry_skipped_as_optional(entry, profile)) continue;
    if (!entry_matches_name(entry, ctx, profile)) continue;
    std::vector<SupplierReference> references = run_entry(entry, ctx, profile);
    // The first entry whose parser yields a node for index 0 wins; the kernel would try later
    // entries otherwise, but no later entry matches a name an earlier one did.
    if (!references.empty()) return references;
  }
  return {};
}

std::vector<SupplierReference> parse_suppliers(const DeviceTree& tree, NodeId consumer,
                                               const KernelProfile& profile,
                                               std::vector<Finding>& problems) {
  std::vector<SupplierReference> all;
  for (const Property& property : tree.node(consumer).properties.items()) {
    std::vector<SupplierReference> references =
        parse_supplier_property(tree, consumer, property, profile, problems);
    all.insert(all.end(), std::make_move_iterator(references.begin()),
               std::make_move_iterator(references.end()));
  }
  return all;
}

}  // namespace ovl
