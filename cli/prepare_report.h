// The result of `ovlcheck prepare`: what dtoverlay's preparation did to one overlay, rendered
// as text or JSON.
#pragma once

#include "core/rpi/rpi_prepare.h"

#include <optional>
#include <string>

namespace ovl::cli {

struct PrepareReport {
  std::string overlay;  // the argument as given
  std::string file;
  rpi::PreparedOverlay prepared;
  std::optional<std::string> output;  // the file written, if any
};

std::string render_prepare_json(const PrepareReport& report);
std::string render_prepare_text(const PrepareReport& report);
// A property value as dtc prints it: "a", "b" for strings, <0x11 0x0> for cells, [0a 0b]
// otherwise, "" (empty) for a boolean; "(absent)" for none.
std::string render_property_value(const std::optional<Bytes>& value);

}  // namespace ovl::cli
