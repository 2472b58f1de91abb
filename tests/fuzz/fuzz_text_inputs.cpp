// Harness 4: the text ovlcheck reads besides blobs. The first byte picks the surface, the rest is
// the text:
//   0  --kernel VERSION      a version that is accepted names itself (to_string) and re-parses
//                            to the same version and the same kernel behaviour;
//   1  --order LIST          (count of overlays from the second byte) every step names one of
//                            the overlays, and there is one step per item;
//   2  --drivers FILE        (written to a scratch file) every compatible read is non-empty,
//                            trimmed and free of '#' and newlines;
//   3+ reserved: manifests and `.dts` input (issue 8) get their surface here once they exist;
//      until then these inputs are ignored. Add a case and a seed directory in run.sh.
// Errors, as ovlcheck prints them, are a single line.
#include "cli/error_line.h"
#include "cli/removal_order.h"
#include "cli/session_setup.h"
#include "core/kernel/kernel_profile.h"
#include "core/kernel/kernel_version.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>
#include <string>
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

void drivers(const std::string& text) {
  // One scratch file per process, rewritten for every input and removed at exit.
  struct Scratch {
    std::string path;
    ~Scratch() { std::remove(path.c_str()); }
  };
  static const Scratch scratch{[] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/ovlcheck-fuzz-drivers-" + std::to_string(::getpid());
  }()};
  const std::string& path = scratch.path;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
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
    default:
      break;  // manifests, .dts input: see above
  }
  return 0;
}
