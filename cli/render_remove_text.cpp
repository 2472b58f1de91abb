// `ovlcheck remove` for people: what applying printed, then each removal run.
#include "cli/remove_report.h"

#include "core/kernel/errno_names.h"

#include <sstream>

namespace ovl::cli {
namespace {

std::string paint(bool on, const char* code, const std::string& text) {
  return on ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

void print_lines(std::ostringstream& out, const std::vector<KernelLine>& lines, bool colour, const char* indent) {
  for (const KernelLine& l : lines) {
    const char* code = l.level == Severity::kError ? "31" : l.level == Severity::kWarning ? "33" : "0";
    out << indent << paint(colour && l.level != Severity::kInfo, code, l.text) << "\n";
  }
}

// Findings the kernel is silent about (a refusal without a line, a predicted oops).
void print_silent_findings(std::ostringstream& out, const KernelLog& log, const char* indent) {
  for (const Finding& f : log.findings()) {
    if (f.message.empty()) out << indent << severity_name(f.severity) << ": " << f.code << ": " << f.detail << "\n";
  }
}

}  // namespace

std::string render_remove_text(const RemoveReport& report, bool colour) {
  std::ostringstream out;
  const ApplyReport& apply = report.apply;
  out << "kernel " << apply.kernel << ", base " << apply.base << "\n";
  out << "drivers: " << apply.drivers << "\n\napply:\n";
  for (const OverlayApplyReport& o : apply.overlays) {
    const ApplyOutcome& r = o.outcome;
    out << "  " << o.file << ": "
        << (r.applied ? "applied as overlay #" + std::to_string(r.id)
                      : "refused (" + errno_name(r.result) + ", " + r.error_code() + ")" +
                            (r.id != 0 ? "; the kernel still holds it as overlay #" + std::to_string(r.id) : ""))
        << "\n";
    for (const DeviceChange& d : r.devices) {
      if (d.created) out << "    device " << bus_name(d.bus) << " " << d.node << "\n";
    }
    for (const LinkSummary& l : r.links) out << "    link " << l.consumer << " -> " << l.supplier << " (" << l.property << ")\n";
    print_lines(out, r.log.lines(), colour, "    ");
    print_silent_findings(out, r.log, "    ");
  }
  for (const RemovalRun& run : report.runs) {
    out << "\nremoval " << (run.barrier ? "with " + report.barrier_name : std::string("without the barrier"))
        << (run.matches_kernel ? "  <- what kernel " + apply.kernel + " does" : "") << ":\n";
    for (const RemoveOperation& op : run.operations) {
      const RemoveOutcome& r = op.outcome;
      out << "  remove #" << r.id << " (" << op.file << "): "
          << (r.removed ? "removed" : "refused (" + errno_name(r.result) + ")") << "\n";
      print_lines(out, r.log.lines(), colour, "    ");
      print_silent_findings(out, r.log, "    ");
      for (const UnbalancedNode& u : r.unbalanced) {
        out << "    " << u.node << " has " << u.refcount << " references, expected 1; held by:\n";
        for (const std::string& h : u.holders) out << "      - " << h << "\n";
      }
      if (!op.after.lines().empty()) {
        out << "    then, when the deferred device-link releases run:\n";
        print_lines(out, op.after.lines(), colour, "      ");
      }
    }
    if (!run.later.lines().empty()) {
      out << "  later, when the deferred device-link releases run:\n";
      print_lines(out, run.later.lines(), colour, "    ");
    }
    bool clean = run.later.lines().empty();
    for (const RemoveOperation& op : run.operations) {
      clean = clean && op.outcome.log.lines().empty() && op.outcome.log.findings().empty() &&
              op.after.lines().empty() && op.outcome.removed;
    }
    if (run.operations.empty()) {
      out << "  nothing to remove: the kernel gave no overlay an id\n";
    } else if (clean) {
      out << "  no kernel lines: every node balanced\n";
    }
    if (!run.trace.events().empty()) {
      out << "  trace:\n";
      for (const TraceEvent& e : run.trace.events()) {
        out << "    [" << e.kind << "] " << e.text;
        if (e.refcount >= 0) out << "  (" << e.node << ": " << e.refcount << ")";
        out << "\n";
      }
    }
  }
  if (report.exploration) {
    const Exploration& x = *report.exploration;
    out << "\nexplore (deferred releases at any point after they are queued): "
        << (x.outcome_count_is_lower_bound ? "at least " : "") << x.outcome_count << " distinct outcome(s)\n";
    if (x.groups.empty() && x.always.empty()) out << "  the only outcome: no error lines\n";
    for (const std::string& line : x.always) out << "  in every outcome: " << line << "\n";
    for (std::size_t g = 0; g < x.groups.size(); ++g) {
      const ExplorationGroup& group = x.groups[g];
      out << "  group " << g + 1 << " (" << group.releases.size() << " release(s))"
          << (group.truncated ? ", too many outcomes to list: the two extremes" : "") << ":\n";
      for (std::size_t i = 0; i < group.outcomes.size(); ++i) {
        const ExplorationOutcome& o = group.outcomes[i];
        out << "    outcome " << i + 1 << ": " << (o.lines.empty() ? "no error lines" : "") << "\n";
        for (const std::string& l : o.lines) out << "      " << l << "\n";
        out << "      witness:\n";
        for (const std::string& w : o.witness) out << "        " << w << "\n";
      }
    }
  }
  return out.str();
}

}  // namespace ovl::cli
