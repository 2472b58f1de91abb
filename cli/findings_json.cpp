#include "cli/findings_json.h"

namespace ovl::cli {

Json kernel_lines_json(const std::vector<KernelLine>& lines) {
  Json out = Json::array();
  for (const KernelLine& line : lines) {
    out.push_back({{"level", severity_name(line.level)}, {"text", line.text}});
  }
  return out;
}

Json finding_json(const Finding& f) {
  return {{"code", f.code},
          {"severity", severity_name(f.severity)},
          {"path", f.path},
          {"message", f.message.empty() ? Json(nullptr) : Json(f.message)},
          {"detail", f.detail},
          {"causes", f.causes}};
}

Json findings_json(const std::vector<Finding>& findings) {
  Json out = Json::array();
  for (const Finding& f : findings) out.push_back(finding_json(f));
  return out;
}

}  // namespace ovl::cli
