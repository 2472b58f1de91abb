#include "tests/support/dts_compiler.h"

#include "tests/support/run_command.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <unistd.h>

#ifndef DTC_EXECUTABLE
#define DTC_EXECUTABLE "dtc"
#endif

namespace ovl::test {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ovlcheck-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary directory from " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& temp_dir() {
  static TempDir dir;
  return dir.path();
}

}  // namespace

std::string temp_path(const std::string& name) { return temp_dir() + "/" + name; }

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::uint8_t> compile_dts(const std::string& source, bool symbols) {
  static int counter = 0;
  std::string stem = temp_path("compile-" + std::to_string(++counter));
  std::string dts = stem + ".dts";
  std::string dtb = stem + ".dtb";
  write_bytes(dts, std::vector<std::uint8_t>(source.begin(), source.end()));
  std::vector<std::string> argv = {DTC_EXECUTABLE};
  if (symbols) argv.push_back("-@");
  for (const char* a : {"-I", "dts", "-O", "dtb", "-o"}) argv.push_back(a);
  argv.push_back(dtb);
  argv.push_back(dts);
  CommandResult r = run_command(argv);
  if (r.exit_status != 0) throw std::runtime_error("dtc failed on " + dts + ":\n" + r.err);
  return read_bytes(dtb);
}

std::string compiled_file(const std::string& name, const std::string& source) {
  std::string path = temp_path(name);
  if (!std::filesystem::exists(path)) write_bytes(path, compile_dts(source));
  return path;
}

}  // namespace ovl::test
