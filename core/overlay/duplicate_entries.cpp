// changeset_dup_entry_check, kept linear: the kernel compares every pair of entries, which is
// quadratic; "some later entry has the same node path (and property name)" is the same question
// answered with one index of the last entry per key.
#include "core/overlay/changeset_builder.h"

#include "core/kernel/errno_names.h"
#include "core/kernel/kernel_messages.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace ovl {

int check_duplicate_entries(const DeviceTree& live, const Changeset& changeset, KernelLog& log) {
  const auto& entries = changeset.entries();
  std::vector<std::string> paths;
  std::vector<std::string> keys;
  paths.reserve(entries.size());
  keys.reserve(entries.size());
  std::unordered_map<std::string, std::size_t> last_with_key;
  std::unordered_map<NodeId, std::string> path_of;  // a node's entries come in a row: one path each
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto [it, added] = path_of.try_emplace(entries[i].node);
    if (added) it->second = live.path(entries[i].node);
    paths.push_back(it->second);
    // Node entries and property entries never pair with each other.
    keys.push_back(is_node_action(entries[i].action) ? "N" + paths.back()
                                                     : "P" + paths.back() + '\0' + entries[i].property.name);
    last_with_key[keys.back()] = i;
  }
  bool found = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (last_with_key[keys[i]] == i) continue;
    found = true;
    if (is_node_action(entries[i].action)) {
      log.report({"duplicate-node-entry", Severity::kError, paths[i], kmsg::duplicate_node(paths[i]),
                  "two fragments of this overlay add or delete the same node", {}});
    } else {
      const std::string& name = entries[i].property.name;
      log.report({"duplicate-property-entry", Severity::kError, paths[i] + "/" + name,
                  kmsg::duplicate_property(paths[i], name),
                  "two fragments of this overlay set the same property", {}});
    }
  }
  return found ? -kEINVAL : 0;
}

}  // namespace ovl
