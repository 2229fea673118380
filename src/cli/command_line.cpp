#include "cli/command_line.hpp"

#include <fstream>
#include <string>

namespace po = boost::program_options;

namespace isoster::cli {

void read_command_line(int argc, const char* const* argv, const po::options_description& all,
                       const po::positional_options_description& pos,
                       const po::options_description* ini, po::variables_map& vm) {
  po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
  // Help and version need no valid configuration.
  if (vm.count("help") || vm.count("version")) return;
  if (ini != nullptr && vm.count("config")) {
    const std::string file = vm["config"].as<std::string>();
    std::ifstream in(file);
    if (!in) throw po::error("cannot read config file " + file);
    po::store(po::parse_config_file(in, *ini), vm);
  }
  po::notify(vm);
}

}  // namespace isoster::cli
