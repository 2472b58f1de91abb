// ovlcheck's predictions against what a real kernel did, for every recording of every recorded
// kernel (testdata/lifecycle; how the recordings were made: its README.md).
//
// A recording is one operation sequence run by the oracle's initramfs on a kernel with the 2024
// barrier (`barrier`) and on the same kernel with device_link_wait_removal() patched out
// (`nobarrier`):
//   <overlay>.<k>                apply, remove, wait
//   <overlay>.twice.<k>          apply it twice, remove #1, #2, #1 back to back, wait
//   stack.<A>+<B>.top.<k>        apply A, B; remove B, wait, remove A, wait
//   stack.<A>+<B>.bottom.<k>     apply A, B; remove A, wait, remove B, A back to back, wait
// ovlcheck replays the same sequence for the kernel's profile with the driver list of the kernel
// configuration the scenario ran on. Two things are compared:
//   - `.of.txt`: the kernel's `OF:` lines and fw_devlink's cycle lines, in order;
//   - `.state.txt`: every step's result, and at boot, after the applies and after every wait,
//     the platform devices, their bound drivers, the i2c/spi clients, the device links with their
//     status, and the live tree's changes against the booted tree (nodes and properties; after the
//     applies also the values, phandles included, from the tree `ovlcheck apply -o` writes).
// Where the model predicts nothing for what a recording shows, the comparison leaves that part
// out under a named exception, and the number of recordings each exception touched is checked
// exactly, so a new difference fails instead of hiding behind an old name.
#include "tests/support/dts_compiler.h"
#include "tests/support/kernel_device_names.h"
#include "tests/support/kernel_lines.h"
#include "tests/support/lifecycle_recordings.h"
#include "tests/support/ovlcheck_run.h"

#include "core/devices/driver_set.h"
#include "fdt/blob_io.h"

#include <catch2/catch.hpp>
#include <regex>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using ovl::DeviceTree;
using ovl::test::Recording;
using ovl::test::StateRecording;
using ovl::test::StateSnapshot;

namespace {

// ---- named exceptions --------------------------------------------------------------------------

struct NamedException {
  std::string name;
  std::string reason;
  std::map<std::string, std::size_t> recordings;  // kernel folder -> exactly this many recordings
};

const std::vector<NamedException>& named_exceptions() {
  static const std::vector<NamedException> list = {
      {"timer-is-a-device",
       "TIMER_OF_DECLARE (arm,armv8-timer) does not mark its node OF_POPULATED, so the kernel also "
       "makes /timer a platform device (no driver binds); the model takes every OF_DECLARE node as "
       "deviceless (core/devices/kernel_drivers.cpp kEarlyProviders)",
       {{"kernel-6.1", 190}, {"kernel-6.12", 208}}},
      {"reg-dummy",
       "the regulator core registers its own platform device reg-dummy (not from the device tree) "
       "in kernels with regulators (the `buses` configuration); nothing in the model stands for it",
       {{"kernel-6.1", 100}, {"kernel-6.12", 100}}},
      {"psci-not-bound",
       "arm,psci is in the driver list (psci_dt_init's OF match table, used at boot) but no "
       "platform driver binds /psci; the model binds it",
       {{"kernel-6.1", 190}, {"kernel-6.12", 208}}},
      {"simple-bus-not-first-compatible",
       "simple-pm-bus returns -ENODEV for a node whose first compatible is not its match "
       "(QEMU's /platform-bus@c000000 is \"qemu,platform\", \"simple-bus\"), so it stays unbound; the "
       "model binds it",
       {{"kernel-6.1", 190}, {"kernel-6.12", 208}}},
      {"amba-bound-by-primecell-entry",
       "the driver lists hold \"arm,primecell\" (the AMBA bus's own match, not a driver), so the model "
       "binds every AMBA device; the kernel binds one only when a driver for its peripheral id is "
       "built (pl061 has none in the `nout` configuration: its links stay dormant)",
       {{"kernel-6.1", 90}, {"kernel-6.12", 108}}},
      {"i2c-spi-bus-numbers",
       "the kernel names i2c clients and spi devices after the number their adapter or controller "
       "got when it registered (0-0050, spi0.1), numbers handed out in registration order; the model "
       "does not number buses, so a link end on an i2c/spi client is compared by address or chip "
       "select only",
       {{"kernel-6.1", 16}, {"kernel-6.12", 16}}},
      {"driver-names",
       "the model knows whether a driver binds, not the driver's name: `bound X -> NAME` is "
       "compared as `bound X`",
       {{"kernel-6.1", 166}, {"kernel-6.12", 176}}},
      {"property-values",
       "values are compared after the applies when every overlay applied (ovlcheck's `apply -o` "
       "tree gives them); after a refused apply or a removal that leaves an overlay applied no report "
       "gives the live tree's values, so those `+P/-P PATH = HEX` lines are compared as `+P/-P PATH`",
       {{"kernel-6.1", 64}, {"kernel-6.12", 68}}},
      {"bound-after-recreate",
       "a device a removal creates again (a status change reverted) is reported without whether a "
       "driver binds it then, so its `bound` line and its links' status are left out",
       {{"kernel-6.1", 8}, {"kernel-6.12", 8}}},
  };
  return list;
}

// Which exceptions one recording met, and the totals per kernel.
class ExceptionTally {
 public:
  void hit(const std::string& name) {
    bool known = std::any_of(named_exceptions().begin(), named_exceptions().end(),
                             [&](const NamedException& e) { return e.name == name; });
    REQUIRE(known);
    current_.insert(name);
  }
  void end_recording(const std::string& kernel) {
    for (const std::string& name : current_) ++counts_[kernel][name];
    current_.clear();
  }
  std::size_t count(const std::string& kernel, const std::string& name) const {
    auto k = counts_.find(kernel);
    if (k == counts_.end()) return 0;
    auto n = k->second.find(name);
    return n == k->second.end() ? 0 : n->second;
  }

 private:
  std::set<std::string> current_;
  std::map<std::string, std::map<std::string, std::size_t>> counts_;
};

// ---- running ovlcheck on a recording -----------------------------------------------------------

std::vector<std::string> common_args(const Recording& r, const std::string& command) {
  std::vector<std::string> args = {command, "--json", "--kernel", r.kernel->profile, "--drivers", r.drivers.string(),
                                   "--base", (r.scenario / "oracle-base.dtb").string()};
  if (command == "remove") {
    args.push_back("--order");
    args.push_back(r.order);
  }
  for (const std::string& overlay : r.overlays) {
    args.push_back(ovl::test::compiled_dts_file(r.scenario / (overlay + ".dts")));  // dtc -@, as the oracle did
  }
  return args;
}

json run_report(const Recording& r, const std::string& command) {
  ovl::test::CommandResult result = ovl::test::ovlcheck(common_args(r, command));
  INFO("ovlcheck " << command << " on " << r.run);
  REQUIRE(result.exit_status != 2);
  return ovl::test::report_of(result);
}

// The live tree after the applies as ovlcheck writes it (`apply -o`), when every overlay applied.
std::optional<DeviceTree> merged_tree(const Recording& r, const json& applies) {
  for (const json& o : applies) {
    if (o.at("result").get<int>() != 0) return std::nullopt;  // -o is written only then
  }
  std::string out = ovl::test::temp_path("oracle-merged.dtb");
  fs::remove(out);
  std::vector<std::string> args = common_args(r, "apply");
  args.insert(args.begin() + 1, {"-o", out});
  ovl::test::CommandResult result = ovl::test::ovlcheck(args);
  INFO("ovlcheck apply -o on " << r.run << ": " << result.err);
  REQUIRE(result.exit_status != 2);
  auto loaded = ovl::fdt::load_blob_file(out);
  INFO(out << ": " << (loaded ? "" : loaded.error().message));
  REQUIRE(loaded);
  return std::move(loaded->tree);
}

const json& run_with_barrier(const json& remove_report, bool barrier) {
  for (const json& run : remove_report.at("runs")) {
    if (run.at("barrier").get<bool>() == barrier) return run;
  }
  FAIL("the remove report has no run with barrier " << barrier);
  return remove_report;  // not reached
}

// The kernel's lines of a `.of.txt`: all but the initramfs' "=== STEP" and "=== RESULT" lines.
std::vector<std::string> of_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream in(ovl::test::read_text(file));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && !line.starts_with("=== ")) lines.push_back(line);
  }
  return lines;
}

bool is_deferred(const std::string& line);

// ---- paths printed through freed memory ---------------------------------------------------
// A "memory leak before free" line of a node whose parent the kernel freed first prints the
// parent's name from freed memory (seen on 6.12.118: "/\xf8\xa4/ovl-consumer"; extract.py keeps
// such bytes as U+FFFD). ovlcheck names the freed ancestor in the finding's causes; both sides
// then show that path component as "<freed>", so the test still checks which one it is.
const std::string kFreedMark = "<freed>";
const std::string kLeakPrefix = ovl::test::kLeakBeforeFreePrefix;

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(path);
  for (std::string c; std::getline(in, c, '/');) out.push_back(c);
  return out;
}

std::string joined_path(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : "/") + parts[i];
  return out;
}

// The kernel's line with every path component holding non-ASCII bytes masked; whether any was.
std::string mask_garbage(const std::string& line, bool& masked) {
  if (!is_deferred(line)) return line;
  std::string path = line.substr(kLeakPrefix.size());
  std::vector<std::string> parts = components(path);
  for (std::string& part : parts) {
    if (std::any_of(part.begin(), part.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      part = kFreedMark;
      masked = true;
    }
  }
  return kLeakPrefix + joined_path(parts);
}

// node path -> the ancestors ovlcheck says were freed before its "before free" line.
std::map<std::string, std::vector<std::string>> freed_ancestors(const json& run) {
  static const std::regex through(R"(prints this path through (\S+), which it freed earlier)");
  std::map<std::string, std::vector<std::string>> out;
  auto scan = [&](const json& findings) {
    for (const json& f : findings) {
      if (f.at("code") != "leak-before-free") continue;
      for (const std::string cause : f.at("causes")) {
        std::smatch m;
        if (std::regex_search(cause, m, through)) out[f.at("path")].push_back(m[1]);
      }
    }
  };
  for (const json& op : run.at("operations")) {
    scan(op.at("findings"));
    scan(op.at("after").at("findings"));
  }
  scan(run.at("later").at("findings"));
  return out;
}

std::string mask_freed(const std::string& line, const std::map<std::string, std::vector<std::string>>& freed) {
  if (!is_deferred(line)) return line;
  std::string path = line.substr(kLeakPrefix.size());
  auto it = freed.find(path);
  if (it == freed.end()) return line;
  std::vector<std::string> parts = components(path);
  for (const std::string& ancestor : it->second) parts[components(ancestor).size() - 1] = kFreedMark;
  return kLeakPrefix + joined_path(parts);
}

bool is_deferred(const std::string& line) {
  return line.starts_with(ovl::test::kLeakBeforeFreePrefix);
}

std::vector<std::string> only(const std::vector<std::string>& lines, bool deferred) {
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    if (is_deferred(l) == deferred) out.push_back(l);
  }
  return out;
}

std::string source_relative(const fs::path& file) { return fs::relative(file, OVLCHECK_SOURCE_DIR).string(); }

// ---- the kernel's state as the model predicts it -----------------------------------------------

struct ModelDevice {
  std::string name;  // the kernel's device name
  std::string bus;   // the kernel's bus: platform, amba, i2c, spi
  bool bound = false;
  bool bound_known = true;  // false for a device a removal created again
};

struct ModelLink {
  std::string consumer;  // node paths
  std::string supplier;
  bool sync_state_only = false;
};

struct ModelState {
  std::map<std::string, ModelDevice> devices;  // by node path
  std::vector<ModelLink> links;
};

// What a snapshot shows, in a form both sides are brought to.
struct Comparable {
  std::size_t baseline_omitted = 0;
  std::set<std::string> gone;
  std::set<std::string> devices;
  std::set<std::string> bound;
  std::size_t i2c_clients = 0;
  std::size_t spi_clients = 0;
  std::set<std::string> links;
  std::set<std::string> diff;
  std::set<std::string> bound_unknown;  // devices whose binding the prediction cannot know
  bool diff_values = false;             // the diff lines carry their values ("PATH = HEX")
};

// One scenario's booted tree, for device names and compatibles.
class Scenario {
 public:
  Scenario(const fs::path& dir, const fs::path& drivers_file) {
    std::istringstream drivers(ovl::test::read_text(drivers_file));
    for (std::string line; std::getline(drivers, line);) drivers_.insert(line);
    auto loaded = ovl::fdt::load_blob_file((dir / "oracle-base.dtb").string());
    INFO((dir / "oracle-base.dtb").string() << ": " << (loaded ? "" : loaded.error().message));
    REQUIRE(loaded);
    base_ = std::move(loaded->tree);
  }
  const DeviceTree& base() const { return base_; }
  bool has_compatible(const std::string& path, const std::string& prefix) const {
    ovl::NodeId id = base_.find_by_path(path);
    if (id == ovl::kNoNode) return false;
    for (const std::string& c : ovl::compatibles_of(base_, id)) {
      if (c.starts_with(prefix)) return true;
    }
    return false;
  }
  // Whether the booted tree has the property "/node/path/name".
  bool has_property(const std::string& path) const {
    std::size_t slash = path.rfind('/');
    ovl::NodeId id = base_.find_by_path(slash == 0 ? "/" : path.substr(0, slash));
    return id != ovl::kNoNode && base_.node(id).properties.find(path.substr(slash + 1)) != nullptr;
  }
  // Whether the driver list matches one of the node's compatibles other than "arm,primecell".
  bool has_driver_besides_primecell(const std::string& path) const {
    ovl::NodeId id = base_.find_by_path(path);
    if (id == ovl::kNoNode) return true;
    for (const std::string& c : ovl::compatibles_of(base_, id)) {
      if (c != "arm,primecell" && drivers_.contains(c)) return true;
    }
    return false;
  }
  std::string first_compatible(const std::string& path) const {
    ovl::NodeId id = base_.find_by_path(path);
    if (id == ovl::kNoNode) return "";
    std::vector<std::string> c = ovl::compatibles_of(base_, id);
    return c.empty() ? "" : c.front();
  }
  bool has_available_compatible(const std::string& compatible) const {
    for (ovl::NodeId id = 0; id < base_.node_count(); ++id) {
      if (!base_.node(id).linked) continue;
      std::vector<std::string> c = ovl::compatibles_of(base_, id);
      if (std::find(c.begin(), c.end(), compatible) == c.end()) continue;
      const ovl::Property* status = base_.node(id).properties.find("status");
      if (status == nullptr || status->as_string() == "okay" || status->as_string() == "ok") return true;
    }
    return false;
  }

 private:
  DeviceTree base_;
  std::set<std::string> drivers_;
};

ModelState state_from_links(const Scenario& s, const json& snapshot) {
  ModelState state;
  for (const json& d : snapshot.at("devices")) {
    std::string node = d.at("node");
    state.devices[node] = {ovl::test::kernel_device_name(s.base(), node),
                           ovl::test::kernel_bus(s.base(), node, d.at("bus")), d.at("bound").get<bool>(), true};
  }
  for (const json& l : snapshot.at("links")) {
    const json& flags = l.at("flags");
    state.links.push_back({l.at("consumer"), l.at("supplier"),
                           std::find(flags.begin(), flags.end(), "SYNC_STATE_ONLY") != flags.end()});
  }
  return state;
}

// A removal's device events applied to the state: destroyed devices go with their links.
void apply_events(ModelState& state, const Scenario& s, const json& events) {
  for (const json& e : events) {
    std::string node = e.at("node");
    if (e.at("event") == "destroyed") {
      state.devices.erase(node);
    } else {
      state.devices[node] = {ovl::test::kernel_device_name(s.base(), node),
                             ovl::test::kernel_bus(s.base(), node, e.at("bus")), false, false};
    }
  }
  // device_del() drops every link of the device (device_links_purge): a link needs both ends.
  std::erase_if(state.links, [&](const ModelLink& l) {
    return !state.devices.contains(l.consumer) || !state.devices.contains(l.supplier);
  });
}

// The live tree's changes against the booted tree: the changesets of the overlays still applied.
// A changed property shows its old value as removed when the booted tree had it.
std::set<std::string> predicted_diff(const Scenario& s, const json& applies, const std::set<int>& removed_ids) {
  std::set<std::string> diff;
  for (const json& o : applies) {
    if (!o.at("applied").get<bool>() || removed_ids.contains(o.at("id").get<int>())) continue;
    const json& cs = o.at("changeset");
    for (const json& n : cs.at("nodes_added")) diff.insert("+N " + n.get<std::string>());
    for (const char* kind : {"properties_added", "properties_updated"}) {
      for (const json& p : cs.at(kind)) {
        std::string path = p;
        diff.insert("+P " + path);
        if (s.has_property(path)) diff.insert("-P " + path);
      }
    }
  }
  return diff;
}

// The hexadecimal bytes of the property "/node/path/name" in `tree`, as the initramfs prints
// them (od -tx1), or "?" when the tree lacks it.
std::string property_hex(const DeviceTree& tree, const std::string& path) {
  std::size_t slash = path.rfind('/');
  ovl::NodeId id = tree.find_by_path(slash == 0 ? "/" : path.substr(0, slash));
  if (id == ovl::kNoNode) return "?";
  const ovl::Property* p = tree.node(id).properties.find(path.substr(slash + 1));
  if (p == nullptr) return "?";
  std::string hex;
  char byte[3];
  for (std::uint8_t b : p->value) {
    std::snprintf(byte, sizeof byte, "%02x", b);
    hex += byte;
  }
  return hex;
}

// The diff lines with values: added and new values from the tree ovlcheck's `apply -o` wrote,
// removed (old) values from the booted tree.
std::set<std::string> with_values(const std::set<std::string>& diff, const DeviceTree& merged,
                                  const DeviceTree& base) {
  std::set<std::string> out;
  for (const std::string& line : diff) {
    std::string path = line.substr(3);
    std::string hex = line.starts_with("+P ") ? property_hex(merged, path) : "";
    if (line.starts_with("+P ")) out.insert(line + " = " + hex);
    else if (line.starts_with("-P ")) out.insert(line + " = " + property_hex(base, path));
    else out.insert(line);
  }
  return out;
}

// A link end on an i2c or spi client without the bus number (see i2c-spi-bus-numbers): the
// kernel's "i2c:0-0050" / "spi:spi0.1" and the model's "i2c:50.name" / "spi:1.name" both become
// "i2c:#-0050" / "spi:#.1".
std::string without_bus_number(const std::string& end) {
  static const std::regex kernel_i2c(R"(^i2c:\d+-([0-9a-f]{4})$)"), model_i2c(R"(^i2c:([0-9a-f]+)\..*$)");
  static const std::regex kernel_spi(R"(^spi:spi\d+\.(\d+)$)"), model_spi(R"(^spi:(\d+)\..*$)");
  std::smatch m;
  if (std::regex_match(end, m, kernel_i2c)) return "i2c:#-" + m[1].str();
  if (std::regex_match(end, m, model_i2c)) {
    std::string addr = m[1].str();
    return "i2c:#-" + std::string(addr.size() < 4 ? 4 - addr.size() : 0, '0') + addr;
  }
  if (std::regex_match(end, m, kernel_spi) || std::regex_match(end, m, model_spi)) return "spi:#." + m[1].str();
  return end;
}

std::string link_without_bus_numbers(const std::string& link, ExceptionTally& tally) {
  std::size_t space = link.find(' ');
  std::string ends = link.substr(0, space);
  std::size_t sep = ends.find("--");
  std::string supplier = ends.substr(0, sep), consumer = ends.substr(sep + 2);
  if (!supplier.starts_with("i2c:") && !supplier.starts_with("spi:") && !consumer.starts_with("i2c:") &&
      !consumer.starts_with("spi:")) {
    return link;
  }
  tally.hit("i2c-spi-bus-numbers");
  return without_bus_number(supplier) + "--" + without_bus_number(consumer) +
         (space == std::string::npos ? "" : link.substr(space));
}

Comparable predicted(const Scenario& s, const ModelState& boot, const ModelState& now, const std::set<std::string>& diff,
                     bool kernel_has_reg_dummy, const DeviceTree* merged, ExceptionTally& tally) {
  Comparable c;
  c.diff = merged ? with_values(diff, *merged, s.base()) : diff;
  c.diff_values = merged != nullptr;
  std::set<std::string> baseline;
  for (const auto& [node, d] : boot.devices) {
    if (d.bus == "platform") baseline.insert(d.name);
  }
  for (const auto& [node, d] : now.devices) {
    if (d.bus == "i2c") ++c.i2c_clients;
    if (d.bus == "spi") ++c.spi_clients;
    if (d.bus != "platform") continue;
    if (baseline.contains(d.name)) ++c.baseline_omitted;
    else c.devices.insert(d.name);
    if (!d.bound_known) {
      tally.hit("bound-after-recreate");
      c.bound_unknown.insert(d.name);
      continue;
    }
    if (!d.bound) continue;
    if (s.has_compatible(node, "arm,psci")) {
      tally.hit("psci-not-bound");
      continue;
    }
    std::string first = s.first_compatible(node);
    if (s.has_compatible(node, "simple-bus") && !first.empty() && first != "simple-bus") {
      tally.hit("simple-bus-not-first-compatible");
      continue;
    }
    c.bound.insert(d.name);
  }
  for (const std::string& name : baseline) {
    bool present = std::any_of(now.devices.begin(), now.devices.end(),
                               [&](const auto& d) { return d.second.name == name && d.second.bus == "platform"; });
    if (!present) c.gone.insert(name);
  }
  if (s.has_available_compatible("arm,armv8-timer") || s.has_available_compatible("arm,armv7-timer")) {
    tally.hit("timer-is-a-device");
    ++c.baseline_omitted;
  }
  if (kernel_has_reg_dummy) {
    tally.hit("reg-dummy");
    ++c.baseline_omitted;
  }
  auto is_bound = [&](const std::string& node) -> int {  // 1 bound, 0 not, -1 unknown
    const ModelDevice& d = now.devices.at(node);
    if (!d.bound_known) return -1;
    if (d.bound && d.bus == "amba" && !s.has_driver_besides_primecell(node)) {
      tally.hit("amba-bound-by-primecell-entry");
      return 0;
    }
    if (d.bound && (s.has_compatible(node, "arm,psci") ||
                    (s.has_compatible(node, "simple-bus") && s.first_compatible(node) != "simple-bus"))) {
      return 0;  // the two exceptions above: the kernel leaves them unbound
    }
    return d.bound ? 1 : 0;
  };
  for (const ModelLink& l : now.links) {
    const ModelDevice& sup = now.devices.at(l.supplier);
    const ModelDevice& con = now.devices.at(l.consumer);
    // DL_STATE_DORMANT until the supplier binds, AVAILABLE while only the supplier is bound,
    // ACTIVE once the consumer is bound too (drivers/base/core.c device_links_driver_bound).
    int sb = is_bound(l.supplier);
    int cb = is_bound(l.consumer);
    std::string status = (sb < 0 || cb < 0) ? "?" : sb == 0 ? "dormant" : cb == 0 ? "available" : "active";
    c.links.insert(link_without_bus_numbers(sup.bus + ":" + sup.name + "--" + con.bus + ":" + con.name +
                                                " status=" + status + " sync_state_only=" +
                                                (l.sync_state_only ? "1" : "0"),
                                            tally));
  }
  return c;
}

Comparable recorded(const StateSnapshot& k, const Comparable& prediction, ExceptionTally& tally) {
  Comparable c;
  c.baseline_omitted = k.baseline_omitted;
  c.gone.insert(k.gone.begin(), k.gone.end());
  c.devices.insert(k.devices.begin(), k.devices.end());
  for (const auto& [device, driver] : k.bound) {
    tally.hit("driver-names");
    if (device == "reg-dummy") continue;  // counted where the baseline is predicted
    if (prediction.bound_unknown.contains(device)) continue;
    c.bound.insert(device);
  }
  for (const std::string& line : k.bus_clients) {
    // /sys/bus/i2c/devices lists the adapters too ("i2c-N"): they are not clients.
    if (line.starts_with("i2cdev i2c-")) continue;
    if (line.starts_with("i2cdev ")) ++c.i2c_clients;
    else ++c.spi_clients;
  }
  for (const std::string& original : k.links) {
    std::string link = link_without_bus_numbers(original, tally);
    // A link whose status the prediction cannot know is compared without it.
    std::string name = link.substr(0, link.find(' '));
    bool unknown = std::any_of(prediction.links.begin(), prediction.links.end(), [&](const std::string& p) {
      return p.starts_with(name + " ") && p.find("status=?") != std::string::npos;
    });
    if (!unknown) {
      c.links.insert(link);
      continue;
    }
    std::string rest = link.substr(link.find(" sync_state_only="));
    c.links.insert(name + " status=?" + rest);
  }
  for (const std::string& line : k.diff) {
    std::size_t value = line.find(" = ");
    if (prediction.diff_values || value == std::string::npos) {
      c.diff.insert(line);
      continue;
    }
    tally.hit("property-values");
    c.diff.insert(line.substr(0, value));
  }
  return c;
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += "\n    " + x;
  return out;
}

void compare(const Comparable& model, const Comparable& kernel, const std::string& where) {
  INFO(where);
  INFO("model  devices:" << joined(model.devices) << "\n  links:" << joined(model.links) << "\n  bound:"
                         << joined(model.bound) << "\n  diff:" << joined(model.diff));
  INFO("kernel devices:" << joined(kernel.devices) << "\n  links:" << joined(kernel.links) << "\n  bound:"
                         << joined(kernel.bound) << "\n  diff:" << joined(kernel.diff));
  CHECK(model.baseline_omitted == kernel.baseline_omitted);
  CHECK(model.gone == kernel.gone);
  CHECK(model.devices == kernel.devices);
  CHECK(model.bound == kernel.bound);
  CHECK(model.i2c_clients == kernel.i2c_clients);
  CHECK(model.spi_clients == kernel.spi_clients);
  CHECK(model.links == kernel.links);
  std::set<std::string> only_model, only_kernel;
  std::set_difference(model.diff.begin(), model.diff.end(), kernel.diff.begin(), kernel.diff.end(),
                      std::inserter(only_model, only_model.end()));
  std::set_difference(kernel.diff.begin(), kernel.diff.end(), model.diff.begin(), model.diff.end(),
                      std::inserter(only_kernel, only_kernel.end()));
  INFO("diff lines only in the prediction:" << joined(only_model) << "\nonly in the recording:" << joined(only_kernel));
  CHECK(model.diff == kernel.diff);
}

bool has_finding(const json& run, const std::string& code) {
  for (const json& op : run.at("operations")) {
    for (const json& f : op.at("findings")) {
      if (f.at("code") == code) return true;
    }
  }
  return false;
}

void compare_state(const Recording& r, ExceptionTally& tally) {
  INFO("recording " << source_relative(r.state) << ", --order " << r.order);
  StateRecording kernel = ovl::test::parse_state(r.state);
  Scenario scenario(r.scenario, r.drivers);
  json links = run_report(r, "links");
  json remove = run_report(r, "remove");
  const json& run = run_with_barrier(remove, r.barrier);
  const json& applies = remove.at("apply");
  const json& operations = run.at("operations");
  std::size_t apply_count = r.overlays.size();

  // The steps: each apply's result and id, each removal's result, as far as the kernel got.
  // A kernel that died in a step printed no later ones.
  if (kernel.ended) REQUIRE(kernel.steps.size() == apply_count + operations.size());
  else REQUIRE(kernel.steps.size() <= apply_count + operations.size());
  for (std::size_t i = 0; i < kernel.steps.size(); ++i) {
    const ovl::test::StateStep& step = kernel.steps[i];
    INFO("step " << step.what);
    if (!step.finished) continue;
    if (i < apply_count) {
      CHECK((step.rc == 0) == (applies.at(i).at("result").get<int>() == 0));
      CHECK(step.id == applies.at(i).at("id").get<int>());
    } else {
      CHECK((step.rc == 0) == operations.at(i - apply_count).at("removed").get<bool>());
    }
  }
  // A kernel that died in a removal printed no end; ovlcheck must predict the oops.
  CHECK(kernel.ended == !has_finding(run, "kernel-oops"));

  std::optional<DeviceTree> merged = merged_tree(r, applies);
  bool reg_dummy = !kernel.snapshots.empty() && kernel.snapshots.front().bound.contains("reg-dummy");
  ModelState boot = state_from_links(scenario, links.at("boot"));
  ModelState now = boot;
  std::set<int> removed_ids;
  std::size_t ops_done = 0;
  REQUIRE(kernel.snapshots.size() >= 2);  // boot and after the applies, in every recording
  for (std::size_t i = 0; i < kernel.snapshots.size(); ++i) {
    std::size_t steps = kernel.steps_before[i];
    if (i == 0) {
      REQUIRE(steps == 0);
    } else if (i == 1) {
      REQUIRE(steps == apply_count);
      now = state_from_links(scenario, links.at("applied"));
    } else {
      REQUIRE(steps > apply_count);
      for (; ops_done < steps - apply_count; ++ops_done) {
        const json& op = operations.at(ops_done);
        apply_events(now, scenario, op.at("devices"));
        if (op.at("removed").get<bool>()) removed_ids.insert(op.at("id").get<int>());
      }
    }
    std::set<std::string> diff = i == 0 ? std::set<std::string>{} : predicted_diff(scenario, applies, removed_ids);
    // After the applies, when every overlay applied, `apply -o` gives the values too.
    const DeviceTree* values = i == 1 && merged ? &*merged : nullptr;
    Comparable model = predicted(scenario, boot, now, diff, reg_dummy, values, tally);
    Comparable real = recorded(kernel.snapshots[i], model, tally);
    compare(model, real, "device listing " + std::to_string(i) + " (after " + std::to_string(steps) + " steps)");
  }
}

}  // namespace

TEST_CASE("every recording of every recorded kernel is there, exactly as many as the table says", "[oracle]") {
  for (const ovl::test::RecordedKernel& kernel : ovl::test::recorded_kernels()) {
    INFO(kernel.folder);
    std::vector<Recording> all = ovl::test::recordings_of(kernel);
    CHECK(all.size() == kernel.recordings);
    for (const Recording& r : all) {
      INFO(source_relative(r.state));
      CHECK_FALSE(ovl::test::read_text(r.of_lines).empty());
      CHECK_FALSE(ovl::test::parse_state(r.state).snapshots.empty());
    }
  }
  // Every scenario folder holds recordings of some kernel in the table.
  for (const auto& scenario : fs::directory_iterator(ovl::test::lifecycle_dir())) {
    if (!scenario.is_directory()) continue;
    INFO(source_relative(scenario.path()));
    CHECK(std::any_of(ovl::test::recorded_kernels().begin(), ovl::test::recorded_kernels().end(),
                      [&](const ovl::test::RecordedKernel& k) { return fs::is_directory(scenario.path() / k.folder); }));
  }
}

// The OF: lines ovlcheck predicts for a recording's run: the applies', then the removals' of the
// recording's barrier run; with `order` instead of the recording's own --order when given.
std::vector<std::string> predicted_lines(Recording r, const std::string& order = "") {
  if (!order.empty()) r.order = order;
  json report = run_report(r, "remove");
  std::vector<std::string> predicted;
  for (const json& overlay : report.at("apply")) {
    for (const std::string& line : ovl::test::message_texts(overlay.at("messages"))) predicted.push_back(line);
  }
  const json& run = run_with_barrier(report, r.barrier);
  for (const std::string& line : ovl::test::message_texts(run.at("messages"))) predicted.push_back(line);
  const auto freed = freed_ancestors(run);
  for (std::string& line : predicted) line = mask_freed(line, freed);
  return predicted;
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST_CASE("ovlcheck prints the OF: lines of every real-kernel recording, barrier and no barrier", "[oracle]") {
  // Timing the kernel leaves open, counted per kernel so that none goes unnoticed:
  //  - freed-parent: a "before free" line printed through a freed parent (see mask_garbage);
  //  - deferred-order: the "before free" lines of one removal, printed by link releases that run
  //    as separate work items (each waits for an SRCU grace period), in another order;
  //  - settled-between: back-to-back removals ("+" in --order) where the kernel's deferred work of
  //    the first still ran before the second destroyed its changeset (as with "," instead).
  std::map<std::string, std::map<std::string, std::size_t>> timing;
  const std::map<std::string, std::string> expected_timing = {
      {"kernel-6.1", ""},
      {"kernel-6.12", "deferred-order=3 freed-parent=1 settled-between=1"},
  };
  auto listed = [](const std::map<std::string, std::size_t>& counts) {
    std::string out;
    for (const auto& [name, count] : counts) out += (out.empty() ? "" : " ") + name + "=" + std::to_string(count);
    return out;
  };
  for (const ovl::test::RecordedKernel& kernel : ovl::test::recorded_kernels()) {
    std::vector<Recording> all = ovl::test::recordings_of(kernel);
    REQUIRE(all.size() == kernel.recordings);
    for (const Recording& r : all) {
      INFO("recording " << source_relative(r.of_lines) << ", --order " << r.order);
      std::vector<std::string> real = of_lines(r.of_lines);
      bool masked = false;
      for (std::string& line : real) line = mask_garbage(line, masked);
      if (masked) ++timing[kernel.folder]["freed-parent"];
      std::vector<std::string> predicted = predicted_lines(r);
      // The "before free" lines come from deferred work. The kernel prints them when that work
      // runs, which back-to-back removals may or may not wait for; every other line comes from
      // the operation itself. So each kind must match, and the two kinds are compared separately.
      if (only(predicted, false) != only(real, false) && r.order.find('+') != std::string::npos) {
        std::string settled = r.order;
        std::replace(settled.begin(), settled.end(), '+', ',');
        std::vector<std::string> alternative = predicted_lines(r, settled);
        if (only(alternative, false) == only(real, false)) {
          ++timing[kernel.folder]["settled-between"];
          predicted = alternative;
        }
      }
      CHECK(only(predicted, false) == only(real, false));
      CHECK(sorted(only(predicted, true)) == sorted(only(real, true)));
      bool deferred_in_order = only(predicted, true) == only(real, true);
      if (!deferred_in_order) ++timing[kernel.folder]["deferred-order"];
      // One removal and the deferred lines in order: no timing question left at all.
      if (r.order == "1" && deferred_in_order) CHECK(predicted == real);
    }
    INFO(kernel.folder << ": recordings that met each timing case");
    CHECK(listed(timing[kernel.folder]) == expected_timing.at(kernel.folder));
  }
}

TEST_CASE("ovlcheck predicts the devices, bound drivers, device links and live-tree changes of every real-kernel "
          "recording, apart from the named exceptions",
          "[oracle]") {
  ExceptionTally tally;
  for (const ovl::test::RecordedKernel& kernel : ovl::test::recorded_kernels()) {
    std::vector<Recording> all = ovl::test::recordings_of(kernel);
    REQUIRE(all.size() == kernel.recordings);
    for (const Recording& r : all) {
      compare_state(r, tally);
      tally.end_recording(kernel.folder);
    }
    for (const NamedException& e : named_exceptions()) {
      INFO(kernel.folder << ": exception " << e.name << ": " << e.reason);
      auto expected = e.recordings.find(kernel.folder);
      CHECK(tally.count(kernel.folder, e.name) == (expected == e.recordings.end() ? 0 : expected->second));
    }
  }
}
