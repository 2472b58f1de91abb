// A Raspberry Pi overlay as `dtoverlay` hands it to the kernel (its dry run, `dtoverlay -D`):
// the parameters applied through `__overrides__` in the order given, then the intra-overlay
// fragments merged and the private labels filtered (rpi_fragment_merge.h). Everything else the
// kernel does with the result is the ordinary overlay model.
//
// The rules are read from raspberrypi/utils (dtmerge/dtoverlay.c, dtoverlay_main.c:
// dtoverlay_add, apply_parameter); the recordings in testdata/rpi pin them.
#pragma once

#include "core/rpi/rpi_fragment_merge.h"
#include "core/rpi/rpi_override_apply.h"
#include "core/tree/device_tree.h"
#include "core/util/expected.h"

#include <string>
#include <vector>

namespace ovl::rpi {

// One `name[=value]`; a bare name means name=true, as in dtoverlay.
struct Parameter {
  std::string name;
  std::string value = "true";
};

struct ParameterEffect {
  Parameter parameter;
  std::vector<ParameterChange> changes;
};

struct PreparedOverlay {
  DeviceTree tree;  // attached nodes only, no synthetic properties: ready to flatten
  std::vector<ParameterEffect> parameters;
  MergeOutcome merge;
};

// Prepares `overlay`. An unknown parameter is an Error "unknown parameter 'x'" with
// " (did you mean 'y'?)" when a parameter of the overlay is close; a value its targets refuse,
// or a malformed `__overrides__` entry, is an Error "cannot set x=v: REASON".
Expected<PreparedOverlay> prepare_overlay(const DeviceTree& overlay, const std::vector<Parameter>& parameters);

// The parameters an overlay declares (`__overrides__` property names), in blob order.
std::vector<std::string> parameter_names(const DeviceTree& overlay);

}  // namespace ovl::rpi
