// ovlcheck's predicted kernel lines against what a real kernel printed.
//
// testdata/lifecycle/<scenario>/kernel-6.1/*.of.txt are the `OF:` lines of Debian's 6.1.192
// (kernel-6.12/: 6.12.117, where recorded; kRecordedKernels below)
// booted under QEMU (../shared/oracle; how they were made: testdata/lifecycle/README.md), once
// with the 2024 barrier (`barrier`) and once with device_link_wait_removal() patched out
// (`nobarrier`). Each recording is one operation sequence:
//   <overlay>.<k>.of.txt                apply, remove, wait
//   <overlay>.twice.<k>.of.txt          apply it twice, remove #1, #2, #1 back to back, wait
//   stack.<A>+<B>.top.<k>.of.txt        apply A, B; remove B, wait, remove A, wait
//   stack.<A>+<B>[.bottom].<k>.of.txt   apply A, B; remove A, wait, remove B, A back to back, wait
// ovlcheck replays the same sequence for that kernel's profile with its driver list;
// its run without the barrier must print the nobarrier kernel's lines, its run with the barrier
// the barrier kernel's, in the same order.
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The real kernels recorded: folder name under each scenario, the profile ovlcheck replays them
// with, and the prefix of the driver lists (testdata/lifecycle/<prefix>.txt, <prefix>-buses.txt).
struct RecordedKernel {
  const char* folder;
  const char* profile;
  const char* drivers;
};
constexpr RecordedKernel kRecordedKernels[] = {
    {"kernel-6.1", "6.1.192", "DRIVERS-6.1"},
    {"kernel-6.12", "6.12.117", "DRIVERS-6.12"},
};

struct Recording {
  const RecordedKernel* kernel = nullptr;
  fs::path file;
  fs::path scenario;
  bool barrier = false;
  std::vector<std::string> overlays;  // overlay .dts names, in apply order
  std::string order;                  // ovlcheck's --order for the same sequence
};

std::vector<std::string> kernel_of_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("OF:", 0) == 0) lines.push_back(line);
  }
  return lines;
}

std::vector<Recording> recordings() {
  std::vector<Recording> out;
  fs::path root = fs::path(OVLCHECK_SOURCE_DIR) / "testdata" / "lifecycle";
  std::regex name(R"((.*)\.(barrier|nobarrier)\.of\.txt)");
  std::regex stack(R"(stack\.([^+]+)\+([^.]+?)(?:\.(top|bottom))?)");
  for (const auto& scenario : fs::directory_iterator(root)) {
   for (const RecordedKernel& recorded : kRecordedKernels) {
    fs::path kernel = scenario.path() / recorded.folder;
    if (!fs::is_directory(kernel)) continue;
    for (const auto& entry : fs::directory_iterator(kernel)) {
      std::smatch m;
      std::string file = entry.path().filename().string();
      if (!std::regex_match(file, m, name)) continue;
      Recording r{&recorded, entry.path(), scenario.path(), m[2] == "barrier", {}, ""};
      std::string stem = m[1];
      std::smatch s;
      if (std::regex_match(stem, s, stack)) {
        r.overlays = {s[1], s[2]};
        r.order = s[3] == "top" ? "2,1" : "1,2+1";
      } else if (stem.size() > 6 && stem.substr(stem.size() - 6) == ".twice") {
        std::string overlay = stem.substr(0, stem.size() - 6);
        r.overlays = {overlay, overlay};
        r.order = "1+2+1";
      } else {
        r.overlays = {stem};
        r.order = "1";
      }
      out.push_back(r);
    }
   }
  }
  std::sort(out.begin(), out.end(), [](const Recording& a, const Recording& b) { return a.file < b.file; });
  return out;
}

std::string driver_list(const Recording& r) {
  std::ifstream in(r.scenario / r.kernel->folder / "KERNEL_VARIANT");
  std::string variant;
  in >> variant;
  fs::path lifecycle = r.scenario.parent_path();
  std::string prefix = r.kernel->drivers;
  return (lifecycle / (prefix + (variant == "buses" ? "-buses.txt" : ".txt"))).string();
}

bool is_deferred(const std::string& line) {
  return line.rfind("OF: ERROR: memory leak before free overlay changeset,", 0) == 0;
}

std::vector<std::string> only(const std::vector<std::string>& lines, bool deferred) {
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    if (is_deferred(l) == deferred) out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_CASE("the lines ovlcheck predicts for 6.1 and 6.12 are the real kernels', barrier and no barrier", "[oracle]") {
  std::vector<Recording> all = recordings();
  REQUIRE(all.size() >= 20);  // the recordings ship with the source; losing them must fail
  int compared = 0;
  for (const Recording& r : all) {
    INFO("recording " << fs::relative(r.file, OVLCHECK_SOURCE_DIR).string() << ", --order " << r.order);
    fs::path base = r.scenario / r.kernel->folder / "oracle-base.dtb";  // kept only if it differs
    if (!fs::exists(base)) base = r.scenario / "oracle-base.dtb";
    std::vector<std::string> args = {OVLCHECK_BINARY, "remove", "--json", "--kernel", r.kernel->profile,
                                     "--drivers", driver_list(r),
                                     "--base", base.string(), "--order", r.order};
    for (const std::string& overlay : r.overlays) {
      std::ifstream in(r.scenario / (overlay + ".dts"));
      std::string source((std::istreambuf_iterator<char>(in)), {});
      std::string blob = ovl::test::temp_path(overlay + ".dtbo");
      ovl::test::write_bytes(blob, ovl::test::compile_dts(source));  // dtc -@, as the oracle did
      args.push_back(blob);
    }
    ovl::test::CommandResult result = ovl::test::run_command(args);
    REQUIRE(result.exit_status != 2);
    json report = json::parse(result.out);

    std::vector<std::string> predicted;
    for (const json& overlay : report["apply"]) {
      for (const json& m : overlay["messages"]) predicted.push_back(m["text"]);
    }
    for (const json& run : report["runs"]) {
      if (run["barrier"].get<bool>() != r.barrier) continue;
      for (const json& m : run["messages"]) predicted.push_back(m["text"]);
    }
    std::vector<std::string> kernel = kernel_of_lines(r.file);
    // The "before free" lines come from deferred work. The kernel prints them when that work
    // runs, which back-to-back removals may or may not wait for; every other line comes from
    // the operation itself. So each kind must match in order, and the two kinds are compared
    // separately.
    CHECK(only(predicted, false) == only(kernel, false));
    CHECK(only(predicted, true) == only(kernel, true));
    if (r.order == "1") CHECK(predicted == kernel);  // one removal: no timing question at all
    ++compared;
  }
  WARN("compared " << compared << " real-kernel recordings");
}

TEST_CASE("the seed scenario: two unbalanced nodes without the barrier, none with it", "[oracle]") {
  fs::path scenario = fs::path(OVLCHECK_SOURCE_DIR) / "testdata" / "lifecycle" / "a-seed";
  std::vector<std::string> nobarrier = kernel_of_lines(scenario / "kernel-6.1" / "provider-consumer.nobarrier.of.txt");
  std::vector<std::string> barrier = kernel_of_lines(scenario / "kernel-6.1" / "provider-consumer.barrier.of.txt");
  auto errors = [](const std::vector<std::string>& lines) {
    return std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("expected refcount 1 instead of 2") != std::string::npos;
    });
  };
  // What the 2020 report and the 2024 fix are about, as the real kernel shows it.
  REQUIRE(errors(nobarrier) == 2);
  REQUIRE(errors(barrier) == 0);
}
