#include "core/tree/node_refs.h"

#include <algorithm>
#include <stdexcept>

namespace ovl {

void NodeRefs::born(NodeId node, std::string holder) {
  holders_[node].assign(1, holder);
  if (observer_) observer_(node, holder, +1, 1);
}

void NodeRefs::get(NodeId node, std::string holder) {
  auto& list = holders_[node];
  list.push_back(std::move(holder));
  if (observer_) observer_(node, list.back(), +1, static_cast<int>(list.size()));
}

int NodeRefs::put(NodeId node, const std::string& holder) {
  auto& list = holders_[node];
  auto it = std::find(list.rbegin(), list.rend(), holder);
  if (it == list.rend()) throw std::logic_error("of_node_put by '" + holder + "', which holds no reference");
  list.erase(std::next(it).base());
  if (observer_) observer_(node, holder, -1, static_cast<int>(list.size()));
  return static_cast<int>(list.size());
}

int NodeRefs::count(NodeId node) const {
  auto it = holders_.find(node);
  return it == holders_.end() ? 0 : static_cast<int>(it->second.size());
}

const std::vector<std::string>& NodeRefs::holders(NodeId node) const {
  static const std::vector<std::string> kNone;
  auto it = holders_.find(node);
  return it == holders_.end() ? kNone : it->second;
}

}  // namespace ovl
