// Text and JSON renderings of `ovlcheck prepare` (docs/json-schema.md, docs/rpi.md).
#include "cli/findings_json.h"
#include "cli/prepare_report.h"

#include "core/util/big_endian.h"

#include <cstdio>
#include <sstream>

namespace ovl::cli {
namespace {

bool printable_strings(const Bytes& v) {
  if (v.empty() || v.back() != 0 || v.front() == 0) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == 0) {
      if (i + 1 < v.size() && v[i + 1] == 0) return false;  // empty string inside
      continue;
    }
    if (v[i] < 0x20 || v[i] > 0x7e) return false;
  }
  return true;
}

std::string hex(unsigned value, const char* format) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string change_line(const rpi::ParameterChange& c) {
  if (c.property.empty()) return c.node + ": renamed " + c.old_name + " -> " + c.new_name;
  return c.node + " " + c.property + ": " + render_property_value(c.before) + " -> " +
         render_property_value(c.after);
}

}  // namespace

std::string render_property_value(const std::optional<Bytes>& value) {
  if (!value) return "(absent)";
  const Bytes& v = *value;
  if (v.empty()) return "(empty)";
  std::string out;
  if (printable_strings(v)) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] != 0) continue;
      if (!out.empty()) out += ", ";
      out += "\"" + std::string(v.begin() + static_cast<std::ptrdiff_t>(start), v.begin() + static_cast<std::ptrdiff_t>(i)) + "\"";
      start = i + 1;
    }
    return out;
  }
  if (v.size() % 4 == 0) {
    out = "<";
    for (std::size_t i = 0; i < v.size(); i += 4) out += (i ? " " : "") + hex(read_be32(&v[i]), "0x%x");
    return out + ">";
  }
  out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + hex(v[i], "%02x");
  return out + "]";
}

std::string render_prepare_text(const PrepareReport& report) {
  std::ostringstream out;
  out << report.overlay << ": prepared as dtoverlay would\n";
  for (const rpi::ParameterEffect& p : report.prepared.parameters) {
    out << "  " << p.parameter.name << "=" << p.parameter.value << "\n";
    if (p.changes.empty()) out << "    (no targets)\n";
    for (const rpi::ParameterChange& c : p.changes) out << "    " << change_line(c) << "\n";
  }
  const rpi::MergeOutcome& merge = report.prepared.merge;
  for (const std::string& m : merge.fragments_merged) out << "  merged " << m << "\n";
  if (!merge.symbols_removed.empty()) {
    out << "  private labels (not in __exports__):";
    for (const std::string& label : merge.symbols_removed) out << " " << label;
    out << "\n";
  }
  if (report.output) out << "  written to " << *report.output << "\n";
  return out.str();
}

std::string render_prepare_json(const PrepareReport& report) {
  Json parameters = Json::array();
  for (const rpi::ParameterEffect& p : report.prepared.parameters) {
    Json changes = Json::array();
    for (const rpi::ParameterChange& c : p.changes) {
      if (c.property.empty()) {
        changes.push_back({{"node", c.node}, {"renamed_from", c.old_name}, {"renamed_to", c.new_name}});
      } else {
        changes.push_back({{"node", c.node},
                           {"property", c.property},
                           {"before", c.before ? Json(render_property_value(c.before)) : Json(nullptr)},
                           {"after", c.after ? Json(render_property_value(c.after)) : Json(nullptr)}});
      }
    }
    parameters.push_back({{"name", p.parameter.name}, {"value", p.parameter.value}, {"changes", changes}});
  }
  Json root = {
      {"ovlcheck", OVLCHECK_VERSION},
      {"overlay", report.overlay},
      {"file", report.file},
      {"parameters", parameters},
      {"merged_fragments", report.prepared.merge.fragments_merged},
      {"private_labels", report.prepared.merge.symbols_removed},
      {"output", report.output ? Json(*report.output) : Json(nullptr)},
  };
  return root.dump(2) + "\n";
}

}  // namespace ovl::cli
