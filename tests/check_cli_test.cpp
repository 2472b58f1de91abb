// The `ovlcheck check` contract (docs/usage.md "ovlcheck check", docs/json-schema.md), end to end:
// - every format validated by a real validator: JSON against the shipped schema
//   (docs/check-report.schema.json) and SARIF against the OASIS SARIF 2.1.0 schema, both with
//   python3-jsonschema; JUnit against the Jenkins xUnit plugin's XSD with xmllint
//   (tests/schemas/README.md names the sources);
// - the findings list: rule id, severity, overlay file, node path, the kernel's line (the seed
//   overlays: testdata/seed, whose kernel behaviour docs/usage.md walks through);
// - --fail-on and the exit statuses; -o; --jobs N giving the bytes of --jobs 1; manifests.
#include "tests/support/corpus.h"
#include "tests/support/dts_compiler.h"
#include "tests/support/run_command.h"
#include "tests/support/test_files.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using nlohmann::json;
using ovl::test::CommandResult;
using ovl::test::run_command;
using ovl::test::read_text;
using ovl::test::temp_path;
using ovl::test::write_text;

namespace fs = std::filesystem;

namespace {

const std::string kSource = OVLCHECK_SOURCE_DIR;
const std::string kBoard = kSource + "/testdata/seed/board.dtb";
const std::string kEnableI2c = kSource + "/testdata/seed/enable-i2c.dtbo";
const std::string kMissingLabel = kSource + "/testdata/seed/missing-label.dtbo";
const std::string kClockAndConsumer = kSource + "/testdata/seed/clock-and-consumer.dtbo";

CommandResult check(std::vector<std::string> args) {
  args.insert(args.begin(), {OVLCHECK_BINARY, "check"});
  return run_command(args);
}

// python3-jsonschema's verdict on `document` (a file); the errors when invalid.
CommandResult validate_json(const std::string& schema, const std::string& document) {
  return run_command({PYTHON3_EXECUTABLE, kSource + "/tests/tools/validate_json.py", schema, document});
}

void require_valid_json(const std::string& schema, const std::string& text) {
  std::string file = temp_path("document.json");
  write_text(file, text);
  CommandResult v = validate_json(schema, file);
  INFO(v.out << v.err);
  REQUIRE(v.exit_status == 0);
}

void require_valid_junit(const std::string& text) {
  std::string file = temp_path("report.xml");
  write_text(file, text);
  CommandResult v = run_command({XMLLINT_EXECUTABLE, "--noout", "--schema", kSource + "/tests/schemas/junit-10.xsd", file});
  INFO(v.err);
  REQUIRE(v.exit_status == 0);
}

const json* find_finding(const json& c, const std::string& code) {
  for (const json& f : c["findings"]) {
    if (f["code"] == code) return &f;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("check --format json: schema-valid - one findings list per case with rule / severity / overlay / path / kernel line",
          "[cli][check]") {
  CommandResult r = check({"--base", kBoard, "--format", "json", kEnableI2c, kMissingLabel});
  INFO(r.err);
  REQUIRE(r.exit_status == 1);  // missing-label is refused: an error
  require_valid_json(kSource + "/docs/check-report.schema.json", r.out);
  json report = json::parse(r.out);
  REQUIRE(report["cases"].size() == 2);
  const json& enable = report["cases"][0];
  CHECK(enable["overlays"] == json::array({kEnableI2c}));
  CHECK(enable["kernel"] == "6.12");
  CHECK(enable["result"] == "pass");
  // The overlay sets status (the base has it: an override) and adds clocks to a base node: the
  // kernel warns for both; ovlcheck tells the override (info) from the added property (warning).
  const json* leak = find_finding(enable, "leak-on-remove");
  REQUIRE(leak != nullptr);
  CHECK((*leak)["severity"] == "warning");
  CHECK((*leak)["overlay"] == kEnableI2c);
  CHECK((*leak)["stage"] == "apply");
  CHECK((*leak)["path"] == "/soc/i2c@20000/clocks");
  CHECK((*leak)["message"] == "OF: overlay: WARNING: memory leak will occur if overlay removed, property: /soc/i2c@20000/clocks");
  const json* override = find_finding(enable, "leak-override");
  REQUIRE(override != nullptr);
  CHECK((*override)["severity"] == "info");
  CHECK((*override)["path"] == "/soc/i2c@20000/status");
  CHECK((*override)["message"] == "OF: overlay: WARNING: memory leak will occur if overlay removed, property: /soc/i2c@20000/status");

  const json& missing = report["cases"][1];
  CHECK(missing["result"] == "fail");
  const json* unresolved = find_finding(missing, "unresolved-label");
  REQUIRE(unresolved != nullptr);
  CHECK((*unresolved)["severity"] == "error");
  CHECK((*unresolved)["path"] == "/__fixups__/spi0");
  CHECK((*unresolved)["message"] == "OF: resolver: node label 'spi0' not found in live devicetree symbols table");
  CHECK(missing["counts"]["error"] == 1);
  CHECK(report["summary"]["failed"] == 1);
  CHECK(report["exit_status"] == 1);
}

TEST_CASE("check: the shipped JSON schema rejects a report that breaks it", "[cli][check]") {
  CommandResult r = check({"--base", kBoard, "--format", "json", kEnableI2c});
  json report = json::parse(r.out);
  report["cases"][0]["findings"][0]["severity"] = "fatal";
  std::string file = temp_path("broken.json");
  write_text(file, report.dump());
  CHECK(validate_json(kSource + "/docs/check-report.schema.json", file).exit_status == 1);
}

TEST_CASE("check --lifecycle: removal in both barrier runs - the other run's findings are info", "[cli][check]") {
  // The 2020 report: a clock provider and its consumer. Without the barrier (kernels before the
  // 2024 fix) removal leaves both nodes with refcount 2; 6.12 has device_link_wait_removal().
  CommandResult r612 = check({"--base", kBoard, "--format", "json", "--kernel", "6.12", kClockAndConsumer});
  CommandResult r61 = check({"--base", kBoard, "--format", "json", "--kernel", "6.1", kClockAndConsumer});
  json on612 = json::parse(r612.out)["cases"][0];
  json on61 = json::parse(r61.out)["cases"][0];
  const json* other = find_finding(on612, "unbalanced-refcount");
  REQUIRE(other != nullptr);
  CHECK((*other)["stage"] == "remove-other-barrier");
  CHECK((*other)["severity"] == "info");
  CHECK(r612.exit_status == 0);
  const json* real = find_finding(on61, "unbalanced-refcount");
  REQUIRE(real != nullptr);
  CHECK((*real)["stage"] == "remove");
  CHECK((*real)["severity"] == "error");
  CHECK((*real)["overlay"] == kClockAndConsumer);
  CHECK(r61.exit_status == 1);
  // --no-lifecycle: apply only.
  json apply_only = json::parse(check({"--base", kBoard, "--format", "json", "--kernel", "6.1", "--no-lifecycle",
                                       kClockAndConsumer}).out)["cases"][0];
  CHECK(find_finding(apply_only, "unbalanced-refcount") == nullptr);
}

TEST_CASE("check --fail-on decides the exit status", "[cli][check]") {
  CHECK(check({"--base", kBoard, kEnableI2c}).exit_status == 0);                          // warnings only
  CHECK(check({"--base", kBoard, "--fail-on", "warning", kEnableI2c}).exit_status == 1);  // now they count
  CHECK(check({"--base", kBoard, kMissingLabel}).exit_status == 1);
  CHECK(check({"--base", kBoard, "--fail-on", "never", kMissingLabel}).exit_status == 0);
  CommandResult bad = check({"--base", kBoard, "--fail-on", "sometimes", kEnableI2c});
  CHECK(bad.exit_status == 2);
  CHECK(bad.out.empty());
}

TEST_CASE("check --format text: one line per case with counts - no progress when stderr is no terminal",
          "[cli][check]") {
  CommandResult r = check({"--base", kBoard, kEnableI2c, kMissingLabel});
  CHECK(r.exit_status == 1);
  CHECK(r.err.empty());
  CHECK(r.out.find("ok         0         1     1  6.12     " + kBoard + " + " + kEnableI2c + "\n") != std::string::npos);
  CHECK(r.out.find("FAIL       1         0     0  6.12     " + kBoard + " + " + kMissingLabel + "\n") != std::string::npos);
  CHECK(r.out.find("    kernel: OF: resolver: node label 'spi0' not found in live devicetree symbols table\n") !=
        std::string::npos);
  CHECK(r.out.find("2 cases, 1 failed") != std::string::npos);
}

TEST_CASE("check --format sarif: valid SARIF 2.1.0 - rules with help - overlay as artifact / node as logical location",
          "[cli][check]") {
  CommandResult r = check({"--base", kBoard, "--format", "sarif", kEnableI2c, kMissingLabel});
  REQUIRE(r.exit_status == 1);
  require_valid_json(kSource + "/tests/schemas/sarif-schema-2.1.0.json", r.out);
  json sarif = json::parse(r.out);
  CHECK(sarif["version"] == "2.1.0");
  const json& run = sarif["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "ovlcheck");
  const json& rules = run["tool"]["driver"]["rules"];
  bool found = false;
  for (const json& result : run["results"]) {
    const json& rule = rules[result["ruleIndex"].get<std::size_t>()];
    CHECK(rule["id"] == result["ruleId"]);
    CHECK(!rule["help"]["text"].get<std::string>().empty());
    if (result["ruleId"] != "unresolved-label") continue;
    found = true;
    CHECK(result["level"] == "error");
    CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == kMissingLabel);
    CHECK(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/__fixups__/spi0");
    CHECK(result["message"]["text"].get<std::string>().find("/__fixups__/spi0") != std::string::npos);
  }
  CHECK(found);
}

TEST_CASE("check --format junit: XSD-valid - a testsuite per base and kernel / a testcase per overlay", "[cli][check]") {
  CommandResult r = check({"--base", kBoard, "--kernel", "6.1", "--kernel", "6.12", "--format", "junit", kEnableI2c,
                           kMissingLabel});
  REQUIRE(r.exit_status == 1);
  require_valid_junit(r.out);
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = r.out.find(needle); at != std::string::npos; at = r.out.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("<testsuite ") == 2);
  CHECK(count("<testcase ") == 4);
  CHECK(count("<failure ") == 2);  // missing-label, on each kernel
  CHECK(r.out.find("<testsuite name=\"" + kBoard + " (kernel 6.1)\" tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(r.out.find("type=\"unresolved-label\"") != std::string::npos);
}

TEST_CASE("check: the XSD check is real: an invalid JUnit document is refused", "[cli][check]") {
  std::string file = temp_path("bad-junit.xml");
  write_text(file, "<testsuites><testsuite name=\"x\"><testcase/></testsuite></testsuites>\n");
  CHECK(run_command({XMLLINT_EXECUTABLE, "--noout", "--schema", kSource + "/tests/schemas/junit-10.xsd", file})
            .exit_status != 0);
}

TEST_CASE("check -o: the report goes to the file - a run that cannot start leaves it alone", "[cli][check]") {
  std::string out = temp_path("check-report.sarif");
  CommandResult r = check({"--base", kBoard, "--format", "sarif", "-o", out, kEnableI2c});
  CHECK(r.exit_status == 0);
  CHECK(r.out.empty());
  std::string written = read_text(out);
  CHECK(json::parse(written)["version"] == "2.1.0");
  CommandResult failed = check({"--base", kBoard, "--format", "sarif", "-o", out, kSource + "/no/such.dtbo"});
  CHECK(failed.exit_status == 2);
  CHECK(failed.err == "ovlcheck: error: '" + kSource + "/no/such.dtbo': cannot read: No such file or directory\n");
  CHECK(read_text(out) == written);
}

TEST_CASE("check: a directory is searched for overlays - cases run in a stable order", "[cli][check]") {
  std::string dir = temp_path("overlay-dir");
  fs::create_directories(dir + "/sub");
  fs::copy_file(kMissingLabel, dir + "/sub/a.dtbo", fs::copy_options::overwrite_existing);
  fs::copy_file(kEnableI2c, dir + "/b.dtbo", fs::copy_options::overwrite_existing);
  write_text(dir + "/notes.txt", "not an overlay\n");
  json report = json::parse(check({"--base", kBoard, "--format", "json", dir}).out);
  REQUIRE(report["cases"].size() == 2);
  CHECK(report["cases"][0]["overlays"][0] == dir + "/b.dtbo");
  CHECK(report["cases"][1]["overlays"][0] == dir + "/sub/a.dtbo");
}

TEST_CASE("check: usage and input errors exit 2 with one line and no output", "[cli][check]") {
  std::string manifest = temp_path("bad-manifest.json");
  write_text(manifest, "[{\"overlays\": [\"a.dtbo\"]}]\n");
  CommandResult no_base = check({"--manifest", manifest});
  CHECK(no_base.exit_status == 2);
  CHECK(no_base.err == "ovlcheck: error: '" + manifest + "': case 1: \"base\" (a file name) is missing\n");
  CHECK(no_base.out.empty());
  write_text(manifest, "[{\"base\": \"b.dtb\",\n");
  CommandResult not_json = check({"--manifest", manifest});
  CHECK(not_json.exit_status == 2);
  CHECK(not_json.err == "ovlcheck: error: '" + manifest + "': not valid JSON\n");
  // A key one typo away from one ovlcheck reads would drop the overlays silently; other keys
  // (the corpus manifest's provenance) are allowed.
  write_text(manifest, "[{\"base\": \"b.dtb\", \"overlay\": [\"a.dtbo\"], \"source\": \"x\"}]\n");
  CommandResult typo = check({"--manifest", manifest});
  CHECK(typo.exit_status == 2);
  CHECK(typo.err == "ovlcheck: error: '" + manifest + "': case 1: unknown key \"overlay\" (did you mean \"overlays\"?)\n");
  CHECK(typo.out.empty());
  CHECK(check({"--manifest", temp_path("no-such-manifest")}).exit_status == 2);
  CHECK(check({kEnableI2c}).exit_status == 2);  // no base
  CHECK(check({"--base", kBoard, "--kernel", "4.19", kEnableI2c}).exit_status == 2);
  // A base blob given as an overlay is one the kernel unflattens and then refuses (issue 7): its
  // labels clash with the live ones. A finding, not "cannot run".
  CommandResult not_overlay = check({"--base", kBoard, kBoard});
  CHECK(not_overlay.exit_status == 1);
  CHECK(not_overlay.out.find("symbol-exists") != std::string::npos);
}

TEST_CASE("check --manifest (text): stacks applied in order / kernels per line / paths relative to the manifest",
          "[cli][check]") {
  std::string dir = temp_path("text-manifest");
  fs::create_directories(dir);
  fs::copy_file(kBoard, dir + "/board.dtb", fs::copy_options::overwrite_existing);
  fs::copy_file(kEnableI2c, dir + "/i2c.dtbo", fs::copy_options::overwrite_existing);
  fs::copy_file(kClockAndConsumer, dir + "/clk.dtbo", fs::copy_options::overwrite_existing);
  write_text(dir + "/cases.txt",
             "# board and its overlays\n"
             "board.dtb i2c.dtbo clk.dtbo   kernel=6.1,6.12\n"
             "\n"
             "board.dtb clk.dtbo\n");
  CommandResult r = check({"--manifest", dir + "/cases.txt", "--format", "json", "--kernel", "6.6"});
  INFO(r.err);
  REQUIRE(r.exit_status == 1);  // the stack on 6.1: unbalanced refcounts on removal
  json report = json::parse(r.out);
  REQUIRE(report["cases"].size() == 3);
  CHECK(report["cases"][0]["overlays"] == json::array({dir + "/i2c.dtbo", dir + "/clk.dtbo"}));
  CHECK(report["cases"][0]["kernel"] == "6.1");
  CHECK(report["cases"][1]["kernel"] == "6.12");
  CHECK(report["cases"][2]["kernel"] == "6.6");  // no kernel= on its line: --kernel
  CHECK(report["cases"][0]["result"] == "fail");
  CHECK(report["cases"][1]["result"] == "pass");
  write_text(dir + "/bad.txt", "board.dtb kernel=\n");
  CommandResult bad = check({"--manifest", dir + "/bad.txt"});
  CHECK(bad.exit_status == 2);
  CHECK(bad.err == "ovlcheck: error: '" + dir + "/bad.txt': line 1: kernel= names no version\n");
}

TEST_CASE("check on the corpus: every format is valid - --jobs 4 gives the bytes of --jobs 1", "[cli][check][corpus]") {
  ovl::test::load_manifest();  // fails the test, naming where it looked, when the corpus is missing
  std::string manifest = ovl::test::corpus_file("manifest.json");
  for (const char* format : {"json", "sarif", "junit"}) {
    CommandResult one = check({"--manifest", manifest, "--format", format, "--jobs", "1"});
    CommandResult four = check({"--manifest", manifest, "--format", format, "--jobs", "4"});
    INFO(format << one.err);
    REQUIRE(one.exit_status == 1);  // the corpus holds overlays the kernel refuses
    CHECK(one.out == four.out);
    if (std::string(format) == "json") require_valid_json(kSource + "/docs/check-report.schema.json", one.out);
    if (std::string(format) == "sarif") require_valid_json(kSource + "/tests/schemas/sarif-schema-2.1.0.json", one.out);
    if (std::string(format) == "junit") require_valid_junit(one.out);
  }
  json report = json::parse(check({"--manifest", manifest, "--format", "json"}).out);
  CHECK(report["cases"].size() == ovl::test::load_manifest().size());
}

TEST_CASE("check: Raspberry Pi parameters inline / on the command line and in a manifest / as dtoverlay prepares them",
          "[cli][check]") {
  // testdata/rpi: w1-gpio.dtbo,gpiopin=17 must give what the overlay dtoverlay prepared gives
  // (recorded/w1-gpio-pin17.dtbo); only the overlay names differ.
  const std::string rpi = kSource + "/testdata/rpi";
  std::string manifest = temp_path("rpi-manifest.txt");
  write_text(manifest, rpi + "/bcm2711-rpi-4-b.dtb " + rpi + "/overlays/w1-gpio.dtbo,gpiopin=17\n" + rpi +
                           "/bcm2711-rpi-4-b.dtb " + rpi + "/recorded/w1-gpio-pin17.dtbo\n");
  CommandResult r = check({"--manifest", manifest, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_status <= 1);
  json cases = json::parse(r.out)["cases"];
  REQUIRE(cases.size() == 2);
  CHECK(cases[0]["overlays"][0] == rpi + "/overlays/w1-gpio.dtbo,gpiopin=17");
  auto without_overlay = [](json findings) {
    for (json& f : findings) f.erase("overlay");
    return findings;
  };
  CHECK(without_overlay(cases[0]["findings"]) == without_overlay(cases[1]["findings"]));
  CHECK(cases[0]["counts"] == cases[1]["counts"]);
  CommandResult direct = check({"--base", rpi + "/bcm2711-rpi-4-b.dtb", "--format", "json",
                                rpi + "/overlays/w1-gpio.dtbo,gpiopin=17"});
  CHECK(json::parse(direct.out)["cases"][0]["findings"] == cases[0]["findings"]);
}
