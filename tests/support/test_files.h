// Files a test reads and writes: the repository's own (by relative path) and scratch text.
#pragma once

#include <filesystem>
#include <string>

namespace ovl::test {

// `relative` (e.g. "testdata/seed/board.dtb") inside the source checkout, as a path string.
std::string source_file(const std::string& relative);

// The whole text of `file`; throws std::runtime_error naming it when it cannot be read, so a
// missing or unreadable input fails the test instead of reading as empty.
std::string read_text(const std::filesystem::path& file);

// `text` written to `path` (its folder created first), replacing what was there.
void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace ovl::test
