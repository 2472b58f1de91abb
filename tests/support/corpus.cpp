#include "tests/support/corpus.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace ovl::test {

std::string corpus_file(const std::string& relative) { return std::string(OVLCHECK_CORPUS_DIR) + "/" + relative; }

std::vector<std::string> corpus_files(const nlohmann::json& relative_paths) {
  std::vector<std::string> files;
  for (const auto& p : relative_paths) files.push_back(corpus_file(p.get<std::string>()));
  return files;
}

nlohmann::json load_manifest() {
  std::string manifest = corpus_file("manifest.json");
  if (!std::filesystem::is_regular_file(manifest)) {
    FAIL("corpus not found: expected " << manifest
                                       << " (set -DOVLCHECK_CORPUS=DIR when configuring; CI always has it)");
  }
  std::ifstream in(manifest);
  return nlohmann::json::parse(in);
}

}  // namespace ovl::test
