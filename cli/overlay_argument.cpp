#include "cli/overlay_argument.h"

#include <filesystem>
#include <system_error>

namespace ovl::cli {

const char* const kOverlayArgumentHelp =
    "Overlay blobs (.dtbo), applied in order; Raspberry Pi parameters may follow inline as on a "
    "config.txt dtoverlay= line: w1-gpio.dtbo,gpiopin=17,pullup (the overlay is then prepared "
    "as dtoverlay does)";
const char* const kDtoverlayOptionHelp =
    "Prepare every overlay as Raspberry Pi's dtoverlay does, even without parameters "
    "(labels private unless __exports__, dormant fragments stay off, intra-overlay fragments merged)";

rpi::Parameter parse_parameter(const std::string& text) {
  std::size_t eq = text.find('=');
  if (eq == std::string::npos) return {text, "true"};
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Expected<OverlayArgument> parse_overlay_argument(const std::string& text) {
  OverlayArgument argument{text, text, {}};
  std::error_code ec;
  if (std::filesystem::exists(text, ec)) return argument;
  std::size_t slash = text.rfind('/');
  std::size_t comma = text.find(',', slash == std::string::npos ? 0 : slash + 1);
  if (comma == std::string::npos) return argument;
  argument.file = text.substr(0, comma);
  std::size_t at = comma + 1;
  if (at == text.size()) return argument;  // a trailing ',' alone adds nothing, as in dtoverlay
  for (;;) {
    std::size_t end = std::min(text.find(',', at), text.size());
    std::string item = text.substr(at, end - at);
    if (item.empty() || item.front() == '=') {
      return Error{"'" + argument.file + "': empty parameter name in '" + text + "'"};
    }
    argument.parameters.push_back(parse_parameter(item));
    if (end == text.size()) break;
    at = end + 1;
  }
  return argument;
}

Expected<fdt::LoadedBlob> load_overlay_argument(const OverlayArgument& argument, bool always_prepare,
                                                rpi::PreparedOverlay* details) {
  auto blob = fdt::load_blob_file(argument.file);
  if (!blob) return blob.error();
  return prepare_overlay_argument(std::move(blob.value()), argument, always_prepare, details);
}

Expected<fdt::LoadedBlob> prepare_overlay_argument(fdt::LoadedBlob blob, const OverlayArgument& argument,
                                                   bool always_prepare, rpi::PreparedOverlay* details) {
  if (argument.parameters.empty() && !always_prepare) return blob;
  auto prepared = rpi::prepare_overlay(blob.tree, argument.parameters);
  if (!prepared) return Error{"'" + argument.file + "': " + prepared.error().message};
  auto reread = fdt::load_blob_bytes(argument.file, fdt::flatten(prepared->tree, blob.header));
  if (details != nullptr) *details = std::move(prepared.value());
  return reread;
}

}  // namespace ovl::cli
