// The subcommands, each registered on the CLI11 app by its own file.
#pragma once

#include <CLI/CLI.hpp>

namespace ovl::cli {

// Registers `apply`; when it runs, it stores its exit status in `exit_status`.
void add_apply_command(CLI::App& app, int& exit_status);
// Registers `remove`.
void add_remove_command(CLI::App& app, int& exit_status);
// Registers `links`.
void add_links_command(CLI::App& app, int& exit_status);
// Registers `check`.
void add_check_command(CLI::App& app, int& exit_status);
// Registers `prepare` (Raspberry Pi dtoverlay preparation).
void add_prepare_command(CLI::App& app, int& exit_status);

}  // namespace ovl::cli
