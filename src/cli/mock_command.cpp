#include "cli/mock_command.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include "cli/command_line.hpp"
#include "pipeline/log.hpp"
#include "pipeline/mock.hpp"

namespace po = boost::program_options;

namespace isoster::cli {

int run_mock(int argc, const char* const* argv) {
  log::init("isoster mock");
  po::options_description d(
      "isoster mock --count N [--size S | --tile WxH] [--seed K] --out-dir DIR\n\n"
      "Writes synthetic Sérsic galaxies with known truth (DIR/truth.csv) and their campaign\n"
      "catalog (DIR/catalog.csv): one S x S cutout per galaxy (DIR/cutouts/), or with --tile one\n"
      "W x H image with all of them (DIR/tile.fits).\n\nOptions");
  // clang-format off
  d.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("count", po::value<long>()->default_value(100), "number of galaxies")
      ("size", po::value<int>()->default_value(256), "cutout side, pixels")
      ("tile", po::value<std::string>(), "one tile of WxH pixels instead of cutouts")
      ("seed", po::value<unsigned long long>()->default_value(1), "random seed")
      ("out-dir", po::value<std::string>(), "output folder (created)")
      ("threads", po::value<int>()->default_value(0), "OpenMP threads (0: all cores)");
  // clang-format on
  po::variables_map vm;
  try {
    read_command_line(argc, argv, d, po::positional_options_description(), nullptr, vm);
  } catch (const UsageError& e) {
    log::usage(e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << d << '\n';
    return 0;
  }
  if (vm.count("version")) {
    std::cout << version_line() << '\n';
    return 0;
  }
  pipeline::MockRequest r;
  r.count = vm["count"].as<long>();
  r.size = vm["size"].as<int>();
  r.seed = vm["seed"].as<unsigned long long>();
  r.threads = vm["threads"].as<int>();
  if (!vm.count("out-dir")) {
    log::usage("--out-dir is required");
    return 2;
  }
  r.out_dir = vm["out-dir"].as<std::string>();
  if (vm.count("tile")) {
    const std::string t = vm["tile"].as<std::string>();
    char x = 0;
    if (std::sscanf(t.c_str(), "%d%c%d", &r.tile_w, &x, &r.tile_h) != 3 || (x != 'x' && x != 'X')) {
      log::usage("--tile takes WxH, e.g. 2048x2048");
      return 2;
    }
  }
  try {
    pipeline::write_mock(r);
  } catch (const std::exception& e) {
    log::error(e.what());
    return 1;
  }
  std::cout << "wrote " << r.count << " mock galaxies and " << r.out_dir << "/catalog.csv\n";
  return 0;
}

}  // namespace isoster::cli
