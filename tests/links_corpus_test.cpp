// `ovlcheck links` over the shared corpus (manifest.json): on every base with its case's
// overlays it must run (exit status != 2), print valid JSON, print the same bytes twice, and
// render a graphviz digraph with one edge per link. Then one real case, the BeaglePlay OV5640
// camera overlay, checked against kernel-model-of.md §2.4 and kernel-model-devlink.md §1.6
// through `apply --json`. Node paths are found from the blobs, not written in.
#include "core/tree/device_tree.h"
#include "core/util/big_endian.h"
#include "fdt/blob_io.h"
#include "tests/support/corpus.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;
using ovl::DeviceTree;
using ovl::kNoNode;
using ovl::NodeId;
using ovl::Property;
using ovl::test::CommandResult;
using ovl::test::run_command;

namespace fs = std::filesystem;

namespace {

using ovl::test::corpus_file;
using ovl::test::corpus_files;
using ovl::test::load_manifest;

std::vector<std::string> case_overlays(const json& c) { return corpus_files(c.at("overlays")); }

CommandResult run_links(const std::string& base, const std::vector<std::string>& overlays, const char* format) {
  std::vector<std::string> argv = {OVLCHECK_BINARY, "links", format, "--base", base};
  argv.insert(argv.end(), overlays.begin(), overlays.end());
  return run_command(argv);
}

// Braces outside double-quoted strings balance and never go negative.
bool balanced_braces(const std::string& text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth < 0) return false;
  }
  return depth == 0 && !in_string;
}

// Lines of the form `"a" -> "b" ...;` (an edge statement).
std::size_t edge_lines(const std::string& dot) {
  std::istringstream in(dot);
  std::size_t edges = 0;
  for (std::string line; std::getline(in, line);) {
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] != '"') continue;
    // The arrow must sit outside the quoted node names.
    bool in_string = false;
    for (std::size_t i = start; i + 1 < line.size(); ++i) {
      char c = line[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '-' && line[i + 1] == '>') {
        ++edges;
        break;
      }
    }
  }
  return edges;
}

}  // namespace

TEST_CASE("links corpus: every base with its overlays runs, prints stable JSON and a digraph",
          "[links][corpus]") {
  const json manifest = load_manifest();
  REQUIRE(!manifest.empty());
  std::size_t checked = 0;
  for (const json& c : manifest) {
    const std::string name = c.at("name");
    const std::string base = corpus_file(c.at("base"));
    const std::vector<std::string> overlays = case_overlays(c);
    INFO("corpus case " << name);

    CommandResult first = run_links(base, overlays, "--json");
    INFO("stderr: " << first.err);
    CHECK(first.exit_status != 2);
    json report = json::parse(first.out, nullptr, /*allow_exceptions=*/false);
    CHECK_FALSE(report.is_discarded());
    if (report.is_discarded()) continue;
    CHECK(report.at("boot").at("devices").is_array());
    CHECK(report.at("applied").at("links").is_array());
    CHECK(report.at("overlays").size() == overlays.size());

    CommandResult second = run_links(base, overlays, "--json");
    CHECK(second.exit_status == first.exit_status);
    CHECK(second.out == first.out);  // same inputs, same bytes

    CommandResult dot = run_links(base, overlays, "--dot");
    CHECK(dot.exit_status == first.exit_status);
    CHECK(dot.out.rfind("digraph", 0) == 0);
    CHECK(balanced_braces(dot.out));
    CHECK(edge_lines(dot.out) == report.at("applied").at("links").size());
    ++checked;
  }
  CHECK(checked == manifest.size());
}

// ---------------------------------------------------------------------------------------------
// BeaglePlay + OV5640 (debian-arm64-6.12 ti/k3-am625-beagleplay-csi2-ov5640): the overlay adds
// the camera's fixed clock under /, enables an i2c controller and adds the camera to it, adds
// the endpoint to the CSI-2 receiver's port and enables the receiver.

namespace {

const Property* prop(const DeviceTree& tree, NodeId id, std::string_view name) {
  return tree.node(id).properties.find(name);
}

std::vector<NodeId> all_nodes(const DeviceTree& tree) {
  std::vector<NodeId> out;
  std::vector<NodeId> stack = {tree.root()};
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    out.push_back(id);
    tree.for_each_child(id, [&](NodeId c) { stack.push_back(c); });
  }
  return out;
}

std::optional<std::uint32_t> first_cell(const Property* p) {
  if (p == nullptr || p->value.size() < 4) return std::nullopt;
  return ovl::read_be32(p->value.data());
}

bool is_okay(const DeviceTree& tree, NodeId id) {
  const Property* status = prop(tree, id, "status");
  if (status == nullptr) return true;
  std::string s(status->as_string());
  return s == "okay" || s == "ok";
}

// of_graph_get_port_parent(): endpoint -> port -> (ports ->) device node.
NodeId port_parent(const DeviceTree& tree, NodeId endpoint) {
  NodeId port = tree.node(endpoint).parent;
  if (port == kNoNode) return kNoNode;
  NodeId parent = tree.node(port).parent;
  if (parent != kNoNode && DeviceTree::base_name(tree.node(parent).full_name) == "ports") {
    parent = tree.node(parent).parent;
  }
  return parent;
}

bool has_device_event(const json& devices, const std::string& node, const std::string& bus) {
  for (const json& d : devices) {
    if (d.at("node") == node && d.at("bus") == bus && d.at("event") == "created") return true;
  }
  return false;
}

bool has_link(const json& links, const std::string& consumer, const std::string& supplier,
              const std::string& property) {
  for (const json& l : links) {
    if (l.at("consumer") == consumer && l.at("supplier") == supplier && l.at("property") == property) return true;
  }
  return false;
}

std::string dump_links(const json& links) {
  std::string out;
  for (const json& l : links) {
    out += "  " + l.at("consumer").get<std::string>() + " -> " + l.at("supplier").get<std::string>() + " (" +
           l.at("property").get<std::string>() + ")\n";
  }
  return out;
}

}  // namespace

TEST_CASE("links corpus: beagleplay OV5640 overlay: xclk platform device, camera i2c client, clocks and "
          "remote-endpoint links",
          "[links][corpus][beagleplay]") {
  const json manifest = load_manifest();
  const json* beagle = nullptr;
  for (const json& c : manifest) {
    if (c.at("name") == "ti/k3-am625-beagleplay-csi2-ov5640") beagle = &c;
  }
  REQUIRE(beagle != nullptr);
  const std::string base = corpus_file(beagle->at("base"));
  const std::vector<std::string> overlays = case_overlays(*beagle);
  REQUIRE(overlays.size() == 1);

  // The merged live tree, to find the nodes by what they are rather than by a written path.
  const std::string merged = ovl::test::temp_path("beagleplay-ov5640-merged.dtb");
  std::error_code ignored;
  fs::remove(merged, ignored);
  std::vector<std::string> argv = {OVLCHECK_BINARY, "apply", "--json", "--base", base, "-o", merged};
  argv.insert(argv.end(), overlays.begin(), overlays.end());
  CommandResult apply = run_command(argv);
  INFO("apply stderr: " << apply.err);
  REQUIRE(apply.exit_status != 2);
  json report = json::parse(apply.out, nullptr, false);
  REQUIRE_FALSE(report.is_discarded());
  const json& overlay = report.at("overlays").at(0);
  REQUIRE(overlay.at("applied").get<bool>());
  auto loaded = ovl::fdt::load_blob_file(merged);
  REQUIRE(loaded);
  const DeviceTree& tree = loaded->tree;

  // ov5640-xclk: the fixed-clock the overlay added (in its changeset).
  NodeId xclk = kNoNode;
  for (const json& added : overlay.at("changeset").at("nodes_added")) {
    NodeId id = tree.find_by_path(added.get<std::string>());
    if (id == kNoNode) continue;
    const Property* compatible = prop(tree, id, "compatible");
    if (DeviceTree::base_name(tree.node(id).full_name) == "ov5640-xclk" && compatible != nullptr &&
        std::string(compatible->as_string()) == "fixed-clock") {
      xclk = id;
    }
  }
  REQUIRE(xclk != kNoNode);
  const std::string xclk_path = tree.path(xclk);
  const std::uint32_t xclk_phandle = tree.node(xclk).phandle;
  REQUIRE(xclk_phandle != 0);

  // The camera: the node whose `clocks` names the xclk; its parent is the i2c controller.
  NodeId camera = kNoNode;
  for (NodeId id : all_nodes(tree)) {
    if (first_cell(prop(tree, id, "clocks")) == xclk_phandle) camera = id;
  }
  REQUIRE(camera != kNoNode);
  const std::string camera_path = tree.path(camera);
  const NodeId controller = tree.node(camera).parent;
  REQUIRE(controller != kNoNode);
  CHECK(is_okay(tree, controller));  // the overlay enables it

  // The CSI receiver: the port parent of the endpoint the camera's endpoint points at.
  NodeId camera_endpoint = kNoNode;
  for (NodeId id : all_nodes(tree)) {
    if (prop(tree, id, "remote-endpoint") != nullptr && tree.is_ancestor(camera, id)) camera_endpoint = id;
  }
  REQUIRE(camera_endpoint != kNoNode);
  auto remote = first_cell(prop(tree, camera_endpoint, "remote-endpoint"));
  REQUIRE(remote);
  NodeId csi_endpoint = tree.find_by_phandle(*remote);
  REQUIRE(csi_endpoint != kNoNode);
  NodeId csi = port_parent(tree, csi_endpoint);
  REQUIRE(csi != kNoNode);

  INFO("xclk " << xclk_path << ", camera " << camera_path << ", controller " << tree.path(controller)
               << ", CSI receiver " << tree.path(csi));
  const json& devices = overlay.at("devices");
  const json& links = overlay.at("links");
  INFO("links created by the apply:\n" << dump_links(links));

  // kernel-model-of.md §2.4: a fixed-clock the overlay adds below the root (OF_POPULATED_BUS) is
  // a platform device (only boot-time ones are OF_DECLARE providers); the camera is an i2c client
  // of the controller the overlay enables (its driver binds and registers the adapter).
  CHECK(has_device_event(devices, xclk_path, "platform"));
  CHECK(has_device_event(devices, camera_path, "i2c"));
  CHECK(has_link(links, camera_path, xclk_path, "clocks"));

  // remote-endpoint. Which device stands for the CSI receiver: its own device when it has one,
  // else (6.3+) the nearest ancestor device, to which fw_devlink resolves a NOT_DEVICE supplier
  // (kernel-model-devlink.md §1.3 "Supplier device lookup", §1.7).
  std::set<std::string> device_nodes;
  {
    CommandResult l = run_links(base, overlays, "--json");
    json lr = json::parse(l.out, nullptr, false);
    REQUIRE_FALSE(lr.is_discarded());
    for (const json& d : lr.at("applied").at("devices")) device_nodes.insert(d.at("node").get<std::string>());
  }
  NodeId csi_device_node = csi;
  while (csi_device_node != kNoNode && !device_nodes.count(tree.path(csi_device_node))) {
    csi_device_node = tree.node(csi_device_node).parent;
  }
  REQUIRE(csi_device_node != kNoNode);
  const std::string csi_device = tree.path(csi_device_node);
  INFO("the CSI receiver's device: " << csi_device);
  // The direction checked is camera -> CSI receiver (consumer = the camera, the port parent of
  // the endpoint holding the property, get_con_dev; supplier = the remote port's parent,
  // of_graph_get_remote_port_parent: kernel-model-devlink.md §1.6). The camera is a new device,
  // so its subtree is parsed when it is added and this fwnode link always exists; it becomes a
  // device link once the receiver's device exists (or the receiver node is NOT_DEVICE below a
  // bound ancestor). The reverse direction (receiver -> camera) exists only if the receiver's
  // subtree is parsed after the overlay added its endpoint (here: the receiver is disabled at
  // boot, so it is). Together they form a cycle, which 6.3+ relaxes to SYNC_STATE_ONLY|CYCLE
  // (§1.5), and a SYNC_STATE_ONLY link is dropped when its consumer binds, so the final link
  // set may hold neither; the apply's list of created links holds at least this one.
  CHECK(has_link(links, camera_path, csi_device, "remote-endpoint"));
}

// ---------------------------------------------------------------------------------------------
// Four more Debian pairs whose links were worked out by hand from the overlay's source (dtc -I dtb
// -O dts) and the supplier table of kernel-model-devlink.md §2, before ovlcheck was run on them:
// a node the overlay adds (or a base node it enables) becomes a platform device, and each of its
// supplier properties links it to the device of the node the phandle names (a pin group node
// added below a pin controller has no device: the pin controller's device stands for it, §1.7).
// Nodes are named by the base's labels (read from its __symbols__, an independent record of what
// they are) or by the path the overlay gives them.

namespace {

struct ExpectedLink {
  std::string consumer;  // "&label" (the base's __symbols__) or a path
  std::string supplier;
  std::string property;
};

// "&label/rest" -> the label's path from the base's __symbols__, then "/rest".
std::string base_symbol(const DeviceTree& base, const std::string& name) {
  if (name.empty() || name[0] != '&') return name;
  std::size_t slash = name.find('/');
  std::string label = name.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  NodeId symbols = base.find_by_path("/__symbols__");
  REQUIRE(symbols != kNoNode);
  const Property* p = base.node(symbols).properties.find(label);
  REQUIRE(p != nullptr);
  return std::string(p->as_string()) + (slash == std::string::npos ? "" : name.substr(slash));
}

}  // namespace

TEST_CASE("links corpus: four Debian overlays link their new devices to the suppliers their sources name",
          "[links][corpus]") {
  const std::vector<std::pair<std::string, std::vector<ExpectedLink>>> cases = {
      // gpio-fan under / : gpios = <&main_gpio0 ...>, pinctrl-0 = a pin group added to main_pmx0.
      {"ti/k3-am625-phyboard-lyra-gpio-fan",
       {{"/gpio-fan", "&main_gpio0", "gpios"}, {"/gpio-fan", "&main_pmx0", "pinctrl-0"}}},
      {"ti/k3-am642-phyboard-electra-gpio-fan",
       {{"/gpio-fan", "&main_gpio0", "gpios"}, {"/gpio-fan", "&main_pmx0", "pinctrl-0"}}},
      // A camera added to the base's i2c0 (an i2c client): clocks = a fixed clock and three
      // *-supply = fixed regulators, all added under / by the same overlay; enable-gpios and
      // reset-gpios = <&pinctrl ...> (the RZ/G2L pin controller is also the gpio controller).
      {"renesas/r9a07g043u11-smarc-cru-csi-ov5645",
       {{"&i2c0/camera@3c", "/osc25250-clk", "clocks"},
        {"&i2c0/camera@3c", "/1p8v", "vdddo-supply"},
        {"&i2c0/camera@3c", "/2p8v", "vdda-supply"},
        {"&i2c0/camera@3c", "/1p5v", "vddd-supply"},
        {"&i2c0/camera@3c", "&pinctrl", "enable-gpios"}}},
      // A disabled base UART enabled with a new pinctrl-0: its device appears, with the link.
      {"renesas/r9a07g043u11-smarc-pmod", {{"&sci0", "&pinctrl", "pinctrl-0"}}},
  };
  const json manifest = load_manifest();
  for (const auto& [name, expected] : cases) {
    INFO("case " << name);
    const json* entry = nullptr;
    for (const json& c : manifest) {
      if (c.at("name") == name) entry = &c;
    }
    REQUIRE(entry != nullptr);
    const std::string base = corpus_file(entry->at("base"));
    auto base_blob = ovl::fdt::load_blob_file(base);
    REQUIRE(base_blob);
    std::vector<std::string> argv = {OVLCHECK_BINARY, "apply", "--json", "--base", base};
    for (const std::string& o : case_overlays(*entry)) argv.push_back(o);
    CommandResult r = run_command(argv);
    INFO(r.err);
    REQUIRE(r.exit_status == 0);
    const json overlay = json::parse(r.out).at("overlays").at(0);
    INFO("links created by the apply:\n" << dump_links(overlay.at("links")));
    for (const ExpectedLink& e : expected) {
      const std::string consumer = base_symbol(base_blob->tree, e.consumer);
      const std::string supplier = base_symbol(base_blob->tree, e.supplier);
      INFO(consumer << " -> " << supplier << " (" << e.property << ")");
      CHECK((has_device_event(overlay.at("devices"), consumer, "platform") ||
             has_device_event(overlay.at("devices"), consumer, "i2c")));
      CHECK(has_link(overlay.at("links"), consumer, supplier, e.property));
    }
  }
}
