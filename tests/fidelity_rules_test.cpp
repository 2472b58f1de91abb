// Three rules real kernels follow (issue 7), end to end through the built ovlcheck on trees
// compiled at test time; each is also pinned by a real-kernel recording in testdata/lifecycle
// (n-bus-node-names, t-root-symbols, u-no-fragments; see its README):
//  - a node hosts an i2c/spi bus because its bound driver registers an adapter/controller, not
//    because of its name (the compatible decides; the schema's node-name patterns only when the
//    compatible is unknown; a --drivers file can state the class);
//  - labels of a fragment targeting "/" become "/node" in the live __symbols__ from the fix on
//    (6.1.191, v7.3), "//node" before, which a later overlay cannot resolve;
//  - an overlay without any __overlay__ fragment and without symbols is refused by the kernel:
//    a finding (exit 1), not an unreadable input (exit 2).
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

using nlohmann::json;
using ovl::test::CommandResult;
using ovl::test::compiled_file;
using ovl::test::run_command;

namespace {

CommandResult ovlcheck(std::vector<std::string> args) {
  args.insert(args.begin(), OVLCHECK_BINARY);
  return run_command(args);
}

json parse(const CommandResult& r) {
  INFO("exit " << r.exit_status << ", stderr: " << r.err);
  REQUIRE(!r.out.empty());
  return json::parse(r.out);
}

// ---- bus class ---------------------------------------------------------------------------------

const char* const kBusBase = R"(/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	reg0: regulator {
		compatible = "regulator-fixed";
	};
	/* i2c-gpio's driver calls i2c_add_numbered_adapter(): a host whatever its name */
	i2c-gpio {
		compatible = "i2c-gpio";
		#address-cells = <1>;
		#size-cells = <0>;
		sensor@48 { compatible = "acme,sensor"; reg = <0x48>; };
	};
	/* unknown compatible: the dt-schema name pattern decides, and "i2c-0" matches it */
	i2c-0 {
		compatible = "acme,unknown-i2c";
		#address-cells = <1>;
		#size-cells = <0>;
		sensor@49 { compatible = "acme,sensor"; reg = <0x49>; };
	};
	spi_a: spi-gpio {
		compatible = "spi-gpio";
		#address-cells = <1>;
		#size-cells = <0>;
		flash@0 { compatible = "acme,flash"; reg = <0>; };
	};
	/* unknown compatible and a name spi-controller.yaml rejects ("-g" is not hex): no bus */
	spi-gpio@3000 {
		compatible = "acme,unknown-spi";
		reg = <0x3000 0x100>;
		#address-cells = <1>;
		#size-cells = <0>;
		flash@0 { compatible = "acme,flash"; reg = <0>; };
	};
	/* the --drivers file states the class of these two */
	engine {
		compatible = "acme,spi-engine";
		#address-cells = <1>;
		#size-cells = <0>;
		flash@1 { compatible = "acme,flash"; reg = <1>; };
	};
	i2c@2000 {
		compatible = "acme,not-a-bus";
		reg = <0x2000 0x100>;
		#address-cells = <1>;
		#size-cells = <0>;
		sensor@50 { compatible = "acme,sensor"; reg = <0x50>; };
	};
};
)";

const char* const kBusOverlay = R"(/dts-v1/;
/plugin/;
&spi_a {
	flash@1 {
		compatible = "acme,flash";
		reg = <1>;
		vdd-supply = <&reg0>;
	};
};
)";

std::string bus_drivers_file() {
  std::string path = ovl::test::temp_path("bus-drivers.txt");
  std::ofstream out(path);
  out << "regulator-fixed\ni2c-gpio\nacme,unknown-i2c\nspi-gpio\nacme,unknown-spi\n"
         "acme,spi-engine   bus=spi   # registers an spi controller\n"
         "acme,not-a-bus bus=none\n";
  return path;
}

std::map<std::string, std::string> buses_by_node(const json& devices) {
  std::map<std::string, std::string> out;
  for (const json& d : devices) out[d.at("node")] = d.at("bus");
  return out;
}

const json* device(const json& devices, const std::string& node) {
  for (const json& d : devices) {
    if (d.at("node") == node) return &d;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a node hosts an i2c or spi bus when its bound driver registers one, whatever its name",
          "[rules][bus-class]") {
  std::string base = compiled_file("bus-base.dtb", kBusBase);
  std::string overlay = compiled_file("bus-overlay.dtbo", kBusOverlay);
  json report = parse(ovlcheck({"links", "--json", "--kernel", "6.1.192", "--drivers", bus_drivers_file(),
                                "--base", base, overlay}));
  std::map<std::string, std::string> boot = buses_by_node(report["boot"]["devices"]);
  CHECK(boot["/i2c-gpio/sensor@48"] == "i2c");
  CHECK(boot["/i2c-0/sensor@49"] == "i2c");
  CHECK(boot["/spi-gpio/flash@0"] == "spi");
  CHECK(boot["/engine/flash@1"] == "spi");
  CHECK(boot.count("/spi-gpio@3000/flash@0") == 0);
  CHECK(boot.count("/i2c@2000/sensor@50") == 0);

  // Which rule decided, per bus device.
  auto rule = [&](const std::string& node) {
    const json* d = device(report["boot"]["devices"], node);
    REQUIRE(d != nullptr);
    return (*d)["hosts"].is_null() ? std::string("null")
                                   : (*d)["hosts"]["bus"].get<std::string>() + " " +
                                         (*d)["hosts"]["rule"].get<std::string>();
  };
  CHECK(rule("/i2c-gpio") == "i2c compatible-table");
  CHECK(rule("/spi-gpio") == "spi compatible-table");
  CHECK(rule("/i2c-0") == "i2c node-name");
  CHECK(rule("/engine") == "spi drivers-file");
  CHECK(rule("/i2c@2000") == "none drivers-file");
  CHECK(rule("/spi-gpio@3000") == "null");

  // The overlay's client below "spi-gpio" becomes an spi device (of_spi_notify finds the
  // controller by node) and fw_devlink links it to the regulator.
  std::map<std::string, std::string> applied = buses_by_node(report["applied"]["devices"]);
  CHECK(applied["/spi-gpio/flash@1"] == "spi");
  bool linked = false;
  for (const json& l : report["applied"]["links"]) {
    if (l["consumer"] == "/spi-gpio/flash@1" && l["supplier"] == "/regulator") linked = true;
  }
  CHECK(linked);
}

TEST_CASE("a --drivers file with an unknown word after a compatible cannot be used", "[rules][bus-class]") {
  std::string path = ovl::test::temp_path("bad-drivers.txt");
  std::ofstream(path) << "i2c-gpio\nacme,x bus=usb\n";
  CommandResult r = ovlcheck({"links", "--drivers", path, "--base", compiled_file("bus-base.dtb", kBusBase)});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "ovlcheck: error: '" + path +
                     "': line 2: 'bus=usb' after the compatible is not bus=i2c, bus=spi or bus=none\n");
}

namespace {

// ---- __symbols__ of a fragment targeting the root ------------------------------------------------

const char* const kRootBase = R"(/dts-v1/;
/ {
	marker: marker {
	};
};
)";
const char* const kRootProvider = R"(/dts-v1/;
/plugin/;
&{/} {
	ovl_clk: ovl-clk {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <1000000>;
	};
};
)";
const char* const kRootConsumer = R"(/dts-v1/;
/plugin/;
&{/} {
	ovl-consumer {
		compatible = "acme,consumer";
		clocks = <&ovl_clk>;
	};
};
)";

std::string live_symbol(const std::string& dtb, const std::string& label) {
  auto loaded = ovl::fdt::load_blob_file(dtb);
  REQUIRE(loaded);
  const ovl::DeviceTree& tree = loaded->tree;
  ovl::NodeId symbols = tree.find_by_path("/__symbols__");
  REQUIRE(symbols != ovl::kNoNode);
  const ovl::Property* p = tree.node(symbols).properties.find(label);
  REQUIRE(p != nullptr);
  return std::string(p->as_string());
}

}  // namespace

TEST_CASE("a label below a fragment targeting / is /node from 6.1.191, and a later overlay resolves it",
          "[rules][root-symbols]") {
  std::string base = compiled_file("root-base.dtb", kRootBase);
  std::string provider = compiled_file("root-provider.dtbo", kRootProvider);
  std::string consumer = compiled_file("root-consumer.dtbo", kRootConsumer);

  // With the fix (the oracle's 6.1.192 and 6.12.118 write "/ovl-clk"): both apply.
  for (const char* kernel : {"6.1.192", "6.12.118", "7.3"}) {
    INFO("kernel " << kernel);
    std::string out = ovl::test::temp_path(std::string("root-fixed-") + kernel + ".dtb");
    CommandResult r = ovlcheck({"apply", "--json", "--kernel", kernel, "--base", base, "-o", out, provider, consumer});
    json report = parse(r);
    CHECK(r.exit_status == 0);
    CHECK(report["overlays"][1]["applied"] == true);
    CHECK(live_symbol(out, "ovl_clk") == "/ovl-clk");
  }
  // Before it: "//ovl-clk", which of_find_node_by_path() does not find, so the consumer overlay is
  // refused by the resolver (-ENOENT, silently).
  for (const char* kernel : {"6.1.190", "6.6"}) {
    INFO("kernel " << kernel);
    std::string out = ovl::test::temp_path(std::string("root-old-") + kernel + ".dtb");
    json one = parse(ovlcheck({"apply", "--json", "--kernel", kernel, "--base", base, "-o", out, provider}));
    CHECK(live_symbol(out, "ovl_clk") == "//ovl-clk");
    CommandResult r = ovlcheck({"apply", "--json", "--kernel", kernel, "--base", base, provider, consumer});
    json both = parse(r);
    CHECK(r.exit_status == 1);
    CHECK(both["overlays"][1]["applied"] == false);
    CHECK(both["overlays"][1]["error"] == "label-path-not-found");
  }
}

TEST_CASE("an overlay with no __overlay__ fragment and no symbols is the kernel's refusal, exit 1",
          "[rules][no-fragments]") {
  std::string base = compiled_file("root-base.dtb", kRootBase);
  const char* const dormant = R"(/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target-path = "/";
		__dormant__ {
			node {
				compatible = "acme,thing";
			};
		};
	};
};
)";
  const char* const empty = "/dts-v1/;\n/plugin/;\n/ {\n};\n";
  for (auto [name, source] : {std::pair{"dormant-only.dtbo", dormant}, std::pair{"empty.dtbo", empty}}) {
    INFO(name);
    std::string overlay = compiled_file(name, source);
    CommandResult r = ovlcheck({"apply", "--json", "--kernel", "6.1.192", "--base", base, overlay});
    json report = parse(r);
    CHECK(r.exit_status == 1);
    CHECK(r.err.empty());
    const json& o = report["overlays"][0];
    CHECK(o["applied"] == false);
    CHECK(o["result"] == -22);
    CHECK(o["error"] == "no-fragments");
    std::vector<std::string> lines;
    for (const json& m : o["messages"]) lines.push_back(m["text"]);
    CHECK(lines == std::vector<std::string>{"OF: overlay: no fragments or symbols in overlay",
                                            "OF: overlay: init_overlay_changeset() failed, ret = -22"});
  }
  // What the kernel cannot even unflatten stays "cannot run".
  std::string junk = ovl::test::temp_path("junk.dtbo");
  std::ofstream(junk) << "not a device tree blob";
  CommandResult r = ovlcheck({"apply", "--json", "--base", base, junk});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
}
