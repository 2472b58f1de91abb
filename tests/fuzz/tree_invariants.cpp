#include "tests/fuzz/tree_invariants.h"

#include "tests/fuzz/fuzz_input.h"
#include "tests/support/tree_compare.h"

#include <vector>

namespace ovl::fuzz {

void check_tree(const DeviceTree& tree, int max_depth) {
  struct Visit {
    NodeId id;
    int depth;
  };
  std::vector<Visit> stack{{tree.root(), 0}};
  while (!stack.empty()) {
    Visit v = stack.back();
    stack.pop_back();
    const Node& node = tree.node(v.id);
    OVL_FUZZ_CHECK(node.linked || v.id == tree.root(), "a reachable node is not linked");
    OVL_FUZZ_CHECK(v.depth <= max_depth, "a node deeper than the kernel keeps");
    if (node.phandle != 0 && node.phandle != kIllegalPhandle) {
      OVL_FUZZ_CHECK(tree.find_by_phandle(node.phandle) != kNoNode, "a node's phandle finds no node");
    }
    NodeId previous = kNoNode;
    for (NodeId c = node.first_child; c != kNoNode; c = tree.node(c).next_sibling) {
      OVL_FUZZ_CHECK(tree.node(c).parent == v.id, "a child's parent is not its parent");
      OVL_FUZZ_CHECK(tree.node(c).prev_sibling == previous, "broken sibling list");
      OVL_FUZZ_CHECK(tree.find_child(v.id, tree.node(c).full_name) != kNoNode,
                     "a child is not found by its own name");
      previous = c;
      stack.push_back({c, v.depth + 1});
    }
    OVL_FUZZ_CHECK(node.last_child == previous, "last_child is not the last child");
  }
}

void check_round_trip(const DeviceTree& tree, const fdt::BlobHeader& header) {
  std::vector<std::uint8_t> blob = fdt::flatten(tree, header);
  auto again = fdt::load_blob_bytes("round trip", blob);
  if (!again) {
    const std::string& why = again.error().message;
    OVL_FUZZ_CHECK(why.find("levels deep") != std::string::npos,
                   "a re-serialised tree does not load: " + why);
    return;
  }
  auto differences = test::compare_trees(tree, again->tree, "before", "reloaded");
  OVL_FUZZ_CHECK(differences.empty(),
                 "the reloaded tree differs: " + (differences.empty() ? std::string() : differences.front()));
  OVL_FUZZ_CHECK(fdt::flatten(again->tree, again->header) == blob,
                 "re-serialising the reloaded tree gives other bytes");
}

}  // namespace ovl::fuzz
