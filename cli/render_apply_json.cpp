// The JSON contract of `ovlcheck apply --json` (docs/json-schema.md). Keys keep this order.
#include "cli/apply_report.h"
#include "cli/devices_json.h"
#include "cli/findings_json.h"

#include "core/kernel/errno_names.h"

namespace ovl::cli {

std::string render_apply_json(const ApplyReport& report) {
  Json overlays = Json::array();
  for (const OverlayApplyReport& o : report.overlays) {
    const ApplyOutcome& out = o.outcome;
    std::string error = out.error_code();
    overlays.push_back({
        {"file", o.file},
        {"id", out.id},
        {"applied", out.applied},
        {"result", out.result},
        {"errno", out.result == 0 ? Json(nullptr) : Json(errno_name(out.result).substr(1))},
        {"error", error.empty() ? Json(nullptr) : Json(error)},
        {"changeset",
         {{"nodes_added", out.changeset.nodes_added},
          {"properties_added", out.changeset.properties_added},
          {"properties_updated", out.changeset.properties_updated}}},
        {"devices", device_changes_json(out.devices)},
        {"links", link_summaries_json(out.links)},
        {"messages", kernel_lines_json(out.log.lines())},
        {"findings", findings_json(out.log.findings())},
    });
  }
  Json root = {
      {"ovlcheck", OVLCHECK_VERSION},
      {"kernel", report.kernel},
      {"base", report.base},
      {"drivers", report.drivers},
      {"boot_findings", findings_json(report.boot.findings())},
      {"overlays", overlays},
      {"output", report.output ? Json(*report.output) : Json(nullptr)},
      {"output_not_written", report.not_written ? Json(*report.not_written) : Json(nullptr)},
      {"exit_status", report.exit_status},
  };
  return root.dump(2) + "\n";
}

}  // namespace ovl::cli
