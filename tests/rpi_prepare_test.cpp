// `ovlcheck prepare` against Raspberry Pi's own dtoverlay: every case in testdata/rpi/cases.txt
// has a recording of `dtoverlay -D` (recorded/CASE.dtbo, its dry_run.dtbo) or of its refusal
// (recorded/CASE.refused). A prepared overlay must be the same tree, in the same order (the
// order is what the kernel later replays); a refused one must be refused with exit 2, one
// error line and no file. A case without a recording fails.
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/ovlcheck_run.h"
#include "tests/support/test_files.h"
#include "tests/support/tree_compare.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using ovl::DeviceTree;
using ovl::NodeId;
using ovl::test::expect_cannot_run;
using ovl::test::ovlcheck;
using ovl::test::read_text;
using ovl::test::temp_path;

namespace fs = std::filesystem;

namespace {

const std::string kRpiDir = std::string(OVLCHECK_SOURCE_DIR) + "/testdata/rpi";

struct RecordedCase {
  std::string name;
  std::string overlay;
  std::vector<std::string> parameters;
};

std::vector<RecordedCase> read_cases() {
  std::ifstream in(kRpiDir + "/cases.txt");
  REQUIRE(in);
  std::vector<RecordedCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    RecordedCase c;
    words >> c.name >> c.overlay;
    for (std::string p; words >> p;) c.parameters.push_back(p);
    cases.push_back(std::move(c));
  }
  return cases;
}

// Every node's properties and children in list order, one line per node.
std::vector<std::string> layout(const DeviceTree& tree) {
  std::vector<std::string> lines;
  std::vector<NodeId> stack{tree.root()};
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    std::string line = tree.path(id) + ":";
    for (const auto& p : tree.node(id).properties.items()) {
      if (!p.synthetic) line += " " + p.name;
    }
    line += " |";
    std::vector<NodeId> children;
    tree.for_each_child(id, [&](NodeId c) {
      line += " " + tree.node(c).full_name;
      children.push_back(c);
    });
    lines.push_back(line);
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return lines;
}

}  // namespace

TEST_CASE("prepare equals every recorded dtoverlay dry run and refusal") {
  std::vector<RecordedCase> cases = read_cases();
  REQUIRE(cases.size() >= 40);
  for (const RecordedCase& c : cases) {
    INFO("case " << c.name);
    const std::string recorded = kRpiDir + "/recorded/" + c.name + ".dtbo";
    const std::string refused = kRpiDir + "/recorded/" + c.name + ".refused";
    const bool has_dry_run = fs::exists(recorded);
    const bool has_refusal = fs::exists(refused);
    REQUIRE((has_dry_run || has_refusal));  // a case must have its recording
    const std::string out = temp_path("prepared-" + c.name + ".dtbo");
    fs::remove(out);
    const std::string overlay = kRpiDir + "/overlays/" + c.overlay + ".dtbo";
    std::vector<std::string> args{"prepare", overlay};
    args.insert(args.end(), c.parameters.begin(), c.parameters.end());
    args.insert(args.end(), {"-o", out});
    auto result = ovlcheck(args);
    INFO(result.err);
    if (has_dry_run) {
      REQUIRE(result.exit_status == 0);
      auto ours = ovl::fdt::load_blob_file(out);
      auto theirs = ovl::fdt::load_blob_file(recorded);
      REQUIRE(ours);
      REQUIRE(theirs);
      auto differences = ovl::test::compare_trees(theirs->tree, ours->tree, "dtoverlay", "ovlcheck");
      INFO([&] {
        std::string all;
        for (const auto& d : differences) all += d + "\n";
        return all;
      }());
      CHECK(differences.empty());
      CHECK(layout(theirs->tree) == layout(ours->tree));
    } else {
      INFO("dtoverlay said: " << read_text(refused));
      expect_cannot_run(result, "ovlcheck: error: '" + overlay + "': ");
      CHECK_FALSE(fs::exists(out));
    }
  }
}

TEST_CASE("prepare names the closest parameter when one is mistyped") {
  auto result = ovlcheck({"prepare", kRpiDir + "/overlays/w1-gpio.dtbo", "gpiopn=17"});
  CHECK(result.exit_status == 2);
  CHECK(result.err == "ovlcheck: error: '" + kRpiDir +
                          "/overlays/w1-gpio.dtbo': unknown parameter 'gpiopn' (did you mean 'gpiopin'?)\n");
  auto far = ovlcheck({"prepare", kRpiDir + "/overlays/w1-gpio.dtbo", "speed=1"});
  CHECK(far.exit_status == 2);
  CHECK(far.err.find("unknown parameter 'speed'\n") != std::string::npos);  // nothing close
}

TEST_CASE("prepare reports what each parameter changed") {
  auto text = ovlcheck({"prepare", kRpiDir + "/overlays/w1-gpio.dtbo,gpiopin=17"});
  REQUIRE(text.exit_status == 0);
  CHECK(text.out.find("gpiopin=17\n") != std::string::npos);
  CHECK(text.out.find("/fragment@0/__overlay__/onewire@0 gpios: <0xffffffff 0x4 0x0> -> <0xffffffff 0x11 0x0>") !=
        std::string::npos);
  CHECK(text.out.find("/fragment@0/__overlay__/onewire@0: renamed onewire@0 -> onewire@11") != std::string::npos);
  CHECK(text.out.find("private labels (not in __exports__): w1 w1_pins") != std::string::npos);

  auto json = ovlcheck({"prepare", "--json", kRpiDir + "/overlays/i2c-rtc.dtbo", "ds3231"});
  REQUIRE(json.exit_status == 0);
  CHECK(json.out.find("\"renamed_to\": \"__overlay__\"") != std::string::npos);
  CHECK(json.out.find("\"node\": \"/fragment@3/__dormant__\"") != std::string::npos);
}
