// The shared test corpus (../shared/corpus, or -DOVLCHECK_CORPUS=DIR): its manifest and files.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ovl::test {

// A path inside the corpus.
std::string corpus_file(const std::string& relative);
// Several, from a JSON list of relative paths.
std::vector<std::string> corpus_files(const nlohmann::json& relative_paths);
// The manifest; a test failure naming where it was looked for when the corpus is missing.
nlohmann::json load_manifest();

}  // namespace ovl::test
