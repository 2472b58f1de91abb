// JSON for the pieces every command's report shares: kernel lines and findings.
#pragma once

#include "core/kernel/kernel_log.h"

#include <nlohmann/json.hpp>

namespace ovl::cli {

using Json = nlohmann::ordered_json;  // keys stay in the order written: stable output

Json kernel_lines_json(const std::vector<KernelLine>& lines);
Json finding_json(const Finding& finding);
Json findings_json(const std::vector<Finding>& findings);

}  // namespace ovl::cli
