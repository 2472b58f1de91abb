// An overlay named on the command line, with Raspberry Pi parameters inline as on a config.txt
// `dtoverlay=` line: "w1-gpio.dtbo,gpiopin=17,pullup". Shared by every command that takes
// overlays (and by manifests that list them the same way).
#pragma once

#include "core/rpi/rpi_prepare.h"
#include "core/util/expected.h"
#include "fdt/blob_io.h"

#include <string>
#include <vector>

namespace ovl::cli {

struct OverlayArgument {
  std::string text;  // as given
  std::string file;
  std::vector<rpi::Parameter> parameters;
};

// "FILE[,PARAM[=VALUE]...]": the file ends at the first ',' after its last '/' (a file whose own
// name holds a ',' is still found when the whole text names an existing file). A bare PARAM
// means PARAM=true. An empty PARAM (",,") is an Error "'FILE': empty parameter in 'TEXT'".
Expected<OverlayArgument> parse_overlay_argument(const std::string& text);

// "name=value" or "name" (= "true").
rpi::Parameter parse_parameter(const std::string& text);

// Reads the overlay and, when it has parameters or `always_prepare` is set (--dtoverlay),
// prepares it as Raspberry Pi's dtoverlay would; the result is flattened and read back, so the
// model sees exactly the blob the kernel would receive. `details`, when given, receives what
// the preparation did. Errors read "'FILE': CAUSE".
Expected<fdt::LoadedBlob> load_overlay_argument(const OverlayArgument& argument, bool always_prepare,
                                                rpi::PreparedOverlay* details = nullptr);

// The preparation step of load_overlay_argument() for a blob already loaded (e.g. compiled from
// a .dtso): unchanged unless it has parameters or `always_prepare` is set.
Expected<fdt::LoadedBlob> prepare_overlay_argument(fdt::LoadedBlob blob, const OverlayArgument& argument,
                                                   bool always_prepare, rpi::PreparedOverlay* details = nullptr);

// The help text every overlay-taking command shows for its overlay arguments.
extern const char* const kOverlayArgumentHelp;
extern const char* const kDtoverlayOptionHelp;

}  // namespace ovl::cli
