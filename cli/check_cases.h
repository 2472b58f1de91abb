// Which cases `ovlcheck check` runs: every overlay (files, or directories searched for .dtbo, .dts
// and .dtso) on every --base, or the cases of a manifest; each for every --kernel.
//
// Manifest formats (docs/usage.md#manifests):
//  - JSON: a list of case objects, or {"cases": [...]}; a case is {"base": FILE, "overlays":
//    [FILE, ...], "name": optional, "kernels": optional [VERSION, ...]}; other keys are ignored
//    (so the test corpus's manifest.json is a manifest).
//  - text: one case a line, `BASE OVERLAY...` separated by blanks, the overlays a stack applied in
//    order; `kernel=V[,V...]` anywhere on the line picks the kernels; `#` starts a comment.
// Relative paths in a manifest are relative to the manifest's directory.
#pragma once

#include "cli/check_case.h"
#include "core/util/expected.h"

#include <string>
#include <vector>

namespace ovl::cli {

// The overlay files named by `arguments`: files as given, directories searched recursively for
// .dtbo/.dts/.dtso, sorted by path so that runs are reproducible. Errors read "'PATH': CAUSE".
Expected<std::vector<std::string>> overlay_files(const std::vector<std::string>& arguments);

// Every overlay alone on every base, bases in the outer loop.
std::vector<CheckCase> cross_cases(const std::vector<std::string>& bases, const std::vector<std::string>& overlays);

// The cases of a manifest, in file order; kernel empty unless the case names kernels (then one
// case per kernel). Errors read "'FILE': line N: CAUSE" or "'FILE': case N: CAUSE".
Expected<std::vector<CheckCase>> manifest_cases(const std::string& file);

// Each case once per kernel of `kernels` (in order), except cases that already name their kernel.
std::vector<CheckCase> with_kernels(const std::vector<CheckCase>& cases, const std::vector<std::string>& kernels);

}  // namespace ovl::cli
