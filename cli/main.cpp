// ovlcheck: tells what the kernel will do when device tree overlays are applied and removed,
// before anything is booted. Options follow fdtoverlay where they overlap (-i base, -o output).
#include "cli/commands.h"
#include "cli/exit_status.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"ovlcheck: predict the kernel's device tree overlay apply and remove"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ovlcheck ") + OVLCHECK_VERSION);
  int exit_status = ovl::cli::kExitClean;
  ovl::cli::add_apply_command(app, exit_status);
  ovl::cli::add_remove_command(app, exit_status);
  ovl::cli::add_links_command(app, exit_status);
  ovl::cli::add_check_command(app, exit_status);
  ovl::cli::add_prepare_command(app, exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "ovlcheck: error: " << e.what() << " (see ovlcheck --help)\n";  // one line, as for bad input
    return ovl::cli::kExitCannotRun;
  }
  return exit_status;
}
