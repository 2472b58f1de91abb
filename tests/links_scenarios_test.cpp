// `ovlcheck links` against hand-written expectations: one folder per fw_devlink rule under
// testdata/links/, each with base.dts, optionally overlay.dts, a README naming the model-doc
// section, and expected.json written from ../shared/docs/kernel-model-devlink.md and
// kernel-model-of.md (not from ovlcheck's output).
//
// expected.json:
//   {"rule": "...", "runs": [{"kernel": "6.12", "drivers": "all" | "none" | ["compat", ...],
//     "boot":    {"devices": [{"node", "bus"}], "links": [{"consumer", "supplier", "property",
//                 "sync_state_only", "cycle" (optional, default false)}]},
//     "applied": {...same; optional, defaults to "boot"...}}]}
// Devices are compared as sets of (node, bus); links as sets of (consumer, supplier, property,
// SYNC_STATE_ONLY, CYCLE), read from each link's `flags`.
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"
#include "tests/support/test_files.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kScenarios = std::string(OVLCHECK_SOURCE_DIR) + "/testdata/links";

using ovl::test::read_text;

using DeviceKey = std::tuple<std::string, std::string>;
using LinkKey = std::tuple<std::string, std::string, std::string, bool, bool>;

std::string show(const DeviceKey& d) { return std::get<0>(d) + " (" + std::get<1>(d) + ")"; }
std::string show(const LinkKey& l) {
  return std::get<0>(l) + " -> " + std::get<1>(l) + " (" + std::get<2>(l) + ")" +
         (std::get<3>(l) ? " SYNC_STATE_ONLY" : "") + (std::get<4>(l) ? " CYCLE" : "");
}

template <typename Key>
std::string difference(const std::set<Key>& expected, const std::set<Key>& actual) {
  std::string out;
  for (const Key& k : expected) {
    if (!actual.count(k)) out += "  missing: " + show(k) + "\n";
  }
  for (const Key& k : actual) {
    if (!expected.count(k)) out += "  unexpected: " + show(k) + "\n";
  }
  return out;
}

bool has_flag(const json& link, const char* flag) {
  for (const json& f : link.at("flags")) {
    if (f.get<std::string>() == flag) return true;
  }
  return false;
}

std::set<DeviceKey> expected_devices(const json& stage) {
  std::set<DeviceKey> keys;
  for (const json& d : stage.at("devices")) keys.emplace(d.at("node"), d.at("bus"));
  return keys;
}

std::set<LinkKey> expected_links(const json& stage) {
  std::set<LinkKey> keys;
  for (const json& l : stage.at("links")) {
    keys.emplace(l.at("consumer"), l.at("supplier"), l.at("property"), l.at("sync_state_only").get<bool>(),
                 l.value("cycle", false));
  }
  return keys;
}

std::set<DeviceKey> actual_devices(const json& stage) {
  std::set<DeviceKey> keys;
  for (const json& d : stage.at("devices")) keys.emplace(d.at("node"), d.at("bus"));
  return keys;
}

std::set<LinkKey> actual_links(const json& stage) {
  std::set<LinkKey> keys;
  for (const json& l : stage.at("links")) {
    keys.emplace(l.at("consumer"), l.at("supplier"), l.at("property"), has_flag(l, "SYNC_STATE_ONLY"),
                 has_flag(l, "CYCLE"));
  }
  return keys;
}

// Compiles the folder's sources (dtc -@) into the scratch directory: {base, overlay or ""}.
std::pair<std::string, std::string> compile_scenario(const std::string& name) {
  const fs::path dir = fs::path(kScenarios) / name;
  std::string base = ovl::test::compiled_file("links-" + name + "-base.dtb", read_text(dir / "base.dts"));
  std::string overlay;
  if (fs::exists(dir / "overlay.dts")) {
    overlay = ovl::test::compiled_file("links-" + name + "-overlay.dtbo", read_text(dir / "overlay.dts"));
  }
  return {base, overlay};
}

void check_stage(const std::string& what, const json& expected, const json& actual) {
  std::set<DeviceKey> want_devices = expected_devices(expected);
  std::set<DeviceKey> got_devices = actual_devices(actual);
  INFO(what << " devices:\n" << difference(want_devices, got_devices));
  CHECK(want_devices == got_devices);
  std::set<LinkKey> want_links = expected_links(expected);
  std::set<LinkKey> got_links = actual_links(actual);
  INFO(what << " links:\n" << difference(want_links, got_links));
  CHECK(want_links == got_links);
}

void run_scenario(const std::string& name) {
  const fs::path dir = fs::path(kScenarios) / name;
  REQUIRE(fs::is_regular_file(dir / "expected.json"));
  REQUIRE(fs::is_regular_file(dir / "README"));
  const json expected = json::parse(read_text(dir / "expected.json"));
  auto [base, overlay] = compile_scenario(name);
  const json& runs = expected.at("runs");
  REQUIRE(!runs.empty());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const json& run = runs[i];
    const std::string kernel = run.at("kernel");
    std::vector<std::string> argv = {OVLCHECK_BINARY, "links", "--json", "--base", base, "--kernel", kernel};
    std::string drivers_text = "all";
    if (run.contains("drivers") && run.at("drivers").is_array()) {
      std::string list;
      for (const json& c : run.at("drivers")) list += c.get<std::string>() + "\n";
      std::string file = ovl::test::text_file("links-" + name + "-drivers.txt", list);
      argv.insert(argv.end(), {"--drivers", file});
      drivers_text = "list " + run.at("drivers").dump();
    } else if (run.value("drivers", "all") == "none") {
      argv.insert(argv.end(), {"--drivers", "none"});
      drivers_text = "none";
    }
    if (!overlay.empty()) argv.push_back(overlay);
    INFO("scenario testdata/links/" << name << " (" << expected.value("rule", "") << "), kernel " << kernel
                                    << ", drivers " << drivers_text);
    ovl::test::CommandResult result = ovl::test::run_command(argv);
    INFO("stderr: " << result.err);
    CHECK(result.exit_status != 2);
    json report = json::parse(result.out, nullptr, /*allow_exceptions=*/false);
    REQUIRE_FALSE(report.is_discarded());
    if (!overlay.empty()) {
      REQUIRE(report.at("overlays").size() == 1);
      CHECK(report.at("overlays")[0].at("applied").get<bool>());
    }
    check_stage("boot", run.at("boot"), report.at("boot"));
    check_stage("applied", run.contains("applied") ? run.at("applied") : run.at("boot"), report.at("applied"));
  }
}

}  // namespace

// One TEST_CASE per rule, named after it; the folder holds the input and the expectation.

TEST_CASE("links: clocks with #clock-cells = <1> link each provider once", "[links][scenario]") {
  run_scenario("clocks-cells-1");
}

TEST_CASE("links: a *-supply property links the regulator", "[links][scenario]") {
  run_scenario("supply-regulator");
}

TEST_CASE("links: a *-gpios property with #gpio-cells = <2> links each controller, a bare gpios property only from 5.12", "[links][scenario]") {
  run_scenario("gpios-cells-2");
}

TEST_CASE("links: pinctrl-0 to a pin-config child links the pin controller (NOT_DEVICE from 6.3)",
          "[links][scenario]") {
  run_scenario("pinctrl-config-child");
}

TEST_CASE("links: interrupts through an inherited interrupt-parent: early GIC no link, platform intc linked",
          "[links][scenario]") {
  run_scenario("interrupts-inherited-parent");
}

TEST_CASE("links: remote-endpoint links the port parents, cycle relaxed (CYCLE from 6.3)", "[links][scenario]") {
  run_scenario("remote-endpoint-cycle");
}

TEST_CASE("links: iommus is optional from 5.12, parsed on 5.10", "[links][scenario]") {
  run_scenario("iommus-optional");
}

TEST_CASE("links: pwms is a supplier binding from 5.15, not on 5.10", "[links][scenario]") {
  run_scenario("pwms-since-5.15");
}

TEST_CASE("links: a disabled supplier gets no link", "[links][scenario]") { run_scenario("disabled-supplier"); }

TEST_CASE("links: a supplier without a device links its consumer to a bound parent device from 6.3, never under a plain node",
          "[links][scenario]") {
  run_scenario("supplier-without-device");
}

TEST_CASE("links: a consumer of its own child: refused before 6.3, cycle-relaxed from 6.3", "[links][scenario]") {
  run_scenario("consumer-of-own-child");
}

TEST_CASE("links: the permissive era drops inferred links when the consumer binds, the on era keeps them",
          "[links][scenario]") {
  run_scenario("permissive-vs-on");
}

TEST_CASE("links: an overlay fixed-clock is a platform device, a boot-time one is not", "[links][scenario]") {
  run_scenario("overlay-fixed-clock");
}

TEST_CASE("links: i2c clients only under an enabled controller whose driver binds", "[links][scenario]") {
  run_scenario("i2c-clients-need-driver");
}

TEST_CASE("links: overlay simple-bus children get no devices, simple-pm-bus children do", "[links][scenario]") {
  run_scenario("overlay-simple-bus-vs-pm-bus");
}

TEST_CASE("links: provider and consumer on a bus populated at boot link to each other, not to the bus",
          "[links][scenario]") {
  run_scenario("provider-and-consumer-on-a-bus");
}

// Every folder runs, including one added without a named TEST_CASE above (which is then a
// failure: give it a name after its rule).
TEST_CASE("links: every testdata/links scenario has a named test and matches its expectation",
          "[links][scenario]") {
  REQUIRE(fs::is_directory(kScenarios));
  std::vector<std::string> folders;
  for (const auto& entry : fs::directory_iterator(kScenarios)) {
    if (entry.is_directory()) folders.push_back(entry.path().filename().string());
  }
  std::sort(folders.begin(), folders.end());
  REQUIRE(!folders.empty());
  const std::set<std::string> known = {
      "clocks-cells-1",          "supply-regulator",        "gpios-cells-2",
      "pinctrl-config-child",    "interrupts-inherited-parent", "remote-endpoint-cycle",
      "iommus-optional",         "pwms-since-5.15",         "disabled-supplier",
      "supplier-without-device", "consumer-of-own-child",   "permissive-vs-on",
      "overlay-fixed-clock",     "i2c-clients-need-driver", "overlay-simple-bus-vs-pm-bus",
      "provider-and-consumer-on-a-bus"};
  for (const std::string& folder : folders) {
    INFO("testdata/links/" << folder);
    CHECK(known.count(folder) == 1);
    if (!known.count(folder)) run_scenario(folder);
  }
  for (const std::string& name : known) {
    INFO("named scenario without a folder: " << name);
    CHECK(std::find(folders.begin(), folders.end(), name) != folders.end());
  }
}
