// The result of `ovlcheck remove`: the apply report, then the removal replayed twice, without
// and with the barrier before of_changeset_destroy().
#pragma once

#include "cli/apply_report.h"
#include "core/kernel/trace.h"
#include "core/replay/overlay_session.h"
#include "core/replay/release_exploration.h"

#include <optional>
#include <string>
#include <vector>

namespace ovl::cli {

struct RemoveOperation {
  std::string file;
  RemoveOutcome outcome;
  bool settles = true;  // the deferred releases run once it returns (false: the next one follows at once)
  KernelLog after;      // what they print then
};

struct RemovalRun {
  bool barrier = false;
  bool matches_kernel = false;  // the selected kernel has this barrier (or lacks it)
  std::vector<RemoveOperation> operations;
  KernelLog later;  // what releases still pending at the very end print
  Trace trace;      // with --trace
};

struct RemoveReport {
  ApplyReport apply;
  std::string barrier_name;  // "srcu_barrier()" or "device_link_wait_removal()"
  std::vector<RemovalRun> runs;
  bool with_trace = false;
  std::optional<Exploration> exploration;
  int exit_status = 0;
};

std::string render_remove_json(const RemoveReport& report);
std::string render_remove_text(const RemoveReport& report, bool colour);

}  // namespace ovl::cli
