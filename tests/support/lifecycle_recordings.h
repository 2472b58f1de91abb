// The real-kernel recordings in testdata/lifecycle (how they were made: its README.md): which
// kernels were recorded, every recording of each, and the `.state.txt` a recording holds.
//
// The recordings are found strictly: every file in a `kernel-*` folder must be one the oracle
// scripts make, every run must have its log, `.of.txt` and `.state.txt`, every scenario folder
// must say which kernel variant (driver list) it ran on, and the number of recordings per kernel is
// written in the table below. Anything else is a test failure, so a recording cannot vanish or be
// skipped without one.
#pragma once

#include "tests/support/test_files.h"

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ovl::test {

// One recorded kernel: one row per kernel whose recordings are in testdata/lifecycle.
struct RecordedKernel {
  std::string folder;   // the per-scenario folder of its recordings, e.g. "kernel-6.1"
  std::string profile;  // the ovlcheck --kernel profile that models it, e.g. "6.1.192"
  // KERNEL_VARIANT (the kernel configuration a scenario ran on) -> its driver list, a file in
  // testdata/lifecycle (oracle-drivers.py output for that configuration).
  std::map<std::string, std::string> drivers;
  std::size_t recordings;  // exactly this many runs (pairs of .of.txt and .state.txt)
};

// The table. Adding a kernel is adding a row (and its recordings).
const std::vector<RecordedKernel>& recorded_kernels();

// testdata/lifecycle in the source tree.
std::filesystem::path lifecycle_dir();

// One run of the oracle: an operation sequence on one kernel, with or without the barrier.
struct Recording {
  const RecordedKernel* kernel = nullptr;
  std::filesystem::path scenario;      // testdata/lifecycle/<scenario>
  std::string run;                     // e.g. "provider-consumer.twice.nobarrier"
  std::filesystem::path of_lines;      // <run>.of.txt
  std::filesystem::path state;         // <run>.state.txt
  std::filesystem::path drivers;       // the driver list of the scenario's kernel variant
  bool barrier = false;
  std::vector<std::string> overlays;   // overlay .dts names (no extension), in apply order
  std::string order;                   // ovlcheck's --order for the same removal sequence
};

// Every recording of `kernel`, sorted by path. Throws std::runtime_error naming the file when a
// kernel folder holds a file the oracle does not make, a run lacks one of its three files, a
// scenario has no or an unknown KERNEL_VARIANT, or an overlay source of a run is missing.
std::vector<Recording> recordings_of(const RecordedKernel& kernel);

// One device listing of a `.state.txt` (the initramfs' `devices`, as extract.py condensed it),
// with the `=== DIFF vs base` block printed before it (empty for the boot listing).
struct StateSnapshot {
  std::size_t baseline_omitted = 0;      // "(N baseline platform devices omitted)"
  std::vector<std::string> gone;         // baseline platform devices no longer listed
  std::vector<std::string> devices;      // platform devices not in the baseline
  std::map<std::string, std::string> bound;  // device -> driver, for every bound device listed
  std::vector<std::string> bus_clients;  // the i2cdev / spidev lines
  std::vector<std::string> links;        // "SUPPLIER--CONSUMER status=S sync_state_only=B"
  std::vector<std::string> diff;         // "+N /path", "+P /path/prop = HEX", "-P ..."
};

// A step the shell ran and its result: "apply X.dtbo as A" / "remove 1 (A)", rc 0 or 1, the id.
struct StateStep {
  std::string what;
  int rc = 0;
  int id = 0;  // apply only: the id of_overlay_fdt_apply() gave back, 0 when none was printed
  bool finished = false;  // its RESULT line was printed (not when the kernel died in it)
};

struct StateRecording {
  std::vector<StateStep> steps;
  // [0] after boot, then one after the applies and one after every group of removals that the
  // script followed by `sleep 1` (the `,` of --order) and at the end.
  std::vector<StateSnapshot> snapshots;
  std::vector<std::size_t> steps_before;  // per snapshot: how many steps had run
  bool ended = false;                     // "=== ORACLE END" seen: the kernel survived
};

// Parses a `.state.txt`; throws std::runtime_error naming the file and line on a line it does
// not know.
StateRecording parse_state(const std::filesystem::path& file);

}  // namespace ovl::test
