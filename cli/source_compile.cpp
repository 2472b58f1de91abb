#include "cli/source_compile.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

extern char** environ;

namespace ovl::cli {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A scratch directory for cpp's and dtc's files, removed when it goes out of scope.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "ovlcheck-dtc-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct ToolRun {
  bool started = false;
  int spawn_errno = 0;
  int exit_status = 0;
  std::string errors;  // its standard error
};

// Runs `argv` (argv[0] looked up in PATH) with standard output and error to files in `scratch`.
ToolRun run_tool(const std::vector<std::string>& argv, const fs::path& scratch) {
  ToolRun run;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::string err_file = (scratch / "stderr").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  run.spawn_errno = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (run.spawn_errno != 0) return run;
  run.started = true;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.errors = read_all(err_file);
  return run;
}

Expected<bool> ran_ok(const std::string& file, const std::string& tool, const ToolRun& run) {
  if (!run.started) {
    std::string why = run.spawn_errno == ENOENT ? "not found in PATH" : std::strerror(run.spawn_errno);
    std::string package = tool == "dtc" ? "device-tree-compiler" : "cpp";
    return Error{"'" + file + "': cannot compile: " + tool + " " + why + " (install the " + package + " package)"};
  }
  if (run.exit_status != 0) {
    std::cerr << run.errors;  // the tool's own messages, with file:line
    return Error{"'" + file + "': " + tool + " failed (exit " + std::to_string(run.exit_status) + ")"};
  }
  return true;
}

}  // namespace

bool uses_cpp_include(const std::string& text) {
  static const std::regex include_line(R"((^|\n)[ \t]*#[ \t]*include[ \t]*[<"])");
  return std::regex_search(text, include_line);
}

bool is_source_file(const std::string& file) {
  std::string ext = fs::path(file).extension().string();
  return ext == ".dts" || ext == ".dtso";
}

Expected<std::vector<std::uint8_t>> compile_source(const std::string& file,
                                                   const std::vector<std::string>& include_dirs) {
  std::ifstream probe(file, std::ios::binary);
  if (!probe) return Error{"'" + file + "': cannot open: " + std::strerror(errno)};
  std::string text = read_all(file);
  ScratchDir scratch;
  if (scratch.path().empty()) return Error{"'" + file + "': cannot make a temporary directory to compile it"};
  std::string dtc_input = file;
  if (uses_cpp_include(text)) {
    std::vector<std::string> cpp = {"cpp", "-nostdinc", "-undef", "-D__DTS__", "-x", "assembler-with-cpp"};
    for (const std::string& dir : include_dirs) cpp.insert(cpp.end(), {"-I", dir});
    dtc_input = (scratch.path() / "preprocessed.dts").string();
    cpp.insert(cpp.end(), {"-o", dtc_input, file});
    auto ok = ran_ok(file, "cpp", run_tool(cpp, scratch.path()));
    if (!ok) return ok.error();
  }
  std::string blob = (scratch.path() / "out.dtb").string();
  std::vector<std::string> dtc = {"dtc", "-@", "-I", "dts", "-O", "dtb", "-b", "0"};
  std::string source_dir = fs::path(file).parent_path().string();
  dtc.insert(dtc.end(), {"-i", source_dir.empty() ? "." : source_dir});
  for (const std::string& dir : include_dirs) dtc.insert(dtc.end(), {"-i", dir});
  dtc.insert(dtc.end(), {"-o", blob, dtc_input});
  auto ok = ran_ok(file, "dtc", run_tool(dtc, scratch.path()));
  if (!ok) return ok.error();
  std::string bytes = read_all(blob);
  return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace ovl::cli
