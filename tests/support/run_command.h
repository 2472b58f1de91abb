// Running a program from a test: no shell, both output streams captured.
#pragma once

#include <string>
#include <vector>

namespace ovl::test {

struct CommandResult {
  int exit_status;  // the exit code; 128 + N when killed by signal N; 127 when exec failed
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH when it has no '/') with argv, standard input from /dev/null,
// and waits for it. Throws std::runtime_error when the process cannot be started at all.
CommandResult run_command(const std::vector<std::string>& argv);
// The same, run in `working_dir` (relative paths in argv are taken from there).
CommandResult run_command_in(const std::string& working_dir, const std::vector<std::string>& argv);

}  // namespace ovl::test
