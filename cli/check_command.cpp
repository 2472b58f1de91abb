// `ovlcheck check`: gate overlay files in CI. Every overlay on every base (or the cases of a
// manifest), for every --kernel: apply, devices and links, and (--lifecycle) removal in both
// barrier runs; one findings list per case, rendered as text, JSON, JUnit or SARIF; --fail-on
// decides the exit status.
#include "cli/check_cases.h"
#include "cli/check_report.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/input_files.h"
#include "cli/parallel_for.h"
#include "cli/session_setup.h"

#include "fdt/blob_io.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace ovl::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> bases;
  std::string manifest;
  std::vector<std::string> kernels;
  std::string drivers;
  std::string format = "text";
  std::string output;
  std::string fail_on = "error";
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool lifecycle = true;
  InputOptions inputs;
  std::vector<std::string> overlays;
};

Expected<FailOn> parse_fail_on(const std::string& name) {
  if (name == "error") return FailOn{Severity::kError, name};
  if (name == "warning") return FailOn{Severity::kWarning, name};
  if (name == "never") return FailOn{std::nullopt, name};
  return Error{"--fail-on: '" + name + "' is not one of error, warning, never"};
}

Expected<std::vector<CheckCase>> gather_cases(const CheckOptions& options) {
  std::vector<CheckCase> cases;
  if (!options.manifest.empty()) {
    if (!options.bases.empty() || !options.overlays.empty()) {
      return Error{"--manifest names the bases and overlays: give no --base and no overlay besides it"};
    }
    auto listed = manifest_cases(options.manifest);
    if (!listed) return listed.error();
    cases = std::move(listed.value());
  } else {
    if (options.bases.empty()) return Error{"--base or --manifest is required"};
    if (options.overlays.empty()) return Error{"no overlay given (files or directories)"};
    auto files = overlay_files(options.overlays);
    if (!files) return files.error();
    cases = cross_cases(options.bases, *files);
  }
  std::vector<std::string> kernels = options.kernels;
  if (kernels.empty()) kernels.emplace_back(KernelProfile::kDefaultVersion);
  return with_kernels(cases, kernels);
}

// Every input of every case, each loaded (and compiled, for a source) once.
struct LoadedFiles {
  std::map<std::pair<std::string, bool>, fdt::LoadedBlob> blobs;  // (file, as base)
};

Expected<LoadedFiles> load_all(const std::vector<CheckCase>& cases, const InputOptions& options) {
  LoadedFiles loaded;
  auto load = [&](const std::string& file, bool as_base) -> Expected<bool> {
    auto key = std::make_pair(file, as_base);
    if (loaded.blobs.count(key) != 0) return true;
    auto blob = load_input(file, options, as_base);
    if (!blob) return blob.error();
    loaded.blobs.emplace(key, std::move(blob.value()));
    return true;
  };
  for (const CheckCase& c : cases) {
    auto base = load(c.base, true);
    if (!base) return base.error();
    for (const std::string& overlay : c.overlays) {
      auto ok = load(overlay, false);
      if (!ok) return ok.error();
    }
  }
  return loaded;
}

// "checking 12/131: NAME" on a terminal's stderr, redrawn in place; nothing elsewhere.
class Progress {
 public:
  Progress(std::size_t total) : total_(total), on_(isatty(STDERR_FILENO) != 0) {}
  ~Progress() {
    if (on_ && done_ != 0) std::cerr << "\r\033[K" << std::flush;
  }
  void finished(const std::string& name) {
    if (!on_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    std::cerr << "\r\033[Kchecking " << done_ << "/" << total_ << ": " << name.substr(0, 60) << std::flush;
  }

 private:
  std::size_t total_;
  bool on_;
  std::size_t done_ = 0;
  std::mutex mutex_;
};

int run_check(const CheckOptions& options) {
  auto fail_on = parse_fail_on(options.fail_on);
  if (!fail_on) return report_cannot_run(fail_on.error().message);
  if (options.jobs == 0) return report_cannot_run("--jobs: must be at least 1");
  auto cases = gather_cases(options);
  if (!cases) return report_cannot_run(cases.error().message);
  std::map<std::string, KernelProfile> profiles;
  for (const CheckCase& c : *cases) {
    if (profiles.count(c.kernel) != 0) continue;
    auto profile = KernelProfile::for_version(c.kernel);
    if (!profile) return report_cannot_run("--kernel: " + profile.error().message);
    profiles.emplace(c.kernel, std::move(profile.value()));
  }
  auto drivers = load_driver_set(options.drivers);
  if (!drivers) return report_cannot_run(drivers.error().message);
  auto loaded = load_all(*cases, options.inputs);
  if (!loaded) return report_cannot_run(loaded.error().message);

  CheckReport report;
  report.drivers = drivers->describe();
  report.lifecycle = options.lifecycle;
  report.fail_on = *fail_on;
  report.cases.resize(cases->size());
  Progress progress(cases->size());
  // Each case reads the loaded blobs, profiles and driver set, all const, and writes only its own
  // slot of report.cases.
  const LoadedFiles& files = *loaded;
  parallel_for(cases->size(), options.jobs, [&](std::size_t i) {
    const CheckCase& c = (*cases)[i];
    CaseInputs inputs{&files.blobs.at({c.base, true}), {}};
    for (const std::string& overlay : c.overlays) inputs.overlays.push_back(&files.blobs.at({overlay, false}));
    report.cases[i] = run_case(c, inputs, profiles.at(c.kernel), *drivers, options.lifecycle);
    progress.finished(c.name);
  });

  std::string rendered;
  if (options.format == "json") rendered = render_check_json(report);
  else if (options.format == "junit") rendered = render_check_junit(report);
  else if (options.format == "sarif") rendered = render_check_sarif(report);
  else rendered = render_check_text(report, options.output.empty() && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr);
  if (options.output.empty()) {
    std::cout << rendered;
  } else {
    auto written = fdt::write_file_atomically(options.output, std::vector<std::uint8_t>(rendered.begin(), rendered.end()));
    if (!written) return report_cannot_run(written.error().message);
  }
  return report.exit_status();
}

}  // namespace

int CheckReport::exit_status() const {
  for (const CaseResult& c : cases) {
    if (case_fails(c)) return kExitFindings;
  }
  return kExitClean;
}

std::pair<std::size_t, std::array<std::size_t, 3>> CheckReport::totals() const {
  std::size_t failed = 0;
  std::array<std::size_t, 3> findings{};
  for (const CaseResult& c : cases) {
    failed += case_fails(c) ? 1 : 0;
    for (std::size_t s = 0; s < findings.size(); ++s) findings[s] += c.counts[s];
  }
  return {failed, findings};
}

void add_check_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check overlays against bases for CI: every case's findings as text, JSON, JUnit or SARIF");
  cmd->add_option("-i,--base", options->bases,
                  "Base (.dtb, .dts, or 'live' / 'live-tree' for the running system); repeat for several")
      ->allow_extra_args(false);
  cmd->add_option("--manifest", options->manifest, "Cases from a manifest (JSON or text) instead of --base and overlays");
  cmd->add_option("--kernel", options->kernels, "Kernel version to model; repeat for a matrix (default 6.12)")
      ->allow_extra_args(false);
  cmd->add_option("--drivers", options->drivers,
                  "Which compatibles have a driver: a file with one per line, or 'none' (default: all bind)");
  cmd->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "junit", "sarif"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", options->output, "Write the report here (atomically) instead of standard output");
  cmd->add_option("--fail-on", options->fail_on, "Lowest severity that fails: error, warning or never")
      ->capture_default_str();
  cmd->add_option("--jobs,-j", options->jobs, "Cases run in parallel (default: the number of cores)");
  cmd->add_flag("--lifecycle,!--no-lifecycle", options->lifecycle,
                "Also replay the removal, without and with the barrier (default on)");
  add_input_options(*cmd, options->inputs);
  cmd->add_option("overlays", options->overlays, "Overlays (.dtbo, .dts, .dtso) or directories of them");
  cmd->callback([options, &exit_status] { exit_status = run_check(*options); });
}

}  // namespace ovl::cli
