// The `ovlcheck apply` command-line contract, end to end on small trees compiled at test time:
// exit 0 when of_overlay_fdt_apply() would succeed, 1 when the kernel refuses (with its exact log
// lines), 2 when ovlcheck cannot run; -o only when everything applied; deterministic JSON; and
// the phandles the kernel's resolver gives new nodes (kernel-model-of.md §1.2).
#include "core/util/big_endian.h"
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/kernel_lines.h"
#include "tests/support/ovlcheck_run.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using nlohmann::json;
using ovl::DeviceTree;
using ovl::kNoNode;
using ovl::NodeId;
using ovl::test::CommandResult;
using ovl::test::compile_dts;
using ovl::test::read_bytes;
using ovl::test::ovlcheck;
using ovl::test::report_of;
using ovl::test::run_command;
using ovl::test::temp_path;
using ovl::test::write_bytes;

namespace fs = std::filesystem;

namespace {

const char* const kBaseDts = R"(/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;

	intc: interrupt-controller@1000 {
		compatible = "acme,intc";
		reg = <0x1000 0x100>;
		interrupt-controller;
		#interrupt-cells = <1>;
	};

	bus: bus@2000 {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <0>;
		interrupt-parent = <&intc>;

		uart0: uart@0 {
			reg = <0>;
			status = "disabled";
		};
	};

	consumer {
		bus = <&bus>;
	};
};
)";

// Enables uart0 (a leak warning: the property lands on a base node) and adds sensor@1, which
// a second new node references through a local phandle.
const char* const kCleanOverlayDts = R"(/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target = <&uart0>;
		__overlay__ {
			status = "okay";
		};
	};
	fragment@1 {
		target = <&bus>;
		__overlay__ {
			sensor: sensor@1 {
				reg = <1>;
				interrupt-parent = <&intc>;
			};
			sensor-user {
				sensor = <&sensor>;
			};
		};
	};
};
)";

const char* const kUnresolvedLabelDts = R"(/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target = <&nosuch>;
		__overlay__ {
			status = "okay";
		};
	};
};
)";

const char* const kMissingTargetPathDts = R"(/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target-path = "/nosuch";
		__overlay__ {
			status = "okay";
		};
	};
};
)";

const char* const kAddressCellsChangeDts = R"(/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target = <&bus>;
		__overlay__ {
			#address-cells = <2>;
		};
	};
};
)";

const char* const kDuplicateNodeDts = R"(/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target = <&bus>;
		__overlay__ {
			dup {
				status = "okay";
			};
		};
	};
	fragment@1 {
		target-path = "/bus@2000";
		__overlay__ {
			dup {
				status = "okay";
			};
		};
	};
};
)";

// `name` is written to a temporary file compiled from `dts` (dtc -@) once per process.
using ovl::test::compiled_file;

std::string base_file() { return compiled_file("cli-base.dtb", kBaseDts); }


CommandResult apply_json(const std::string& overlay, const std::string& out = "") {
  std::vector<std::string> args = {"apply", "--json", "--base", base_file()};
  if (!out.empty()) {
    args.push_back("-o");
    args.push_back(out);
  }
  args.push_back(overlay);
  return ovlcheck(args);
}

std::vector<std::string> message_texts(const json& overlay_report) {
  return ovl::test::message_texts(overlay_report.at("messages"));
}

// The refusal of one overlay: exit 1, not applied, -EINVAL, `code`, and exactly `lines` logged.
void expect_refused(const std::string& overlay, const std::string& code, const std::vector<std::string>& lines) {
  CommandResult r = apply_json(overlay);
  json j = report_of(r);
  INFO(r.out);
  CHECK(r.exit_status == 1);
  CHECK(j.at("exit_status") == 1);
  const json& o = j.at("overlays").at(0);
  CHECK(o.at("applied") == false);
  CHECK(o.at("result") == -22);
  CHECK(o.at("errno") == "EINVAL");
  CHECK(o.at("error") == code);
  CHECK(message_texts(o) == lines);
}

// The node at `path` in `tree`, by exact names.
NodeId node_at(const DeviceTree& tree, const std::string& path) {
  NodeId id = tree.root();
  std::size_t pos = 1;
  while (id != kNoNode && pos < path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    id = tree.find_child(id, path.substr(pos, next - pos));
    pos = next + 1;
  }
  return id;
}

std::uint32_t max_phandle_of(const DeviceTree& tree) {
  std::uint32_t max = 0;
  std::vector<NodeId> stack = {tree.root()};
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    if (tree.node(id).phandle != ovl::kIllegalPhandle) max = std::max(max, tree.node(id).phandle);
    tree.for_each_child(id, [&](NodeId c) { stack.push_back(c); });
  }
  return max;
}

DeviceTree load(const std::string& file) {
  auto loaded = ovl::fdt::load_blob_file(file);
  INFO(file << ": " << (loaded ? "" : loaded.error().message));
  REQUIRE(loaded);
  return std::move(loaded->tree);
}

// Exit 2 and nothing but "ovlcheck: error: 'FILE': ..." on one line of stderr, for JSON and text.
void expect_cannot_run(const std::vector<std::string>& args, const std::string& stderr_prefix) {
  for (bool as_json : {false, true}) {
    std::vector<std::string> a = args;
    if (as_json) a.insert(a.begin() + 1, "--json");
    INFO((as_json ? "--json" : "text"));
    ovl::test::expect_cannot_run(ovlcheck(a), stderr_prefix);
  }
}

}  // namespace

TEST_CASE("clean apply: exit 0, -o written, the JSON report names every field", "[cli][apply]") {
  std::string out = temp_path("cli-clean.dtb");
  fs::remove(out);
  CommandResult r = apply_json(compiled_file("cli-clean.dtbo", kCleanOverlayDts), out);
  json j = report_of(r);
  INFO(r.out);
  CHECK(r.exit_status == 0);
  CHECK(r.err.empty());
  CHECK(fs::exists(out));

  for (const char* key : {"ovlcheck", "kernel", "base", "overlays", "output", "output_not_written", "exit_status"}) {
    CHECK(j.contains(key));
  }
  CHECK(j.at("kernel").is_string());
  CHECK(j.at("base") == base_file());
  CHECK(j.at("output") == out);
  CHECK(j.at("output_not_written").is_null());
  CHECK(j.at("exit_status") == 0);
  REQUIRE(j.at("overlays").size() == 1);

  const json& o = j.at("overlays").at(0);
  for (const char* key : {"file", "id", "applied", "result", "errno", "error", "changeset", "messages", "findings"}) {
    CHECK(o.contains(key));
  }
  CHECK(o.at("file") == compiled_file("cli-clean.dtbo", kCleanOverlayDts));
  CHECK(o.at("id") == 1);  // idr_alloc(.., 1, 0): the first overlay gets #1
  CHECK(o.at("applied") == true);
  CHECK(o.at("result") == 0);
  CHECK(o.at("errno").is_null());
  CHECK(o.at("error").is_null());
  const json& cs = o.at("changeset");
  CHECK(cs.at("nodes_added") == json({"/bus@2000/sensor@1", "/bus@2000/sensor-user"}));
  CHECK(cs.at("properties_updated") == json({"/bus@2000/uart@0/status"}));
  CHECK(cs.at("properties_added").is_array());
  // Two log lines: status changes on a base node, and the overlay's label `sensor` (dtc -@) is
  // added to the live /__symbols__ by the symbols fragment, last; neither can be freed on remove.
  CHECK(message_texts(o) == std::vector<std::string>{ovl::test::leak_warning_line("/bus@2000/uart@0/status"),
                                                      ovl::test::leak_warning_line("/__symbols__/sensor")});
  CHECK(o.at("messages").at(0).at("level") == "warning");
  CHECK(cs.at("properties_added").back() == "/__symbols__/sensor");
  REQUIRE(o.at("findings").size() == 2);
  const json& f = o.at("findings").at(0);
  for (const char* key : {"code", "severity", "path", "message", "detail", "causes"}) CHECK(f.contains(key));
  CHECK(f.at("code") == "leak-on-remove");
  CHECK(f.at("path") == "/bus@2000/uart@0/status");
}

TEST_CASE("resolver: a __fixups__ label missing from the live __symbols__ fails with -EINVAL", "[cli][apply]") {
  expect_refused(compiled_file("cli-unresolved.dtbo", kUnresolvedLabelDts), "unresolved-label",
                 {"OF: resolver: node label 'nosuch' not found in live devicetree symbols table",
                  "OF: resolver: overlay phandle fixup failed: -22"});
}

TEST_CASE("find_target: a target-path not in the live tree fails init_overlay_changeset", "[cli][apply]") {
  expect_refused(compiled_file("cli-missing-target.dtbo", kMissingTargetPathDts), "target-not-found",
                 {"OF: overlay: find target, node: /fragment@0, path '/nosuch' not found",
                  "OF: overlay: init_overlay_changeset() failed, ret = -22"});
}

TEST_CASE("add_changeset_property: changing #address-cells of an existing node is refused", "[cli][apply]") {
  expect_refused(compiled_file("cli-address-cells.dtbo", kAddressCellsChangeDts), "cells-change",
                 {"OF: overlay: ERROR: changing value of #address-cells is not allowed in /bus@2000"});
}

TEST_CASE("changeset_dup_entry_check: two fragments adding the same node are refused", "[cli][apply]") {
  // Both ATTACH entries, both `status` ADDs and both synthetic `name` ADDs collide; every
  // duplicate is reported, node check first for each entry.
  expect_refused(compiled_file("cli-dup-node.dtbo", kDuplicateNodeDts), "duplicate-node-entry",
                 {"OF: overlay: ERROR: multiple fragments add and/or delete node /bus@2000/dup",
                  "OF: overlay: ERROR: multiple fragments add, update, and/or delete property /bus@2000/dup/status",
                  "OF: overlay: ERROR: multiple fragments add, update, and/or delete property /bus@2000/dup/name"});
}

TEST_CASE("apply -o: the file is written only when every overlay applied, a refused apply leaves an existing file alone",
          "[cli][apply]") {
  std::string refused = compiled_file("cli-unresolved.dtbo", kUnresolvedLabelDts);
  std::string clean = compiled_file("cli-clean.dtbo", kCleanOverlayDts);

  SECTION("no file is created") {
    std::string out = temp_path("cli-not-created.dtb");
    fs::remove(out);
    CommandResult r = ovlcheck({"apply", "--base", base_file(), "-o", out, clean, refused});
    CHECK(r.exit_status == 1);
    CHECK_FALSE(fs::exists(out));
  }
  SECTION("an existing file keeps its bytes") {
    std::string out = temp_path("cli-preexisting.dtb");
    std::vector<std::uint8_t> sentinel = {'k', 'e', 'e', 'p', ' ', 'm', 'e', '\n'};
    write_bytes(out, sentinel);
    CommandResult r = apply_json(refused, out);
    json j = report_of(r);
    CHECK(r.exit_status == 1);
    CHECK(j.at("output").is_null());
    CHECK(j.at("output_not_written").is_string());
    CHECK(read_bytes(out) == sentinel);
  }
}

TEST_CASE("inputs ovlcheck cannot read: exit 2, one error line naming the file, nothing on stdout", "[cli][apply]") {
  std::string base = base_file();
  std::vector<std::uint8_t> good = read_bytes(compiled_file("cli-clean.dtbo", kCleanOverlayDts));

  SECTION("missing file") {
    std::string missing = temp_path("cli-does-not-exist.dtbo");
    expect_cannot_run({"apply", "--base", base, missing}, "ovlcheck: error: '" + missing + "': ");
  }
  SECTION("missing base") {
    std::string missing = temp_path("cli-no-base.dtb");
    expect_cannot_run({"apply", "--base", missing, compiled_file("cli-clean.dtbo", kCleanOverlayDts)},
                      "ovlcheck: error: '" + missing + "': ");
  }
  SECTION("empty file") {
    std::string empty = temp_path("cli-empty.dtbo");
    write_bytes(empty, {});
    expect_cannot_run({"apply", "--base", base, empty}, "ovlcheck: error: '" + empty + "': ");
  }
  SECTION("truncated blob") {
    std::string truncated = temp_path("cli-truncated.dtbo");
    write_bytes(truncated, std::vector<std::uint8_t>(good.begin(), good.begin() + good.size() / 2));
    expect_cannot_run({"apply", "--base", base, truncated}, "ovlcheck: error: '" + truncated + "': ");
  }
  SECTION("bad magic") {
    std::string bad = temp_path("cli-bad-magic.dtbo");
    std::vector<std::uint8_t> bytes = good;
    bytes[0] ^= 0xff;
    write_bytes(bad, bytes);
    expect_cannot_run({"apply", "--base", base, bad}, "ovlcheck: error: '" + bad + "': ");
  }
  SECTION("a plain .dtb given as overlay is not unreadable: the kernel unflattens it, then refuses it") {
    // Its __symbols__ make it a symbols-only overlay, and its labels are the live tree's own:
    // add_changeset_property() refuses an existing label (-EINVAL, silently). fidelity_rules_test
    // pins the no-fragment refusal. A finding, not "cannot run".
    CommandResult r = ovlcheck({"apply", "--json", "--base", base, base});
    CHECK(r.exit_status == 1);
    CHECK(r.err.empty());
    CHECK(json::parse(r.out)["overlays"][0]["error"] == "symbol-exists");
  }
  SECTION("a --kernel value that is not a version") {
    // No file is at fault here, so the option is named instead of a file.
    expect_cannot_run({"apply", "--kernel", "six.twelve", "--base", base, compiled_file("cli-clean.dtbo", kCleanOverlayDts)},
                      "ovlcheck: error: --kernel: 'six.twelve'");
  }
}

TEST_CASE("the JSON report and the -o file are byte-identical across runs, with the expected verdict",
          "[cli][apply]") {
  for (const char* dts : {kCleanOverlayDts, kDuplicateNodeDts}) {
    const bool clean = dts == kCleanOverlayDts;
    INFO((clean ? "clean overlay" : "two fragments adding one node"));
    std::string overlay = compiled_file(clean ? "cli-clean.dtbo" : "cli-dup-node.dtbo", dts);
    std::string out = temp_path("cli-repeat.dtb");
    std::filesystem::remove(out);
    CommandResult first = apply_json(overlay, out);
    std::vector<std::uint8_t> first_blob = clean ? read_bytes(out) : std::vector<std::uint8_t>{};
    CommandResult second = apply_json(overlay, out);
    // Two crashes with empty output would also be "identical": the verdict is checked first.
    CHECK(first.exit_status == (clean ? 0 : 1));
    CHECK(second.exit_status == first.exit_status);
    json report = report_of(first);
    CHECK(report.at("exit_status") == first.exit_status);
    CHECK(report.at("overlays").at(0).at("applied") == clean);
    if (!clean) CHECK(report.at("overlays").at(0).at("error") == "duplicate-node-entry");
    CHECK(first.out == second.out);
    if (clean) CHECK(read_bytes(out) == first_blob);
    else CHECK_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("resolver: a new node's phandle is (largest live phandle + 1) + its phandle in the overlay",
          "[cli][apply]") {
  std::string overlay = compiled_file("cli-clean.dtbo", kCleanOverlayDts);
  std::string out = temp_path("cli-phandle.dtb");
  fs::remove(out);
  CommandResult r = ovlcheck({"apply", "--base", base_file(), "-o", out, overlay});
  INFO(r.out << r.err);
  REQUIRE(r.exit_status == 0);

  DeviceTree base = load(base_file());
  DeviceTree ov = load(overlay);
  DeviceTree result = load(out);
  std::uint32_t largest = max_phandle_of(base);
  REQUIRE(largest > 0);
  NodeId in_overlay = node_at(ov, "/fragment@1/__overlay__/sensor@1");
  REQUIRE(in_overlay != kNoNode);
  std::uint32_t own = ov.node(in_overlay).phandle;
  REQUIRE(own != 0);

  NodeId sensor = node_at(result, "/bus@2000/sensor@1");
  NodeId user = node_at(result, "/bus@2000/sensor-user");
  REQUIRE(sensor != kNoNode);
  REQUIRE(user != kNoNode);
  const std::uint32_t expected = largest + 1 + own;
  CHECK(result.node(sensor).phandle == expected);
  const ovl::Property* ph = result.node(sensor).properties.find("phandle");
  REQUIRE(ph != nullptr);
  CHECK(ovl::read_be32(ph->value.data()) == expected);
  // __local_fixups__ shift the reference by the same delta.
  const ovl::Property* ref = result.node(user).properties.find("sensor");
  REQUIRE(ref != nullptr);
  REQUIRE(ref->value.size() == 4);
  CHECK(ovl::read_be32(ref->value.data()) == expected);
  // Base phandles do not move.
  NodeId intc = node_at(result, "/interrupt-controller@1000");
  REQUIRE(intc != kNoNode);
  CHECK(result.node(intc).phandle == base.node(node_at(base, "/interrupt-controller@1000")).phandle);
}
