#include "cli/model_command.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>
#include <string>

#include "cli/command_line.hpp"
#include "io/fits_image.hpp"
#include "io/table_reader.hpp"
#include "isoster/fit.hpp"
#include "isoster/version.hpp"
#include "pipeline/log.hpp"

namespace po = boost::program_options;

namespace isoster::cli {

int run_model(int argc, const char* const* argv) {
  log::init("isoster model");
  po::options_description d(
      "isoster model ISO.fits --like IMAGE -o MODEL.fits [--residual RES.fits] [--harmonics]\n\n"
      "The 2-D model of a fitted profile (intensity interpolated between the fitted ellipses;\n"
      "with --harmonics the A3..B4 deviations too) on IMAGE's grid, and optionally IMAGE minus\n"
      "the model.\n\nOptions");
  // clang-format off
  d.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("like", po::value<std::string>(), "the image whose grid (and pixels, for --residual) to use")
      ("output,o", po::value<std::string>(), "model image (FITS)")
      ("residual", po::value<std::string>(), "also write IMAGE - model")
      ("harmonics", po::bool_switch(), "add the third and fourth harmonic deviations")
      ("threads", po::value<int>()->default_value(0),
       "OpenMP threads sharing the image rows (0: all cores); the model does not depend on it")
      ("hdu", po::value<int>(), "0-based HDU of IMAGE")
      ("plane", po::value<int>(), "0-based plane of IMAGE");
  po::options_description hidden;
  hidden.add_options()("table", po::value<std::string>(), "isophote table");
  // clang-format on
  po::options_description all;
  all.add(d).add(hidden);
  po::positional_options_description pos;
  pos.add("table", 1);
  po::variables_map vm;
  auto usage = [](const std::string& m) {
    log::usage(m);
    return 2;
  };
  try {
    read_command_line(argc, argv, all, pos, nullptr, vm);
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  if (vm.count("help")) {
    std::cout << d << '\n';
    return 0;
  }
  if (vm.count("version")) {
    std::cout << version_line() << '\n';
    return 0;
  }
  if (!vm.count("table")) return usage("no isophote table");
  if (!vm.count("like")) return usage("--like IMAGE is required");
  if (!vm.count("output")) return usage("-o MODEL.fits is required");
  const int threads = vm["threads"].as<int>();
  if (threads < 0) return usage("--threads must be >= 0");
  const std::string table = vm["table"].as<std::string>(), like = vm["like"].as<std::string>();
  try {
    io::PlaneRequest req;
    if (vm.count("hdu")) req.hdu = vm["hdu"].as<int>();
    if (vm.count("plane")) req.plane = vm["plane"].as<int>();
    const Image img = io::read_image(like, req);
    long tnx = 0, tny = 0;
    const std::vector<Isophote> rows = io::read_isophotes(table, tnx, tny);
    if (tnx > 0 && (tnx != img.nx() || tny != img.ny()))
      throw io::IoError(table + ": table of a " + std::to_string(tnx) + "x" + std::to_string(tny) +
                        " image, but " + like + " is " + std::to_string(img.nx()) + "x" +
                        std::to_string(img.ny()));
    if (rows.empty()) throw io::IoError(table + ": the table has no rows");
    const bool harmonics = vm["harmonics"].as<bool>();
    const Image model = build_model(rows, img.nx(), img.ny(), harmonics, threads);
    const std::vector<io::HeaderItem> cards = {
        io::text_item("ISOVER", ISOSTER_VERSION, "isoster version"),
        io::text_item("TABLE", table, "isophote table modelled"),
        io::numeric_item("HARMONIC", harmonics ? 1 : 0, "A3..B4 deviations included")};
    io::write_image(vm["output"].as<std::string>(), model, cards);
    if (vm.count("residual")) {
      Image res(img.nx(), img.ny());
      const std::size_t n = static_cast<std::size_t>(img.nx()) * img.ny();
      for (std::size_t k = 0; k < n; ++k) res.data()[k] = img.data()[k] - model.data()[k];
      io::write_image(vm["residual"].as<std::string>(), res, cards);
    }
    std::cout << table << ": model of " << rows.size() << " isophotes on " << img.nx() << "x"
              << img.ny() << " -> " << vm["output"].as<std::string>() << '\n';
  } catch (const io::IoError& e) {
    log::error(e.what());
    return 1;
  }
  return 0;
}

}  // namespace isoster::cli
