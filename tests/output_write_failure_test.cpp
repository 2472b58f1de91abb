// `apply -o` when the output cannot be written: a full disk (a file size limit, RLIMIT_FSIZE, set
// with util-linux `prlimit`) and a read-only directory. Either way: exit 2, one error line,
// no partial file, no temporary file left behind, an existing output untouched.
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ovl::test::read_bytes;
using ovl::test::run_command;
using ovl::test::write_bytes;

const std::vector<std::uint8_t> kOld{'o', 'l', 'd', ' ', 'b', 'l', 'o', 'b'};

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A fresh world-readable directory with the inputs copied in, so that an unprivileged user can
// run ovlcheck on them too.
std::string scratch_with_inputs(const std::string& name) {
  std::string dir = ovl::test::temp_path(name);
  fs::remove_all(dir);
  fs::create_directories(dir + "/in");
  for (const char* f : {"board.dtb", "enable-i2c.dtbo"}) {
    fs::copy_file(std::string(OVLCHECK_SOURCE_DIR) + "/testdata/seed/" + f, dir + "/in/" + f);
  }
  // temp_path()'s own directory is private (0700); open the way down to ours.
  for (fs::path p = dir; p.has_parent_path() && p != p.parent_path(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & 0005) != 0005) ::chmod(p.c_str(), st.st_mode | 0005);
    if (p == fs::temp_directory_path()) break;
  }
  fs::permissions(dir + "/in", fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
  return dir;
}

std::vector<std::string> apply_argv(const std::string& dir, const std::string& output) {
  return {OVLCHECK_BINARY, "apply", "--base", dir + "/in/board.dtb", "-o", output, dir + "/in/enable-i2c.dtbo"};
}

void check_refused(const ovl::test::CommandResult& r, const std::string& output, const std::string& cause) {
  CHECK(r.exit_status == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err == "ovlcheck: error: '" + output + "': cannot write: " + cause + "\n");
}

}  // namespace

TEST_CASE("apply -o on a full disk: exit 2, the old file untouched, no partial file", "[cli][apply][atomic]") {
  std::string dir = scratch_with_inputs("full-disk");
  std::string out_dir = dir + "/out";
  fs::create_directories(out_dir);
  std::string output = out_dir + "/merged.dtb";
  // The merged blob is larger than 100 bytes, so the limit is reached in the middle of it.
  auto limited = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"prlimit", "--fsize=100"});
    return run_command(argv);
  };

  SECTION("an existing output stays as it was") {
    write_bytes(output, kOld);
    check_refused(limited(apply_argv(dir, output)), output, "File too large");
    CHECK(read_bytes(output) == kOld);
    CHECK(entries(out_dir) == std::vector<std::string>{"merged.dtb"});
  }
  SECTION("no output appears") {
    check_refused(limited(apply_argv(dir, output)), output, "File too large");
    CHECK(entries(out_dir).empty());
  }
  SECTION("without the limit the same command writes it (the limit is what failed)") {
    ovl::test::CommandResult r = run_command(apply_argv(dir, output));
    CHECK(r.exit_status == 0);
    CHECK(fs::file_size(output) > 100);
  }
}

TEST_CASE("apply -o into a read-only directory: exit 2, the old file untouched, nothing added",
          "[cli][apply][atomic]") {
  std::string dir = scratch_with_inputs("read-only");
  std::string out_dir = dir + "/out";
  fs::create_directories(out_dir);
  std::string output = out_dir + "/merged.dtb";
  write_bytes(output, kOld);
  ::chmod(output.c_str(), 0644);
  REQUIRE(::chmod(out_dir.c_str(), 0555) == 0);
  std::vector<std::string> argv = apply_argv(dir, output);
  // root writes anywhere: run as nobody (util-linux setpriv), for whom 0555 means read-only.
  if (::geteuid() == 0) {
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  ovl::test::CommandResult r = run_command(argv);
  ::chmod(out_dir.c_str(), 0755);
  check_refused(r, output, "Permission denied");
  CHECK(read_bytes(output) == kOld);
  CHECK(entries(out_dir) == std::vector<std::string>{"merged.dtb"});
}
