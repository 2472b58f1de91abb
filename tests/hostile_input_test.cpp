// Hostile input through the ovlcheck binary: what the fuzzers found (testdata/fuzz) and the
// promises made for any input -- one error line, exit 2, no partial output file.
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"
#include "tests/support/test_files.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace {

using ovl::test::source_file;

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

// testdata/fuzz/text_inputs/drivers-cr-bus-word: a carriage return separates words like a space,
// so a file written with CRLF or CR line parts still names the compatible before its bus class.
TEST_CASE("a --drivers line with a CR before its bus word is read as compatible and bus class", "[hostile][cli]") {
  const std::string drivers = ovl::test::temp_path("cr-bus-word-drivers.txt");
  std::ofstream(drivers, std::ios::binary) << "f\x89u\rbus=none\nsimple-bus\r\n";
  ovl::test::CommandResult r =
      ovl::test::run_command({OVLCHECK_BINARY, "apply", "--drivers", drivers, "--base",
                              source_file("testdata/seed/board.dtb"), source_file("testdata/seed/enable-i2c.dtbo")});
  INFO(r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.err.empty());
}

// testdata/fuzz/apply/overlay-node-name-with-slash: the fuzzer's input is a base blob and an
// overlay blob laid end to end. The overlay names a node "partition@180000/"; a blob may, and the
// kernel attaches such a node as it is. ovlcheck applies it and lists it; nothing breaks.
namespace {

// The first two blobs of an apply fuzz input (blobs laid end to end, each as long as its header's
// totalsize), written to files: base, then overlay.
std::pair<std::string, std::string> base_and_overlay(const std::string& fuzz_file, const std::string& name) {
  const std::string input = ovl::test::read_text(source_file(fuzz_file));
  auto total = [&](std::size_t at) {
    std::uint32_t size = 0;
    for (std::size_t i = 0; i < 4; ++i) size = (size << 8) | static_cast<std::uint8_t>(input.at(at + 4 + i));
    return static_cast<std::size_t>(size);
  };
  const std::size_t base_size = total(0);
  const std::string base = ovl::test::temp_path(name + "-base.dtb");
  const std::string overlay = ovl::test::temp_path(name + "-overlay.dtbo");
  ovl::test::write_text(base, input.substr(0, base_size));
  ovl::test::write_text(overlay, input.substr(base_size, total(base_size)));
  return {base, overlay};
}

}  // namespace

TEST_CASE("an overlay node whose name holds a slash is applied and listed as it is", "[hostile][cli]") {
  const auto [base, overlay] = base_and_overlay("testdata/fuzz/apply/overlay-node-name-with-slash", "slash-name");
  ovl::test::CommandResult r = ovl::test::run_command({OVLCHECK_BINARY, "apply", "--base", base, overlay});
  INFO(r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("\n  + /soc/spi@1100a000/flash@0/partitions/partition@180000/\n") != std::string::npos);
}

// testdata/fuzz/apply/version-2-root-name (and lifecycle/version-2-overlay): a version 2 blob
// whose root node's name has no slash crashed libfdt 1.6.1's fdt_check_full() (a null name). Blobs
// older than version 16 are refused before it runs.
TEST_CASE("a blob older than version 16 cannot be read: exit 2, one line, no crash", "[hostile][cli]") {
  const auto [base, overlay] = base_and_overlay("testdata/fuzz/apply/version-2-root-name", "version-2");
  ovl::test::CommandResult r = ovl::test::run_command({OVLCHECK_BINARY, "apply", "--base", base, overlay});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "ovlcheck: error: '" + base + "': unsupported version 2: before version 16 node names are full "
                 "paths, which ovlcheck does not read (dtc writes version 17)\n");
}

// testdata/fuzz/apply/overlay-node-name-with-colon: an overlay node named "partition@c:0000" is
// attached as it is; only a path lookup cannot reach it (a ':' starts the options).
TEST_CASE("an overlay node whose name holds a colon is applied and listed as it is", "[hostile][cli]") {
  const auto [base, overlay] = base_and_overlay("testdata/fuzz/apply/overlay-node-name-with-colon", "colon-name");
  ovl::test::CommandResult r = ovl::test::run_command({OVLCHECK_BINARY, "apply", "--base", base, overlay});
  INFO(r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("\n  + /soc/spi@1100a000/flash@0/partitions/partition@c:0000\n") != std::string::npos);
}

// testdata/fuzz/lifecycle/empty-status-value: an empty `status` was read through strnlen(nullptr)
// (undefined behaviour, caught by UBSan in the sanitizer build). The kernel's
// of_device_is_available() takes an empty status as not "okay": the node is disabled.
TEST_CASE("a node with an empty status is disabled, as in the kernel, and reading it is defined", "[hostile][cli]") {
  const std::string base = ovl::test::compiled_file("empty-status-base.dtb", R"(/dts-v1/;
/ {
	off-device {
		compatible = "vendor,device";
		status;
	};
	on-device {
		compatible = "vendor,device";
	};
};
)");
  const std::string overlay = ovl::test::compiled_file("empty-status-overlay.dtbo", R"(/dts-v1/;
/plugin/;
&{/on-device} {
	clock-frequency = <1>;
};
)");
  ovl::test::CommandResult r = ovl::test::run_command({OVLCHECK_BINARY, "links", "--base", base, "--json", overlay});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("\"/on-device\"") != std::string::npos);
  CHECK(r.out.find("\"/off-device\"") == std::string::npos);
}
