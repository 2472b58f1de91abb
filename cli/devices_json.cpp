#include "cli/devices_json.h"

namespace ovl::cli {

Json device_changes_json(const std::vector<DeviceChange>& changes) {
  Json out = Json::array();
  for (const DeviceChange& c : changes) {
    out.push_back({{"node", c.node}, {"bus", bus_name(c.bus)}, {"event", c.created ? "created" : "destroyed"}});
  }
  return out;
}

Json link_summaries_json(const std::vector<LinkSummary>& links) {
  Json out = Json::array();
  for (const LinkSummary& l : links) {
    out.push_back({{"consumer", l.consumer}, {"supplier", l.supplier}, {"property", l.property}, {"flags", l.flags}});
  }
  return out;
}

}  // namespace ovl::cli
