// The `isoster` executable: one binary, one subcommand per task.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/fit_command.hpp"
#include "cli/forced_command.hpp"
#include "cli/mock_command.hpp"
#include "cli/model_command.hpp"
#include "pipeline/log.hpp"

namespace {

void usage(std::ostream& os) {
  os << "usage: isoster <command> [options]\n\n"
        "commands:\n"
        "  fit       fit elliptical isophotes to images (isoster fit --help)\n"
        "  forced    forced photometry on a template's geometry or a fixed one (--help)\n"
        "  model     the 2-D model of a fitted profile, and the residual (--help)\n"
        "  qa        a QA figure (PNG) of a fit: image, ellipses, residual, profiles (--help)\n"
        "  campaign  fit a catalog of galaxies on MPI ranks into one HDF5 file (--help)\n"
        "  merge     join the results files of a sharded campaign (--shard K/N) into one (--help)\n"
        "  mock      write synthetic galaxies and their catalog (--help)\n\n"
        "  isoster --version | --help\n";
}

// `isoster campaign` runs the MPI executable installed beside this one (same process: execv), so
// that the other commands never load MPI.
// A sibling executable of this one (isoster-campaign, isoster-qa), run in this process.
int exec_sibling(const char* name, int argc, char** argv) {
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = ".";
  if (n > 0) {
    self[n] = '\0';
    dir = self;
    dir = dir.substr(0, dir.find_last_of('/'));
  }
  const std::string exe = dir + "/" + name;
  std::vector<char*> args;
  args.push_back(const_cast<char*>(exe.c_str()));
  for (int k = 2; k < argc; ++k) args.push_back(argv[k]);
  args.push_back(nullptr);
  ::execv(exe.c_str(), args.data());
  isoster::log::error("cannot run " + exe + " (" + std::strerror(errno) + ")");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "--version") || !std::strcmp(cmd, "version")) {
    std::cout << isoster::cli::version_line(true) << '\n';
    return 0;
  }
  if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "-h") || !std::strcmp(cmd, "help")) {
    usage(std::cout);
    return 0;
  }
  try {
    if (!std::strcmp(cmd, "fit")) return isoster::cli::run_fit(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "mock")) return isoster::cli::run_mock(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "forced")) return isoster::cli::run_forced(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "model")) return isoster::cli::run_model(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "campaign")) return exec_sibling("isoster-campaign", argc, argv);
    if (!std::strcmp(cmd, "merge")) return exec_sibling("isoster-merge", argc, argv);
    if (!std::strcmp(cmd, "qa")) return exec_sibling("isoster-qa", argc, argv);
  } catch (const std::exception& e) {
    isoster::log::error(e.what());
    return 1;
  }
  isoster::log::init("isoster");
  isoster::log::usage(std::string("unknown command '") + cmd + "'");
  return 2;
}
