// Harness 4: the text ovlcheck reads besides blobs. The first byte picks the surface, the rest is
// the text:
//   0  --kernel VERSION      a version that is accepted names itself (to_string) and re-parses
//                            to the same version and the same kernel behaviour;
//   1  --order LIST          (count of overlays from the second byte) every step names one of
//                            the overlays, and there is one step per item;
//   2  --drivers FILE        (written to a scratch file) every compatible read is non-empty,
//                            trimmed and free of '#' and newlines;
//   3  `check --manifest FILE` (written to a scratch file; the second byte picks .json or
//      .txt) every case names a base, its overlays and kernels are non-empty, and a text
//      manifest has a case (per kernel) for each line that names files;
//   4  a `.dts` source (written to a scratch .dts file): the `#include` test agrees with a plain
//      line-by-line reading, and the real dtc either refuses it (one line, exit 2) or gives a
//      blob that passes fdt_check_full and loads;
//   5+ unused (ignored).
// Errors, as ovlcheck prints them, are a single line.
#include "cli/check_cases.h"
#include "cli/error_line.h"
#include "cli/removal_order.h"
#include "cli/session_setup.h"
#include "cli/source_compile.h"
#include "fdt/blob_io.h"
#include "core/kernel/kernel_profile.h"
#include "core/kernel/kernel_version.h"
#include "tests/fuzz/fuzz_input.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace ovl;

// The line ovlcheck prints for it is one line, whatever the input held.
void check_error(const Error& error) {
  std::string line = cli::error_line(error.message);
  OVL_FUZZ_CHECK(line.find('\n') == line.size() - 1, "a multi-line error: " + line);
}

void kernel_version(const std::string& text) {
  auto profile = KernelProfile::for_version(text);
  auto parsed = KernelVersion::parse(text);
  if (!profile) {
    check_error(profile.error());
    return;
  }
  OVL_FUZZ_CHECK(parsed.has_value(), "a profile for a version that does not parse: " + text);
  auto named = KernelProfile::for_version(profile->name());
  OVL_FUZZ_CHECK(static_cast<bool>(named), "a profile's own name is refused: " + profile->name());
  OVL_FUZZ_CHECK(named->version() == profile->version(), "a profile's name names another version");
  OVL_FUZZ_CHECK(named->feature_names() == profile->feature_names(), "a profile's name has other features");
}

void order(const std::string& text, std::size_t count) {
  auto steps = cli::removal_order(text, count);
  if (!steps) {
    check_error(steps.error());
    return;
  }
  std::size_t items = text.empty() ? count : 1;
  for (char c : text) items += (c == ',' || c == '+') ? 1 : 0;
  OVL_FUZZ_CHECK(steps->size() == items, "not one removal step per item of --order '" + text + "'");
  for (const cli::RemovalStep& step : *steps) {
    OVL_FUZZ_CHECK(step.position < count, "a removal step past the last overlay: --order '" + text + "'");
  }
}

// One scratch file per process and name, rewritten for every input and removed at exit; "" when
// it cannot be written.
std::string scratch_file(const std::string& name, const std::string& text) {
  struct Scratch {
    std::string dir;
    std::vector<std::string> made;
    ~Scratch() {
      for (const std::string& f : made) std::remove(f.c_str());
      ::rmdir(dir.c_str());
    }
  };
  static Scratch scratch{[] {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/ovlcheck-fuzz-text-" + std::to_string(::getpid());
    ::mkdir(dir.c_str(), 0700);
    return dir;
  }(), {}};
  std::string path = scratch.dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return "";
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  if (std::find(scratch.made.begin(), scratch.made.end(), path) == scratch.made.end()) scratch.made.push_back(path);
  return path;
}

void drivers(const std::string& text) {
  std::string path = scratch_file("drivers.txt", text);
  if (path.empty()) return;
  auto set = cli::load_driver_set(path);
  if (!set) {
    check_error(set.error());
    return;
  }
  // Every line's first word is its compatible and must match; nothing but listed compatibles may.
  // The words after it (space, tab or CR apart) are bus classes, which the parser has accepted.
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    line = line.substr(0, line.find('#'));
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) {
      std::size_t after = line.find_first_of(" \t\r", first);
      std::string compatible = line.substr(first, after == std::string::npos ? after : after - first);
      OVL_FUZZ_CHECK(set->matches(compatible), "a listed compatible does not match: '" + compatible + "'");
      if (after != std::string::npos && line.find_first_not_of(" \t\r", after) != std::string::npos) {
        OVL_FUZZ_CHECK(set->stated_bus(compatible).has_value(),
                       "words after a compatible were accepted but state no bus: '" + line + "'");
      }
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  OVL_FUZZ_CHECK(!set->matches(""), "the empty compatible matches a driver list");
  OVL_FUZZ_CHECK(!set->matches("#"), "a comment sign matches a driver list");
}

void manifest(const std::string& text, bool json_name) {
  std::string path = scratch_file(json_name ? "manifest.json" : "manifest.txt", text);
  if (path.empty()) return;
  auto cases = cli::manifest_cases(path);
  if (!cases) {
    check_error(cases.error());
    return;
  }
  OVL_FUZZ_CHECK(!cases->empty(), "a manifest accepted with no case");
  for (const cli::CheckCase& c : *cases) {
    OVL_FUZZ_CHECK(!c.base.empty(), "a manifest case without a base");
    OVL_FUZZ_CHECK(!c.name.empty(), "a manifest case without a name");
    for (const std::string& o : c.overlays) OVL_FUZZ_CHECK(!o.empty(), "an empty overlay name in a manifest case");
  }
  std::size_t first = text.find_first_not_of(" \t\r\n");
  bool read_as_json = json_name || (first != std::string::npos && (text[first] == '[' || text[first] == '{'));
  if (read_as_json) return;
  // A text manifest: one case per line that names a file, times the kernels the line names.
  std::size_t expected = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::size_t files = 0, kernels = 0;
    for (std::string word; words >> word;) {
      if (word.rfind("kernel=", 0) != 0) {
        ++files;
        continue;
      }
      kernels = 0;  // the last kernel= of a line counts
      std::istringstream list(word.substr(7));
      for (std::string k; std::getline(list, k, ',');) kernels += k.empty() ? 0 : 1;
    }
    if (files > 0) expected += kernels > 0 ? kernels : 1;
  }
  OVL_FUZZ_CHECK(cases->size() == expected, "a text manifest gave " + std::to_string(cases->size()) +
                                                " cases where its lines name " + std::to_string(expected));
}

// The `#include` rule read plainly: some line is blanks, '#', blanks, "include", blanks, then '<'
// or '"'.
bool has_include_line(std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::size_t i = line.find_first_not_of(" \t");
    if (i != std::string_view::npos && line[i] == '#') {
      i = line.find_first_not_of(" \t", i + 1);
      if (i != std::string_view::npos && line.substr(i, 7) == "include") {
        i = line.find_first_not_of(" \t", i + 7);
        if (i != std::string_view::npos && (line[i] == '<' || line[i] == '"')) return true;
      }
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return false;
}

void dts_source(const std::string& text) {
  OVL_FUZZ_CHECK(cli::uses_cpp_include(text) == has_include_line(text),
                 "the #include test disagrees with a plain reading of the source");
  std::string path = scratch_file("input.dts", text);
  if (path.empty()) return;
  auto blob = cli::compile_source(path, {});
  if (!blob) {
    check_error(blob.error());
    return;
  }
  auto loaded = fdt::load_blob_bytes(path, *blob);
  OVL_FUZZ_CHECK(static_cast<bool>(loaded), "dtc wrote a blob ovlcheck cannot load: " +
                                                (loaded ? std::string() : loaded.error().message));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  switch (data[0] % 8) {
    case 0:
      kernel_version(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
      break;
    case 1:
      if (size >= 2) order(std::string(reinterpret_cast<const char*>(data + 2), size - 2), data[1] % 8 + 1);
      break;
    case 2:
      drivers(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
      break;
    case 3:
      if (size >= 2) manifest(std::string(reinterpret_cast<const char*>(data + 2), size - 2), data[1] % 2 == 0);
      break;
    case 4:
      dts_source(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
      break;
    default:
      break;
  }
  return 0;
}
