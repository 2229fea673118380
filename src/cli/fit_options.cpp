#include "cli/fit_options.hpp"

#include <boost/program_options.hpp>
#include <iostream>

#include "cli/command_line.hpp"
#include "cli/harmonic_columns.hpp"
#include "cli/parameter_options.hpp"

namespace po = boost::program_options;

namespace isoster::cli {

namespace {

[[noreturn]] void usage(const std::string& m) { throw UsageError(m); }

}  // namespace

bool parse_fit_options(int argc, const char* const* argv, FitJob& job) {
  po::options_description io(
      "isoster fit IMAGE [IMAGE ...] (-o OUT | --output-dir DIR) [options]\n\n"
      "Input and output");
  // clang-format off
  io.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("output,o", po::value<std::string>(), "output table (one input image)")
      ("output-dir", po::value<std::string>(), "write DIR/<stem>.isophotes.<fmt> per input")
      ("format", po::value<std::string>()->default_value("fits"), "fits|ecsv|csv")
      ("threads", po::value<int>()->default_value(0),
       "OpenMP threads over the images; for one image, over its forced planes' rows (0: all cores)")
      ("hdu", po::value<int>(), "0-based HDU to read (0 = primary; default: first image HDU)")
      ("plane", po::value<int>(), "0-based plane of a 3-D cube (default 0)")
      ("reference-plane", po::value<int>(), "multiband: the plane whose fit gives the geometry")
      ("all-planes", flag(), "multiband: every plane of the cube, measured on the reference "
       "plane's geometry; one HDU per band (FITS)")
      ("mask", po::value<std::string>(), "mask image, non-zero = bad pixel (same shape)")
      ("variance", po::value<std::string>(), "variance image: weighted fits (same shape)")
      ("weight", po::value<std::string>(), "inverse-variance image: weighted fits (same shape)")
      ("config", po::value<std::string>(), "INI file with any of the fit parameters")
      ("harmonics", po::value<std::string>(),
       "harmonic orders to measure, e.g. 3,4,5,6 (3..64, at most 8): extra columns A5, A5_ERR, "
       "B5, B5_ERR... after the fixed A3..B4")
      ("quiet,q", flag(), "no per-image summary lines");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("image", po::value<std::vector<std::string>>(), "input images");
  po::options_description params = parameter_options(kFitParam);
  po::options_description all;
  all.add(io).add(params).add(hidden);
  po::positional_options_description pos;
  pos.add("image", -1);
  po::variables_map vm;
  read_command_line(argc, argv, all, pos, &params, vm);
  if (vm.count("help")) {
    std::cout << io << '\n' << params << '\n';
    return false;
  }
  if (vm.count("version")) {
    std::cout << version_line() << '\n';
    return false;
  }
  take(vm, "image", job.images);
  if (job.images.empty()) usage("no input image (see isoster fit --help)");
  take(vm, "output", job.output);
  take(vm, "output-dir", job.output_dir);
  if (job.output.empty() == job.output_dir.empty())
    usage("give exactly one of -o OUT and --output-dir DIR");
  if (!job.output.empty() && job.images.size() != 1)
    usage("-o takes one input image; use --output-dir DIR for several");
  take(vm, "threads", job.threads);
  if (job.threads < 0) usage("--threads must be >= 0");
  take(vm, "hdu", job.plane.hdu);
  take(vm, "plane", job.plane.plane);
  if (vm.count("hdu") && job.plane.hdu < 0) usage("--hdu must be >= 0");
  if (vm.count("plane") && job.plane.plane < 0) usage("--plane must be >= 0");
  take(vm, "all-planes", job.all_planes);
  if (vm.count("reference-plane")) {
    if (vm.count("plane")) usage("give --plane or --reference-plane, not both");
    job.plane.plane = vm["reference-plane"].as<int>();
    if (job.plane.plane < 0) usage("--reference-plane must be >= 0");
  }
  take(vm, "mask", job.mask);
  take(vm, "variance", job.variance);
  if (vm.count("weight")) {
    if (!job.variance.empty()) usage("give at most one of --variance and --weight");
    job.variance = vm["weight"].as<std::string>();
    job.weight = true;
  }
  if (!job.variance.empty() && job.images.size() > 1)
    usage("--variance/--weight take one input image");
  take(vm, "quiet", job.quiet);
  if (vm.count("harmonics")) {
    try {
      job.harmonics = parse_harmonic_orders(vm["harmonics"].as<std::string>());
    } catch (const std::invalid_argument& e) {
      usage(e.what());
    }
  }
  if (!io::parse_format(vm["format"].as<std::string>(), job.format))
    usage("--format must be fits, ecsv or csv");
  if (job.all_planes && job.format != io::TableFormat::Fits)
    usage("--all-planes writes one FITS HDU per band: --format fits only");
  if (job.all_planes && !job.variance.empty())
    usage("--all-planes and --variance/--weight do not combine (one map per plane is needed)");
  job.cfg = read_parameters(vm, kFitParam);
  return true;
}

}  // namespace isoster::cli
