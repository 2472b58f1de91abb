// The `ovlcheck remove` command-line contract, end to end on small trees compiled at test time
// (docs/usage.md "ovlcheck remove", docs/json-schema.md "ovlcheck remove --json"):
// - which replay (without / with the barrier before of_changeset_destroy()) is the selected
//   kernel's, and the exit status it decides (kernel-model-devlink.md §3.3-§3.5, §4.3-§4.6);
// - the unbalanced nodes: node, refcount 2, expected 1, the kernel's exact line, who holds the
//   extra reference; consumer first (reverse changeset order, kernel-model-of.md §3.2, confirmed
//   by testdata/lifecycle/README.md finding 1);
// - --order and the kernel's topmost rule (kernel-model-of.md §3.1 step 3, finding 10);
// - --trace, --drivers none, an i2c client consumer (kernel-model-of.md §2.4);
// - exit status 2 with nothing on standard output (docs/exit-codes.md); deterministic JSON.
// The real-kernel recordings are compared line by line in oracle_lifecycle_test.cpp; these tests
// use their own small trees.
#include "tests/support/dts_compiler.h"
#include "tests/support/kernel_lines.h"
#include "tests/support/ovlcheck_run.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

using nlohmann::json;
using ovl::test::CommandResult;
using ovl::test::compile_dts;
using ovl::test::expect_cannot_run;
using ovl::test::ovlcheck;
using ovl::test::report_of;
using ovl::test::run_command;
using ovl::test::temp_path;
using ovl::test::write_bytes;

namespace fs = std::filesystem;

namespace {

// A populated simple-bus with an enabled i2c controller (a platform device; its driver registers
// the adapter when it binds).
const char* const kBaseDts = R"(/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;

	soc: soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;

		i2c0: i2c@20000 {
			compatible = "acme,i2c";
			reg = <0x20000 0x1000>;
			#address-cells = <1>;
			#size-cells = <0>;
		};
	};
};
)";

// The seed case (the 2020 RFC): a fixed-clock provider and its consumer in one overlay.
const char* const kPairDts = R"(/dts-v1/;
/plugin/;
&soc {
	ovl_clk: ovl-clock {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <25000000>;
	};
	ovl-consumer {
		compatible = "acme,consumer";
		clocks = <&ovl_clk>;
	};
};
)";

// Stacked: the bottom overlay adds a labelled provider, the top one a labelled consumer of it
// (resolved through the live /__symbols__). Both add a /__symbols__ property.
const char* const kBottomDts = R"(/dts-v1/;
/plugin/;
&soc {
	ovl_clk: ovl-clock {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <25000000>;
	};
};
)";

const char* const kTopDts = R"(/dts-v1/;
/plugin/;
&soc {
	ovl_cons: ovl-consumer {
		compatible = "acme,consumer";
		clocks = <&ovl_clk>;
	};
};
)";

// A platform supplier and an i2c client consumer below the enabled controller.
const char* const kI2cDts = R"(/dts-v1/;
/plugin/;
&soc {
	ovl_clk: ovl-clock {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <25000000>;
	};
};
&i2c0 {
	sensor@48 {
		compatible = "acme,sensor";
		reg = <0x48>;
		clocks = <&ovl_clk>;
	};
};
)";

// The consumer "acme,consumer" has no driver; the provider, the bus, the controller and the
// sensor have one.
const char* const kDrivers = "# remove_cli_test\nsimple-bus\nfixed-clock\nacme,i2c\nacme,sensor\n";

const std::string kConsumer = "/soc/ovl-consumer";
const std::string kClock = "/soc/ovl-clock";
const std::string kSensor = "/soc/i2c@20000/sensor@48";

std::string error_line(const std::string& node) { return ovl::test::refcount_error_line(node); }
std::string leak_line(const std::string& node) { return ovl::test::leak_before_free_line(node); }

std::string compiled(const std::string& name, const char* dts) { return ovl::test::compiled_file(name, dts); }

std::string base_file() { return compiled("rm-base.dtb", kBaseDts); }
std::string pair_file() { return compiled("rm-pair.dtbo", kPairDts); }
std::string bottom_file() { return compiled("rm-bottom.dtbo", kBottomDts); }
std::string top_file() { return compiled("rm-top.dtbo", kTopDts); }
std::string i2c_file() { return compiled("rm-i2c.dtbo", kI2cDts); }

std::string drivers_file() { return ovl::test::text_file("rm-drivers.txt", kDrivers); }


// `ovlcheck remove --json --kernel K --base <base> [extra...] overlays...`
CommandResult remove_json(const std::string& kernel, const std::vector<std::string>& overlays,
                          const std::vector<std::string>& extra = {"--drivers", drivers_file()}) {
  std::vector<std::string> args = {"remove", "--json", "--kernel", kernel, "--base", base_file()};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), overlays.begin(), overlays.end());
  return ovlcheck(args);
}

std::vector<std::string> texts(const json& messages) { return ovl::test::message_texts(messages); }

std::vector<std::string> unbalanced_nodes(const json& run) {
  std::vector<std::string> out;
  for (const auto& u : run.at("unbalanced")) out.push_back(u.at("node"));
  return out;
}

// The destroy-check events of a trace, node -> refcount.
std::map<std::string, int> destroy_checks(const json& run) {
  std::map<std::string, int> out;
  for (const auto& e : run.at("trace")) {
    if (e.at("kind") == "destroy") out[e.at("node")] = e.at("refcount");
  }
  return out;
}


struct KernelCase {
  const char* kernel;
  const char* barrier_name;
  bool has_barrier;  // the kernel runs the barrier before of_changeset_destroy()
};

}  // namespace

TEST_CASE("remove: the selected kernel's replay decides the exit status", "[remove][cli]") {
  // The consumer has no driver, so its link persists in every era (devlink §4.3 case 5.9-b,
  // §4.5): without the barrier both endpoints are still pinned at the destroy checks.
  const std::vector<KernelCase> cases = {
      {"6.1", "device_link_wait_removal()", false},      // workqueue release, no barrier (§3.4)
      {"6.1.85", "device_link_wait_removal()", true},    // stable backport of the 2024 fix (§3.6)
      {"6.9", "device_link_wait_removal()", true},       // the fix (§3.5)
      {"5.10", "srcu_barrier()", false},                 // SRCU era: the RFC's barrier (§3.3, §3.7)
      {"5.10.215", "device_link_wait_removal()", true},  // backport to 5.10.y (§3.6)
  };
  for (const KernelCase& k : cases) {
    DYNAMIC_SECTION("kernel " << k.kernel) {
      CommandResult r = remove_json(k.kernel, {pair_file()});
      json j = report_of(r);
      INFO(r.out);
      CHECK(j.at("kernel") == k.kernel);
      CHECK(j.at("barrier") == k.barrier_name);
      REQUIRE(j.at("runs").size() == 2);
      const json& without = j.at("runs").at(0);
      const json& with = j.at("runs").at(1);
      CHECK(without.at("barrier") == false);
      CHECK(with.at("barrier") == true);
      CHECK(without.at("matches_kernel") == !k.has_barrier);
      CHECK(with.at("matches_kernel") == k.has_barrier);
      // Both replays are the same whatever the kernel's choice.
      CHECK(unbalanced_nodes(without) == std::vector<std::string>{kConsumer, kClock});
      CHECK(unbalanced_nodes(with).empty());
      CHECK(texts(with.at("messages")).empty());
      int expected_status = k.has_barrier ? 0 : 1;
      CHECK(r.exit_status == expected_status);
      CHECK(j.at("exit_status") == expected_status);
      CHECK(r.err.empty());
    }
  }
}

TEST_CASE("remove: a consumer that binds drops a 5.10 permissive link at bind time", "[remove][cli]") {
  // devlink §1.1/§4.2 A4: in 5.9/5.10 fw_devlink=permissive makes a SYNC_STATE_ONLY link, dropped
  // when the consumer binds; its release has run long before the removal (§4.3 case 5.9-a): no
  // line. In 6.1 (fw_devlink=on) the link stays while both devices exist (§4.5): two lines.
  SECTION("5.10, every driver present: no error, exit 0") {
    CommandResult r = remove_json("5.10", {pair_file()}, {});
    json j = report_of(r);
    CHECK(r.exit_status == 0);
    const json& link = j.at("apply").at(0).at("links").at(0);
    CHECK(link.at("consumer") == kConsumer);
    CHECK(link.at("supplier") == kClock);
    CHECK(std::find(link.at("flags").begin(), link.at("flags").end(), "SYNC_STATE_ONLY") != link.at("flags").end());
    CHECK(unbalanced_nodes(j.at("runs").at(0)).empty());
    CHECK(j.at("runs").at(0).at("matches_kernel") == true);
  }
  SECTION("6.1, every driver present: two lines, exit 1") {
    CommandResult r = remove_json("6.1", {pair_file()}, {});
    json j = report_of(r);
    CHECK(r.exit_status == 1);
    const json& flags = j.at("apply").at(0).at("links").at(0).at("flags");
    CHECK(std::find(flags.begin(), flags.end(), "AUTOPROBE_CONSUMER") != flags.end());
    CHECK(unbalanced_nodes(j.at("runs").at(0)) == std::vector<std::string>{kConsumer, kClock});
  }
}

TEST_CASE("remove: unbalanced nodes carry the kernel's line and their holders", "[remove][cli]") {
  CommandResult r = remove_json("6.1", {pair_file()});
  json j = report_of(r);
  const json& run = j.at("runs").at(0);
  REQUIRE(run.at("unbalanced").size() == 2);
  const std::string link = "device link " + kConsumer + " -> " + kClock + " (clocks)";
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string node = i == 0 ? kConsumer : kClock;  // consumer first
    const json& u = run.at("unbalanced").at(i);
    CHECK(u.at("node") == node);
    CHECK(u.at("refcount") == 2);
    CHECK(u.at("expected") == 1);
    CHECK(u.at("message") == error_line(node));
    CHECK(u.at("holders") == json::array({"platform device " + node + ", kept alive by " + link +
                                          " until its deferred release runs"}));
    CHECK(u.at("pending_releases") == json::array({link}));
  }
  // The run's lines in the kernel's order: the two destroy checks, then the deferred release
  // (consumer put first) frees the nodes without FREE_CSET (kernel-model-of.md §3.5).
  CHECK(texts(run.at("messages")) ==
        std::vector<std::string>{error_line(kConsumer), error_line(kClock), leak_line(kConsumer), leak_line(kClock)});
  const json& op = run.at("operations").at(0);
  CHECK(op.at("removed") == true);
  CHECK(op.at("result") == 0);
  CHECK(op.at("errno").is_null());
  CHECK(op.at("unbalanced") == run.at("unbalanced"));
  CHECK(texts(op.at("messages")) == std::vector<std::string>{error_line(kConsumer), error_line(kClock)});
  CHECK(op.at("settles") == true);
  CHECK(texts(op.at("after").at("messages")) == std::vector<std::string>{leak_line(kConsumer), leak_line(kClock)});
  CHECK(texts(run.at("later").at("messages")).empty());
  // Devices go in reverse changeset order too.
  const json& devices = op.at("devices");
  REQUIRE(devices.size() == 2);
  CHECK(devices.at(0) == json({{"node", kConsumer}, {"bus", "platform"}, {"event", "destroyed"}}));
  CHECK(devices.at(1) == json({{"node", kClock}, {"bus", "platform"}, {"event", "destroyed"}}));
  CHECK(j.find("explore") == j.end());
  CHECK(run.find("trace") == run.end());
}

TEST_CASE("remove: the text report marks the kernel's replay and names the holders", "[remove][cli]") {
  CommandResult r = ovlcheck({"remove", "--kernel", "6.1", "--drivers", drivers_file(), "--base", base_file(), pair_file()});
  INFO(r.out);
  CHECK(r.exit_status == 1);
  CHECK(r.out.find("removal without the barrier  <- what kernel 6.1 does:\n") != std::string::npos);
  CHECK(r.out.find("removal with device_link_wait_removal():\n") != std::string::npos);
  auto consumer_at = r.out.find("    " + error_line(kConsumer) + "\n");
  auto clock_at = r.out.find("    " + error_line(kClock) + "\n");
  CHECK(consumer_at != std::string::npos);
  CHECK(clock_at != std::string::npos);
  CHECK(consumer_at < clock_at);
  CHECK(r.out.find("    " + kConsumer + " has 2 references, expected 1; held by:\n") != std::string::npos);
  CHECK(r.out.find("  no kernel lines: every node balanced\n") != std::string::npos);
}

TEST_CASE("remove --order: the bottom overlay is not topmost while the top one adds symbols", "[remove][cli]") {
  const std::vector<std::string> both = {bottom_file(), top_file()};
  SECTION("1,2: #1 refused with -EBUSY and the kernel's two lines, then #2 removed") {
    CommandResult r = remove_json("6.1", both, {"--drivers", drivers_file(), "--order", "1,2"});
    json j = report_of(r);
    CHECK(r.exit_status == 1);
    for (const json& run : j.at("runs")) {
      const json& ops = run.at("operations");
      REQUIRE(ops.size() == 2);
      CHECK(ops.at(0).at("id") == 1);
      CHECK(ops.at(0).at("removed") == false);
      CHECK(ops.at(0).at("result") == -16);
      CHECK(ops.at(0).at("errno") == "EBUSY");
      CHECK(texts(ops.at(0).at("messages")) ==
            std::vector<std::string>{"OF: overlay: node_overlaps_later_cs: #1 overlaps with #2 @/__symbols__",
                                     "OF: overlay: overlay #1 is not topmost"});
      CHECK(ops.at(1).at("id") == 2);
      CHECK(ops.at(1).at("removed") == true);
    }
    // Only the consumer is in #2's changeset (finding 10, "right order" part).
    CHECK(unbalanced_nodes(j.at("runs").at(0)) == std::vector<std::string>{kConsumer});
  }
  SECTION("2,1 (the default order) is allowed; the deferred release runs between the two") {
    CommandResult r = remove_json("6.1", both, {"--drivers", drivers_file(), "--order", "2,1"});
    json j = report_of(r);
    const json& ops = j.at("runs").at(0).at("operations");
    REQUIRE(ops.size() == 2);
    CHECK(ops.at(0).at("removed") == true);
    CHECK(ops.at(1).at("removed") == true);
    CHECK(texts(ops.at(0).at("messages")) == std::vector<std::string>{error_line(kConsumer)});
    CHECK(texts(ops.at(0).at("after").at("messages")) == std::vector<std::string>{leak_line(kConsumer)});
    CHECK(texts(ops.at(1).at("messages")).empty());
    CommandResult d = remove_json("6.1", both);
    CHECK(d.out == r.out);
  }
  SECTION("2+1: the link released by removing #2 is still pending when #1 is destroyed") {
    // testdata/lifecycle/README.md finding 10, "timing".
    CommandResult r = remove_json("6.1", both, {"--drivers", drivers_file(), "--order", "2+1"});
    json j = report_of(r);
    const json& ops = j.at("runs").at(0).at("operations");
    REQUIRE(ops.size() == 2);
    CHECK(ops.at(0).at("settles") == false);
    CHECK(texts(ops.at(0).at("messages")) == std::vector<std::string>{error_line(kConsumer)});
    CHECK(texts(ops.at(0).at("after").at("messages")).empty());
    CHECK(texts(ops.at(1).at("messages")) == std::vector<std::string>{error_line(kClock)});
    CHECK(texts(ops.at(1).at("after").at("messages")) ==
          std::vector<std::string>{leak_line(kConsumer), leak_line(kClock)});
    CHECK(unbalanced_nodes(j.at("runs").at(1)).empty());
  }
}

TEST_CASE("remove --order: a bad value cannot run", "[remove][cli]") {
  for (const char* order : {"0", "3", "x", "1,,2", "1,", "+1", "-1", "2.0"}) {
    DYNAMIC_SECTION("--order '" << order << "'") {
      CommandResult r = remove_json("6.1", {bottom_file(), top_file()}, {"--order", order});
      expect_cannot_run(r, "ovlcheck: error: --order");
    }
  }
}

TEST_CASE("remove: a missing input cannot run and prints nothing on standard output", "[remove][cli]") {
  std::string missing = temp_path("rm-no-such.dtbo");
  SECTION("missing overlay, JSON") {
    expect_cannot_run(remove_json("6.1", {pair_file(), missing}), "ovlcheck: error: '" + missing + "'");
  }
  SECTION("missing overlay, text") {
    expect_cannot_run(ovlcheck({"remove", "--base", base_file(), missing}), "ovlcheck: error: '" + missing + "'");
  }
  SECTION("missing base") {
    expect_cannot_run(ovlcheck({"remove", "--json", "--base", missing, pair_file()}),
                      "ovlcheck: error: '" + missing + "'");
  }
}

TEST_CASE("remove --trace: every kind of event, with a consistent node reference ledger", "[remove][cli]") {
  CommandResult r = remove_json("6.1", {pair_file()}, {"--drivers", drivers_file(), "--trace"});
  json j = report_of(r);
  for (const json& run : j.at("runs")) {
    bool barrier = run.at("barrier");
    DYNAMIC_SECTION((barrier ? "with" : "without") << " the barrier") {
      const json& trace = run.at("trace");
      std::set<std::string> kinds;
      for (const json& e : trace) kinds.insert(e.at("kind"));
      for (const char* kind : {"entry", "notify", "device", "link", "release", "destroy", "get", "put"}) {
        INFO("kind " << kind);
        CHECK(kinds.count(kind) == 1);
      }
      CHECK(kinds.count("barrier") == (barrier ? 1u : 0u));
      // Every get is +1 and every put -1 on the node's previous count; other events with a
      // count show the node's current count.
      std::map<std::string, int> count;
      for (const json& e : trace) {
        const std::string kind = e.at("kind");
        if (kind == "get" || kind == "put") {
          REQUIRE(e.contains("node"));
          REQUIRE(e.contains("refcount"));
        }
        if (!e.contains("refcount")) continue;
        const std::string node = e.at("node");
        int now = e.at("refcount");
        INFO(e.dump());
        if (count.count(node) != 0) {
          int delta = kind == "get" ? 1 : kind == "put" ? -1 : 0;
          CHECK(now == count[node] + delta);
        }
        count[node] = now;
      }
      // The destroy checks: 2 without the barrier, 1 with it; the consumer's first.
      std::vector<std::string> order;
      for (const json& e : trace) {
        if (e.at("kind") == "destroy") order.push_back(e.at("node"));
      }
      CHECK(order == std::vector<std::string>{kConsumer, kClock});
      auto checks = destroy_checks(run);
      CHECK(checks[kConsumer] == (barrier ? 1 : 2));
      CHECK(checks[kClock] == (barrier ? 1 : 2));
      // The release runs after the checks without the barrier, before them with it.
      std::ptrdiff_t release_runs = -1, first_destroy = -1;
      for (std::size_t i = 0; i < trace.size(); ++i) {
        const std::string kind = trace[i].at("kind");
        const std::string text = trace[i].at("text");
        if (kind == "release" && text.find(" runs") != std::string::npos && release_runs < 0) {
          release_runs = static_cast<std::ptrdiff_t>(i);
        }
        if (kind == "destroy" && first_destroy < 0) first_destroy = static_cast<std::ptrdiff_t>(i);
      }
      REQUIRE(release_runs >= 0);
      REQUIRE(first_destroy >= 0);
      CHECK((release_runs < first_destroy) == barrier);
    }
  }
}

TEST_CASE("remove --drivers none: devices and links exist without any driver", "[remove][cli]") {
  // kernel-model-of.md §2.4: of_platform_notify creates the platform device on a populated bus
  // whatever the drivers (no compatible even needed); kernel-model-devlink.md §4.2 A3: fw_devlink
  // creates the link when the consumer's device is added, and A4 "unbound": with no driver it
  // stays (in 6.x it only gates the consumer's probe). So the two lines remain.
  CommandResult r = remove_json("6.1", {pair_file()}, {"--drivers", "none"});
  json j = report_of(r);
  CHECK(r.exit_status == 1);
  CHECK(j.at("drivers") == "no driver binds");
  const json& applied = j.at("apply").at(0);
  REQUIRE(applied.at("devices").size() == 2);
  CHECK(applied.at("devices").at(0).at("node") == kClock);
  CHECK(applied.at("devices").at(1).at("node") == kConsumer);
  REQUIRE(applied.at("links").size() == 1);
  CHECK(applied.at("links").at(0).at("consumer") == kConsumer);
  CHECK(applied.at("links").at(0).at("supplier") == kClock);
  CHECK(unbalanced_nodes(j.at("runs").at(0)) == std::vector<std::string>{kConsumer, kClock});
  CHECK(unbalanced_nodes(j.at("runs").at(1)).empty());
}

TEST_CASE("remove: an i2c client consumer drops its node reference synchronously", "[remove][cli]") {
  // kernel-model-of.md §2.4: i2c_unregister_device() does of_node_put() before device_unregister(),
  // so the pending link release pins the client device but not its node; the platform supplier's
  // node is pinned through platform_device_release().
  CommandResult r = remove_json("6.1", {i2c_file()}, {"--drivers", drivers_file(), "--trace"});
  json j = report_of(r);
  CHECK(r.exit_status == 1);
  const json& applied = j.at("apply").at(0);
  bool i2c_client = false;
  for (const json& d : applied.at("devices")) {
    if (d.at("node") == kSensor && d.at("bus") == "i2c" && d.at("event") == "created") i2c_client = true;
  }
  CHECK(i2c_client);
  REQUIRE(applied.at("links").size() == 1);
  CHECK(applied.at("links").at(0).at("consumer") == kSensor);
  CHECK(applied.at("links").at(0).at("supplier") == kClock);
  const json& without = j.at("runs").at(0);
  CHECK(unbalanced_nodes(without) == std::vector<std::string>{kClock});
  CHECK(texts(without.at("messages")) == std::vector<std::string>{error_line(kClock), leak_line(kClock)});
  const json& u = without.at("unbalanced").at(0);
  CHECK(u.at("holders") == json::array({"platform device " + kClock + ", kept alive by device link " + kSensor +
                                        " -> " + kClock + " (clocks) until its deferred release runs"}));
  auto checks = destroy_checks(without);
  CHECK(checks[kSensor] == 1);
  CHECK(checks[kClock] == 2);
  CHECK(unbalanced_nodes(j.at("runs").at(1)).empty());
}

TEST_CASE("remove --json is byte-identical from run to run", "[remove][cli]") {
  std::vector<std::string> extra = {"--drivers", drivers_file(), "--trace", "--explore", "--order", "2+1"};
  CommandResult a = remove_json("6.1", {bottom_file(), top_file()}, extra);
  CommandResult b = remove_json("6.1", {bottom_file(), top_file()}, extra);
  REQUIRE(a.exit_status == 1);
  CHECK(b.exit_status == a.exit_status);
  CHECK(a.out == b.out);
  json first = report_of(a);
  CHECK(first.at("exit_status") == 1);
  CHECK(first.at("runs").size() == 2);
  CHECK(first.at("explore").contains("outcome_count"));
  CommandResult c = remove_json("6.1", {i2c_file()}, {"--trace", "--explore"});
  CommandResult d = remove_json("6.1", {i2c_file()}, {"--trace", "--explore"});
  // Two crashes with empty output would also be "identical": status and report first.
  REQUIRE(c.exit_status != 2);
  CHECK(d.exit_status == c.exit_status);
  json third = report_of(c);
  CHECK(third.at("exit_status") == c.exit_status);
  CHECK_FALSE(third.at("runs").at(0).at("trace").empty());
  CHECK(c.out == d.out);
}
