#include "tests/support/lifecycle_recordings.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace ovl::test {

const std::vector<RecordedKernel>& recorded_kernels() {
  static const std::vector<RecordedKernel> kernels = {
      // Debian's 6.1.192 on QEMU arm64 virt, configurations `nout` and `buses` (README.md).
      {"kernel-6.1", "6.1.192", {{"nout", "DRIVERS-6.1.txt"}, {"buses", "DRIVERS-6.1-buses.txt"}}, 190},
      // Debian's 6.12.118 (linux-source-6.12 6.12.118-1~deb12u1), the same two configurations.
      {"kernel-6.12", "6.12.118", {{"nout", "DRIVERS-6.12.txt"}, {"buses", "DRIVERS-6.12-buses.txt"}}, 208},
  };
  return kernels;
}

fs::path lifecycle_dir() { return fs::path(OVLCHECK_SOURCE_DIR) / "testdata" / "lifecycle"; }

namespace {

std::string variant_of(const fs::path& kernel_dir) {
  std::istringstream in(read_text(kernel_dir / "KERNEL_VARIANT"));
  std::string variant;
  in >> variant;
  return variant;
}

// The overlays and the --order of a run from its name (see the README's layout table):
//   <overlay>                  apply, remove
//   <overlay>.twice            apply it twice, remove #1, #2, #1 back to back
//   stack.<A>+<B>.top          apply A, B; remove B, wait, remove A
//   stack.<A>+<B>.bottom       apply A, B; remove A, wait, remove B, A back to back
void read_run_name(const std::string& stem, Recording& r) {
  static const std::regex stack(R"(stack\.([^+.]+)\+([^.]+)\.(top|bottom))");
  std::smatch s;
  if (std::regex_match(stem, s, stack)) {
    r.overlays = {s[1], s[2]};
    r.order = s[3] == "top" ? "2,1" : "1,2+1";
  } else if (stem.ends_with(".twice")) {
    std::string overlay = stem.substr(0, stem.size() - 6);
    r.overlays = {overlay, overlay};
    r.order = "1+2+1";
  } else {
    r.overlays = {stem};
    r.order = "1";
  }
}

}  // namespace

std::vector<Recording> recordings_of(const RecordedKernel& kernel) {
  static const std::regex run_file(R"((.+)\.(barrier|nobarrier)\.(log|of\.txt|state\.txt))");
  static const std::regex other_file(R"(KERNEL_VARIANT|SUMMARY\.md|boot-dump\.(barrier|nobarrier)\.log)");
  std::vector<Recording> out;
  for (const auto& scenario : fs::directory_iterator(lifecycle_dir())) {
    fs::path dir = scenario.path() / kernel.folder;
    if (!scenario.is_directory() || !fs::exists(dir)) continue;
    std::string variant = variant_of(dir);
    auto drivers = kernel.drivers.find(variant);
    if (drivers == kernel.drivers.end()) {
      throw std::runtime_error((dir / "KERNEL_VARIANT").string() + ": unknown kernel variant '" + variant + "'");
    }
    // run name -> which of its three files exist
    std::map<std::string, std::set<std::string>> runs;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      std::smatch m;
      if (std::regex_match(name, m, run_file) && !name.starts_with("boot-dump.")) {
        runs[m[1].str() + "." + m[2].str()].insert(m[3]);
      } else if (!std::regex_match(name, other_file)) {
        throw std::runtime_error(entry.path().string() + ": not a file the oracle scripts make");
      }
    }
    for (const auto& [run, kinds] : runs) {
      for (const char* kind : {"log", "of.txt", "state.txt"}) {
        if (!kinds.contains(kind)) throw std::runtime_error((dir / (run + "." + kind)).string() + " is missing");
      }
      Recording r;
      r.kernel = &kernel;
      r.scenario = scenario.path();
      r.run = run;
      r.of_lines = dir / (run + ".of.txt");
      r.state = dir / (run + ".state.txt");
      r.drivers = lifecycle_dir() / drivers->second;
      r.barrier = !run.ends_with(".nobarrier");
      read_run_name(run.substr(0, run.rfind('.')), r);
      for (const std::string& overlay : r.overlays) {
        if (!fs::is_regular_file(r.scenario / (overlay + ".dts"))) {
          throw std::runtime_error(r.state.string() + ": its overlay " + (r.scenario / (overlay + ".dts")).string() +
                                   " is missing");
        }
      }
      out.push_back(std::move(r));
    }
  }
  std::sort(out.begin(), out.end(), [](const Recording& a, const Recording& b) { return a.state < b.state; });
  return out;
}

StateRecording parse_state(const fs::path& file) {
  static const std::regex step(R"(=== STEP (.*))");
  static const std::regex result(R"(=== RESULT rc=(\d+)(?: id=(\d+))?)");
  static const std::regex devices(R"(=== PLATFORM DEVICES \((\d+) baseline platform devices omitted\))");
  static const std::regex bound(R"(bound (\S+) -> (\S+))");
  std::istringstream in(read_text(file));
  StateRecording out;
  std::vector<std::string> diff;
  enum class Mode { kNone, kDiff, kDevices } mode = Mode::kNone;
  int number = 0;
  auto fail = [&](const std::string& line) {
    throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": unexpected line '" + line + "'");
  };
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::smatch m;
    if (mode == Mode::kDiff) {
      if (line == "=== END DIFF") mode = Mode::kNone;
      else if (line.starts_with("+N ") || line.starts_with("+P ") || line.starts_with("-P ") ||
               line.starts_with("-N ")) diff.push_back(line);
      else fail(line);
    } else if (mode == Mode::kDevices) {
      StateSnapshot& s = out.snapshots.back();
      if (line == "=== END DEVICES") mode = Mode::kNone;
      else if (line == "=== I2C DEVICES" || line == "=== DEVLINKS" || line == "=== SPI DEVICES") continue;
      else if (line.starts_with("gone ")) s.gone.push_back(line.substr(5, line.find(' ', 5) - 5));
      else if (line.starts_with("pdev ")) s.devices.push_back(line.substr(5));
      else if (std::regex_match(line, m, bound)) s.bound[m[1]] = m[2];
      else if (line.starts_with("i2cdev ") || line.starts_with("spidev ")) s.bus_clients.push_back(line);
      else if (line.starts_with("link ")) s.links.push_back(line.substr(5));
      else fail(line);
    } else if (std::regex_match(line, m, step)) {
      out.steps.push_back({m[1], 0, 0, false});
    } else if (std::regex_match(line, m, result)) {
      if (out.steps.empty()) fail(line);
      out.steps.back().rc = std::stoi(m[1]);
      out.steps.back().finished = true;
      if (m[2].matched) out.steps.back().id = std::stoi(m[2]);
    } else if (line == "=== DIFF vs base") {
      mode = Mode::kDiff;
      diff.clear();
    } else if (std::regex_match(line, m, devices)) {
      mode = Mode::kDevices;
      out.snapshots.push_back({});
      out.snapshots.back().baseline_omitted = std::stoul(m[1]);
      out.snapshots.back().diff = std::move(diff);
      diff.clear();
      out.steps_before.push_back(out.steps.size());
    } else if (line == "=== ORACLE END") {
      out.ended = true;
    } else if (!line.empty()) {
      fail(line);
    }
  }
  return out;
}

}  // namespace ovl::test
