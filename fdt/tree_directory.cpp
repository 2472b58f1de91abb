#include "fdt/tree_directory.h"

#include "fdt/populate_node.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ovl::fdt {
namespace {

namespace fs = std::filesystem;

struct Entries {
  std::vector<fs::path> properties;
  std::vector<fs::path> children;
};

Expected<Entries> list(const std::string& label, const fs::path& dir) {
  Entries entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::file_status st = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(st)) entries.children.push_back(it->path());
    else if (fs::is_regular_file(st)) entries.properties.push_back(it->path());
  }
  if (ec) return Error{"'" + label + "': cannot read " + dir.string() + ": " + ec.message()};
  std::sort(entries.properties.begin(), entries.properties.end());
  std::sort(entries.children.begin(), entries.children.end());
  return entries;
}

Expected<bool> read_node(const std::string& label, const fs::path& dir, DeviceTree& tree, NodeId id, int depth) {
  if (depth > kKernelMaxDepth) return Error{"'" + label + "': nesting deeper than the kernel unflattens at " + dir.string()};
  auto entries = list(label, dir);
  if (!entries) return entries.error();
  for (const fs::path& file : entries->properties) {
    std::string name = file.filename().string();
    if (name == "name") continue;  // synthetic: made again below, as unflatten does
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{"'" + label + "': cannot read " + file.string()};
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string value = buffer.str();
    tree.node(id).properties.append({name, Bytes(value.begin(), value.end())});
  }
  populate_node_properties(tree, id);
  for (const fs::path& child_dir : entries->children) {
    NodeId child = tree.create_node(child_dir.filename().string(), id);
    tree.link_last(child);
    auto ok = read_node(label, child_dir, tree, child, depth + 1);
    if (!ok) return ok;
  }
  return true;
}

}  // namespace

Expected<LoadedBlob> load_tree_directory(const std::string& label, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error{"'" + label + "': " + dir + " is not a readable directory" + (ec ? ": " + ec.message() : "")};
  }
  LoadedBlob loaded;
  auto ok = read_node(label, dir, loaded.tree, loaded.tree.root(), 0);
  if (!ok) return ok.error();
  return loaded;
}

}  // namespace ovl::fdt
