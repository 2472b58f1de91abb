// `ovlcheck apply` over the shared corpus (manifest.json), checked against what is known
// independently of ovlcheck:
//  - Debian arm64 pairs: an applied result must equal kbuild's composed DTB (`expected`) or, when
//    there is none, what Debian's fdtoverlay produces; a refusal must be one the kernel really
//    makes, shown by a check on the blobs themselves (kernel-model-of.md §1.2-§1.4).
//  - kernel unittest overlays: the return of of_overlay_fdt_apply() and the apply-time log lines
//    that drivers/of/unittest.c declares (kernel_expect).
//  - dtc tests: dtc's own checks on the result; where libfdt refuses, what the kernel does instead.
// Nothing here names a case except the documented libfdt refusals of the dtc tests, so the same
// tests run on the held-out corpus, which has the same layout.
#include "core/tree/device_tree.h"
#include "core/util/big_endian.h"
#include "fdt/blob_io.h"
#include "tests/support/corpus.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"
#include "tests/support/tree_compare.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

using nlohmann::json;
using ovl::DeviceTree;
using ovl::kNoNode;
using ovl::Node;
using ovl::NodeId;
using ovl::Property;
using ovl::test::CommandResult;
using ovl::test::run_command;
using ovl::test::temp_path;

namespace fs = std::filesystem;

// CHECK that does not end the whole test case: one bad corpus case must not hide the others.
#define CHECK_ELSE(condition, on_failure) \
  do {                                     \
    CHECK(condition);                      \
    if (!(condition)) on_failure;          \
  } while (false)

namespace {

// ---------------------------------------------------------------------------------------------
// Corpus and running the tools

using ovl::test::corpus_file;
using ovl::test::corpus_files;
using ovl::test::load_manifest;

// A fresh scratch path for `case_name`; nothing exists there yet.
std::string scratch_for(const std::string& case_name, const std::string& suffix) {
  std::string flat = case_name;
  std::replace_if(flat.begin(), flat.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  std::string path = temp_path(flat + suffix);
  std::error_code ignored;
  fs::remove(path, ignored);
  return path;
}

struct ApplyRun {
  CommandResult command;
  json report;  // the --json report; null when stdout was not JSON
};

ApplyRun run_apply(const std::string& base, const std::vector<std::string>& overlays, const std::string& out = "") {
  std::vector<std::string> argv = {OVLCHECK_BINARY, "apply", "--json", "--base", base};
  if (!out.empty()) {
    argv.push_back("-o");
    argv.push_back(out);
  }
  argv.insert(argv.end(), overlays.begin(), overlays.end());
  ApplyRun run{run_command(argv), nullptr};
  run.report = json::parse(run.command.out, nullptr, /*allow_exceptions=*/false);
  if (run.report.is_discarded()) run.report = nullptr;
  return run;
}

// Index of the first overlay the report says was not applied, or -1.
int first_refused(const json& report) {
  const json& overlays = report.at("overlays");
  for (std::size_t i = 0; i < overlays.size(); ++i) {
    if (!overlays[i].at("applied").get<bool>()) return static_cast<int>(i);
  }
  return -1;
}

std::optional<DeviceTree> load_tree(const std::string& file) {
  auto loaded = ovl::fdt::load_blob_file(file);
  if (!loaded) {
    FAIL_CHECK("cannot load " << file << ": " << loaded.error().message);
    return std::nullopt;
  }
  return std::move(loaded->tree);
}

std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += "  " + l + "\n";
  return s;
}

// ---------------------------------------------------------------------------------------------
// An independent reading of the blobs: just enough of the kernel's rules (kernel-model-of.md
// §1.2-§1.4) to confirm that a refusal is one the kernel makes. Built on the plain tree the blob
// loader returns, not on ovlcheck's overlay logic.

struct IndexedTree {
  const DeviceTree& tree;
  std::unordered_map<std::string, NodeId> by_path;
  std::unordered_map<std::uint32_t, NodeId> by_phandle;
  std::uint32_t max_phandle = 0;

  explicit IndexedTree(const DeviceTree& t) : tree(t) {
    std::vector<std::pair<NodeId, std::string>> stack = {{t.root(), ""}};
    while (!stack.empty()) {
      // Named copies, not a structured binding: clang 14 cannot capture a binding in the lambda below.
      NodeId id = stack.back().first;
      std::string path = stack.back().second;
      stack.pop_back();
      by_path.emplace(path.empty() ? "/" : path, id);
      std::uint32_t ph = t.node(id).phandle;
      if (ph != 0 && ph != ovl::kIllegalPhandle) {
        by_phandle.emplace(ph, id);
        max_phandle = std::max(max_phandle, ph);
      }
      t.for_each_child(id, [&](NodeId c) { stack.emplace_back(c, path + "/" + t.node(c).full_name); });
    }
  }

  NodeId at(const std::string& path) const {
    auto it = by_path.find(path);
    return it == by_path.end() ? kNoNode : it->second;
  }
  const Property* prop(NodeId id, std::string_view name) const {
    if (id == kNoNode) return nullptr;
    const Property* p = tree.node(id).properties.find(name);
    return p != nullptr && !p->synthetic ? p : nullptr;
  }
  std::string path_of(NodeId id) const { return tree.path(id); }
};

std::string as_string(const Property& p) { return std::string(p.as_string()); }

// of_find_node_by_path(): an absolute path (":options" cut off) or an alias, exact names.
NodeId kernel_find_by_path(const IndexedTree& t, std::string path) {
  std::size_t colon = path.find(':');
  if (colon != std::string::npos) path.resize(colon);
  if (path.empty()) return kNoNode;
  if (path[0] == '/') return t.at(path);  // "/a/" finds nothing, as in the kernel
  std::size_t slash = path.find('/');
  std::string alias = path.substr(0, slash);
  const Property* a = t.prop(t.at("/aliases"), alias);
  if (a == nullptr) return kNoNode;
  std::string full = as_string(*a) + (slash == std::string::npos ? "" : path.substr(slash));
  return full.empty() || full[0] != '/' ? kNoNode : t.at(full);
}

// One "path:property:offset" entry of a __fixups__ property.
struct FixupEntry {
  std::string text;
  std::string path, property;
  std::optional<int> offset;  // nullopt: the kernel rejects the entry's syntax
};

// The entries as resolver.c's update_usages_of_a_phandle_reference() splits them: NUL-separated
// strings, each cut at the first two ':' and the rest parsed with kstrtoint(.., 10, ..).
std::vector<FixupEntry> split_fixups(const Property& p) {
  std::vector<FixupEntry> entries;
  const char* cur = reinterpret_cast<const char*>(p.value.data());
  const char* end = cur + p.value.size();
  while (cur < end) {
    std::size_t len = strnlen(cur, static_cast<std::size_t>(end - cur));
    FixupEntry e;
    e.text.assign(cur, len);
    std::size_t c1 = e.text.find(':');
    std::size_t c2 = c1 == std::string::npos ? c1 : e.text.find(':', c1 + 1);
    if (c2 != std::string::npos) {
      e.path = e.text.substr(0, c1);
      e.property = e.text.substr(c1 + 1, c2 - c1 - 1);
      std::string number = e.text.substr(c2 + 1);
      if (!number.empty() && number.back() == '\n') number.pop_back();  // kstrtoint allows one
      std::size_t digits = number.find_first_not_of("+-") == 1 ? 1 : 0;
      if (number.size() > digits && number.find_first_not_of("0123456789", digits) == std::string::npos) {
        e.offset = std::atoi(number.c_str());
      }
    }
    entries.push_back(std::move(e));
    cur += len + 1;
  }
  return entries;
}

// Properties of `node` that are real (not the loader's synthetic `name`) and not `name`.
template <class Fn>
void for_each_real_property(const DeviceTree& t, NodeId node, Fn&& fn) {
  if (node == kNoNode) return;
  for (const Property& p : t.node(node).properties.items()) {
    if (!p.synthetic && p.name != "name") fn(p);
  }
}

// Fragments: direct children of the overlay root with an `__overlay__` child (§1.3).
struct Fragment {
  NodeId node;
  NodeId overlay;  // its __overlay__ child
};

std::vector<Fragment> fragments_of(const IndexedTree& ov) {
  std::vector<Fragment> out;
  ov.tree.for_each_child(ov.tree.root(), [&](NodeId c) {
    NodeId body = kNoNode;
    ov.tree.for_each_child(c, [&](NodeId g) {
      if (body == kNoNode && DeviceTree::base_name(ov.tree.node(g).full_name) == "__overlay__") body = g;
    });
    if (body != kNoNode) out.push_back({c, body});
  });
  return out;
}

// The live node a fragment targets after the resolver ran (§1.2, §1.3), or kNoNode; `how`
// says what was looked up.
NodeId fragment_target(const IndexedTree& live, const IndexedTree& ov, const Fragment& f, std::string& how) {
  const DeviceTree& t = ov.tree;
  std::string frag_path = ov.path_of(f.node);
  if (const Property* target = ov.prop(f.node, "target")) {
    if (target->value.size() < 4) {
      how = "target property shorter than a cell";
      return kNoNode;
    }
    std::uint32_t value = ovl::read_be32(target->value.data());
    // A __fixups__ entry "<fragment>:target:0" replaces it with the label's live phandle.
    NodeId fixed = kNoNode;
    bool by_label = false;
    for_each_real_property(t, ov.at("/__fixups__"), [&](const Property& p) {
      for (const FixupEntry& e : split_fixups(p)) {
        if (e.path == frag_path && e.property == "target" && e.offset == 0) {
          by_label = true;
          const Property* sym = live.prop(live.at("/__symbols__"), p.name);
          fixed = sym == nullptr ? kNoNode : kernel_find_by_path(live, as_string(*sym));
          how = "target = <&" + p.name + ">";
        }
      }
    });
    if (by_label) return fixed;
    // A __local_fixups__ entry makes it an overlay-local phandle, shifted by max live + 1.
    if (ov.prop(ov.at("/__local_fixups__" + frag_path), "target") != nullptr) value += live.max_phandle + 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%x", value);
    how = std::string("target = <") + buf + ">";
    auto it = live.by_phandle.find(value);
    return it == live.by_phandle.end() ? kNoNode : it->second;
  }
  if (const Property* target_path = ov.prop(f.node, "target-path")) {
    how = "target-path = \"" + as_string(*target_path) + "\"";
    return kernel_find_by_path(live, as_string(*target_path));
  }
  how = "no target property";
  return kNoNode;
}

// Each check returns the evidence that the kernel refuses for that reason, or "" when the blobs
// show no such reason.

std::string evidence_no_live_symbols(const IndexedTree& live, const IndexedTree& ov) {
  if (live.at("/__symbols__") != kNoNode) return "";
  if (ov.at("/__fixups__") != kNoNode) return "the base has no /__symbols__ and the overlay has __fixups__";
  if (ov.at("/__symbols__") != kNoNode) return "the base has no /__symbols__ and the overlay has __symbols__";
  return "";
}

std::string evidence_unresolved_label(const IndexedTree& live, const IndexedTree& ov) {
  NodeId symbols = live.at("/__symbols__");
  std::string missing;
  for_each_real_property(ov.tree, ov.at("/__fixups__"), [&](const Property& p) {
    if (live.prop(symbols, p.name) == nullptr) missing += (missing.empty() ? "" : ", ") + p.name;
  });
  return missing.empty() ? "" : "__fixups__ labels not in the base's /__symbols__: " + missing;
}

std::string evidence_target_not_found(const IndexedTree& live, const IndexedTree& ov) {
  for (const Fragment& f : fragments_of(ov)) {
    std::string how;
    if (fragment_target(live, ov, f, how) == kNoNode) return ov.path_of(f.node) + ": " + how + " is not in the base";
  }
  return "";
}

// An overlay node with a phandle landing on a live node that has one (§1.4, add_changeset_node).
// Live children are matched by full name, ignoring case (of_node_cmp).
std::string phandle_conflict_below(const IndexedTree& live, NodeId target, const IndexedTree& ov, NodeId body) {
  std::string found;
  ov.tree.for_each_child(body, [&](NodeId child) {
    if (!found.empty()) return;
    const Node& c = ov.tree.node(child);
    NodeId match = kNoNode;
    live.tree.for_each_child(target, [&](NodeId l) {
      if (match == kNoNode && strcasecmp(live.tree.node(l).full_name.c_str(), c.full_name.c_str()) == 0) match = l;
    });
    if (match == kNoNode) return;  // a new node: nothing below it can conflict
    if (c.phandle != 0 && live.tree.node(match).phandle != 0) {
      found = ov.path_of(child) + " has a phandle and lands on " + live.path_of(match) + ", which has one";
      return;
    }
    found = phandle_conflict_below(live, match, ov, child);
  });
  return found;
}

std::string evidence_phandle_conflict(const IndexedTree& live, const IndexedTree& ov) {
  for (const Fragment& f : fragments_of(ov)) {
    std::string how;
    NodeId target = fragment_target(live, ov, f, how);
    if (target == kNoNode) continue;
    std::string found = phandle_conflict_below(live, target, ov, f.overlay);
    if (!found.empty()) return found;
  }
  return "";
}

// The refusal reasons a Debian pair may have, each with its independent check, in the order the
// kernel meets them: resolver, then fragment targets, then build_changeset.
using EvidenceFn = std::string (*)(const IndexedTree&, const IndexedTree&);
const std::vector<std::pair<std::string, EvidenceFn>> kKernelRefusalsInOrder = {
    {"no-live-symbols", evidence_no_live_symbols},
    {"unresolved-label", evidence_unresolved_label},
    {"target-not-found", evidence_target_not_found},
    {"phandle-conflict", evidence_phandle_conflict},
};
const std::map<std::string, EvidenceFn> kKernelRefusals(kKernelRefusalsInOrder.begin(), kKernelRefusalsInOrder.end());

// ---------------------------------------------------------------------------------------------
// Debian arm64 pairs

struct DebianSummary {
  std::vector<std::string> vs_expected, vs_fdtoverlay, refused;
};

void check_applied_output(const json& c, const std::string& out, DebianSummary& summary) {
  const std::string name = c.at("name");
  CHECK_ELSE(fs::exists(out), return);
  std::string reference;
  std::string reference_name;
  if (c.contains("expected")) {
    reference = corpus_file(c.at("expected"));
    reference_name = "expected";
    summary.vs_expected.push_back(name);
  } else {
    reference = scratch_for(name, ".fdtoverlay.dtb");
    reference_name = "fdtoverlay";
    std::vector<std::string> argv = {FDTOVERLAY_EXECUTABLE, "-i", corpus_file(c.at("base")), "-o", reference};
    for (const std::string& o : corpus_files(c.at("overlays"))) argv.push_back(o);
    CommandResult fo = run_command(argv);
    if (fo.exit_status != 0) {
      FAIL_CHECK("ovlcheck applied, but fdtoverlay refused and there is no expected DTB:\n" << fo.err);
      return;
    }
    summary.vs_fdtoverlay.push_back(name);
  }
  auto got = load_tree(out);
  auto want = load_tree(reference);
  if (!got || !want) return;
  std::vector<std::string> diff = ovl::test::compare_trees(*got, *want, "ovlcheck", reference_name);
  INFO("ovlcheck -o output vs " << reference_name << " (" << reference << "):\n" << lines(diff));
  CHECK(diff.empty());
}

void check_refusal(const json& c, const ApplyRun& run, const std::string& out, DebianSummary& summary) {
  const std::string name = c.at("name");
  CHECK_FALSE(fs::exists(out));
  int refused = first_refused(run.report);
  CHECK_ELSE(refused >= 0, return);
  const json& entry = run.report.at("overlays").at(refused);
  const std::string code = entry.at("error").is_string() ? entry.at("error").get<std::string>() : "(null)";
  INFO("first refused overlay: " << entry.at("file") << ", error " << code);

  // The live tree the refused overlay meets: the base, plus the overlays before it as fdtoverlay
  // applies them (independent of ovlcheck; phandle numbering does not matter to these checks).
  std::vector<std::string> overlays = corpus_files(c.at("overlays"));
  std::string live_file = corpus_file(c.at("base"));
  if (refused > 0) {
    live_file = scratch_for(name, ".prefix.dtb");
    std::vector<std::string> argv = {FDTOVERLAY_EXECUTABLE, "-i", corpus_file(c.at("base")), "-o", live_file};
    argv.insert(argv.end(), overlays.begin(), overlays.begin() + refused);
    CommandResult fo = run_command(argv);
    INFO("fdtoverlay on the overlays before it: " << fo.err);
    CHECK_ELSE(fo.exit_status == 0, return);
  }
  auto live_tree = load_tree(live_file);
  auto ov_tree = load_tree(overlays.at(refused));
  if (!live_tree || !ov_tree) return;
  IndexedTree live(*live_tree);
  IndexedTree ov(*ov_tree);

  auto rule = kKernelRefusals.find(code);
  if (rule == kKernelRefusals.end()) {
    FAIL_CHECK("refusal '" << code << "' is not one a Debian pair may have (no-live-symbols, unresolved-label, "
                              "target-not-found, phandle-conflict); messages: "
                           << entry.at("messages").dump());
    return;
  }
  std::string evidence = rule->second(live, ov);
  INFO("independent check for " << code << ": " << (evidence.empty() ? "no evidence in the blobs" : evidence));
  CHECK_FALSE(evidence.empty());
  summary.refused.push_back(name + " (" + code + ": " + evidence + ")");
}

// ---------------------------------------------------------------------------------------------
// kernel unittest overlays

std::string note_text(const json& c) {
  std::string text;
  auto add = [&](const json& v) {
    if (v.is_string()) text += v.get<std::string>() + "\n";
    if (v.is_array()) for (const auto& s : v) if (s.is_string()) text += s.get<std::string>() + "\n";
  };
  if (c.contains("notes")) add(c.at("notes"));
  if (c.contains("kernel_expect") && c.at("kernel_expect").contains("note")) add(c.at("kernel_expect").at("note"));
  return text;
}

// The apply-time lines of kernel_expect.messages that ovlcheck reproduces.
std::vector<std::string> apply_time_messages(const json& expect) {
  std::vector<std::string> out;
  if (!expect.contains("messages")) return out;
  const bool removed_after_failure = expect.contains("remove_after_failed_apply");
  for (const auto& m : expect.at("messages")) {
    std::string line = m.get<std::string>();
    // Lines from outside drivers/of (e.g. "i2c i2c-1: Added multiplexed i2c bus 3") come from the
    // driver that probes the new device; ovlcheck models the OF core only.
    if (line.rfind("OF: ", 0) != 0) continue;
    // Since v5.19 a failed apply leaves its changeset for the caller's of_overlay_remove(), and
    // unittest.c declares that remove's lines in the same EXPECT block: reverting a `name`
    // property that was never added prints these two (kernel-model-of.md §4). They are not
    // printed by of_overlay_fdt_apply().
    if (removed_after_failure && (line.rfind("OF: changeset: apply failed: ", 0) == 0 ||
                                  line.rfind("OF: Error reverting changeset (", 0) == 0)) {
      continue;
    }
    out.push_back(line);
  }
  return out;
}

// True when a fragment has target-path = "": with of_overlay_fdt_apply(..., base) the kernel
// resolves it relative to `base` (a PCI device node made at run time, overlay_pci_node).
bool has_relative_empty_target(const IndexedTree& ov) {
  for (const Fragment& f : fragments_of(ov)) {
    const Property* tp = ov.prop(f.node, "target-path");
    if (tp != nullptr && as_string(*tp).empty()) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// dtc tests

void check_dtc_expectation(const IndexedTree& out, const json& check) {
  const std::string path = check.at("path");
  const std::string prop = check.at("prop");
  const std::string type = check.at("type");
  INFO("check " << check.dump());
  NodeId node = out.at(path);
  CHECK_ELSE(node != kNoNode, return);
  const Property* p = out.prop(node, prop);
  CHECK_ELSE(p != nullptr, return);
  if (type == "u32") {
    CHECK_ELSE(p->value.size() == 4, return);
    CHECK(ovl::read_be32(p->value.data()) == check.at("value").get<std::uint32_t>());
  } else if (type == "str") {
    std::string want = check.at("value").get<std::string>();
    std::string got(p->value.begin(), p->value.end());
    CHECK(got == want + std::string(1, '\0'));
  } else if (type == "empty") {
    CHECK(p->value.empty());
  } else if (type == "phandles-of") {
    const json& targets = check.at("value");
    CHECK_ELSE(p->value.size() == 4 * targets.size(), return);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      NodeId t = out.at(targets[i].get<std::string>());
      CHECK_ELSE(t != kNoNode, return);
      std::uint32_t ph = out.tree.node(t).phandle;
      CHECK(ph != 0);
      CHECK(ovl::read_be32(p->value.data() + 4 * i) == ph);
    }
  } else {
    FAIL_CHECK("unknown dtc_test_expect check type " << type);
  }
}

// What the kernel does with the overlays libfdt refuses in dtc's tests, read from
// kernel-model-of.md §1.2 (resolver.c) and the decompiled blobs. All five are dtc's
// overlay_bad_fixup_* trees: fragment@0 { target = <0xffffffff>; }, one __fixups__ property
// `test`, and the base's /__symbols__ has `test`, so the label resolves and the entry text decides.
struct LibfdtRefusal {
  const char* overlay;  // file name in the corpus
  int exit_status;      // 1: of_overlay_fdt_apply() fails; 0: it applies
  const char* kernel_line;  // the last resolver line the kernel prints, when it fails
  const char* why;
};
const LibfdtRefusal kLibfdtRefusals[] = {
    {"overlay_bad_fixup_empty.test.dtb", 1, "OF: resolver: overlay phandle fixup failed: -22",
     "test = \"\": the entry has no ':' -> -EINVAL"},
    {"overlay_bad_fixup_path_empty_prop.test.dtb", 1, "OF: resolver: overlay phandle fixup failed: -22",
     "test = \"/fragment@0::\": offset \"\" fails kstrtoint -> -EINVAL (before the path is looked up)"},
    {"overlay_bad_fixup_path_only.test.dtb", 1, "OF: resolver: overlay phandle fixup failed: -22",
     "test = \"/fragment@0\": no ':' -> -EINVAL"},
    {"overlay_bad_fixup_path_only_sep.test.dtb", 1, "OF: resolver: overlay phandle fixup failed: -22",
     "test = \"/fragment@0:\": no second ':' -> -EINVAL"},
    {"overlay_bad_fixup_path_prop.test.dtb", 1, "OF: resolver: overlay phandle fixup failed: -22",
     "test = \"/fragment@0:target\": no second ':' -> -EINVAL"},
};

// The same rules computed from the blobs, for held-out cases the table does not list: the
// resolver's __fixups__ walk (§1.2), then target lookup (§1.3). Returns the exit status the kernel
// implies and why.
std::pair<int, std::string> kernel_verdict_from_blobs(const IndexedTree& live, const IndexedTree& ov) {
  NodeId fixups = ov.at("/__fixups__");
  if (fixups != kNoNode) {
    NodeId symbols = live.at("/__symbols__");
    if (symbols == kNoNode) return {1, "no /__symbols__ in the base"};
    std::pair<int, std::string> verdict{0, ""};
    for_each_real_property(ov.tree, fixups, [&](const Property& p) {
      if (verdict.first != 0) return;
      const Property* sym = live.prop(symbols, p.name);
      if (sym == nullptr || kernel_find_by_path(live, as_string(*sym)) == kNoNode) {
        verdict = {1, "label " + p.name + " does not resolve"};
        return;
      }
      for (const FixupEntry& e : split_fixups(p)) {
        if (!e.offset) {
          verdict = {1, "entry '" + e.text + "' is not path:property:offset"};
          return;
        }
        // __of_find_node_by_full_path(overlay, path): a path not starting with '/' stays at the
        // overlay root; one that names no node (even "/") is skipped.
        NodeId ref = e.path.empty() || e.path[0] != '/' ? ov.tree.root() : e.path == "/" ? kNoNode : ov.at(e.path);
        if (ref == kNoNode) continue;
        const Property* target = ov.prop(ref, e.property);
        if (target == nullptr || *e.offset < 0 || std::size_t(*e.offset) + 4 > target->value.size()) {
          verdict = {1, "entry '" + e.text + "' names no property or is out of range"};
          return;
        }
      }
    });
    if (verdict.first != 0) return verdict;
  }
  std::string missing = evidence_target_not_found(live, ov);
  if (!missing.empty()) return {1, missing};
  return {0, "the resolver skips what libfdt rejects and every target exists"};
}

// How many cases of each kind ../shared/corpus/manifest.json holds: a case that disappears from
// the corpus (or a kind renamed) fails the test that reads them.
constexpr std::size_t kDebianPairs = 87;
constexpr std::size_t kDtcTestCases = 14;

}  // namespace

TEST_CASE("Debian arm64 pairs: the kernel's result equals kbuild's or fdtoverlay's, and every refusal is one "
          "the kernel makes",
          "[corpus][debian]") {
  json manifest = load_manifest();
  DebianSummary summary;
  std::size_t cases = 0;
  for (const json& c : manifest) {
    if (c.value("kind", "") != "debian-arm64-6.12") continue;
    ++cases;
    const std::string name = c.at("name");
    INFO("case " << name);
    std::string out = scratch_for(name, ".out.dtb");
    ApplyRun run = run_apply(corpus_file(c.at("base")), corpus_files(c.at("overlays")), out);
    INFO("exit " << run.command.exit_status << ", stderr: " << run.command.err);
    if (run.command.exit_status == 2 || run.report.is_null()) {
      FAIL_CHECK("ovlcheck could not run (exit " << run.command.exit_status << ")");
      continue;
    }
    CHECK(run.report.at("exit_status") == run.command.exit_status);
    if (run.command.exit_status == 0) {
      check_applied_output(c, out, summary);
    } else if (run.command.exit_status == 1) {
      check_refusal(c, run, out, summary);
    } else {
      FAIL_CHECK("unexpected exit status " << run.command.exit_status);
    }
  }
  // Every pair of the corpus (87 in ../shared/corpus/manifest.json) ends in exactly one verdict.
  CHECK(cases == kDebianPairs);
  CHECK(summary.vs_expected.size() + summary.vs_fdtoverlay.size() + summary.refused.size() == kDebianPairs);
  std::string refused;
  for (const auto& r : summary.refused) refused += "\n  " + r;
  WARN("Debian pairs: " << summary.vs_expected.size() << " compared with kbuild's expected DTB, "
                        << summary.vs_fdtoverlay.size() << " with fdtoverlay, " << summary.refused.size()
                        << " refused as the kernel would:" << refused);
}

TEST_CASE("kernel unittest overlays: of_overlay_fdt_apply() returns what unittest.c expects and logs its "
          "apply-time lines",
          "[corpus][kernel-unittest]") {
  json manifest = load_manifest();
  std::size_t checked = 0;
  std::vector<std::string> skipped;
  for (const json& c : manifest) {
    if (c.value("kind", "") != "kernel-unittest") continue;
    const json& expect = c.value("kernel_expect", json::object());
    // Failures injected by the unittest's notifier are not a property of the overlay.
    if (!expect.contains("apply") || !expect.at("apply").is_number_integer() || expect.contains("injected")) continue;
    const std::string name = c.at("name");
    INFO("case " << name);
    const int apply = expect.at("apply").get<int>();
    std::vector<std::string> overlays = corpus_files(c.at("overlays"));

    // A case whose base needs nodes another overlay adds first (gpio_02b needs 02a): apply the
    // prerequisite first when the corpus has it, else skip.
    std::string notes = note_text(c);
    if (notes.find("depends on") != std::string::npos) {
      std::string own = fs::path(overlays[0]).stem().string();
      std::string dir = fs::path(overlays[0]).parent_path().string();
      std::vector<std::string> prerequisites;
      bool missing = false;
      static const std::regex kOverlayName(R"(\boverlay_[A-Za-z0-9_]+)");
      for (std::sregex_iterator it(notes.begin(), notes.end(), kOverlayName), end; it != end; ++it) {
        std::string stem = it->str();
        if (stem == own) continue;
        std::string file = dir + "/" + stem + ".dtbo";
        if (fs::exists(file)) {
          prerequisites.push_back(file);
        } else {
          WARN("skipping " << name << ": its base needs " << stem << " applied first (\"" << notes
                           << "\"), and " << stem << ".dtbo is not in the corpus");
          skipped.push_back(name + " (needs " + stem + ")");
          missing = true;
        }
      }
      if (missing) continue;
      overlays.insert(overlays.begin(), prerequisites.begin(), prerequisites.end());
    }

    auto ov_tree = load_tree(overlays.back());
    if (!ov_tree) continue;  // load_tree() failed the test already
    ApplyRun run = run_apply(corpus_file(c.at("base")), overlays);
    INFO("exit " << run.command.exit_status << ", stderr: " << run.command.err);
    CHECK_ELSE(!run.report.is_null(), continue);
    const json& reports = run.report.at("overlays");
    CHECK_ELSE(reports.size() == overlays.size(), continue);
    for (std::size_t i = 0; i + 1 < reports.size(); ++i) CHECK(reports[i].at("applied") == true);
    const json& mine = reports.back();
    INFO("report " << mine.dump());
    ++checked;

    if (has_relative_empty_target(IndexedTree(*ov_tree))) {
      // overlay_pci_node: target-path = "" means "the base node" only when the caller passes one
      // (of_overlay_fdt_apply(..., base) with a PCI device node created at run time). On a static
      // base there is no such node; of_find_node_by_path("") finds nothing, so the kernel's
      // find_target() fails: -EINVAL, "path '' not found".
      CHECK(run.command.exit_status == 1);
      CHECK(mine.at("applied") == false);
      CHECK(mine.at("error") == "target-not-found");
      continue;
    }

    CHECK(run.command.exit_status == (apply == 0 ? 0 : 1));
    CHECK(mine.at("applied") == (apply == 0));
    if (apply < 0) CHECK(mine.at("result") == apply);
    std::vector<std::string> got;
    for (const auto& m : mine.at("messages")) got.push_back(m.at("text"));
    std::vector<std::string> want = apply_time_messages(expect);
    INFO("expected apply-time lines:\n" << lines(want) << "ovlcheck's lines:\n" << lines(got));
    CHECK(got == want);
  }
  std::string names;
  for (const auto& n : skipped) names += "\n  " + n;
  WARN("kernel unittest overlays: " << checked << " checked, " << skipped.size()
                                    << " skipped for a missing prerequisite:" << names);
  // Of the corpus' 28 kernel-unittest cases, 22 say what of_overlay_fdt_apply() returns without an
  // injected failure; two of those need an overlay the corpus does not have (named here, so a
  // third cannot be skipped unnoticed).
  CHECK(skipped == std::vector<std::string>{"kernel-unittest/overlay_gpio_02b (needs overlay_gpio_02a)",
                                            "kernel-unittest/overlay_gpio_04b (needs overlay_gpio_04a)"});
  CHECK(checked == 20);
}

TEST_CASE("dtc test overlays: dtc's checks hold on the kernel's result, and libfdt refusals are kernel refusals "
          "unless the resolver skips the entry",
          "[corpus][dtc]") {
  json manifest = load_manifest();
  std::size_t cases = 0;
  for (const json& c : manifest) {
    if (c.value("kind", "") != "dtc-test") continue;
    ++cases;
    const std::string name = c.at("name");
    INFO("case " << name);
    const json& expect = c.at("dtc_test_expect");
    std::vector<std::string> overlays = corpus_files(c.at("overlays"));
    std::string out = scratch_for(name, ".out.dtb");
    ApplyRun run = run_apply(corpus_file(c.at("base")), overlays, out);
    INFO("exit " << run.command.exit_status << ", stdout: " << run.command.out << "stderr: " << run.command.err);
    CHECK_ELSE(run.command.exit_status != 2, continue);  // exit 2 is always a failure

    if (expect.at("apply") == "ok") {
      // Where libfdt and the kernel disagree, the kernel's rule wins, shown from the blobs (not
      // taken from ovlcheck), checked in the order the kernel meets them:
      //  - libfdt applies fragment after fragment, so one may target a node an earlier fragment
      //    of the same overlay created; the kernel looks every target up in the live tree first
      //    (init_overlay_changeset -> find_target, kernel-model-of.md §1.3): -EINVAL.
      //  - libfdt (fixed in dtc 1.7.1) keeps the base's phandle when an overlay node with a
      //    phandle merges into a node that has one; the kernel refuses (add_changeset_node,
      //    §1.4, as for unittest's overlay_bad_phandle): -EINVAL, silently.
      if (overlays.size() == 1) {
        auto live_tree = load_tree(corpus_file(c.at("base")));
        auto ov_tree = load_tree(overlays[0]);
        if (!live_tree || !ov_tree) continue;
        IndexedTree live(*live_tree);
        IndexedTree ov(*ov_tree);
        std::string code, evidence;
        for (const auto& [rule, check] : kKernelRefusalsInOrder) {
          evidence = check(live, ov);
          if (!evidence.empty()) {
            code = rule;
            break;
          }
        }
        if (!code.empty()) {
          WARN(name << ": libfdt applies it, the kernel refuses (" << code << "): " << evidence);
          CHECK(run.command.exit_status == 1);
          CHECK_FALSE(fs::exists(out));
          CHECK_ELSE(!run.report.is_null(), continue);
          CHECK(run.report.at("overlays").at(0).at("error") == code);
          continue;
        }
      }
      CHECK_ELSE(run.command.exit_status == 0, continue);
      auto out_tree = load_tree(out);
      if (!out_tree) continue;
      IndexedTree indexed(*out_tree);
      for (const json& check : expect.value("checks", json::array())) check_dtc_expectation(indexed, check);
      continue;
    }

    CHECK_ELSE(expect.at("apply") == "error", continue);
    CHECK_ELSE(overlays.size() == 1, continue);
    auto live_tree = load_tree(corpus_file(c.at("base")));
    auto ov_tree = load_tree(overlays[0]);
    if (!live_tree || !ov_tree) continue;
    auto [computed_exit, computed_why] = kernel_verdict_from_blobs(IndexedTree(*live_tree), IndexedTree(*ov_tree));
    INFO("computed from the blobs: exit " << computed_exit << " (" << computed_why << ")");

    std::string file = fs::path(overlays[0]).filename().string();
    const LibfdtRefusal* row = nullptr;
    for (const LibfdtRefusal& r : kLibfdtRefusals) {
      if (file == r.overlay) row = &r;
    }
    int want_exit = computed_exit;
    if (row != nullptr) {
      INFO("table: exit " << row->exit_status << " (" << row->why << ")");
      CHECK(row->exit_status == computed_exit);  // the table and the computed rules agree
      want_exit = row->exit_status;
    } else {
      WARN(name << ": no row in kLibfdtRefusals; expecting exit " << computed_exit << " from the blobs: "
                << computed_why);
    }
    CHECK(run.command.exit_status == want_exit);
    if (want_exit == 1) {
      CHECK_FALSE(fs::exists(out));
      CHECK_ELSE(!run.report.is_null(), continue);
      const json& messages = run.report.at("overlays").at(0).at("messages");
      CHECK_ELSE(!messages.empty(), continue);
      if (row != nullptr) CHECK(messages.back().at("text") == row->kernel_line);
    }
  }
  CHECK(cases == kDtcTestCases);  // ../shared/corpus/manifest.json holds 14
}
