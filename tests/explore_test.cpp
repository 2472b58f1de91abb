// `ovlcheck remove --explore` (docs/usage.md, core/replay/release_exploration.h): every deferred
// device-link release may run at any point after it is queued. A destroy check finds its node
// clean iff every release pinning the node ran before the check; the checks run in reverse
// changeset order (consumer first). The expected outcome sets here are derived from that rule by
// brute force over every schedule in the test itself (not from ovlcheck's output or its grouping),
// and the counts are also written out by hand.
#include "tests/support/dts_compiler.h"
#include "tests/support/kernel_lines.h"
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
using ovl::test::run_command;
using ovl::test::temp_path;
using ovl::test::write_bytes;

namespace fs = std::filesystem;

namespace {

const char* const kBaseDts = R"(/dts-v1/;
/ {
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

// (a) provider + consumer.
const char* const kPairDts = R"(/dts-v1/;
/plugin/;
&soc {
	clk_p: p {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <1000000>;
	};
	c {
		compatible = "acme,consumer";
		clocks = <&clk_p>;
	};
};
)";

// (b) a chain of three: fixed-clock A -> fixed-factor-clock B -> consumer C.
const char* const kChainDts = R"(/dts-v1/;
/plugin/;
&soc {
	clk_a: a {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <1000000>;
	};
	clk_b: b {
		compatible = "fixed-factor-clock";
		#clock-cells = <0>;
		clocks = <&clk_a>;
		clock-div = <2>;
		clock-mult = <1>;
	};
	c {
		compatible = "acme,consumer";
		clocks = <&clk_b>;
	};
};
)";

// (c) two independent provider + consumer pairs in one overlay.
const char* const kTwoPairsDts = R"(/dts-v1/;
/plugin/;
&soc {
	clk_p1: p1 {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <1000000>;
	};
	c1 {
		compatible = "acme,consumer";
		clocks = <&clk_p1>;
	};
	clk_p2: p2 {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <2000000>;
	};
	c2 {
		compatible = "acme,consumer";
		clocks = <&clk_p2>;
	};
};
)";

const char* const kDrivers = "simple-bus\nfixed-clock\nfixed-factor-clock\n";

const std::string kErrorPrefix = ovl::test::kRefcountErrorPrefix;
const std::string kLeakPrefix = ovl::test::kLeakBeforeFreePrefix;

using ovl::test::compiled_file;

std::string drivers_file() { return ovl::test::text_file("ex-drivers.txt", kDrivers); }

json explore(const char* name, const char* dts, const std::string& kernel = "6.1") {
  CommandResult r = run_command({OVLCHECK_BINARY, "remove", "--json", "--explore", "--kernel", kernel, "--drivers",
                                 drivers_file(), "--base", compiled_file("ex-base.dtb", kBaseDts), compiled_file(name, dts)});
  INFO("exit " << r.exit_status << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_status != 2);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  REQUIRE(j.contains("explore"));
  return j;
}

using NodeSet = std::set<std::string>;

// A release and the nodes whose devices it pins.
struct Pin {
  std::string release;
  NodeSet nodes;
};

// Every outcome of the rule: `checks` in the order they run; each release runs at some slot
// 0..checks.size() (before check k when its slot is k). A check errs iff a release pinning its
// node has a slot after it.
std::set<NodeSet> outcomes_by_rule(const std::vector<std::string>& checks, const std::vector<Pin>& pins) {
  std::set<NodeSet> out;
  std::vector<std::size_t> slot(pins.size(), 0);
  for (;;) {
    NodeSet errors;
    for (std::size_t k = 0; k < checks.size(); ++k) {
      for (std::size_t r = 0; r < pins.size(); ++r) {
        if (pins[r].nodes.count(checks[k]) != 0 && slot[r] > k) errors.insert(checks[k]);
      }
    }
    out.insert(errors);
    std::size_t i = 0;
    while (i < slot.size() && slot[i] == checks.size()) slot[i++] = 0;
    if (i == slot.size()) break;
    ++slot[i];
  }
  return out;
}

// The nodes of an outcome's ERROR lines, checking that each has its leak line too.
NodeSet error_nodes(const json& outcome) {
  NodeSet errors, leaks;
  for (const std::string line : outcome.at("messages")) {
    if (line.rfind(kErrorPrefix, 0) == 0) errors.insert(line.substr(kErrorPrefix.size()));
    else if (line.rfind(kLeakPrefix, 0) == 0) leaks.insert(line.substr(kLeakPrefix.size()));
    else FAIL("unexpected line in an outcome: " << line);
  }
  CHECK(leaks == errors);
  return errors;
}

// All outcomes of the whole removal: the cartesian product of the groups' outcomes.
std::set<NodeSet> all_outcomes(const json& x) {
  std::set<NodeSet> acc = {NodeSet{}};
  for (const json& g : x.at("groups")) {
    std::set<NodeSet> next;
    for (const NodeSet& prefix : acc) {
      for (const json& o : g.at("outcomes")) {
        NodeSet merged = prefix;
        NodeSet e = error_nodes(o);
        merged.insert(e.begin(), e.end());
        next.insert(merged);
      }
    }
    acc = next;
  }
  return acc;
}

std::string link(const std::string& consumer, const std::string& supplier) {
  return "device link " + consumer + " -> " + supplier + " (clocks)";
}

// Where a witness line puts a release: the number of checks (in `checks` order) that ran before it.
// "R: runs before the destroy check of X" -> index(X); "R: runs after the destroy check of X,
// before that of Y" -> index(X)+1 (anything up to index(Y)); "R: runs after the destroy check of
// X" -> checks.size() (the latest).
std::size_t witness_slot(const std::string& line, const std::string& release, const std::vector<std::string>& checks) {
  auto index = [&](const std::string& node) {
    auto it = std::find(checks.begin(), checks.end(), node);
    REQUIRE(it != checks.end());
    return static_cast<std::size_t>(it - checks.begin());
  };
  const std::string before = release + ": runs before the destroy check of ";
  const std::string after = release + ": runs after the destroy check of ";
  if (line.rfind(before, 0) == 0) return index(line.substr(before.size()));
  REQUIRE(line.rfind(after, 0) == 0);
  std::string rest = line.substr(after.size());
  auto comma = rest.find(", before that of ");
  if (comma == std::string::npos) return checks.size();
  return index(rest.substr(0, comma)) + 1;
}

// (d) Every outcome has a witness with one line per release of its group, and that schedule
// gives exactly the outcome's errors under the rule.
void check_witnesses(const json& x, const std::vector<std::string>& checks, const std::vector<Pin>& pins) {
  for (const json& g : x.at("groups")) {
    std::vector<std::string> releases = g.at("releases");
    for (const json& o : g.at("outcomes")) {
      const json& witness = o.at("witness");
      INFO(o.dump(2));
      REQUIRE(witness.size() == releases.size());
      NodeSet expected;
      for (std::size_t i = 0; i < releases.size(); ++i) {
        std::string line = witness.at(i);
        CHECK(line.rfind(releases[i] + ": runs ", 0) == 0);
        std::size_t slot = witness_slot(line, releases[i], checks);
        auto pin = std::find_if(pins.begin(), pins.end(), [&](const Pin& p) { return p.release == releases[i]; });
        REQUIRE(pin != pins.end());
        for (std::size_t k = 0; k < checks.size(); ++k) {
          if (pin->nodes.count(checks[k]) != 0 && slot > k) expected.insert(checks[k]);
        }
      }
      CHECK(error_nodes(o) == expected);
    }
  }
}

}  // namespace

TEST_CASE("explore: a provider and its consumer have three outcomes: none, the consumer, or both unbalanced", "[explore]") {
  json j = explore("ex-pair.dtbo", kPairDts);
  const json& x = j.at("explore");
  const std::string p = "/soc/p", c = "/soc/c";
  const std::vector<std::string> checks = {c, p};  // reverse changeset order
  const std::vector<Pin> pins = {{link(c, p), {c, p}}};
  // By hand: the one release runs before C's check, between the two, or after P's check:
  // {} , {C}, {C, P}. {P} alone is impossible (the release pins both and C is checked first).
  const std::set<NodeSet> expected = {{}, {c}, {c, p}};
  REQUIRE(outcomes_by_rule(checks, pins) == expected);
  CHECK(x.at("outcome_count") == 3);
  CHECK(x.at("always").empty());
  REQUIRE(x.at("groups").size() == 1);
  const json& g = x.at("groups").at(0);
  CHECK(g.at("releases") == json::array({link(c, p)}));
  CHECK(g.at("truncated") == false);
  CHECK(g.at("outcomes").size() == 3);
  CHECK(all_outcomes(x) == expected);
  // Fewest errors first; the worst case is the run without the barrier.
  CHECK(g.at("outcomes").at(0).at("messages").empty());
  NodeSet worst;
  for (const json& u : j.at("runs").at(0).at("unbalanced")) worst.insert(u.at("node").get<std::string>());
  CHECK(worst == NodeSet{c, p});
  CHECK(error_nodes(g.at("outcomes").back()) == worst);
  check_witnesses(x, checks, pins);
}

TEST_CASE("explore: a chain of three has six outcomes", "[explore]") {
  json j = explore("ex-chain.dtbo", kChainDts);
  const json& x = j.at("explore");
  const std::string a = "/soc/a", b = "/soc/b", c = "/soc/c";
  const std::vector<std::string> checks = {c, b, a};
  // L_CB pins C's and B's devices, L_BA pins B's and A's (B's device is held by both links, but
  // its node shows 2 either way).
  const std::vector<Pin> pins = {{link(c, b), {c, b}}, {link(b, a), {b, a}}};
  // By hand: L_CB at slot s1 in {before C, C..B, after B}, L_BA at s2 in {before B, B..A, after A}:
  //   C errs iff s1 >= 1; B iff s1 == 2 or s2 >= 1; A iff s2 == 2.
  //   (0,0) {}  (0,1) {B}  (0,2) {B,A}  (1,0) {C}  (1,1) {C,B}  (1,2) {C,B,A}
  //   (2,0) {C,B}  (2,1) {C,B}  (2,2) {C,B,A}   -> 6 distinct outcomes.
  const std::set<NodeSet> expected = {{}, {b}, {b, a}, {c}, {c, b}, {c, b, a}};
  REQUIRE(outcomes_by_rule(checks, pins) == expected);
  CHECK(x.at("outcome_count") == 6);
  CHECK(x.at("always").empty());
  REQUIRE(x.at("groups").size() == 1);  // the two releases share B
  const json& g = x.at("groups").at(0);
  std::vector<std::string> releases = g.at("releases");
  std::sort(releases.begin(), releases.end());
  std::vector<std::string> want = {link(b, a), link(c, b)};
  std::sort(want.begin(), want.end());
  CHECK(releases == want);
  CHECK(g.at("truncated") == false);
  CHECK(g.at("outcomes").size() == 6);
  CHECK(all_outcomes(x) == expected);
  check_witnesses(x, checks, pins);
}

TEST_CASE("explore: two independent pairs multiply to nine outcomes", "[explore]") {
  json j = explore("ex-two-pairs.dtbo", kTwoPairsDts);
  const json& x = j.at("explore");
  const std::string p1 = "/soc/p1", c1 = "/soc/c1", p2 = "/soc/p2", c2 = "/soc/c2";
  const std::vector<std::string> checks = {c2, p2, c1, p1};
  const std::vector<Pin> pins = {{link(c1, p1), {c1, p1}}, {link(c2, p2), {c2, p2}}};
  // By hand: 3 outcomes per pair, independent: 3 * 3 = 9.
  std::set<NodeSet> expected = outcomes_by_rule(checks, pins);
  REQUIRE(expected.size() == 9);
  CHECK(x.at("outcome_count") == 9);
  REQUIRE(x.at("groups").size() == 2);
  std::size_t product = 1;
  std::set<std::string> seen_releases;
  for (const json& g : x.at("groups")) {
    REQUIRE(g.at("releases").size() == 1);
    seen_releases.insert(g.at("releases").at(0).get<std::string>());
    CHECK(g.at("outcomes").size() == 3);
    product *= g.at("outcomes").size();
  }
  CHECK(seen_releases == std::set<std::string>{link(c1, p1), link(c2, p2)});
  CHECK(x.at("outcome_count") == product);
  CHECK(all_outcomes(x) == expected);
  check_witnesses(x, checks, pins);
}

TEST_CASE("explore: an outcome's lines follow its witness schedule", "[explore][bug]") {
  // In the chain's outcome {C, B, A} whose witness runs L_CB after C's check and before B's, the
  // kernel prints C's "memory leak before free" line when L_CB runs (put C: the node's last
  // reference, kernel-model-of.md §3.5), i.e. before B's ERROR line. The outcome must not list
  // it after A's ERROR line.
  json j = explore("ex-chain.dtbo", kChainDts);
  const std::string a = "/soc/a", b = "/soc/b", c = "/soc/c";
  const std::string l_cb = link(c, b);
  bool checked = false;
  for (const json& g : j.at("explore").at("groups")) {
    for (const json& o : g.at("outcomes")) {
      if (error_nodes(o) != NodeSet{c, b, a}) continue;
      bool l_cb_before_b = false;
      for (const std::string w : o.at("witness")) {
        if (w == l_cb + ": runs after the destroy check of " + c + ", before that of " + b) l_cb_before_b = true;
      }
      if (!l_cb_before_b) continue;
      std::vector<std::string> lines = o.at("messages");
      auto leak_c = std::find(lines.begin(), lines.end(), kLeakPrefix + c);
      auto error_b = std::find(lines.begin(), lines.end(), kErrorPrefix + b);
      INFO(o.dump(2));
      CHECK(leak_c < error_b);
      checked = true;
    }
  }
  CHECK(checked);  // the chain has such an outcome and witness: the check above must have run
}
