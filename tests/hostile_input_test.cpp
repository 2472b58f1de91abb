// Hostile input through the ovlcheck binary: what the fuzzers found (testdata/fuzz) and the
// promises made for any input -- one error line, exit 2, no partial output file.
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace {

std::string source_file(const std::string& relative) { return std::string(OVLCHECK_SOURCE_DIR) + "/" + relative; }

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

// testdata/fuzz/text_inputs/kernel-version-with-newline, order-with-newline.
TEST_CASE("a value with control characters gives a one-line error, escaped", "[hostile][cli]") {
  const std::string base = source_file("testdata/seed/board.dtb");
  const std::string overlay = source_file("testdata/seed/enable-i2c.dtbo");
  struct Case {
    std::vector<std::string> argv;
    std::string shown;  // how the value appears in the error
  };
  for (const Case& c : std::vector<Case>{
           {{OVLCHECK_BINARY, "apply", "--kernel", "7v\narm,gic", "--base", base, overlay}, "7v\\narm,gic"},
           {{OVLCHECK_BINARY, "remove", "--order", "1\n2", "--base", base, overlay}, "1\\n2"},
           {{OVLCHECK_BINARY, "apply", "--kernel", "6.1\x1b[2J", "--base", base, overlay}, "6.1\\x1b[2J"},
           {{OVLCHECK_BINARY, "apply", "--base", "no\nsuch\r.dtb", overlay}, "no\\nsuch\\r.dtb"}}) {
    INFO(c.shown);
    ovl::test::CommandResult r = ovl::test::run_command(c.argv);
    CHECK(r.exit_status == 2);
    CHECK(r.out.empty());
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("ovlcheck: error: ", 0) == 0);
    CHECK(r.err.find(c.shown) != std::string::npos);
  }
}
