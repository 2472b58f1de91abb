// `ovlcheck remove` against the kernel's own OF unittest: every case in the corpus manifest whose
// kernel_expect says what of_overlay_remove() returns (after a successful or a failed apply) and
// which lines the test expects, with no failure injected by the unittest's notifier.
#include "tests/support/corpus.h"
#include "tests/support/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

TEST_CASE("removal returns what the kernel unittest expects, with its lines", "[corpus][remove]") {
  json manifest = ovl::test::load_manifest();
  int checked = 0;
  for (const json& c : manifest) {
    if (c.value("kind", "") != "kernel-unittest" || !c.contains("kernel_expect")) continue;
    const json& expect = c["kernel_expect"];
    if (expect.contains("injected") || c["overlays"].size() != 1) continue;
    const char* key = expect.contains("remove_after_failed_apply") ? "remove_after_failed_apply" : "remove";
    if (!expect.contains(key) || !expect[key].is_number_integer()) continue;
    INFO("case " << c["name"].get<std::string>());
    ovl::test::CommandResult r = ovl::test::run_command(
        {OVLCHECK_BINARY, "remove", "--json", "--base", ovl::test::corpus_file(c["base"]),
         ovl::test::corpus_file(c["overlays"][0])});
    REQUIRE(r.exit_status != 2);
    json report = json::parse(r.out);
    const json& run = report["runs"][0];
    REQUIRE(run["operations"].size() == 1);
    CHECK(run["operations"][0]["result"].get<int>() == expect[key].get<int>());

    // The unittest's EXPECT lines cover apply and remove together; lines from outside
    // drivers/of (driver messages) are not ovlcheck's to predict.
    std::vector<std::string> expected;
    for (const json& m : expect.value("messages", json::array())) {
      if (m.get<std::string>().rfind("OF: ", 0) == 0) expected.push_back(m);
    }
    std::vector<std::string> predicted;
    for (const json& m : report["apply"][0]["messages"]) predicted.push_back(m["text"]);
    for (const json& m : run["operations"][0]["messages"]) predicted.push_back(m["text"]);
    CHECK(predicted == expected);
    ++checked;
  }
  // The corpus' kernel-unittest cases that say what of_overlay_remove() returns, with one overlay
  // and no injected failure: 9 (../shared/corpus/manifest.json).
  CHECK(checked == 9);
}
