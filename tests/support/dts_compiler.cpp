#include "tests/support/dts_compiler.h"

#include "tests/support/run_command.h"
#include "tests/support/test_files.h"

#include <cstdio>
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

std::string content_key(const std::string& text) {
  // FNV-1a, 64 bits, plus the length: a cache key, not a security property.
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  char key[40];
  std::snprintf(key, sizeof key, "%016llx-%zu", static_cast<unsigned long long>(hash), text.size());
  return key;
}

std::string compiled_file(const std::string& name, const std::string& source, bool symbols) {
  // One folder per source text (and -@ choice), so two sources with one name never share a blob
  // while the file keeps the name a test may expect in ovlcheck's messages.
  std::string dir = temp_path(content_key(source) + (symbols ? "-@" : ""));
  std::filesystem::create_directories(dir);
  std::string path = dir + "/" + name;
  if (!std::filesystem::exists(path)) write_bytes(path, compile_dts(source, symbols));
  return path;
}

std::string compiled_dts_file(const std::filesystem::path& dts, bool symbols) {
  std::string source = read_text(dts);
  std::string name = dts.stem().string() + (symbols ? ".dtbo" : ".dtb");
  return compiled_file(name, source, symbols);
}

std::string text_file(const std::string& name, const std::string& text) {
  std::string dir = temp_path(content_key(text) + "-text");
  std::filesystem::create_directories(dir);
  std::string path = dir + "/" + name;
  if (!std::filesystem::exists(path)) write_bytes(path, std::vector<std::uint8_t>(text.begin(), text.end()));
  return path;
}

}  // namespace ovl::test
