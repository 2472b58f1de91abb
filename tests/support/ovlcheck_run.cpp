#include "tests/support/ovlcheck_run.h"

#include <catch2/catch.hpp>

#include <algorithm>

namespace ovl::test {

CommandResult ovlcheck(std::vector<std::string> args) {
  args.insert(args.begin(), OVLCHECK_BINARY);
  return run_command(args);
}

nlohmann::json report_of(const CommandResult& result) {
  INFO("exit " << result.exit_status << "\nstdout: " << result.out << "\nstderr: " << result.err);
  nlohmann::json j = nlohmann::json::parse(result.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::vector<std::string> message_texts(const nlohmann::json& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.at("text"));
  return out;
}

void expect_cannot_run(const CommandResult& result, const std::string& stderr_prefix) {
  INFO("exit " << result.exit_status << "\nstdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.exit_status == 2);
  CHECK(result.out.empty());
  CHECK(result.err.rfind(stderr_prefix, 0) == 0);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK((!result.err.empty() && result.err.back() == '\n'));
}

}  // namespace ovl::test
