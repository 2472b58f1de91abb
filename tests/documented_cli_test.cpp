// Behaviour docs/usage.md and docs/exit-codes.md promise, run against the built binary: option
// edges (--kernel out of range, -i, --drivers unreadable, -o into a missing folder or over an
// existing file), the text reports of apply and links, --trace and --explore in text, NO_COLOR,
// and the exit status of links. The expected texts come from the docs' own examples and the
// kernel's message texts, not from ovlcheck's output.
#include "tests/support/dts_compiler.h"
#include "tests/support/kernel_lines.h"
#include "tests/support/lifecycle_recordings.h"
#include "tests/support/ovlcheck_run.h"
#include "tests/support/test_files.h"

#include "fdt/blob_io.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using ovl::test::CommandResult;
using ovl::test::ovlcheck;

namespace {

const std::string kSource = OVLCHECK_SOURCE_DIR;

// ovlcheck run from the source folder, as the docs' examples are.
CommandResult in_source(std::vector<std::string> args) {
  args.insert(args.begin(), OVLCHECK_BINARY);
  return ovl::test::run_command_in(kSource, args);
}

// The lines of the example in docs/usage.md that follows the line `$ COMMAND`, up to its fence.
std::vector<std::string> usage_example(const std::string& command) {
  std::istringstream doc(ovl::test::read_text(fs::path(kSource) / "docs" / "usage.md"));
  std::vector<std::string> lines;
  bool in = false;
  for (std::string line; std::getline(doc, line);) {
    if (in && line == "```") return lines;
    if (in) lines.push_back(line);
    if (line == "$ " + command) in = true;
  }
  FAIL("docs/usage.md has no example `$ " << command << "`");
  return {};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// One consumer per line of a fixed-clock: every link pins the clock, so all releases are one
// group, and 13 consumers give more than 4,096 distinct outcomes.
std::string many_consumers_overlay(int consumers) {
  std::string dts = "/dts-v1/;\n/plugin/;\n&{/soc} {\n\tovl_clk: ovl-clock {\n\t\tcompatible = \"fixed-clock\";\n"
                    "\t\t#clock-cells = <0>;\n\t\tclock-frequency = <1000000>;\n\t};\n";
  for (int i = 0; i < consumers; ++i) {
    dts += "\tc" + std::to_string(i) + " {\n\t\tcompatible = \"acme,consumer\";\n\t\tclocks = <&ovl_clk>;\n\t};\n";
  }
  return dts + "};\n";
}

}  // namespace

TEST_CASE("option --kernel: a version before 5.9 cannot run, one newer than every known change runs as the newest",
          "[cli][docs]") {
  const std::string base = kSource + "/testdata/seed/board.dtb";
  const std::string overlay = kSource + "/testdata/seed/clock-and-consumer.dtbo";
  ovl::test::expect_cannot_run(ovlcheck({"remove", "--kernel", "5.8", "--base", base, overlay}),
                               "ovlcheck: error: --kernel: ");
  ovl::test::expect_cannot_run(ovlcheck({"remove", "--json", "--kernel", "4.19", "--base", base, overlay}),
                               "ovlcheck: error: --kernel: ");
  // Far in the future: the barrier (v6.9) is there, so the run with it is the kernel's and clean.
  json future = ovl::test::report_of(ovlcheck({"remove", "--json", "--kernel", "99.1", "--base", base, overlay}));
  CHECK(future.at("exit_status") == 0);
  for (const json& run : future.at("runs")) CHECK(run.at("matches_kernel") == run.at("barrier"));
}

TEST_CASE("option -i is the same as --base", "[cli][docs]") {
  const std::string base = kSource + "/testdata/seed/board.dtb";
  const std::string overlay = kSource + "/testdata/seed/enable-i2c.dtbo";
  CommandResult with_i = ovlcheck({"apply", "--json", "-i", base, overlay});
  CommandResult with_base = ovlcheck({"apply", "--json", "--base", base, overlay});
  CHECK(with_i.exit_status == 0);
  CHECK(with_i.out == with_base.out);
  CHECK(ovl::test::report_of(with_i).at("base") == base);
}

TEST_CASE("option --drivers: an unreadable list cannot run and names the file", "[cli][docs]") {
  const std::string missing = ovl::test::temp_path("no-such-drivers.txt");
  for (const char* command : {"apply", "remove", "links"}) {
    INFO(command);
    ovl::test::expect_cannot_run(ovlcheck({command, "--drivers", missing, "--base", kSource + "/testdata/seed/board.dtb",
                                           kSource + "/testdata/seed/enable-i2c.dtbo"}),
                                 "ovlcheck: error: '" + missing + "': ");
  }
}

TEST_CASE("option -o into a missing folder cannot run, writes nothing and prints nothing on stdout", "[cli][docs]") {
  const std::string out = ovl::test::temp_path("no-such-folder") + "/merged.dtb";
  ovl::test::expect_cannot_run(ovlcheck({"apply", "-o", out, "--base", kSource + "/testdata/seed/board.dtb",
                                         kSource + "/testdata/seed/enable-i2c.dtbo"}),
                               "ovlcheck: error: '" + out + "': ");
  CHECK_FALSE(fs::exists(fs::path(out).parent_path()));
}

TEST_CASE("option -o replaces an existing file with the merged tree", "[cli][docs]") {
  const std::string out = ovl::test::temp_path("replaced.dtb");
  ovl::test::write_bytes(out, std::vector<std::uint8_t>{'o', 'l', 'd'});
  CommandResult r = ovlcheck({"apply", "-o", out, "--base", kSource + "/testdata/seed/board.dtb",
                              kSource + "/testdata/seed/enable-i2c.dtbo"});
  INFO(r.out << r.err);
  CHECK(r.exit_status == 0);
  auto merged = ovl::fdt::load_blob_file(out);
  REQUIRE(merged);
  ovl::NodeId i2c = merged->tree.find_by_path("/soc/i2c@20000");
  REQUIRE(i2c != ovl::kNoNode);
  const ovl::Property* status = merged->tree.node(i2c).properties.find("status");
  REQUIRE(status != nullptr);
  CHECK(status->as_string() == "okay");  // what enable-i2c.dts sets
  CHECK(merged->tree.node(i2c).properties.find("clocks") != nullptr);
}

TEST_CASE("apply's text report is the one docs/usage.md shows", "[cli][docs][text]") {
  const std::string command = "ovlcheck apply --base testdata/seed/board.dtb testdata/seed/enable-i2c.dtbo";
  CommandResult r = in_source({"apply", "--base", "testdata/seed/board.dtb", "testdata/seed/enable-i2c.dtbo"});
  CHECK(r.exit_status == 0);
  CHECK(lines_of(r.out) == usage_example(command));
}

TEST_CASE("apply's text report of a refused overlay has the docs' lines and exit status 1", "[cli][docs][text]") {
  std::vector<std::string> example =
      usage_example("ovlcheck apply --base testdata/seed/board.dtb testdata/seed/missing-label.dtbo; echo $?");
  CommandResult r = in_source({"apply", "--base", "testdata/seed/board.dtb", "testdata/seed/missing-label.dtbo"});
  std::vector<std::string> got = lines_of(r.out);
  got.push_back(std::to_string(r.exit_status));  // the example's `echo $?`
  // The example elides its first lines with "..."; every line after that must be there, in order,
  // at the end.
  REQUIRE(example.size() > 1);
  REQUIRE(example.front() == "...");
  std::vector<std::string> tail(example.begin() + 1, example.end());
  REQUIRE(got.size() >= tail.size());
  CHECK(std::vector<std::string>(got.end() - static_cast<long>(tail.size()), got.end()) == tail);
}

TEST_CASE("links: the text report counts devices and links after boot and after the overlays, marking the "
          "overlay's link",
          "[cli][docs][text]") {
  CommandResult r = in_source({"links", "--base", "testdata/seed/board.dtb", "testdata/seed/clock-and-consumer.dtbo"});
  INFO(r.out << r.err);
  CHECK(r.exit_status == 0);
  std::vector<std::string> lines = lines_of(r.out);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front() == "kernel 6.12, base testdata/seed/board.dtb");
  // The counts in words match the JSON report of the same run.
  json j = ovl::test::report_of(
      in_source({"links", "--json", "--base", "testdata/seed/board.dtb", "testdata/seed/clock-and-consumer.dtbo"}));
  auto count_line = [&](const char* stage, const char* words) {
    return std::string(words) + ": " + std::to_string(j.at(stage).at("devices").size()) + " devices, " +
           std::to_string(j.at(stage).at("links").size()) + " links";
  };
  CHECK(std::find(lines.begin(), lines.end(), count_line("boot", "after boot")) != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), count_line("applied", "after applying the overlays")) != lines.end());
  // The overlay's link, consumer -> supplier (clocks), as clock-and-consumer.dts writes it.
  CHECK(std::find(lines.begin(), lines.end(), "  /soc/ovl-consumer -> /soc/ovl-clock (clocks)  [overlay]") !=
        lines.end());
}

TEST_CASE("links exits 1 when the kernel refuses an overlay", "[cli][docs]") {
  CommandResult r = in_source({"links", "--base", "testdata/seed/board.dtb", "testdata/seed/missing-label.dtbo"});
  CHECK(r.exit_status == 1);
  json j = ovl::test::report_of(
      in_source({"links", "--json", "--base", "testdata/seed/board.dtb", "testdata/seed/missing-label.dtbo"}));
  CHECK(j.at("exit_status") == 1);
  CHECK(j.at("overlays").at(0).at("applied") == false);
  CHECK(j.at("overlays").at(0).at("error") == "unresolved-label");
}

TEST_CASE("remove --trace in text lists the destroy checks with the refcounts the kernel complains about",
          "[cli][docs][text]") {
  CommandResult r =
      in_source({"remove", "--trace", "--base", "testdata/seed/board.dtb", "testdata/seed/clock-and-consumer.dtbo"});
  INFO(r.out << r.err);
  CHECK(r.exit_status == 0);
  json j = ovl::test::report_of(in_source(
      {"remove", "--json", "--trace", "--base", "testdata/seed/board.dtb", "testdata/seed/clock-and-consumer.dtbo"}));
  // Every trace event's text of the run without the barrier appears in the text report, in order.
  std::size_t at = 0;
  std::size_t events = 0;
  for (const json& e : j.at("runs").at(0).at("trace")) {
    std::size_t found = r.out.find(e.at("text").get<std::string>(), at);
    INFO(e.dump());
    REQUIRE(found != std::string::npos);
    at = found;
    ++events;
  }
  CHECK(events > 0);
  CHECK(r.out.find(ovl::test::refcount_error_line("/soc/ovl-consumer")) != std::string::npos);
}

TEST_CASE("remove --explore in text: a provider and its consumer have 3 outcomes, 14 nodes on one provider give "
          "a lower bound",
          "[cli][docs][text]") {
  CommandResult pair = in_source({"remove", "--explore", "--kernel", "6.1", "--base", "testdata/seed/board.dtb",
                                  "testdata/seed/clock-and-consumer.dtbo"});
  INFO(pair.out << pair.err);
  CHECK(pair.out.find("3 distinct outcome(s)") != std::string::npos);
  CHECK(pair.out.find("at least") == std::string::npos);

  std::string many = ovl::test::compiled_file("many-consumers.dtbo", many_consumers_overlay(13));
  CommandResult star = ovlcheck({"remove", "--explore", "--kernel", "6.1", "--drivers", "none", "--base",
                                 kSource + "/testdata/seed/board.dtb", many});
  INFO(star.out << star.err);
  CHECK(star.exit_status != 2);
  CHECK(star.out.find("at least ") != std::string::npos);
  json j = ovl::test::report_of(ovlcheck({"remove", "--json", "--explore", "--kernel", "6.1", "--drivers", "none",
                                          "--base", kSource + "/testdata/seed/board.dtb", many}));
  bool truncated = false;
  for (const json& g : j.at("explore").at("groups")) truncated = truncated || g.at("truncated").get<bool>();
  CHECK(truncated);
}

TEST_CASE("text output is coloured on a terminal and plain with NO_COLOR", "[cli][docs][text]") {
  // script(1) gives ovlcheck a real terminal as standard output.
  const std::string command = std::string(OVLCHECK_BINARY) + " remove --kernel 6.1 --base " + kSource +
                              "/testdata/seed/board.dtb " + kSource + "/testdata/seed/clock-and-consumer.dtbo";
  CommandResult coloured = ovl::test::run_command({"env", "-u", "NO_COLOR", "script", "-qec", command, "/dev/null"});
  CommandResult plain = ovl::test::run_command({"env", "NO_COLOR=1", "script", "-qec", command, "/dev/null"});
  INFO(coloured.out << "\n----\n" << plain.out << coloured.err << plain.err);
  CHECK(coloured.out.find("\033[") != std::string::npos);
  CHECK(plain.out.find("\033[") == std::string::npos);
  CHECK(plain.out.find(ovl::test::refcount_error_line("/soc/ovl-consumer")) != std::string::npos);
}

TEST_CASE("remove says there is nothing to remove when the kernel gave no overlay an id", "[cli][docs][text]") {
  // Before v5.19 a refused overlay gets no id (kernel-model-of.md §1.1), so nothing can be removed.
  CommandResult r = in_source(
      {"remove", "--kernel", "5.10", "--base", "testdata/seed/board.dtb", "testdata/seed/missing-label.dtbo"});
  INFO(r.out << r.err);
  CHECK(r.exit_status == 1);
  CHECK(r.out.find("nothing to remove: the kernel gave no overlay an id") != std::string::npos);
}
