// Writing trees back out: flatten(load(x)) is x again as dtc reads it, and files are replaced
// atomically.
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

using ovl::Bytes;
using ovl::NodeId;
using ovl::kNoNode;
using ovl::fdt::flatten;
using ovl::fdt::load_blob_bytes;
using ovl::fdt::write_file_atomically;
using ovl::test::compile_dts;
using ovl::test::read_bytes;
using ovl::test::run_command;
using ovl::test::temp_path;
using ovl::test::write_bytes;

namespace {

const char* const kDts = R"(/dts-v1/;
/memreserve/ 0x80000000 0x10000;
/memreserve/ 0xfff00000 0x100000;
/ {
	model = "Acme Board";
	compatible = "acme,board", "acme,soc";
	#address-cells = <2>;
	#size-cells = <1>;

	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu0: cpu@0 { device_type = "cpu"; reg = <0>; };
		cpu@1 { device_type = "cpu"; reg = <1>; next-level = <&cpu0>; };
	};

	soc {
		empty-string = "";
		gpio: gpio@0 { gpio-controller; #gpio-cells = <2>; bytes = [01 02 03]; };
		led { gpios = <&gpio 3 0>; label = "heartbeat"; };
	};

	legacy { linux,phandle = <0x40>; };
};
)";

// dtc's view of a blob, properties and nodes sorted (-s), as the round trip compares it.
std::string decompile(const Bytes& blob, const std::string& name) {
  std::string path = temp_path(name);
  write_bytes(path, blob);
  auto r = run_command({DTC_EXECUTABLE, "-s", "-I", "dtb", "-O", "dts", path});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  return r.out;
}

std::uint32_t get32(const Bytes& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

std::vector<std::string> directory_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("flatten(load(x)) reads back as x", "[fdt]") {
  const Bytes original = compile_dts(kDts);
  auto loaded = load_blob_bytes("original", original);
  REQUIRE(loaded);
  const Bytes rewritten = flatten(loaded->tree, loaded->header);

  SECTION("dtc sees the same tree and reservations") {
    std::string before = decompile(original, "rt-before.dtb");
    std::string after = decompile(rewritten, "rt-after.dtb");
    CHECK_THAT(before, Catch::Contains("/memreserve/"));
    CHECK_THAT(before, Catch::Contains("heartbeat"));
    CHECK(after == before);
  }

  SECTION("a version 17 blob, packed, that loads to the same model") {
    CHECK(get32(rewritten, 0) == 0xd00dfeed);
    CHECK(get32(rewritten, 20) == 17);
    CHECK(get32(rewritten, 4) == rewritten.size());
    auto again = load_blob_bytes("rewritten", rewritten);
    REQUIRE(again);
    CHECK(again->tree.node_count() == loaded->tree.node_count());
    CHECK(again->tree.max_phandle() == 0x40);
    // The synthetic names were not written: they are made up again, still synthetic.
    NodeId led = again->tree.find_by_path("/soc/led");
    REQUIRE(led != kNoNode);
    REQUIRE(again->tree.node(led).properties.find("name") != nullptr);
    CHECK(again->tree.node(led).properties.find("name")->synthetic);
    CHECK(again->tree.node(led).properties.items().back().name == "name");
  }
}

TEST_CASE("flatten keeps the header's reservations and boot cpu", "[fdt]") {
  Bytes original = compile_dts(kDts);
  original[28] = 0;
  original[29] = 0;
  original[30] = 0x01;
  original[31] = 0x02;  // boot_cpuid_phys = 0x102
  auto loaded = load_blob_bytes("boot-cpu", original);
  REQUIRE(loaded);
  REQUIRE(loaded->header.boot_cpuid_phys == 0x102);

  ovl::fdt::BlobHeader header = loaded->header;
  header.memory_reservations.push_back({0x1234000, 0x1000});
  Bytes rewritten = flatten(loaded->tree, header);
  CHECK(get32(rewritten, 28) == 0x102);
  auto again = load_blob_bytes("rewritten", rewritten);
  REQUIRE(again);
  CHECK(again->header.boot_cpuid_phys == 0x102);
  const auto& rsv = again->header.memory_reservations;
  REQUIRE(rsv.size() == 3);
  CHECK(rsv[0].address == 0x80000000);
  CHECK(rsv[0].size == 0x10000);
  CHECK(rsv[1].address == 0xfff00000);
  CHECK(rsv[2].address == 0x1234000);
  CHECK(rsv[2].size == 0x1000);
}

TEST_CASE("flatten writes only what is linked, in list order, without synthetic properties",
          "[fdt]") {
  auto loaded = load_blob_bytes("original", compile_dts(kDts, false));
  REQUIRE(loaded);
  ovl::DeviceTree& tree = loaded->tree;

  SECTION("an unlinked node and its children are left out") {
    NodeId cpus = tree.find_by_path("/cpus");
    REQUIRE(cpus != kNoNode);
    tree.unlink(cpus);
    auto again = load_blob_bytes("rewritten", flatten(tree, loaded->header));
    REQUIRE(again);
    CHECK(again->tree.find_by_path("/cpus") == kNoNode);
    CHECK(again->tree.find_by_path("/soc/led") != kNoNode);
    CHECK(again->tree.node_count() == tree.node_count() - 3);
  }

  SECTION("a node linked first comes first; a made-up synthetic property is not written") {
    NodeId node = tree.create_node("first@0", tree.root());
    tree.node(node).properties.append(ovl::Property{"real", Bytes{1, 2}, false});
    tree.node(node).properties.append(ovl::Property{"invented", Bytes{3}, true});
    tree.link_first(node);
    auto again = load_blob_bytes("rewritten", flatten(tree, loaded->header));
    REQUIRE(again);
    NodeId first = again->tree.node(again->tree.root()).first_child;
    REQUIRE(first != kNoNode);
    CHECK(again->tree.node(first).full_name == "first@0");
    REQUIRE(again->tree.node(first).properties.find("real") != nullptr);
    CHECK(again->tree.node(first).properties.find("real")->value == Bytes{1, 2});
    CHECK(again->tree.node(first).properties.find("invented") == nullptr);
  }
}

TEST_CASE("write_file_atomically replaces the file or leaves everything as it was", "[fdt]") {
  std::string dir = temp_path("atomic");
  std::filesystem::remove_all(dir);  // each section starts from an empty directory
  std::filesystem::create_directories(dir);
  std::string file = dir + "/out.dtb";

  SECTION("replaces an existing file, keeps its mode and leaves no temporary behind") {
    write_bytes(file, Bytes{'o', 'l', 'd'});
    REQUIRE(::chmod(file.c_str(), 0640) == 0);
    Bytes fresh(5000, 0x5a);
    auto written = write_file_atomically(file, fresh);
    REQUIRE(written);
    CHECK(read_bytes(file) == fresh);
    CHECK(directory_entries(dir) == std::vector<std::string>{"out.dtb"});
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
  }

  SECTION("creates a file that is not there yet") {
    auto written = write_file_atomically(file, Bytes{1, 2, 3});
    REQUIRE(written);
    CHECK(read_bytes(file) == Bytes{1, 2, 3});
    CHECK(directory_entries(dir) == std::vector<std::string>{"out.dtb"});
  }

  SECTION("a missing directory fails and creates nothing") {
    std::string missing = dir + "/missing/out.dtb";
    auto written = write_file_atomically(missing, Bytes{1});
    REQUIRE_FALSE(written);
    CHECK(written.error().message == "'" + missing + "': cannot write: No such file or directory");
    CHECK(directory_entries(dir).empty());
  }

  SECTION("a failed rename removes the temporary file") {
    std::string target = dir + "/taken";
    std::filesystem::create_directories(target + "/inside");
    auto written = write_file_atomically(target, Bytes{1});
    REQUIRE_FALSE(written);
    CHECK_THAT(written.error().message, Catch::StartsWith("'" + target + "': cannot write: "));
    CHECK(directory_entries(dir) == std::vector<std::string>{"taken"});
    CHECK(directory_entries(target) == std::vector<std::string>{"inside"});
  }
}
