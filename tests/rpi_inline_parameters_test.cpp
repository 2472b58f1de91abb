// Raspberry Pi parameters inline on overlay arguments ("w1-gpio.dtbo,gpiopin=17", the form of a
// config.txt dtoverlay= line) and --dtoverlay: an overlay so given must behave exactly as the
// overlay Raspberry Pi's dtoverlay prepared (the recordings in testdata/rpi/recorded), in apply
// (same tree, same report) and in remove (same kernel lines), on a Raspberry Pi 4 B base.
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/ovlcheck_run.h"
#include "tests/support/tree_compare.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

using nlohmann::json;
using ovl::test::expect_cannot_run;
using ovl::test::ovlcheck;
using ovl::test::temp_path;

namespace fs = std::filesystem;

namespace {

const std::string kRpiDir = std::string(OVLCHECK_SOURCE_DIR) + "/testdata/rpi";
const std::string kPi4Base = kRpiDir + "/bcm2711-rpi-4-b.dtb";

// The report without the overlay names (which differ by construction) and the output path.
json without_names(json j) {
  if (j.is_object()) {
    j.erase("file");
    j.erase("output");
    for (auto& [key, value] : j.items()) value = without_names(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_names(value);
  }
  return j;
}

json run_json(std::vector<std::string> args) {
  auto result = ovlcheck(std::move(args));
  REQUIRE(result.exit_status <= 1);
  return ovl::test::report_of(result);
}

}  // namespace

TEST_CASE("w1-gpio.dtbo,gpiopin=17 applies and removes as dtoverlay's prepared overlay does") {
  const std::string inline_form = kRpiDir + "/overlays/w1-gpio.dtbo,gpiopin=17";
  const std::string prepared = kRpiDir + "/recorded/w1-gpio-pin17.dtbo";
  const std::string ours = temp_path("pi4-inline.dtb");
  const std::string theirs = temp_path("pi4-recorded.dtb");

  json apply_ours = run_json({"apply", "--json", "--base", kPi4Base, inline_form, "-o", ours});
  json apply_theirs = run_json({"apply", "--json", "--base", kPi4Base, prepared, "-o", theirs});
  CHECK(apply_ours["overlays"][0]["file"] == inline_form);  // the report names the parameters
  CHECK(apply_ours["overlays"][0]["changeset"]["nodes_added"].dump().find("/onewire@11") != std::string::npos);
  CHECK(without_names(apply_ours) == without_names(apply_theirs));

  auto tree_ours = ovl::fdt::load_blob_file(ours);
  auto tree_theirs = ovl::fdt::load_blob_file(theirs);
  REQUIRE(tree_ours);
  REQUIRE(tree_theirs);
  CHECK(ovl::test::compare_trees(tree_theirs->tree, tree_ours->tree, "dtoverlay", "inline").empty());

  json remove_ours = run_json({"remove", "--json", "--base", kPi4Base, inline_form});
  json remove_theirs = run_json({"remove", "--json", "--base", kPi4Base, prepared});
  CHECK(without_names(remove_ours) == without_names(remove_theirs));
  CHECK_FALSE(remove_ours["runs"][0]["messages"].empty());  // the comparison compares something
}

TEST_CASE("without parameters, --dtoverlay still prepares an overlay: its labels stay private") {
  const std::string raw = kRpiDir + "/overlays/w1-gpio.dtbo";
  json plain = run_json({"apply", "--json", "--base", kPi4Base, raw});
  json prepared = run_json({"apply", "--json", "--dtoverlay", "--base", kPi4Base, raw});
  json recorded = run_json({"apply", "--json", "--base", kPi4Base,
                            kRpiDir + "/recorded/w1-gpio-plain.dtbo"});
  // The raw blob adds its labels to the live __symbols__ (leak warnings); dtoverlay's does not.
  CHECK(plain["overlays"][0]["messages"].dump().find("/__symbols__/w1") != std::string::npos);
  CHECK(prepared["overlays"][0]["messages"].dump().find("__symbols__") == std::string::npos);
  CHECK(without_names(prepared) == without_names(recorded));
}

TEST_CASE("i2c-rtc needs a chip parameter: i2c-rtc.dtbo,ds3231 applies, the bare overlay does not") {
  const std::string base = ovl::test::compiled_file("rpi-i2c-arm-base.dtb", R"(/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		i2c_arm: i2c@7e804000 {
			compatible = "brcm,bcm2835-i2c";
			reg = <0x7e804000 0x1000>;
			#address-cells = <1>;
			#size-cells = <0>;
			status = "disabled";
		};
	};
};
)");
  json with_chip = run_json({"apply", "--json", "--base", base,
                             kRpiDir + "/overlays/i2c-rtc.dtbo,ds3231"});
  CHECK(with_chip["overlays"][0]["applied"] == true);
  CHECK(with_chip["overlays"][0]["changeset"]["nodes_added"] == json::array({"/soc/i2c@7e804000/ds3231@68"}));

  auto bare = ovlcheck({"apply", "--base", base, kRpiDir + "/overlays/i2c-rtc.dtbo"});
  CHECK(bare.exit_status != 0);  // every fragment is dormant: nothing the kernel would apply
}

TEST_CASE("a bad inline parameter stops the command before anything runs") {
  const std::string out = temp_path("never-written.dtb");
  fs::remove(out);
  auto result = ovlcheck({"apply", "--base", kPi4Base,
                             kRpiDir + "/overlays/w1-gpio.dtbo,gpiopn=17", "-o", out});
  expect_cannot_run(result, "ovlcheck: error: '" + kRpiDir + "/overlays/w1-gpio.dtbo': ");
  CHECK(result.err == "ovlcheck: error: '" + kRpiDir +
                          "/overlays/w1-gpio.dtbo': unknown parameter 'gpiopn' (did you mean 'gpiopin'?)\n");
  CHECK_FALSE(fs::exists(out));

  auto empty = ovlcheck({"links", "--base", kPi4Base, kRpiDir + "/overlays/w1-gpio.dtbo,,pullup"});
  CHECK(empty.exit_status == 2);
  CHECK(empty.err.find("empty parameter name") != std::string::npos);
}

TEST_CASE("every overlay-taking command's help shows the inline form") {
  for (const char* command : {"apply", "remove", "links"}) {
    auto help = ovlcheck({command, "--help"});
    INFO(command);
    CHECK(help.exit_status == 0);
    CHECK(help.out.find("w1-gpio.dtbo,gpiopin=17") != std::string::npos);
    CHECK(help.out.find("--dtoverlay") != std::string::npos);
  }
}
