// The ledger of of_node_get()/of_node_put(): who holds each node, so that a node left with one
// reference too many can be explained ("platform device /ovl-clock, kept alive by a device
// link"). Every get names its holder; a put drops that holder's reference.
#pragma once

#include "core/tree/device_tree.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ovl {

class NodeRefs {
 public:
  // A node born with one reference (kobject_init), as __of_node_dup and unflatten create them.
  void born(NodeId node, std::string holder);
  void get(NodeId node, std::string holder);
  // Drops one reference held by `holder` and returns the count left.
  int put(NodeId node, const std::string& holder);

  int count(NodeId node) const;
  // Told of every get (+1) and put (-1) with the count after it, for traces.
  using Observer = std::function<void(NodeId, const std::string& holder, int delta, int count)>;
  void observe(Observer observer) { observer_ = std::move(observer); }
  // The holders of the node's references, oldest first.
  const std::vector<std::string>& holders(NodeId node) const;

 private:
  std::unordered_map<NodeId, std::vector<std::string>> holders_;
  Observer observer_;
};

}  // namespace ovl
