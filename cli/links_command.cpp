// `ovlcheck links`: the devices and the device links the kernel makes for a base, after boot and
// after applying overlays; as text, JSON, or a graphviz graph (supplier -> consumer).
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/findings_json.h"
#include "cli/session_setup.h"

#include "core/replay/overlay_session.h"

#include <iostream>
#include <memory>
#include <sstream>

namespace ovl::cli {
namespace {

struct LinksOptions {
  CommonOptions common;
  bool dot = false;
};

struct Snapshot {
  Json devices = Json::array();
  Json links = Json::array();
};

Json overlay_id(int id) { return id == 0 ? Json(nullptr) : Json(id); }

// Which bus a bound device registers and which rule decided it; null when it hosts none and no
// table or --drivers entry said so (the node-name fallback found nothing).
Json hosts_json(const Device& d) {
  const BusDecision& h = d.hosts;
  if (!d.bound || (h.bus == HostedBus::kNone && h.rule == BusRule::kNodeName)) return nullptr;
  return {{"bus", hosted_bus_name(h.bus)},
          {"rule", bus_rule_name(h.rule)},
          {"compatible", h.compatible.empty() ? Json(nullptr) : Json(h.compatible)},
          {"source", std::string(h.source)}};
}

Snapshot snapshot(const DeviceModel& model) {
  Snapshot s;
  const DeviceTree& tree = model.tree();
  for (const Device& d : model.devices()) {
    if (!d.registered) continue;
    s.devices.push_back({{"node", tree.path(d.node)}, {"bus", bus_name(d.bus)}, {"bound", d.bound},
                         {"overlay", overlay_id(d.overlay_id)}, {"hosts", hosts_json(d)}});
  }
  for (const DeviceLink& l : model.links()) {
    if (l.state != LinkState::kActive) continue;
    // A link holds one reference on each of its devices until its deferred release runs.
    s.links.push_back({{"consumer", tree.path(model.devices()[l.consumer].node)},
                       {"supplier", tree.path(model.devices()[l.supplier].node)},
                       {"property", l.property},
                       {"flags", l.flags},
                       {"holds", {model.device_label(l.consumer), model.device_label(l.supplier)}},
                       {"overlay", overlay_id(l.overlay_id)}});
  }
  return s;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Graphviz: devices as boxes (overlay-created ones filled), edges supplier -> consumer.
std::string render_dot(const Snapshot& s) {
  std::ostringstream out;
  out << "digraph ovlcheck_links {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const Json& d : s.devices) {
    out << "  " << quoted(d["node"].get<std::string>()) << " [label="
        << quoted(d["node"].get<std::string>() + "\\n" + d["bus"].get<std::string>());
    if (!d["overlay"].is_null()) out << ", style=filled, fillcolor=\"#ffd27f\"";
    out << "];\n";
  }
  for (const Json& l : s.links) {
    out << "  " << quoted(l["supplier"].get<std::string>()) << " -> " << quoted(l["consumer"].get<std::string>())
        << " [label=" << quoted(l["property"].get<std::string>());
    if (!l["overlay"].is_null()) out << ", color=\"#d08000\", penwidth=2";
    out << "];\n";
  }
  out << "}\n";
  return out.str();
}

std::string render_text(const Json& report) {
  std::ostringstream out;
  out << "kernel " << report["kernel"].get<std::string>() << ", base " << report["base"].get<std::string>() << "\n";
  out << "drivers: " << report["drivers"].get<std::string>() << "\n";
  for (const char* stage : {"boot", "applied"}) {
    const Json& s = report[stage];
    out << "\n" << (std::string(stage) == "boot" ? "after boot" : "after applying the overlays") << ": "
        << s["devices"].size() << " devices, " << s["links"].size() << " links\n";
    for (const Json& d : s["devices"]) {
      const Json& h = d["hosts"];
      if (h.is_null() || h["bus"] == "none") continue;
      out << "  " << d["node"].get<std::string>() << " hosts an " << h["bus"].get<std::string>() << " bus ("
          << h["rule"].get<std::string>()
          << (h["compatible"].is_null() ? "" : " " + h["compatible"].get<std::string>()) << ": "
          << h["source"].get<std::string>() << ")\n";
    }
    for (const Json& l : s["links"]) {
      out << "  " << l["consumer"].get<std::string>() << " -> " << l["supplier"].get<std::string>() << " ("
          << l["property"].get<std::string>() << ")" << (l["overlay"].is_null() ? "" : "  [overlay]") << "\n";
    }
  }
  for (const Json& f : report["findings"]) {
    out << "\n" << f["severity"].get<std::string>() << ": " << f["code"].get<std::string>() << ": "
        << f["detail"].get<std::string>();
  }
  if (!report["findings"].empty()) out << "\n";
  return out.str();
}

int run_links(const LinksOptions& options) {
  const CommonOptions& common = options.common;
  auto prepared = prepare(common);
  if (!prepared) return report_cannot_run(prepared.error().message);
  const KernelProfile& profile = prepared->profile;
  const DriverSet& drivers = prepared->drivers;
  Inputs& inputs = prepared->inputs;

  OverlaySession session(std::move(inputs.base.tree), profile, drivers);
  KernelLog log;
  session.boot(log);
  Snapshot boot = snapshot(session.devices());
  Json overlays = Json::array();
  int status = kExitClean;
  for (std::size_t i = 0; i < common.overlays.size(); ++i) {
    ApplyOutcome outcome = session.apply(common.overlays[i], std::move(inputs.overlays[i].tree));
    if (outcome.log.has_error()) status = kExitFindings;
    overlays.push_back({{"file", common.overlays[i]}, {"id", outcome.id}, {"applied", outcome.applied},
                        {"error", outcome.error_code().empty() ? Json(nullptr) : Json(outcome.error_code())}});
    for (const Finding& f : outcome.log.findings()) log.add(f);
  }
  Snapshot applied = snapshot(session.devices());
  Json findings = Json::array();
  for (const Json& f : findings_json(log.findings())) {
    if (f["code"] != "leak-on-remove") findings.push_back(f);  // apply's business, not the graph's
  }
  Json report = {{"ovlcheck", OVLCHECK_VERSION},
                 {"kernel", profile.name()},
                 {"base", common.base},
                 {"drivers", drivers.describe()},
                 {"overlays", overlays},
                 {"boot", {{"devices", boot.devices}, {"links", boot.links}}},
                 {"applied", {{"devices", applied.devices}, {"links", applied.links}}},
                 {"findings", findings},
                 {"exit_status", status}};
  if (options.dot) std::cout << render_dot(applied);
  else if (common.json) std::cout << report.dump(2) << "\n";
  else std::cout << render_text(report);
  return status;
}

}  // namespace

void add_links_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<LinksOptions>();
  CLI::App* cmd = app.add_subcommand("links", "Devices and fw_devlink device links after boot and after the overlays");
  add_common_options(*cmd, options->common, false);
  cmd->add_flag("--dot", options->dot, "Print a graphviz graph (supplier -> consumer) instead")
      ->excludes(cmd->get_option("--json"));
  cmd->callback([options, &exit_status] { exit_status = run_links(*options); });
}

}  // namespace ovl::cli
