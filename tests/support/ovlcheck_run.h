// Running the built ovlcheck binary from a test and reading what it printed.
#pragma once

#include "tests/support/run_command.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ovl::test {

// `ovlcheck ARGS...` (the binary CMake built), standard input from /dev/null.
CommandResult ovlcheck(std::vector<std::string> args);

// The JSON report on standard output; a test failure showing the exit status and both streams
// when it is not one JSON document.
nlohmann::json report_of(const CommandResult& result);

// The `text` of every entry of a JSON `messages` array, in order.
std::vector<std::string> message_texts(const nlohmann::json& messages);

// The documented contract for input ovlcheck cannot use: exit 2, nothing on standard output, and
// exactly one line on standard error starting with `stderr_prefix` ("ovlcheck: error: 'FILE': ").
void expect_cannot_run(const CommandResult& result, const std::string& stderr_prefix);

}  // namespace ovl::test
