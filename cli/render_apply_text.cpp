// `ovlcheck apply` for people: one block per overlay, what changed, what the kernel prints.
#include "cli/apply_report.h"

#include "core/kernel/errno_names.h"

#include <map>
#include <sstream>

namespace ovl::cli {
namespace {

struct Palette {
  bool on;
  std::string red() const { return on ? "\033[31m" : ""; }
  std::string yellow() const { return on ? "\033[33m" : ""; }
  std::string green() const { return on ? "\033[32m" : ""; }
  std::string bold() const { return on ? "\033[1m" : ""; }
  std::string reset() const { return on ? "\033[0m" : ""; }
};

std::string node_of(const std::string& property_path) {
  std::size_t slash = property_path.rfind('/');
  return slash == 0 ? "/" : property_path.substr(0, slash);
}

void render_changeset(std::ostringstream& out, const ChangesetSummary& cs) {
  for (const std::string& node : cs.nodes_added) out << "  + " << node << "\n";
  // Properties of new nodes come with them; list only what lands on nodes that were there.
  std::map<std::string, bool> added_nodes;
  for (const std::string& node : cs.nodes_added) added_nodes[node] = true;
  std::size_t on_new_nodes = 0;
  for (const std::string& prop : cs.properties_added) {
    if (added_nodes.count(node_of(prop)) != 0) ++on_new_nodes;
    else out << "  + " << prop << "\n";
  }
  for (const std::string& prop : cs.properties_updated) out << "  ~ " << prop << "\n";
  if (on_new_nodes != 0) {
    out << "    (" << on_new_nodes << " properties on the new nodes, `name` included)\n";
  }
}

}  // namespace

std::string render_apply_text(const ApplyReport& report, bool colour) {
  Palette p{colour};
  std::ostringstream out;
  out << "kernel " << report.kernel << ", base " << report.base << "\n";
  out << "drivers: " << report.drivers << "\n";
  for (const OverlayApplyReport& o : report.overlays) {
    const ApplyOutcome& r = o.outcome;
    out << "\n" << p.bold() << o.file << p.reset() << ": ";
    if (r.applied) {
      out << p.green() << "applied" << p.reset() << " as overlay #" << r.id << "\n";
    } else {
      out << p.red() << "refused" << p.reset() << " (" << errno_name(r.result) << ", "
          << r.error_code() << ")";
      if (r.id != 0) out << "; the kernel still holds it as overlay #" << r.id << " until removed";
      out << "\n";
    }
    if (r.applied) render_changeset(out, r.changeset);
    for (const DeviceChange& d : r.devices) {
      out << "  " << (d.created ? "device created: " : "device destroyed: ") << bus_name(d.bus) << " "
          << d.node << "\n";
    }
    for (const LinkSummary& l : r.links) {
      out << "  device link: " << l.consumer << " -> " << l.supplier << " (" << l.property << ")\n";
    }
    if (!r.log.lines().empty()) out << "  kernel log:\n";
    for (const KernelLine& line : r.log.lines()) {
      std::string colour_on = line.level == Severity::kError ? p.red()
                              : line.level == Severity::kWarning ? p.yellow() : "";
      out << "    " << colour_on << line.text << (colour_on.empty() ? "" : p.reset()) << "\n";
    }
    for (const Finding& f : r.log.findings()) {
      if (!f.message.empty()) continue;  // the kernel line above says it already
      out << "  " << severity_name(f.severity) << ": " << f.code << ": " << f.detail << "\n";
    }
  }
  if (report.output) out << "\nwrote " << *report.output << "\n";
  if (report.not_written) out << "\nno output written: " << *report.not_written << "\n";
  return out.str();
}

}  // namespace ovl::cli
