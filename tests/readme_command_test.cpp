// The README's "Try it" command, taken from README.md itself (so the two cannot drift apart) and
// run from the source folder as the README says: the 2020 report's overlay removed without the
// barrier prints `expected refcount 1 instead of 2` for the consumer and then the provider, and
// with the barrier (what the default kernel, 6.12, does) nothing.
#include "tests/support/kernel_lines.h"
#include "tests/support/lifecycle_recordings.h"
#include "tests/support/ovlcheck_run.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The words of the ovlcheck command in the README's install-build-run line.
std::vector<std::string> readme_command() {
  std::istringstream readme(ovl::test::read_text(fs::path(OVLCHECK_SOURCE_DIR) / "README.md"));
  const std::string program = "./build/cli/ovlcheck ";
  for (std::string line; std::getline(readme, line);) {
    std::size_t at = line.find(program);
    if (at == std::string::npos || line.find("apt-get install") == std::string::npos) continue;
    std::istringstream words(line.substr(at + program.size()));
    std::vector<std::string> out;
    for (std::string w; words >> w;) out.push_back(w);
    return out;
  }
  FAIL("README.md has no install-build-run line ending in " << program << "...");
  return {};
}

std::size_t count_lines_containing(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("README: the main command prints expected refcount 1 instead of 2 twice, for the consumer then the "
          "provider, and only without the barrier",
          "[readme][cli]") {
  std::vector<std::string> args = readme_command();
  REQUIRE(args == std::vector<std::string>{"remove", "--base", "testdata/seed/board.dtb",
                                           "testdata/seed/clock-and-consumer.dtbo"});
  // The README runs it from the source folder: its relative paths are taken from there.
  for (std::string& a : args) {
    if (a.starts_with("testdata/")) a = (fs::path(OVLCHECK_SOURCE_DIR) / a).string();
  }
  ovl::test::CommandResult r = ovl::test::ovlcheck(args);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_status == 0);  // the default kernel (6.12) has the barrier: clean
  CHECK(r.err.empty());
  CHECK(count_lines_containing(r.out, "expected refcount 1 instead of 2") == 2);
  std::size_t without = r.out.find("removal without the barrier");
  std::size_t with = r.out.find("removal with device_link_wait_removal()");
  REQUIRE(without != std::string::npos);
  REQUIRE(with != std::string::npos);
  REQUIRE(without < with);
  std::size_t consumer = r.out.find(ovl::test::refcount_error_line("/soc/ovl-consumer"));
  std::size_t provider = r.out.find(ovl::test::refcount_error_line("/soc/ovl-clock"));
  CHECK((without < consumer && consumer < provider && provider < with));  // reverse changeset order
  CHECK(r.out.find("no kernel lines: every node balanced", with) != std::string::npos);
}
