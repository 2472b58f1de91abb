// What people read: the text reports name what the kernel does silently, and usage errors are
// one line like every other error.
#include "tests/support/corpus.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace {

std::size_t line_count(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("remove's text report names a refusal the kernel makes silently", "[cli][text]") {
  // overlay_bad_phandle: the kernel returns -EINVAL with no line (kernel-model-of.md §1.4, the
  // unittest's OVERLAY_INFO(overlay_bad_phandle, -EINVAL, 0)).
  ovl::test::CommandResult r = ovl::test::run_command(
      {OVLCHECK_BINARY, "remove", "--base", ovl::test::corpus_file("kernel-unittest/static_base_2.dtb"),
       ovl::test::corpus_file("kernel-unittest/overlay_bad_phandle.dtbo")});
  CHECK(r.exit_status == 1);
  CHECK(r.out.find("error: phandle-conflict:") != std::string::npos);
  CHECK(r.out.find("still holds it as overlay #1") != std::string::npos);
}

TEST_CASE("usage errors are one line on stderr with exit status 2", "[cli][text]") {
  std::string base = std::string(OVLCHECK_SOURCE_DIR) + "/testdata/seed/board.dtb";
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {OVLCHECK_BINARY},
           {OVLCHECK_BINARY, "links", "--json", "--dot", "--base", base},
           {OVLCHECK_BINARY, "apply", "--base", base},
           {OVLCHECK_BINARY, "frobnicate"}}) {
    ovl::test::CommandResult r = ovl::test::run_command(argv);
    INFO((argv.size() > 1 ? argv[1] : std::string("(no subcommand)")));
    CHECK(r.exit_status == 2);
    CHECK(r.out.empty());
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("ovlcheck: error: ", 0) == 0);
  }
}
