// JSON for devices and device links, shared by apply, remove and links.
#pragma once

#include "cli/findings_json.h"
#include "core/replay/overlay_session.h"

namespace ovl::cli {

Json device_changes_json(const std::vector<DeviceChange>& changes);
Json link_summaries_json(const std::vector<LinkSummary>& links);

}  // namespace ovl::cli
