// The `isoster` executable: one binary, one subcommand per task.
#include <cstring>
#include <exception>
#include <iostream>

#include "cli/fit_command.hpp"
#include "isoster/version.hpp"

namespace {

void usage(std::ostream& os) {
  os << "usage: isoster <command> [options]\n\n"
        "commands:\n"
        "  fit      fit elliptical isophotes to images (isoster fit --help)\n\n"
        "  isoster --version | --help\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "--version") || !std::strcmp(cmd, "version")) {
    std::cout << "isoster " << ISOSTER_VERSION << " (" << ISOSTER_GIT_REVISION << ", "
              << ISOSTER_BUILD_FLAGS << ")\n";
    return 0;
  }
  if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "-h") || !std::strcmp(cmd, "help")) {
    usage(std::cout);
    return 0;
  }
  try {
    if (!std::strcmp(cmd, "fit")) return isoster::cli::run_fit(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::cerr << "isoster: error: " << e.what() << '\n';
    return 1;
  }
  std::cerr << "isoster: unknown command '" << cmd << "' (isoster --help)\n";
  return 2;
}
