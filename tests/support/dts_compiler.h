// Test inputs made at test time: .dts source compiled with the dtc found by CMake
// (DTC_EXECUTABLE), and scratch files in a per-process temporary directory.
#pragma once

#include <cstdint>
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
// compile_dts(source) written to temp_path(name), once per process; returns the path.
std::string compiled_file(const std::string& name, const std::string& source);

}  // namespace ovl::test
