// The lints of `ovlcheck check` (docs/json-schema.md "Finding codes (check)"), each on a small
// stack compiled at test time with dtc -@:
// - leak-symbol: an overlay label added to the base's /__symbols__ (the kernel's leak warning);
// - needs-earlier-overlay: a label resolved from an earlier overlay of the stack, not the base;
// - removal-order-refused: removing the stack in apply order hits the kernel's topmost rule;
// - board-compatible-mismatch: the overlay's root compatible names another board.
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"
#include "tests/support/test_files.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using ovl::test::compiled_file;
using ovl::test::run_command;

namespace {

const char* const kBase = R"(/dts-v1/;
/ {
	compatible = "vendor,board-a", "vendor,soc";
	#address-cells = <1>;
	#size-cells = <1>;
	soc: soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
	};
};
)";

// Adds a clock provider with a label under /soc.
const char* const kProvider = R"(/dts-v1/;
/plugin/;
&soc {
	ovl_clk: clock@1000 {
		compatible = "fixed-clock";
		reg = <0x1000 0x10>;
		#clock-cells = <0>;
		clock-frequency = <1000000>;
	};
};
)";

// Uses the provider's label (resolvable only once the provider is applied), and names the
// provider's clock output: an entry on the provider's node.
const char* const kConsumer = R"(/dts-v1/;
/plugin/;
&soc {
	consumer@2000 {
		compatible = "vendor,consumer";
		reg = <0x2000 0x10>;
		clocks = <&ovl_clk>;
	};
};
&ovl_clk {
	clock-output-names = "ovl";
};
)";

const char* const kOtherBoard = R"(/dts-v1/;
/plugin/;
/ {
	compatible = "vendor,board-b";
};
&soc {
	status = "okay";
};
)";

json check_json(const std::vector<std::string>& overlays, const std::string& kernel = "6.12") {
  std::vector<std::string> args = {OVLCHECK_BINARY, "check", "--format", "json", "--kernel", kernel, "--manifest",
                                   ovl::test::temp_path("lint-manifest.json")};
  json manifest = json::array({{{"base", compiled_file("lint-base.dtb", kBase)}, {"overlays", overlays}}});
  std::vector<std::uint8_t> bytes;
  std::string text = manifest.dump();
  ovl::test::write_bytes(args.back(), std::vector<std::uint8_t>(text.begin(), text.end()));
  auto r = run_command(args);
  INFO(r.err);
  REQUIRE(r.exit_status != 2);
  return json::parse(r.out)["cases"][0];
}

std::vector<json> findings_with(const json& c, const std::string& code) {
  std::vector<json> out;
  for (const json& f : c["findings"]) {
    if (f["code"] == code) out.push_back(f);
  }
  return out;
}

}  // namespace

TEST_CASE("lints: a stack whose second overlay uses the first one's label", "[cli][check][lints]") {
  std::string provider = compiled_file("lint-provider.dtbo", kProvider);
  std::string consumer = compiled_file("lint-consumer.dtbo", kConsumer);
  json stacked = check_json({provider, consumer});
  CHECK(stacked["result"] == "pass");  // it applies: the kernel resolves ovl_clk from the live __symbols__
  auto needs = findings_with(stacked, "needs-earlier-overlay");
  REQUIRE(needs.size() == 1);
  CHECK(needs[0]["overlay"] == consumer);
  CHECK(needs[0]["path"] == "/__fixups__/ovl_clk");
  CHECK(needs[0]["causes"] == json::array({provider}));
  // The provider's label lands in the base's /__symbols__: the kernel's leak warning, as info.
  auto symbol = findings_with(stacked, "leak-symbol");
  REQUIRE(symbol.size() == 1);
  CHECK(symbol[0]["path"] == "/__symbols__/ovl_clk");
  CHECK(symbol[0]["severity"] == "info");
  CHECK(symbol[0]["message"] == "OF: overlay: WARNING: memory leak will occur if overlay removed, property: /__symbols__/ovl_clk");
  // The consumer changes a node the provider added: the provider cannot be removed first.
  auto order = findings_with(stacked, "removal-order-refused");
  REQUIRE(order.size() == 1);
  CHECK(order[0]["overlay"] == provider);

  // The other order: the kernel refuses the consumer (its label is not there yet).
  json reversed = check_json({consumer, provider});
  CHECK(reversed["result"] == "fail");
  CHECK(findings_with(reversed, "unresolved-label").size() == 1);
  CHECK(findings_with(reversed, "needs-earlier-overlay").empty());
}

TEST_CASE("lints: an overlay for another board is a board-compatible-mismatch warning", "[cli][check][lints]") {
  std::string other = compiled_file("lint-other-board.dtbo", kOtherBoard);
  json c = check_json({other});
  auto mismatch = findings_with(c, "board-compatible-mismatch");
  REQUIRE(mismatch.size() == 1);
  CHECK(mismatch[0]["severity"] == "warning");
  CHECK(mismatch[0]["detail"] == "the overlay is meant for \"vendor,board-b\"; the base is \"vendor,board-a\", \"vendor,soc\"");
  // An overlay without a root compatible, or one naming a board the base lists, is not flagged.
  CHECK(findings_with(check_json({compiled_file("lint-provider.dtbo", kProvider)}), "board-compatible-mismatch").empty());
}

// The one case of `check --format json` on a base and an overlay blob with `drivers` (a
// --drivers file's text); the run must pass --fail-on error.
namespace {
// A bus with two clock controllers, the second one disabled.
const char* const kClockControllers = R"(/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	soc: soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		clkc: clock-controller@10000 {
			compatible = "vendor,clkc";
			reg = <0x10000 0x1000>;
			#clock-cells = <1>;
		};
		off_clk: clock-controller@30000 {
			compatible = "vendor,clkc";
			reg = <0x30000 0x1000>;
			#clock-cells = <1>;
			status = "disabled";
		};
	};
};
)";

json check_with_drivers(const std::string& base_file, const std::string& overlay_file, const std::string& drivers) {
  std::string list = ovl::test::temp_path("lint-drivers.txt");
  ovl::test::write_bytes(list, std::vector<std::uint8_t>(drivers.begin(), drivers.end()));
  auto r = run_command({OVLCHECK_BINARY, "check", "--format", "json", "--drivers", list, "--base", base_file,
                        overlay_file});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);  // warnings at most
  return json::parse(r.out)["cases"][0];
}
}  // namespace

TEST_CASE("lints: a consumer whose supplier has no driver waits forever", "[cli][check][lints]") {
  // The base's clock controller has no driver in the list; the overlay's consumer does.
  const char* overlay = R"(/dts-v1/;
/plugin/;
&{/soc} {
	consumer@2000 {
		compatible = "vendor,consumer";
		reg = <0x2000 0x10>;
		clocks = <&clkc 1>;
	};
};
)";
  std::string base_file = compiled_file("lint-clocks-base.dtb", kClockControllers);
  std::string overlay_file = compiled_file("lint-wait-consumer.dtbo", overlay);
  auto waiting = findings_with(check_with_drivers(base_file, overlay_file, "simple-bus\nvendor,consumer\n"),
                               "supplier-never-ready");
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0]["path"] == "/soc/consumer@2000");
  CHECK(waiting[0]["overlay"] == overlay_file);
  CHECK(waiting[0]["severity"] == "warning");
  CHECK(waiting[0]["causes"] == json::array({"device link /soc/consumer@2000 -> /soc/clock-controller@10000 (clocks)"}));
  // With a driver for the clock controller the consumer probes.
  CHECK(findings_with(check_with_drivers(base_file, overlay_file, "simple-bus\nvendor,consumer\nvendor,clkc\n"),
                      "supplier-never-ready")
            .empty());
}

// Dependency cycles, on the scenarios recorded on Debian's 6.12.118 (testdata/lifecycle/v-cycles,
// the buses kernel's driver list). What must come out is what the kernel did there, and for a
// kernel without the v6.3 cycle search what its fw_devlink_create_devlink() does (docs of §1.5).
namespace {
json cycle_case(const std::string& overlay, const std::string& kernel) {
  // --fail-on never: kernels before the 2024 barrier also report the removal's leaks as errors.
  auto r = run_command({OVLCHECK_BINARY, "check", "--format", "json", "--fail-on", "never", "--kernel", kernel, "--drivers",
                        ovl::test::source_file("testdata/lifecycle/DRIVERS-6.12-buses.txt"), "--base",
                        ovl::test::source_file("testdata/lifecycle/v-cycles/oracle-base.dtb"),
                        ovl::test::source_file("testdata/lifecycle/v-cycles/" + overlay)});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  return json::parse(r.out)["cases"][0];
}
}  // namespace

TEST_CASE("check: two fixed regulators that supply each other are a blocking cycle, though fw_devlink relaxes it",
          "[check][lint]") {
  // 6.12.118 printed both "Fixed dependency cycle(s)" lines and bound neither regulator: the
  // regulator core defers a regulator without an enable GPIO until its supply is registered.
  // 6.1.192 found no cycle (reg-x linked to the bus, its supplier being a NOT_DEVICE overlay node
  // then) and bound neither either: reg-y waits for reg-x by its link, reg-x for reg-y in probe.
  for (const std::string kernel : {"6.12.118", "6.1.192", "6.1.40"}) {
    INFO("kernel " << kernel);
    json c = cycle_case("cycle-pair.dts", kernel);
    auto blocking = findings_with(c, "cycle-blocking");
    REQUIRE(blocking.size() == 1);
    CHECK(blocking[0]["severity"] == "warning");
    CHECK(blocking[0]["path"] == "/test-bus/reg-x");
    CHECK(blocking[0]["causes"].size() == 2);
    CHECK(findings_with(c, "supplier-never-ready").empty());
  }
  CHECK(findings_with(cycle_case("cycle-pair.dts", "6.12.118"), "cycle-relaxed").size() == 2);
  CHECK(findings_with(cycle_case("cycle-pair.dts", "6.1.192"), "cycle-relaxed").empty());
}

TEST_CASE("check: a cycle through a device that does not exist yet blocks before v6.3 and is relaxed from v6.3",
          "[check][lint]") {
  // 6.12.118 relaxed it ("Fixed dependency cycle(s)" twice) and bound the clock, the adapter and
  // nothing else was left waiting.
  json relaxed = cycle_case("cycle-through-bus.dts", "6.12.118");
  CHECK(findings_with(relaxed, "cycle-blocking").empty());
  CHECK(findings_with(relaxed, "supplier-never-ready").empty());
  auto fixed = findings_with(relaxed, "cycle-relaxed");
  REQUIRE(fixed.size() == 2);
  CHECK(fixed[0]["message"] == "/test-bus/i2c-gpio-c: Fixed dependency cycle(s) with /test-bus/clock-c");
  CHECK(fixed[1]["message"] == "/test-bus/clock-c: Fixed dependency cycle(s) with /test-bus/i2c-gpio-c/client@50");
  // 6.1.192 has the search too, but links the clock to the bus (the client is a NOT_DEVICE overlay
  // node when the clock is added), so there is no cycle to find and all three bind.
  json on_61 = cycle_case("cycle-through-bus.dts", "6.1.192");
  CHECK(findings_with(on_61, "cycle-blocking").empty());
  CHECK(findings_with(on_61, "cycle-relaxed").empty());
  CHECK(findings_with(on_61, "supplier-never-ready").empty());
  // Before the cycle search the clock waits for the client, which waits for its adapter, which
  // waits for the clock: the supplier's nearest parent device (the bus) does not depend on the
  // clock when the clock is added, so nothing is relaxed.
  for (const std::string kernel : {"6.1.40", "5.15.0"}) {
    INFO("kernel " << kernel);
    json blocked = cycle_case("cycle-through-bus.dts", kernel);
    auto blocking = findings_with(blocked, "cycle-blocking");
    REQUIRE(blocking.size() == 1);
    CHECK(blocking[0]["path"] == "/test-bus/clock-c");
    CHECK(blocking[0]["causes"] ==
          json::array({"fwnode link /test-bus/clock-c -> /test-bus/i2c-gpio-c/client@50 (vdd-supply), which gets a "
                       "device only when platform device /test-bus/i2c-gpio-c binds",
                       "device link /test-bus/i2c-gpio-c -> /test-bus/clock-c (clocks)"}));
    CHECK(findings_with(blocked, "cycle-relaxed").empty());
  }
}

TEST_CASE("check: a consumer of a disabled supplier waits for ever in its driver, though fw_devlink makes no link",
          "[check][lint]") {
  const char* const overlay = R"(/dts-v1/;
/plugin/;
&soc {
	consumer@2000 {
		compatible = "vendor,consumer";
		reg = <0x2000 0x10>;
		clocks = <&clkc 0>, <&off_clk 1>;
	};
};
)";
  auto waiting = findings_with(check_with_drivers(compiled_file("lint-clocks-base.dtb", kClockControllers),
                                                  compiled_file("lint-disabled-consumer.dtbo", overlay),
                                                  "simple-bus\nvendor,consumer\nvendor,clkc\n"),
                               "supplier-never-ready");
  REQUIRE(waiting.size() == 1);  // the enabled clock controller is fine
  CHECK(waiting[0]["path"] == "/soc/consumer@2000");
  CHECK(waiting[0]["causes"] == json::array({"clocks -> /soc/clock-controller@30000 (is disabled)"}));
}
