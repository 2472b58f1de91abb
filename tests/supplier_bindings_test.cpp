// Supplier bindings: which properties name suppliers on which kernel, and how each kind is parsed.
// Expected values come from drivers/of/property.c, base.c and irq.c as described in
// kernel-model-devlink.md §2 (and the stable shortlogs cited in core/devices/supplier_bindings.cpp).
#include "core/devices/supplier_bindings.h"
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using ovl::DeviceTree;
using ovl::Finding;
using ovl::KernelProfile;
using ovl::KernelVersion;
using ovl::kNoNode;
using ovl::NodeId;
using ovl::SupplierReference;

namespace {

DeviceTree load(const std::string& dts) {
  auto loaded = ovl::fdt::load_blob_bytes("bindings.dtb", ovl::test::compile_dts(dts));
  REQUIRE(loaded);
  return std::move(loaded->tree);
}

KernelProfile kernel(int major, int minor, int patch = 0) {
  return KernelProfile::for_version(KernelVersion{major, minor, patch});
}

struct Parsed {
  std::vector<SupplierReference> references;
  std::vector<Finding> problems;

  std::vector<std::string> suppliers(const DeviceTree& tree) const {
    std::vector<std::string> paths;
    for (const SupplierReference& r : references) paths.push_back(tree.path(r.supplier));
    return paths;
  }
};

// parse_supplier_property for property `name` of the node at `path`.
Parsed parse(const DeviceTree& tree, const std::string& path, const std::string& name,
             const KernelProfile& profile) {
  const NodeId node = tree.find_by_path(path);
  REQUIRE(node != kNoNode);
  const ovl::Property* property = tree.node(node).properties.find(name);
  REQUIRE(property != nullptr);
  Parsed parsed;
  parsed.references = ovl::parse_supplier_property(tree, node, *property, profile, parsed.problems);
  return parsed;
}

using Paths = std::vector<std::string>;

}  // namespace

TEST_CASE("clocks: each phandle is a supplier, its #clock-cells arguments skipped, none after an empty slot", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	clk_a: clock-a { #clock-cells = <1>; };
	clk_b: clock-b { #clock-cells = <0>; };
	consumer {
		clocks = <&clk_a 3>, <&clk_b>, <&clk_a 4>;
		assigned = <&clk_a 3>;
	};
	gap { clocks = <&clk_a 1>, <0>, <&clk_b>; };
};
)");
  const Parsed parsed = parse(tree, "/consumer", "clocks", kernel(6, 1));
  CHECK(parsed.suppliers(tree) == Paths{"/clock-a", "/clock-b", "/clock-a"});
  REQUIRE(parsed.references.size() == 3);
  CHECK(parsed.references[2].index == 2);
  CHECK(parsed.references[0].property == "clocks");
  CHECK(parsed.references[0].consumer == tree.find_by_path("/consumer"));
  CHECK_FALSE(parsed.references[0].ignore);
  CHECK(parsed.problems.empty());

  // An empty slot (phandle 0) is -ENOENT for its index, and of_link_property stops at the first
  // index without a node: the supplier after the gap is never linked.
  const Parsed gap = parse(tree, "/gap", "clocks", kernel(6, 1));
  CHECK(gap.suppliers(tree) == Paths{"/clock-a"});
  CHECK(gap.problems.empty());

  // Not a binding at all.
  CHECK(parse(tree, "/consumer", "assigned", kernel(6, 1)).references.empty());
}

TEST_CASE("supply bindings: a *-supply suffix takes bare phandles, a bare -supply is no binding", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	vcc: regulator { };
	consumer {
		vdd-supply = <&vcc>;
		-supply = <&vcc>;
	};
};
)");
  CHECK(parse(tree, "/consumer", "vdd-supply", kernel(6, 1)).suppliers(tree) == Paths{"/regulator"});
  // strcmp_suffix needs a name longer than the suffix.
  CHECK(parse(tree, "/consumer", "-supply", kernel(6, 1)).references.empty());
}

TEST_CASE("gpio bindings: *-gpios skips #gpio-cells arguments, and ',nr-gpios' is not a phandle list", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	gpio_a: gpio-a { gpio-controller; #gpio-cells = <2>; };
	gpio_b: gpio-b { gpio-controller; #gpio-cells = <2>; };
	consumer {
		reset-gpios = <&gpio_a 1 0>, <&gpio_b 7 1>;
		enable-gpio = <&gpio_b 2 0>;
		snps,nr-gpios = <32>;
	};
};
)");
  const Parsed gpios = parse(tree, "/consumer", "reset-gpios", kernel(6, 1));
  CHECK(gpios.suppliers(tree) == Paths{"/gpio-a", "/gpio-b"});
  CHECK(parse(tree, "/consumer", "enable-gpio", kernel(6, 1)).suppliers(tree) == Paths{"/gpio-b"});

  const Parsed nr = parse(tree, "/consumer", "snps,nr-gpios", kernel(6, 1));
  CHECK(nr.references.empty());
  CHECK(nr.problems.empty());  // 32 is a count, never looked up as a phandle
}

TEST_CASE("gpio/gpios: parsed from 5.12, skipped on gpio-hog nodes", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	gpio: gpio { gpio-controller; #gpio-cells = <2>; };
	consumer { gpios = <&gpio 4 0>; };
	hog { gpio-hog; gpios = <&gpio 5 0>; output-high; };
};
)");
  CHECK(parse(tree, "/consumer", "gpios", kernel(6, 1)).suppliers(tree) == Paths{"/gpio"});
  CHECK(parse(tree, "/hog", "gpios", kernel(6, 1)).references.empty());
  CHECK(parse(tree, "/consumer", "gpios", kernel(5, 10)).references.empty());
}

TEST_CASE("pinctrl-0 to pinctrl-8 name suppliers, pinctrl-9 does not", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	pinctrl {
		pins_a: pins-a { };
		pins_b: pins-b { };
	};
	consumer {
		pinctrl-0 = <&pins_a &pins_b>;
		pinctrl-8 = <&pins_b>;
		pinctrl-9 = <&pins_b>;
	};
};
)");
  CHECK(parse(tree, "/consumer", "pinctrl-0", kernel(6, 1)).suppliers(tree) ==
        Paths{"/pinctrl/pins-a", "/pinctrl/pins-b"});
  CHECK(parse(tree, "/consumer", "pinctrl-8", kernel(6, 1)).suppliers(tree) ==
        Paths{"/pinctrl/pins-b"});
  CHECK(parse(tree, "/consumer", "pinctrl-9", kernel(6, 1)).references.empty());
}

TEST_CASE("interrupts: the supplier is the interrupt parent inherited from an ancestor, once per specifier, from 5.12", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	interrupt-parent = <&intc>;
	intc: interrupt-controller {
		interrupt-controller;
		#interrupt-cells = <2>;
	};
	soc {
		device { interrupts = <1 4>, <2 4>; };
		quiet { status = "okay"; };
	};
};
)");
  // of_irq_find_parent: device and soc have no interrupt-parent and no #interrupt-cells, the
  // root's interrupt-parent names intc; one supplier per 2-cell specifier.
  const Parsed parsed = parse(tree, "/soc/device", "interrupts", kernel(6, 1));
  CHECK(parsed.suppliers(tree) == Paths{"/interrupt-controller", "/interrupt-controller"});
  CHECK(parsed.problems.empty());
  // Before 5.12 "interrupts" was not a binding.
  CHECK(parse(tree, "/soc/device", "interrupts", kernel(5, 10)).references.empty());
}

TEST_CASE("interrupts-extended: each phandle is a supplier, its controller's #interrupt-cells skipped", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	intc_a: intc-a { interrupt-controller; #interrupt-cells = <1>; };
	intc_b: intc-b { interrupt-controller; #interrupt-cells = <2>; };
	device { interrupts-extended = <&intc_a 5>, <&intc_b 1 2>; };
};
)");
  CHECK(parse(tree, "/device", "interrupts-extended", kernel(6, 1)).suppliers(tree) ==
        Paths{"/intc-a", "/intc-b"});
  // 5.9-5.11: a simple entry with #interrupt-cells, same suppliers.
  CHECK(parse(tree, "/device", "interrupts-extended", kernel(5, 10)).suppliers(tree) ==
        Paths{"/intc-a", "/intc-b"});
}

namespace {

// A bridge (no compatible, on a simple-bus) whose output endpoint points at a panel's input.
const char* const kGraphDts = R"(/dts-v1/;
/ {
	panel {
		compatible = "acme,panel";
		port {
			panel_in: endpoint { remote-endpoint = <&bridge_out>; };
		};
	};
	soc {
		compatible = "simple-bus";
		bridge {
			ports {
				#address-cells = <1>;
				#size-cells = <0>;
				port@1 {
					reg = <1>;
					bridge_out: endpoint { remote-endpoint = <&panel_in>; };
				};
			};
		};
	};
};
)";

}  // namespace

TEST_CASE("remote-endpoint: before 6.8 the supplier is the remote endpoint and the consumer the nearest compatible node, from 6.8 both are port parents", "[bindings]") {
  const DeviceTree tree = load(kGraphDts);
  const std::string endpoint = "/soc/bridge/ports/port@1/endpoint";

  // 5.13-6.7: a bare simple entry with node_not_dev: supplier = the remote endpoint node,
  // consumer = the nearest node with "compatible" (the bus, as the bridge has none).
  const Parsed old = parse(tree, endpoint, "remote-endpoint", kernel(6, 1));
  CHECK(old.suppliers(tree) == Paths{"/panel/port/endpoint"});
  REQUIRE(old.references.size() == 1);
  CHECK(tree.path(old.references[0].consumer) == "/soc");

  // 6.8: supplier = of_graph_get_remote_port_parent (port -> panel), consumer =
  // of_graph_get_port_parent (port@1 -> ports -> bridge).
  const Parsed now = parse(tree, endpoint, "remote-endpoint", kernel(6, 8));
  CHECK(now.suppliers(tree) == Paths{"/panel"});
  REQUIRE(now.references.size() == 1);
  CHECK(tree.path(now.references[0].consumer) == "/soc/bridge");

  // 6.1.79 took only the supplier half (the consumer patch is not in its shortlog).
  const Parsed stable = parse(tree, endpoint, "remote-endpoint", kernel(6, 1, 79));
  CHECK(stable.suppliers(tree) == Paths{"/panel"});
  REQUIRE(stable.references.size() == 1);
  CHECK(tree.path(stable.references[0].consumer) == "/soc");

  // Not a binding before 5.13.
  CHECK(parse(tree, endpoint, "remote-endpoint", kernel(5, 12)).references.empty());
}

TEST_CASE("iommus: optional (skipped with fw_devlink.strict=0) from 5.12", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	smmu: iommu { #iommu-cells = <1>; };
	device {
		iommus = <&smmu 0x10>;
		dmas = <&smmu 1>;
	};
};
)");
  CHECK(parse(tree, "/device", "iommus", kernel(6, 1)).references.empty());
  CHECK(parse(tree, "/device", "iommus", kernel(5, 10)).suppliers(tree) == Paths{"/iommu"});

  auto find = [](const std::vector<ovl::SupplierBinding>& bindings, const std::string& name) {
    return std::find_if(bindings.begin(), bindings.end(),
                        [&](const ovl::SupplierBinding& b) { return b.name == name; });
  };
  const auto new_table = ovl::supplier_bindings(kernel(6, 1));
  const auto old_table = ovl::supplier_bindings(kernel(5, 10));
  REQUIRE(find(new_table, "iommus") != new_table.end());
  CHECK(find(new_table, "iommus")->optional);
  CHECK(find(new_table, "iommus")->cells == "#iommu-cells");
  REQUIRE(find(old_table, "iommus") != old_table.end());
  CHECK_FALSE(find(old_table, "iommus")->optional);
}

TEST_CASE("pwms: a binding from 5.15", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	pwm: pwm { #pwm-cells = <2>; };
	backlight { pwms = <&pwm 0 5000000>; };
};
)");
  CHECK(parse(tree, "/backlight", "pwms", kernel(5, 10)).references.empty());
  CHECK(parse(tree, "/backlight", "pwms", kernel(5, 15)).suppliers(tree) == Paths{"/pwm"});
}

TEST_CASE("interrupt-parent: a binding until 6.13 (and 6.12.7)", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	intc: interrupt-controller { interrupt-controller; #interrupt-cells = <1>; };
	soc { interrupt-parent = <&intc>; };
};
)");
  CHECK(parse(tree, "/soc", "interrupt-parent", kernel(6, 1)).suppliers(tree) ==
        Paths{"/interrupt-controller"});
  CHECK(parse(tree, "/soc", "interrupt-parent", kernel(6, 12, 6)).references.size() == 1);
  CHECK(parse(tree, "/soc", "interrupt-parent", kernel(6, 12, 7)).references.empty());
  CHECK(parse(tree, "/soc", "interrupt-parent", kernel(6, 13)).references.empty());
}

TEST_CASE("io-channels: the table matched the typo 'io-channel' until the fix", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	adc: adc { #io-channel-cells = <1>; };
	consumer {
		io-channels = <&adc 2>;
		io-channel = <&adc 3>;
	};
};
)");
  CHECK(parse(tree, "/consumer", "io-channels", kernel(6, 7)).references.empty());
  CHECK(parse(tree, "/consumer", "io-channel", kernel(6, 7)).suppliers(tree) == Paths{"/adc"});
  CHECK(parse(tree, "/consumer", "io-channels", kernel(6, 9)).suppliers(tree) == Paths{"/adc"});
  CHECK(parse(tree, "/consumer", "io-channel", kernel(6, 9)).references.empty());
  // The fix is in the 6.7.6 and 6.1.79 stable releases, so mainline had it from 6.8.
  CHECK(parse(tree, "/consumer", "io-channels", kernel(6, 8)).suppliers(tree) == Paths{"/adc"});
  CHECK(parse(tree, "/consumer", "io-channels", kernel(6, 1, 79)).suppliers(tree) == Paths{"/adc"});
  CHECK(parse(tree, "/consumer", "io-channels", kernel(6, 1, 78)).references.empty());
}

TEST_CASE("post-init-providers: an IGNORE link from 6.9", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	clk: clock { #clock-cells = <0>; };
	consumer { post-init-providers = <&clk>; };
};
)");
  const Parsed parsed = parse(tree, "/consumer", "post-init-providers", kernel(6, 9));
  CHECK(parsed.suppliers(tree) == Paths{"/clock"});
  REQUIRE(parsed.references.size() == 1);
  CHECK(parsed.references[0].ignore);
  CHECK(parse(tree, "/consumer", "post-init-providers", kernel(6, 8)).references.empty());
}

TEST_CASE("bad references are findings, not crashes", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	clk: clock { #clock-cells = <1>; };
	vcc: regulator { };
	consumer {
		clocks = <&clk 1 0xdead 2>;
		vdd-supply = <0xbeef>;
	};
	short { clocks = <&clk>; };
};
)");
  SECTION("a phandle that points nowhere ends the list") {
    const Parsed parsed = parse(tree, "/consumer", "clocks", kernel(6, 1));
    CHECK(parsed.suppliers(tree) == Paths{"/clock"});
    REQUIRE(parsed.problems.size() == 1);
    CHECK(parsed.problems[0].code == "bad-supplier-reference");
    CHECK(parsed.problems[0].path == "/consumer/clocks");
    CHECK_THAT(parsed.problems[0].detail, Catch::Contains("0xdead") && Catch::Contains("index 1"));

    const Parsed bare = parse(tree, "/consumer", "vdd-supply", kernel(6, 1));
    CHECK(bare.references.empty());
    REQUIRE(bare.problems.size() == 1);
    CHECK(bare.problems[0].path == "/consumer/vdd-supply");
    CHECK_THAT(bare.problems[0].detail, Catch::Contains("0xbeef") && Catch::Contains("index 0"));
  }
  SECTION("a property too short for its cells") {
    const Parsed parsed = parse(tree, "/short", "clocks", kernel(6, 1));
    CHECK(parsed.references.empty());
    REQUIRE(parsed.problems.size() == 1);
    CHECK(parsed.problems[0].code == "bad-supplier-reference");
    CHECK(parsed.problems[0].path == "/short/clocks");
  }
  SECTION("a node-wide parse collects both and keeps going") {
    std::vector<Finding> problems;
    const auto references = ovl::parse_suppliers(tree, tree.find_by_path("/consumer"),
                                                 kernel(6, 1), problems);
    CHECK(references.size() == 1);
    CHECK(problems.size() == 2);
  }
}

TEST_CASE("a missing #clock-cells counts as 0 from 6.3 (simple bindings only)", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	osc: oscillator { };
	clk: clock { #clock-cells = <1>; };
	gpio: gpio { };
	consumer {
		clocks = <&osc &clk 7>;
		reset-gpios = <&gpio 1 0>;
	};
};
)");
  CHECK(parse(tree, "/consumer", "clocks", kernel(6, 3)).suppliers(tree) ==
        Paths{"/oscillator", "/clock"});

  const Parsed old = parse(tree, "/consumer", "clocks", kernel(6, 1));
  CHECK(old.references.empty());
  REQUIRE(old.problems.size() == 1);
  CHECK_THAT(old.problems[0].detail, Catch::Contains("#clock-cells"));

  // Suffix bindings still require the cells property.
  const Parsed gpios = parse(tree, "/consumer", "reset-gpios", kernel(6, 3));
  CHECK(gpios.references.empty());
  REQUIRE(gpios.problems.size() == 1);
  CHECK_THAT(gpios.problems[0].detail, Catch::Contains("#gpio-cells"));
}

TEST_CASE("iommu-map: the phandle is cell 4*i+1 of each entry", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	smmu_a: iommu-a { #iommu-cells = <1>; };
	smmu_b: iommu-b { #iommu-cells = <1>; };
	pcie { iommu-map = <0x0 &smmu_a 0x100 0x10>, <0x10 &smmu_b 0x200 0x10>; };
};
)");
  CHECK(parse(tree, "/pcie", "iommu-map", kernel(5, 10)).suppliers(tree) ==
        Paths{"/iommu-a", "/iommu-b"});
  CHECK(parse(tree, "/pcie", "iommu-map", kernel(6, 1)).references.empty());  // optional
}

TEST_CASE("interrupt-map: each entry's parent is a supplier from 6.10, and interrupts through a nexus link the nexus", "[bindings]") {
  const DeviceTree tree = load(R"(/dts-v1/;
/ {
	intc_a: intc-a { interrupt-controller; #interrupt-cells = <1>; };
	intc_b: intc-b { interrupt-controller; #interrupt-cells = <2>; };
	nexus: connector {
		#address-cells = <0>;
		#interrupt-cells = <1>;
		interrupt-map = <0 &intc_a 5>, <1 &intc_b 6 7>;
	};
	device {
		interrupt-parent = <&nexus>;
		interrupts = <1>;
	};
};
)");
  // Each entry: child unit address (0 cells) + child specifier (1) + parent phandle + parent
  // unit address (its #address-cells, 0 when absent) + parent specifier (its #interrupt-cells).
  CHECK(parse(tree, "/connector", "interrupt-map", kernel(6, 10)).suppliers(tree) ==
        Paths{"/intc-a", "/intc-b"});
  CHECK(parse(tree, "/connector", "interrupt-map", kernel(6, 9)).references.empty());
  // Map translation is not modelled: the nexus itself stands for the final controller.
  CHECK(parse(tree, "/device", "interrupts", kernel(6, 1)).suppliers(tree) == Paths{"/connector"});
}
