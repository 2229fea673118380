#include "cli/command_line.hpp"

#include <fstream>
#include <string>

#include "isoster/version.hpp"

namespace po = boost::program_options;

namespace isoster::cli {

void read_command_line(int argc, const char* const* argv, const po::options_description& all,
                       const po::positional_options_description& pos,
                       const po::options_description* ini, po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    // Help and version need no valid configuration.
    if (vm.count("help") || vm.count("version")) return;
    if (ini != nullptr && vm.count("config")) {
      const std::string file = vm["config"].as<std::string>();
      std::ifstream in(file);
      if (!in) throw UsageError("cannot read config file " + file);
      po::store(po::parse_config_file(in, *ini), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
}

std::string version_line(bool build_flags) {
  std::string v = std::string("isoster ") + ISOSTER_VERSION + " (" + ISOSTER_GIT_REVISION;
  if (build_flags) v += std::string(", ") + ISOSTER_BUILD_FLAGS;
  return v + ")";
}

std::string joined_command_line(const char* command, int argc, const char* const* argv) {
  std::string s = command;
  for (int k = 1; k < argc; ++k) s += std::string(" ") + argv[k];
  return s;
}

}  // namespace isoster::cli
