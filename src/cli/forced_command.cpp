#include "cli/forced_command.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/harmonic_columns.hpp"
#include "cli/parameter_options.hpp"
#include "cli/table_meta.hpp"
#include "io/fits_image.hpp"
#include "io/table_reader.hpp"
#include "io/table_writer.hpp"
#include "isoster/fit.hpp"
#include "pipeline/log.hpp"

namespace po = boost::program_options;

namespace isoster::cli {

namespace {

std::vector<double> numbers(const std::string& s, const char* what) {
  std::vector<double> v;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const double x = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(x))
      throw UsageError(std::string(what) + ": '" + item + "' is not a number");
    v.push_back(x);
  }
  return v;
}

}  // namespace

int run_forced(int argc, const char* const* argv) {
  log::init("isoster forced");
  po::options_description io_opts(
      "isoster forced IMAGE (--template ISO.fits | --geometry X0,Y0,EPS,PA\n"
      "                      (--sma-list A,B,... | --sma-range MIN,MAX,STEP)) -o OUT [options]\n\n"
      "Forced photometry: IMAGE measured on every isophote geometry of a previous `isoster fit`\n"
      "table, or on one fixed geometry at a list of SMAs; no iteration (NITER 0, geometry errors\n"
      "0; STOP 0 measured, 1 too many flagged samples, 3 no harmonic fit).\n\nForced photometry");
  // clang-format off
  io_opts.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("template", po::value<std::string>(), "isophote table of a previous fit (FITS)")
      ("geometry", po::value<std::string>(), "x0,y0,eps,pa (0-based px, degrees from +x)")
      ("sma-list", po::value<std::string>(), "SMAs, comma-separated")
      ("sma-range", po::value<std::string>(), "min,max,step (linear)")
      ("output,o", po::value<std::string>(), "output table")
      ("format", po::value<std::string>()->default_value("fits"), "fits|ecsv|csv")
      ("hdu", po::value<int>(), "0-based HDU to read")
      ("plane", po::value<int>(), "0-based plane of a 3-D cube")
      ("mask", po::value<std::string>(), "mask image, non-zero = bad pixel")
      ("variance", po::value<std::string>(), "variance image: weighted means (same shape)")
      ("weight", po::value<std::string>(), "inverse-variance image: weighted means")
      ("config", po::value<std::string>(), "INI file with fit parameters")
      ("harmonics", po::value<std::string>(),
       "harmonic orders to measure, e.g. 3,4,5,6 (3..64, at most 8): extra columns A5, A5_ERR...")
      ("threads", po::value<int>()->default_value(0),
       "OpenMP threads sharing the rows (0: all cores); the table does not depend on it");
  po::options_description hidden;
  hidden.add_options()("image", po::value<std::string>(), "input image");
  // clang-format on
  po::options_description params = parameter_options(kForcedParam);
  po::options_description all;
  all.add(io_opts).add(params).add(hidden);
  po::positional_options_description pos;
  pos.add("image", 1);
  po::variables_map vm;
  try {
    read_command_line(argc, argv, all, pos, &params, vm);
    if (vm.count("help")) {
      std::cout << io_opts << '\n' << params << '\n';
      return 0;
    }
    if (vm.count("version")) {
      std::cout << version_line() << '\n';
      return 0;
    }
    if (!vm.count("image")) throw UsageError("no input image");
    if (!vm.count("output")) throw UsageError("-o OUT is required");
    const bool tmpl = vm.count("template") > 0, geo = vm.count("geometry") > 0;
    if (tmpl == geo) throw UsageError("give exactly one of --template and --geometry");
    if (geo && (vm.count("sma-list") > 0) == (vm.count("sma-range") > 0))
      throw UsageError("--geometry needs exactly one of --sma-list and --sma-range");
    if (tmpl && (vm.count("sma-list") || vm.count("sma-range")))
      throw UsageError("--sma-list and --sma-range go with --geometry, not --template");
    io::TableFormat format;
    if (!io::parse_format(vm["format"].as<std::string>(), format))
      throw UsageError("--format must be fits, ecsv or csv");
    const FitConfig cfg = read_parameters(vm, kForcedParam);
    const int threads = vm["threads"].as<int>();
    if (threads < 0) throw UsageError("--threads must be >= 0");
    if (!cfg.forced_gradient && vm.count("harmonics"))
      throw UsageError(
          "--harmonics needs the gradient (amplitudes are normalised by it): drop "
          "--no-gradient");
    std::vector<ForcedGeometry> geoms;
    if (geo) {
      const auto g = numbers(vm["geometry"].as<std::string>(), "--geometry");
      if (g.size() != 4) throw UsageError("--geometry takes x0,y0,eps,pa");
      if (!(g[2] >= 0 && g[2] < 1)) throw UsageError("--geometry: eps must be in [0, 1)");
      std::vector<double> smas;
      if (vm.count("sma-list")) {
        smas = numbers(vm["sma-list"].as<std::string>(), "--sma-list");
      } else {
        const auto r = numbers(vm["sma-range"].as<std::string>(), "--sma-range");
        if (r.size() != 3 || !(r[2] > 0) || !(r[1] >= r[0]) || (r[1] - r[0]) / r[2] > 1e6)
          throw UsageError("--sma-range takes min,max,step with step > 0 and max >= min");
        for (long k = 0; r[0] + k * r[2] <= r[1] + 1e-9 * r[2]; ++k)
          smas.push_back(r[0] + k * r[2]);
      }
      if (smas.empty()) throw UsageError("empty SMA list");
      for (double a : smas) {
        if (!(a >= 0)) throw UsageError("SMAs must be >= 0");
        geoms.push_back({a, g[0], g[1], g[2], g[3]});
      }
    }
    const std::string image = vm["image"].as<std::string>();
    const std::string out = vm["output"].as<std::string>();
    try {
      io::PlaneRequest req;
      if (vm.count("hdu")) req.hdu = vm["hdu"].as<int>();
      if (vm.count("plane")) req.plane = vm["plane"].as<int>();
      io::ImageInfo info;
      Image img = io::read_image(image, req, &info);
      if (vm.count("mask")) {
        const auto mask = io::read_mask(vm["mask"].as<std::string>(), img.nx(), img.ny());
        apply_mask(img, mask.data());
      }
      std::string tpath;
      if (tmpl) {
        tpath = vm["template"].as<std::string>();
        const io::TemplateTable t = io::read_template(tpath);
        if (t.nx > 0 && (t.nx != img.nx() || t.ny != img.ny()))
          throw io::IoError(tpath + ": template of a " + std::to_string(t.nx) + "x" +
                            std::to_string(t.ny) + " image, but " + image + " is " +
                            std::to_string(img.nx()) + "x" + std::to_string(img.ny()));
        if (t.geometry.empty()) throw io::IoError(tpath + ": the template has no rows");
        geoms = t.geometry;
      }
      if (vm.count("variance") && vm.count("weight"))
        throw UsageError("give at most one of --variance and --weight");
      std::vector<int> harmonics;
      if (vm.count("harmonics")) {
        try {
          harmonics = parse_harmonic_orders(vm["harmonics"].as<std::string>());
        } catch (const std::invalid_argument& e) {
          throw UsageError(e.what());
        }
      }
      Image var;
      const bool weighted = vm.count("variance") || vm.count("weight");
      if (weighted) {
        const bool w = vm.count("weight") > 0;
        var = io::read_variance(vm[w ? "weight" : "variance"].as<std::string>(), req, img.nx(),
                                img.ny(), w);
      }
      const ImageView vview = var.view();
      const std::vector<Isophote> rows =
          fit_forced(img.view(), geoms, cfg, weighted ? &vview : nullptr, threads);
      io::TableMeta m;
      auto str = [&](const char* k, const std::string& v, const char* c) {
        m.items.push_back(io::text_item(k, v, c));
      };
      auto num = [&](const char* k, double v, const char* c) {
        m.items.push_back(io::numeric_item(k, v, c));
      };
      add_input_keywords(m, image, info);
      num("FORCED", 1, "forced photometry: geometry given, not fitted");
      str("TEMPLATE", tpath.empty() ? "--geometry " + vm["geometry"].as<std::string>() : tpath,
          "source of the geometry");
      add_convention_keywords(m);
      for (auto& item : parameter_keywords(cfg, kForcedHeader)) m.items.push_back(item);
      add_harmonic_columns(img.view(), rows, harmonics, cfg, weighted ? &vview : nullptr, m);
      io::write_table(out, rows, m, format);
      std::cout << image << ": " << rows.size() << " forced isophotes -> " << out << '\n';
    } catch (const io::IoError& e) {
      log::error(e.what());
      return 1;
    } catch (const std::invalid_argument& e) {
      log::error(e.what());
      return 1;
    }
  } catch (const UsageError& u) {
    log::usage(u.what());
    return 2;
  }
  return 0;
}

}  // namespace isoster::cli
