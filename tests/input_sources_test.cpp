// Inputs people actually have, in every command (docs/usage.md "Inputs"):
// - .dts/.dtso sources compiled with the real dtc -@, after cpp when they use #include (the
//   kernel's dtc_cpp_flags), with dtc's own errors passed through with file:line, and a clear
//   error when dtc is not installed;
// - the running system as base: --base live (/sys/firmware/fdt) and --base live-tree
//   (/proc/device-tree), read below --sysroot: here a fake root made from testdata/seed/board.dtb.
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"
#include "tests/support/test_files.h"

#include "fdt/blob_io.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using nlohmann::json;
using ovl::test::CommandResult;
using ovl::test::run_command;
using ovl::test::temp_path;
using ovl::test::write_text;

namespace fs = std::filesystem;

namespace {

const std::string kSource = OVLCHECK_SOURCE_DIR;
const std::string kBoard = kSource + "/testdata/seed/board.dtb";
const std::string kEnableI2c = kSource + "/testdata/seed/enable-i2c.dtbo";

// The seed board as a source that needs cpp: a header from an include directory for a macro,
// and a .dtsi next to it for the i2c controller.
std::string sources_dir() {
  std::string dir = temp_path("sources");
  write_text(dir + "/include/board-macros.h", "#define I2C_BASE 0x20000\n#define OKAY \"okay\"\n");
  write_text(dir + "/i2c.dtsi",
             "i2c0: i2c@20000 {\n\tcompatible = \"ovlcheck,example-i2c\";\n\treg = <I2C_BASE 0x1000>;\n"
             "\t#address-cells = <1>;\n\t#size-cells = <0>;\n\tstatus = \"disabled\";\n};\n");
  write_text(dir + "/board.dts",
             "/dts-v1/;\n#include <board-macros.h>\n/ {\n\tcompatible = \"ovlcheck,example-board\";\n"
             "\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tsoc: soc {\n\t\tcompatible = \"simple-bus\";\n"
             "\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges;\n"
             "\t\tclkc: clock-controller@10000 {\n\t\t\tcompatible = \"ovlcheck,example-clkc\";\n"
             "\t\t\treg = <0x10000 0x1000>;\n\t\t\t#clock-cells = <1>;\n\t\t};\n"
             "#include \"i2c.dtsi\"\n\t};\n};\n");
  write_text(dir + "/overlays/enable-i2c.dtso",
             "/dts-v1/;\n/plugin/;\n#include <board-macros.h>\n&i2c0 {\n\tstatus = OKAY;\n\tclocks = <&clkc 3>;\n};\n");
  write_text(dir + "/overlays/plain.dtso", "/dts-v1/;\n/plugin/;\n&i2c0 {\n\tstatus = \"okay\";\n};\n");
  write_text(dir + "/broken.dts", "/dts-v1/;\n/ {\n\tcompatible = \"x\"\n};\n");  // missing ';'
  return dir;
}

json apply_json(std::vector<std::string> args) {
  args.insert(args.begin(), {OVLCHECK_BINARY, "apply", "--json"});
  CommandResult r = run_command(args);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  return json::parse(r.out);
}

// A /proc/device-tree look-alike of `tree`: a directory per node, a file per property, plus the
// `name` files the kernel shows.
void write_tree_directory(const ovl::DeviceTree& tree, ovl::NodeId id, const fs::path& dir) {
  fs::create_directories(dir);
  for (const ovl::Property& p : tree.node(id).properties.items()) {
    std::ofstream(dir / p.name, std::ios::binary).write(reinterpret_cast<const char*>(p.value.data()),
                                                       static_cast<std::streamsize>(p.value.size()));
  }
  tree.for_each_child(id, [&](ovl::NodeId child) { write_tree_directory(tree, child, dir / tree.node(child).full_name); });
}

}  // namespace

TEST_CASE("sources: a .dts base and a .dtso overlay using #include give what their blobs give", "[cli][sources]") {
  std::string dir = sources_dir();
  json from_blobs = apply_json({"--base", kBoard, kEnableI2c});
  json from_sources = apply_json({"--base", dir + "/board.dts", "-I", dir + "/include", dir + "/overlays/enable-i2c.dtso"});
  REQUIRE(from_sources["overlays"].size() == 1);
  CHECK(from_sources["overlays"][0]["applied"] == true);
  CHECK(from_sources["overlays"][0]["messages"] == from_blobs["overlays"][0]["messages"]);
  CHECK(from_sources["overlays"][0]["changeset"] == from_blobs["overlays"][0]["changeset"]);
  // remove, links and check read sources the same way.
  CHECK(run_command({OVLCHECK_BINARY, "remove", "--base", dir + "/board.dts", "-I", dir + "/include",
                     dir + "/overlays/enable-i2c.dtso"}).exit_status == 0);
  CHECK(run_command({OVLCHECK_BINARY, "links", "--base", dir + "/board.dts", "-I", dir + "/include"}).exit_status == 0);
  CommandResult check = run_command({OVLCHECK_BINARY, "check", "--base", dir + "/board.dts", "-I", dir + "/include",
                                     "--format", "json", dir + "/overlays"});
  INFO(check.err);
  REQUIRE(check.exit_status == 0);
  json report = json::parse(check.out);
  REQUIRE(report["cases"].size() == 2);  // the directory's two .dtso files
  CHECK(report["cases"][0]["overlays"][0] == dir + "/overlays/enable-i2c.dtso");
}

TEST_CASE("sources: dtc's errors come through with file:line / then one error line - exit 2", "[cli][sources]") {
  std::string dir = sources_dir();
  CommandResult r = run_command({OVLCHECK_BINARY, "apply", "--base", dir + "/broken.dts", dir + "/overlays/plain.dtso"});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find(dir + "/broken.dts:4") != std::string::npos);
  CHECK(r.err.find("ovlcheck: error: '" + dir + "/broken.dts': dtc failed (exit 1)\n") != std::string::npos);
  // Without #include no cpp is run; a missing header with #include is cpp's error, with its line.
  write_text(dir + "/needs-header.dtso", "/dts-v1/;\n/plugin/;\n#include <absent.h>\n&i2c0 { status = \"okay\"; };\n");
  CommandResult cpp = run_command({OVLCHECK_BINARY, "apply", "--base", kBoard, dir + "/needs-header.dtso"});
  CHECK(cpp.exit_status == 2);
  CHECK(cpp.err.find("needs-header.dtso:3") != std::string::npos);
  CHECK(cpp.err.find("ovlcheck: error: '" + dir + "/needs-header.dtso': cpp failed") != std::string::npos);
}

TEST_CASE("sources: without dtc installed a source cannot be read: exit 2 naming the package", "[cli][sources]") {
  std::string dir = sources_dir();
  std::string empty_path = temp_path("no-tools");
  fs::create_directories(empty_path);
  CommandResult r = run_command({"/usr/bin/env", "PATH=" + empty_path, OVLCHECK_BINARY, "check", "--base", kBoard,
                                 dir + "/overlays/plain.dtso"});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "ovlcheck: error: '" + dir +
                     "/overlays/plain.dtso': cannot compile: dtc not found in PATH (install the device-tree-compiler package)\n");
  // A blob needs no dtc.
  CHECK(run_command({"/usr/bin/env", "PATH=" + empty_path, OVLCHECK_BINARY, "check", "--base", kBoard, kEnableI2c})
            .exit_status == 0);
}

TEST_CASE("live base: --base live reads sysroot/sys/firmware/fdt and --base live-tree reads sysroot/proc/device-tree",
          "[cli][live]") {
  std::string root = temp_path("sysroot");
  fs::create_directories(root + "/sys/firmware");
  fs::copy_file(kBoard, root + "/sys/firmware/fdt", fs::copy_options::overwrite_existing);
  auto board = ovl::fdt::load_blob_file(kBoard);
  REQUIRE(board);
  fs::remove_all(root + "/proc/device-tree");
  write_tree_directory(board->tree, board->tree.root(), root + "/proc/device-tree");

  json from_file = apply_json({"--base", kBoard, kEnableI2c});
  json from_live = apply_json({"--base", "live", "--sysroot", root, kEnableI2c});
  json from_tree = apply_json({"--base", "live-tree", "--sysroot", root, kEnableI2c});
  CHECK(from_live["overlays"] == from_file["overlays"]);
  CHECK(from_tree["overlays"][0]["messages"] == from_file["overlays"][0]["messages"]);
  CHECK(from_tree["overlays"][0]["applied"] == true);
  CHECK(from_live["base"] == "live");

  CommandResult check = run_command({OVLCHECK_BINARY, "check", "--base", "live-tree", "--sysroot", root, "--format",
                                     "json", kEnableI2c});
  INFO(check.err);
  REQUIRE(check.exit_status == 0);
  CHECK(json::parse(check.out)["cases"][0]["base"] == "live-tree");
}

TEST_CASE("live base: --base live when the files are not there: exit 2 / one line saying what was not readable", "[cli][live]") {
  std::string root = temp_path("empty-sysroot");
  fs::create_directories(root);
  CommandResult live = run_command({OVLCHECK_BINARY, "apply", "--base", "live", "--sysroot", root, kEnableI2c});
  CHECK(live.exit_status == 2);
  CHECK(live.out.empty());
  CHECK(live.err.rfind("ovlcheck: error: 'live': '" + root + "/sys/firmware/fdt': cannot read", 0) == 0);
  CHECK(live.err.find("needs root") != std::string::npos);
  CommandResult tree = run_command({OVLCHECK_BINARY, "apply", "--base", "live-tree", "--sysroot", root, kEnableI2c});
  CHECK(tree.exit_status == 2);
  CHECK(tree.err == "ovlcheck: error: 'live-tree': " + root + "/proc/device-tree is not a readable directory: No such file or directory\n");
}
