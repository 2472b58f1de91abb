// The result of `ovlcheck apply`, built once and rendered as text or JSON.
#pragma once

#include "core/replay/overlay_session.h"

#include <optional>
#include <string>
#include <vector>

namespace ovl::cli {

struct OverlayApplyReport {
  std::string file;
  ApplyOutcome outcome;
};

struct ApplyReport {
  std::string kernel;  // profile name
  std::string base;
  std::string drivers;  // the driver assumption, in words
  KernelLog boot;       // findings while populating the base at boot
  std::vector<OverlayApplyReport> overlays;
  std::optional<std::string> output;      // the file written, if any
  std::optional<std::string> not_written; // why -o was not written
  int exit_status = 0;
};

std::string render_apply_json(const ApplyReport& report);
// `colour`: ANSI colours for a terminal.
std::string render_apply_text(const ApplyReport& report, bool colour);

}  // namespace ovl::cli
