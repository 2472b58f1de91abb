// Loading blobs: what unflatten builds (as drivers/of/fdt.c would), and how each kind of bad
// input is refused with the file and the cause named.
#include "fdt/blob_io.h"
#include "tests/support/dts_compiler.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ovl::Bytes;
using ovl::DeviceTree;
using ovl::NodeId;
using ovl::kNoNode;
using ovl::fdt::load_blob_bytes;
using ovl::fdt::load_blob_file;
using ovl::test::compile_dts;
using ovl::test::temp_path;
using ovl::test::write_bytes;

namespace {

const char* const kBoardDts = R"(/dts-v1/;
/memreserve/ 0x10000000 0x4000;
/memreserve/ 0x20000000 0x100000;
/ {
	compatible = "acme,board";
	#address-cells = <1>;
	#size-cells = <1>;

	intc: interrupt-controller@1000 {
		compatible = "acme,intc";
		reg = <0x1000 0x100>;
		interrupt-controller;
		#interrupt-cells = <1>;
		#address-cells = <0>;
	};

	bus@2000 {
		#address-cells = <1>;
		#size-cells = <0>;
		reg = <0x2000 0x100>;

		uart0: uart@0 {
			reg = <0>;
			interrupt-parent = <&intc>;
			status = "okay";
		};
		uart@1 {
			reg = <1>;
		};
	};

	legacy {
		linux,phandle = <0x20>;
	};

	zeta {
	};

	alpha {
		ref = <&uart0>;
	};
};
)";

// Header field offsets (struct fdt_header).
constexpr std::size_t kTotalSize = 4, kOffStruct = 8, kOffStrings = 12, kVersion = 20;
constexpr std::size_t kSizeStrings = 32, kSizeStruct = 36;

std::uint32_t get32(const Bytes& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 24);
  b[at + 1] = static_cast<std::uint8_t>(v >> 16);
  b[at + 2] = static_cast<std::uint8_t>(v >> 8);
  b[at + 3] = static_cast<std::uint8_t>(v);
}

std::vector<std::string> child_names(const DeviceTree& tree, NodeId id) {
  std::vector<std::string> names;
  tree.for_each_child(id, [&](NodeId c) { names.push_back(tree.node(c).full_name); });
  return names;
}

std::vector<std::string> property_names(const DeviceTree& tree, NodeId id) {
  std::vector<std::string> names;
  for (const auto& p : tree.node(id).properties.items()) names.push_back(p.name);
  return names;
}

Bytes cells(std::initializer_list<std::uint32_t> values) {
  Bytes out(values.size() * 4);
  std::size_t at = 0;
  for (std::uint32_t v : values) put32(out, (at++) * 4, v);
  return out;
}

Bytes text(const std::string& s) {
  Bytes out(s.begin(), s.end());
  out.push_back(0);
  return out;
}

// Hand-made blobs for shapes dtc will not produce: a raw structure block behind a v17 header.
class RawBlob {
 public:
  RawBlob& begin(const std::string& name) {
    word(1);
    bytes(text(name));
    return *this;
  }
  RawBlob& prop(const std::string& name, const Bytes& value) {
    word(3);
    word(static_cast<std::uint32_t>(value.size()));
    word(string_offset(name));
    bytes(value);
    return *this;
  }
  RawBlob& end() { return word(2); }
  RawBlob& word(std::uint32_t w) {
    std::size_t at = structure_.size();
    structure_.resize(at + 4);
    put32(structure_, at, w);
    return *this;
  }
  Bytes build() const {
    Bytes s = structure_;
    Bytes end = cells({9});
    s.insert(s.end(), end.begin(), end.end());
    const std::uint32_t off_rsv = 40, off_struct = 56;
    const auto off_strings = static_cast<std::uint32_t>(off_struct + s.size());
    Bytes blob(off_strings + strings_.size());
    put32(blob, 0, 0xd00dfeed);
    put32(blob, kTotalSize, static_cast<std::uint32_t>(blob.size()));
    put32(blob, kOffStruct, off_struct);
    put32(blob, kOffStrings, off_strings);
    put32(blob, 16, off_rsv);
    put32(blob, kVersion, 17);
    put32(blob, 24, 16);
    put32(blob, kSizeStrings, static_cast<std::uint32_t>(strings_.size()));
    put32(blob, kSizeStruct, static_cast<std::uint32_t>(s.size()));
    std::copy(s.begin(), s.end(), blob.begin() + off_struct);
    std::copy(strings_.begin(), strings_.end(), blob.begin() + off_strings);
    return blob;
  }

 private:
  void bytes(const Bytes& b) {
    structure_.insert(structure_.end(), b.begin(), b.end());
    while (structure_.size() % 4 != 0) structure_.push_back(0);
  }
  std::uint32_t string_offset(const std::string& name) {
    auto at = static_cast<std::uint32_t>(strings_.size());
    strings_.insert(strings_.end(), name.begin(), name.end());
    strings_.push_back(0);
    return at;
  }
  Bytes structure_;
  Bytes strings_;
};

std::string nested_dts(int levels) {
  std::string body = "/dts-v1/;\n/ {\n";
  for (int i = 0; i < levels; ++i) body += "n {\n";
  body += "leaf;\n";
  for (int i = 0; i < levels; ++i) body += "};\n";
  return body + "};\n";
}

// Loads `bytes` from a file named `name` and returns the error message (fails if it loaded).
std::string refusal(const std::string& name, const Bytes& bytes) {
  std::string path = temp_path(name);
  write_bytes(path, bytes);
  auto loaded = load_blob_file(path);
  REQUIRE_FALSE(loaded);
  const std::string& message = loaded.error().message;
  CHECK(message.rfind("'" + path + "': ", 0) == 0);
  return message;
}

}  // namespace

TEST_CASE("unflatten keeps blob order, phandles and the kernel's synthetic names", "[fdt]") {
  std::string path = temp_path("board.dtb");
  write_bytes(path, compile_dts(kBoardDts));
  auto loaded = load_blob_file(path);
  REQUIRE(loaded);
  const DeviceTree& tree = loaded->tree;

  SECTION("children in blob order, not sorted, every node attached") {
    CHECK(child_names(tree, tree.root()) ==
          std::vector<std::string>{"interrupt-controller@1000", "bus@2000", "legacy", "zeta",
                                   "alpha", "__symbols__"});
    NodeId bus = tree.find_by_path("/bus@2000");
    REQUIRE(bus != kNoNode);
    CHECK(child_names(tree, bus) == std::vector<std::string>{"uart@0", "uart@1"});
    for (NodeId id = 0; id < tree.node_count(); ++id) CHECK(tree.node(id).linked);
    CHECK(tree.node_count() == 9);
  }

  SECTION("properties in blob order, then a synthetic name from the unit name") {
    NodeId intc = tree.find_by_path("/interrupt-controller@1000");
    REQUIRE(intc != kNoNode);
    CHECK(property_names(tree, intc) ==
          std::vector<std::string>{"compatible", "reg", "interrupt-controller", "#interrupt-cells",
                                   "#address-cells", "phandle", "name"});
    const ovl::Property& name = tree.node(intc).properties.items().back();
    CHECK(name.synthetic);
    CHECK(name.value == text("interrupt-controller"));
    for (const auto& p : tree.node(intc).properties.items()) {
      if (p.name != "name") CHECK_FALSE(p.synthetic);
    }
    CHECK(tree.node(intc).properties.find("reg")->value == cells({0x1000, 0x100}));
    CHECK(tree.node(intc).properties.find("interrupt-controller")->value.empty());
  }

  SECTION("the root's synthetic name is the empty string") {
    const ovl::Property* name = tree.node(tree.root()).properties.find("name");
    REQUIRE(name != nullptr);
    CHECK(name->synthetic);
    CHECK(name->value == Bytes{0});
  }

  SECTION("phandles from phandle and linux,phandle, indexed") {
    NodeId intc = tree.find_by_path("/interrupt-controller@1000");
    NodeId uart0 = tree.find_by_path("/bus@2000/uart@0");
    NodeId legacy = tree.find_by_path("/legacy");
    REQUIRE(tree.node(intc).phandle != 0);
    CHECK(tree.find_by_phandle(tree.node(intc).phandle) == intc);
    CHECK(tree.node(uart0).properties.find("interrupt-parent")->value ==
          cells({tree.node(intc).phandle}));
    CHECK(tree.node(legacy).phandle == 0x20);
    CHECK(tree.find_by_phandle(0x20) == legacy);
    CHECK(tree.node(tree.find_by_path("/zeta")).phandle == 0);
    CHECK(tree.max_phandle() == 0x20);
  }

  SECTION("header: reservations and boot cpu") {
    const auto& rsv = loaded->header.memory_reservations;
    REQUIRE(rsv.size() == 2);
    CHECK(rsv[0].address == 0x10000000);
    CHECK(rsv[0].size == 0x4000);
    CHECK(rsv[1].address == 0x20000000);
    CHECK(rsv[1].size == 0x100000);
    CHECK(loaded->header.boot_cpuid_phys == 0);
  }
}

TEST_CASE("a name property in the blob is kept and no synthetic one is added", "[fdt]") {
  // dtc drops a `name` property that matches the node name, so this blob is made by hand.
  Bytes blob = RawBlob()
                   .begin("")
                   .begin("uart@1")
                   .prop("reg", cells({1}))
                   .prop("name", text("serial"))
                   .prop("phandle", cells({0}))
                   .prop("linux,phandle", cells({7}))
                   .end()
                   .begin("dev@1@2")
                   .prop("phandle", Bytes{0, 5})
                   .end()
                   .end()
                   .build();
  auto loaded = load_blob_bytes("hand.dtb", blob);
  REQUIRE(loaded);
  const DeviceTree& tree = loaded->tree;
  NodeId uart = tree.find_by_path("/uart@1");
  REQUIRE(uart != kNoNode);
  CHECK(property_names(tree, uart) ==
        std::vector<std::string>{"reg", "name", "phandle", "linux,phandle"});
  CHECK_FALSE(tree.node(uart).properties.find("name")->synthetic);
  // populate_properties() takes the first non-zero phandle.
  CHECK(tree.node(uart).phandle == 7);

  NodeId dev = tree.find_by_path("/dev@1@2");
  REQUIRE(dev != kNoNode);
  // The kernel cuts the name at the last '@'; a 2-byte phandle is not taken.
  CHECK(tree.node(dev).properties.find("name")->value == text("dev@1"));
  CHECK(tree.node(dev).phandle == 0);
}

TEST_CASE("bad input is refused with the file and the cause named", "[fdt]") {
  const Bytes good = compile_dts(kBoardDts);
  REQUIRE(load_blob_bytes("good", good));

  SECTION("missing file") {
    std::string path = temp_path("no-such.dtbo");
    auto loaded = load_blob_file(path);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().message == "'" + path + "': cannot read: No such file or directory");
  }

  SECTION("a directory") {
    std::string path = temp_path("");
    auto loaded = load_blob_file(path);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().message == "'" + path + "': cannot read: Is a directory");
  }

  SECTION("empty file") {
    CHECK_THAT(refusal("empty.dtb", {}), Catch::EndsWith(": empty file"));
  }

  SECTION("shorter than the header") {
    Bytes cut(good.begin(), good.begin() + 20);
    CHECK_THAT(refusal("short.dtb", cut),
               Catch::EndsWith(": truncated: 20 bytes, shorter than a flattened device tree header"));
  }

  SECTION("truncated body") {
    Bytes cut(good.begin(), good.end() - 10);
    CHECK_THAT(refusal("cut.dtb", cut),
               Catch::EndsWith(": truncated: header says " + std::to_string(good.size()) +
                               " bytes, file has " + std::to_string(good.size() - 10)));
  }

  SECTION("bad magic") {
    Bytes bad = good;
    put32(bad, 0, 0x7f454c46);
    CHECK_THAT(refusal("magic.dtb", bad),
               Catch::EndsWith(": bad magic 0x7f454c46 (expected 0xd00dfeed), not a flattened device tree"));
  }

  SECTION("structure block offset out of range") {
    Bytes bad = good;
    put32(bad, kOffStruct, get32(good, kTotalSize) + 16);
    std::string message = refusal("off-struct.dtb", bad);
    CHECK_THAT(message, Catch::Contains("header offsets or sizes out of range: structure block"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_TRUNCATED)"));
  }

  SECTION("strings block size out of range") {
    Bytes bad = good;
    put32(bad, kSizeStrings, 0x10000);
    std::string message = refusal("size-strings.dtb", bad);
    CHECK_THAT(message, Catch::Contains("header offsets or sizes out of range: strings block"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_TRUNCATED)"));
  }

  SECTION("unsupported version") {
    Bytes bad = good;
    put32(bad, kVersion, 1);
    std::string message = refusal("version.dtb", bad);
    CHECK_THAT(message, Catch::Contains("unsupported version 1"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_BADVERSION)"));
  }

  SECTION("a version before 16: node names are full paths") {
    Bytes bad = good;
    put32(bad, kVersion, 2);
    put32(bad, kVersion + 4, 2);  // last compatible version
    std::string message = refusal("version-2.dtb", bad);
    CHECK_THAT(message, Catch::Contains("unsupported version 2: before version 16 node names are full paths"));
  }

  SECTION("garbled token in the structure block") {
    // The root's FDT_BEGIN_NODE and empty name take 8 bytes; the next token is its first FDT_PROP.
    Bytes bad = good;
    std::size_t token = get32(good, kOffStruct) + 8;
    REQUIRE(get32(good, token) == 3);
    put32(bad, token, 0x0000000f);
    std::string message = refusal("token.dtb", bad);
    CHECK_THAT(message, Catch::Contains("corrupt structure block"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_BADSTRUCTURE)"));
  }

  SECTION("structure block without its FDT_END") {
    Bytes bad = good;
    put32(bad, kSizeStruct, get32(good, kSizeStruct) - 4);
    std::string message = refusal("no-end.dtb", bad);
    CHECK_THAT(message, Catch::Contains("corrupt structure block"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_TRUNCATED)"));
  }

  SECTION("property name outside the strings block") {
    Bytes bad = good;
    std::size_t nameoff = get32(good, kOffStruct) + 16;  // FDT_PROP, len, nameoff
    put32(bad, nameoff, get32(good, kSizeStrings) + 100);
    std::string message = refusal("nameoff.dtb", bad);
    CHECK_THAT(message, Catch::Contains("bad strings offset"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_BADOFFSET)"));
  }

  SECTION("a second root node") {
    Bytes bad = RawBlob().begin("").end().begin("").end().build();
    CHECK_THAT(refusal("two-roots.dtb", bad), Catch::Contains("second root node"));
  }

  SECTION("a property after a subnode, which the kernel would not see") {
    Bytes bad = RawBlob().begin("").begin("a").end().prop("late", {}).end().build();
    CHECK_THAT(refusal("late-prop.dtb", bad), Catch::Contains("follows a subnode"));
  }

  SECTION("a named root node") {
    Bytes bad = RawBlob().begin("root").end().build();
    std::string message = refusal("named-root.dtb", bad);
    CHECK_THAT(message, Catch::Contains("named root node"));
    CHECK_THAT(message, Catch::EndsWith("(FDT_ERR_BADSTRUCTURE)"));
  }
}

TEST_CASE("nesting: as deep as the kernel unflattens is accepted, one level more is refused",
          "[fdt]") {
  REQUIRE(ovl::fdt::kKernelMaxDepth == 62);
  const int limit = ovl::fdt::kKernelMaxDepth;

  auto at_limit = load_blob_bytes("at-limit", compile_dts(nested_dts(limit), false));
  REQUIRE(at_limit);
  NodeId deepest = at_limit->tree.root();
  for (int i = 0; i < limit; ++i) {
    REQUIRE(at_limit->tree.node(deepest).first_child != kNoNode);
    deepest = at_limit->tree.node(deepest).first_child;
  }
  CHECK(at_limit->tree.node(deepest).properties.find("leaf") != nullptr);

  std::string message =
      refusal("too-deep.dtb", compile_dts(nested_dts(limit + 1), false));
  CHECK_THAT(message, Catch::Contains("nested " + std::to_string(limit + 1) + " levels deep"));
  CHECK_THAT(message, Catch::Contains("at most " + std::to_string(limit)));
}

TEST_CASE("damaged blobs are refused or loaded, never crash", "[fdt]") {
  const Bytes good = compile_dts(kBoardDts);
  int refused = 0;
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0xff}, std::uint8_t{0x03}}) {
      Bytes bad = good;
      bad[at] = value;
      auto loaded = load_blob_bytes("damaged", bad);
      if (!loaded) {
        ++refused;
        REQUIRE(loaded.error().message.rfind("'damaged': ", 0) == 0);
      }
    }
  }
  for (std::size_t size = 0; size < good.size(); ++size) {
    auto loaded = load_blob_bytes("cut", Bytes(good.begin(), good.begin() + size));
    REQUIRE_FALSE(loaded);
  }
  CHECK(refused > 0);
}
