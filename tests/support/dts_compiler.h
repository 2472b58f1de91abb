// Test inputs made at test time: .dts source compiled with the dtc found by CMake
// (DTC_EXECUTABLE), and scratch files in a per-process temporary directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ovl::test {

// Compiles `source` with `dtc [-@] -I dts -O dtb` and returns the blob. Throws
// std::runtime_error carrying dtc's standard error when dtc refuses the source.
std::vector<std::uint8_t> compile_dts(const std::string& source, bool symbols = true);

// A path named `name` in a temporary directory made once per process and removed at exit.
std::string temp_path(const std::string& name);

// Writes `bytes` to `path`, replacing it; throws std::runtime_error on failure.
void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

// The whole contents of `path`; throws std::runtime_error on failure.
std::vector<std::uint8_t> read_bytes(const std::string& path);
// compile_dts(source, symbols) written to a file called `name`, once per process and source text
// (the cache is keyed by the text, not the name); returns the path.
std::string compiled_file(const std::string& name, const std::string& source, bool symbols = true);
// The same for a .dts file; the blob is named after it (<stem>.dtbo with -@, <stem>.dtb without).
std::string compiled_dts_file(const std::filesystem::path& dts, bool symbols = true);

// `text` written to a file called `name`, once per process and text (keyed like compiled_file);
// returns the path. For driver lists and other small inputs.
std::string text_file(const std::string& name, const std::string& text);

// A short key naming `text` by its content (hash and length).
std::string content_key(const std::string& text);

}  // namespace ovl::test
