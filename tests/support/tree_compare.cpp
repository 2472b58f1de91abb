#include "tests/support/tree_compare.h"

#include "core/util/big_endian.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace ovl::test {
namespace {

// Everything the comparison looks up, built by one walk of the attached tree.
struct TreeIndex {
  std::map<std::string, NodeId> node_by_path;  // sorted, so differences come out by path
  std::unordered_map<std::uint32_t, std::string> path_by_phandle;
  std::map<std::string, int> duplicate_paths;  // path -> extra occurrences (legal in a blob)
};

TreeIndex index_tree(const DeviceTree& tree) {
  TreeIndex index;
  std::vector<std::pair<NodeId, std::string>> stack = {{tree.root(), "/"}};
  while (!stack.empty()) {
    auto [id, path] = std::move(stack.back());
    stack.pop_back();
    if (!index.node_by_path.emplace(path, id).second) ++index.duplicate_paths[path];
    std::uint32_t phandle = tree.node(id).phandle;
    if (phandle != 0) index.path_by_phandle.emplace(phandle, path);
    std::string prefix = path == "/" ? "/" : path + "/";
    tree.for_each_child(id, [&](NodeId child) {
      stack.emplace_back(child, prefix + tree.node(child).full_name);
    });
  }
  return index;
}

std::map<std::string_view, const Property*> real_properties(const Node& node) {
  std::map<std::string_view, const Property*> props;
  for (const Property& p : node.properties.items()) {
    if (!p.synthetic) props.emplace(p.name, &p);
  }
  return props;
}

std::string hex_cell(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

std::string describe_phandle(const TreeIndex& index, std::uint32_t v) {
  auto it = index.path_by_phandle.find(v);
  return hex_cell(v) + (it == index.path_by_phandle.end() ? " (no node)" : " (-> " + it->second + ")");
}

// Empty when the values are equal up to phandle numbering, else why not.
std::string value_difference(const Bytes& a, const TreeIndex& ia, const Bytes& b, const TreeIndex& ib,
                             const std::string& left_name, const std::string& right_name) {
  if (a == b) return {};
  if (a.size() != b.size()) {
    return "length " + std::to_string(a.size()) + " in " + left_name + ", " + std::to_string(b.size()) +
           " in " + right_name;
  }
  std::size_t cells = a.size() / 4;
  for (std::size_t i = 0; i < cells; ++i) {
    const std::uint8_t* pa = a.data() + 4 * i;
    const std::uint8_t* pb = b.data() + 4 * i;
    if (std::memcmp(pa, pb, 4) == 0) continue;
    std::uint32_t va = read_be32(pa);
    std::uint32_t vb = read_be32(pb);
    auto na = ia.path_by_phandle.find(va);
    auto nb = ib.path_by_phandle.find(vb);
    if (na != ia.path_by_phandle.end() && nb != ib.path_by_phandle.end() && na->second == nb->second) continue;
    return "cell " + std::to_string(i) + ": " + describe_phandle(ia, va) + " in " + left_name + ", " +
           describe_phandle(ib, vb) + " in " + right_name;
  }
  if (std::memcmp(a.data() + 4 * cells, b.data() + 4 * cells, a.size() - 4 * cells) != 0) {
    return "trailing bytes after cell " + std::to_string(cells) + " differ";
  }
  return {};
}

class DifferenceList {
 public:
  explicit DifferenceList(std::size_t max_lines) : max_lines_(max_lines == 0 ? 1 : max_lines) {}
  void add(std::string line) {
    ++total_;
    if (lines_.size() < max_lines_ - 1) lines_.push_back(std::move(line));
    else last_ = std::move(line);
  }
  std::vector<std::string> take() {
    if (total_ == max_lines_) lines_.push_back(std::move(last_));
    else if (total_ > max_lines_) lines_.push_back("... and " + std::to_string(total_ - lines_.size()) + " more differences");
    return std::move(lines_);
  }

 private:
  std::size_t max_lines_;
  std::size_t total_ = 0;
  std::vector<std::string> lines_;
  std::string last_;
};

}  // namespace

std::vector<std::string> compare_trees(const DeviceTree& left, const DeviceTree& right,
                                       const std::string& left_name, const std::string& right_name,
                                       std::size_t max_lines) {
  TreeIndex il = index_tree(left);
  TreeIndex ir = index_tree(right);
  DifferenceList out(max_lines);

  for (const auto& [path, extra] : il.duplicate_paths) {
    auto it = ir.duplicate_paths.find(path);
    int other = it == ir.duplicate_paths.end() ? 0 : it->second;
    if (other != extra) out.add(path + ": node occurs " + std::to_string(extra + 1) + " times in " + left_name);
  }
  for (const auto& [path, extra] : ir.duplicate_paths) {
    if (!il.duplicate_paths.count(path)) {
      out.add(path + ": node occurs " + std::to_string(extra + 1) + " times in " + right_name);
    }
  }

  // Merge the two sorted path lists.
  auto l = il.node_by_path.begin();
  auto r = ir.node_by_path.begin();
  while (l != il.node_by_path.end() || r != ir.node_by_path.end()) {
    if (r == ir.node_by_path.end() || (l != il.node_by_path.end() && l->first < r->first)) {
      out.add(l->first + ": node only in " + left_name);
      ++l;
      continue;
    }
    if (l == il.node_by_path.end() || r->first < l->first) {
      out.add(r->first + ": node only in " + right_name);
      ++r;
      continue;
    }
    const std::string& path = l->first;
    auto pl = real_properties(left.node(l->second));
    auto pr = real_properties(right.node(r->second));
    for (const auto& [name, prop] : pl) {
      auto other = pr.find(name);
      if (other == pr.end()) {
        out.add(path + ": property '" + std::string(name) + "' only in " + left_name);
        continue;
      }
      std::string why = value_difference(prop->value, il, other->second->value, ir, left_name, right_name);
      if (!why.empty()) out.add(path + ": property '" + std::string(name) + "' differs: " + why);
    }
    for (const auto& [name, prop] : pr) {
      if (!pl.count(name)) out.add(path + ": property '" + std::string(name) + "' only in " + right_name);
    }
    ++l;
    ++r;
  }
  return out.take();
}

}  // namespace ovl::test
