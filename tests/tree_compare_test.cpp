// The tree comparison the end-to-end tests rely on: it must see real differences and forgive only
// phandle renumbering (the kernel and libfdt number overlay phandles differently).
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/tree_compare.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ovl::DeviceTree;
using ovl::fdt::load_blob_bytes;
using ovl::test::compile_dts;
using ovl::test::compare_trees;

namespace {

DeviceTree tree_of(const std::string& dts) {
  auto loaded = load_blob_bytes("test.dtb", compile_dts(dts, false));
  REQUIRE(loaded);
  return std::move(loaded->tree);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// A provider with phandle 1 and a consumer pointing at it; the numbers are parameters.
std::string board(const std::string& provider_phandle, const std::string& consumer_ref,
                  const std::string& extra = "") {
  return "/dts-v1/;\n/ {\n"
         "  provider { phandle = <" + provider_phandle + ">; };\n"
         "  other { phandle = <0x7>; };\n"
         "  consumer { clocks = <" + consumer_ref + " 3>; label = \"c\"; };\n};\n"
         "/ {\n" + extra + "};\n";  // a second root block: dtc merges it into the first
}

}  // namespace

TEST_CASE("identical trees compare equal", "[tree_compare]") {
  DeviceTree a = tree_of(board("0x1", "0x1"));
  DeviceTree b = tree_of(board("0x1", "0x1"));
  CHECK(compare_trees(a, b).empty());
}

TEST_CASE("renumbered phandles are equal when they name the same node", "[tree_compare]") {
  // The kernel would give the provider max+1+n, libfdt another number: same tree.
  DeviceTree a = tree_of(board("0x1", "0x1"));
  DeviceTree b = tree_of(board("0x42", "0x42"));
  INFO(joined(compare_trees(a, b)));
  CHECK(compare_trees(a, b).empty());
}

TEST_CASE("children order is not compared (the kernel attaches overlay nodes at the head)", "[tree_compare]") {
  DeviceTree a = tree_of("/dts-v1/;\n/ { x { }; y { }; };\n");
  DeviceTree b = tree_of("/dts-v1/;\n/ { y { }; x { }; };\n");
  CHECK(compare_trees(a, b).empty());
}

TEST_CASE("a missing node is a difference", "[tree_compare]") {
  DeviceTree a = tree_of(board("0x1", "0x1", "  extra-node { };\n"));
  DeviceTree b = tree_of(board("0x1", "0x1"));
  auto diff = compare_trees(a, b, "ovlcheck", "expected");
  REQUIRE(diff.size() == 1);
  CHECK(diff[0] == "/extra-node: node only in ovlcheck");
}

TEST_CASE("an extra property is a difference", "[tree_compare]") {
  DeviceTree a = tree_of(board("0x1", "0x1"));
  DeviceTree b = tree_of(board("0x1", "0x1", "  consumer { status = \"okay\"; };\n"));
  auto diff = compare_trees(a, b, "ovlcheck", "expected");
  REQUIRE(diff.size() == 1);
  CHECK(diff[0] == "/consumer: property 'status' only in expected");
}

TEST_CASE("a changed value is a difference", "[tree_compare]") {
  DeviceTree a = tree_of(board("0x1", "0x1"));
  DeviceTree b = tree_of(board("0x1", "0x1", "  consumer { label = \"d\"; };\n"));
  auto diff = compare_trees(a, b);
  REQUIRE(diff.size() == 1);
  CHECK(diff[0].rfind("/consumer: property 'label' differs", 0) == 0);
}

TEST_CASE("a non-phandle cell that differs is a difference even if both values are phandles", "[tree_compare]") {
  // 3 -> 7 in the second cell: 7 is a phandle only on the right, so not forgiven.
  DeviceTree a = tree_of(board("0x1", "0x1"));
  DeviceTree b = tree_of("/dts-v1/;\n/ {\n  provider { phandle = <0x1>; };\n  other { phandle = <0x7>; };\n"
                         "  consumer { clocks = <0x1 7>; label = \"c\"; };\n};\n");
  auto diff = compare_trees(a, b);
  REQUIRE(diff.size() == 1);
  CHECK(diff[0].find("property 'clocks' differs: cell 1") != std::string::npos);
}

TEST_CASE("a phandle reference pointing to a different node is a difference", "[tree_compare]") {
  // Left: consumer -> provider. Right: consumer -> other (phandle 7).
  DeviceTree a = tree_of(board("0x1", "0x1"));
  DeviceTree b = tree_of(board("0x1", "0x7"));
  auto diff = compare_trees(a, b);
  REQUIRE(diff.size() == 1);
  CHECK(diff[0] == "/consumer: property 'clocks' differs: cell 0: 0x1 (-> /provider) in left, "
                   "0x7 (-> /other) in right");
}

TEST_CASE("the difference list is capped", "[tree_compare]") {
  std::string many;
  for (int i = 0; i < 30; ++i) many += "  n" + std::to_string(i) + " { };\n";
  DeviceTree a = tree_of(board("0x1", "0x1", many));
  DeviceTree b = tree_of(board("0x1", "0x1"));
  auto diff = compare_trees(a, b, "left", "right", 20);
  REQUIRE(diff.size() == 20);
  CHECK(diff.back() == "... and 11 more differences");
}
