// `isoster-campaign`: the MPI side of isoster (`isoster campaign` runs it). A separate executable
// so that `isoster fit` does not load MPI: Open MPI and HDF5 add to every process start, and
// MPI_Init more (docs/campaigns.md has the figures).
#include <mpi.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/command_line.hpp"
#include "cli/parameter_options.hpp"
#include "io/collective.hpp"
#include "pipeline/campaign.hpp"
#include "pipeline/log.hpp"

namespace po = boost::program_options;
using isoster::pipeline::CampaignOptions;

namespace {

// Returns -1 to run, else an exit status (help printed, usage error).
int parse(int argc, char** argv, int rank, CampaignOptions& opt, std::string& problem) {
  using isoster::cli::UsageError;
  po::options_description run(
      "isoster campaign --catalog CAT.csv --output RESULTS.h5 [options]\n"
      "  mpirun -n N isoster campaign ...   (rank 0 dispatches and fits; ranks 1..N-1 fit)\n\n"
      "Campaign");
  // clang-format off
  run.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("catalog", po::value<std::string>(), "CSV or FITS catalog: id,image[,x,y,sma0,eps,pa,maxsma,mask,plane,template,variance]")
      ("output", po::value<std::string>(), "results file (HDF5)")
      ("config", po::value<std::string>(), "INI file with fit parameters (isoster fit's keys)")
      ("threads", po::value<int>()->default_value(0),
       "OpenMP threads per rank (0: the node's cores / ranks on the node)")
      ("resume", po::bool_switch(), "continue an interrupted campaign from its journals")
      ("overwrite", po::bool_switch(), "replace an existing results file")
      ("keep-journal", po::bool_switch(), "keep OUTPUT.journal/ after the merge")
      ("stop-file", po::value<std::string>(), "drain when this file appears")
      ("progress", po::value<double>()->default_value(5.0), "seconds between progress lines")
      ("shard", po::value<std::string>(),
       "K/N: fit only shard K (0-based) of N equal slices of the catalog, into its own results "
       "file (job arrays; join them with isoster merge)")
      ("expect-ranks", po::value<int>()->default_value(0),
       "refuse to start unless the MPI world has this many ranks (e.g. $SLURM_NTASKS)")
      ("forced-part-rows", po::value<long>()->default_value(64),
       "forced mode (catalog column template): template rows per work item")
      ("quiet,q", po::bool_switch(), "no progress or summary lines");
  po::options_description hidden;
  hidden.add_options()
      ("dispatch-benchmark", po::bool_switch(), "no-op fits")
      ("batch-max", po::value<long>()->default_value(256), "largest batch");
  // clang-format on
  po::options_description params = isoster::cli::parameter_options(isoster::kFitParam);
  po::options_description all;
  all.add(run).add(params).add(hidden);
  po::variables_map vm;
  auto usage = [&](const std::string& m) {
    problem = m;  // printed once all ranks have parsed (main)
    return isoster::pipeline::kCampaignUsage;
  };
  try {
    isoster::cli::read_command_line(argc, argv, all, po::positional_options_description(), &params,
                                    vm);
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  if (vm.count("help")) {
    if (rank == 0) std::cout << run << '\n' << params << '\n';
    return 0;
  }
  if (vm.count("version")) {
    if (rank == 0) std::cout << isoster::cli::version_line() << '\n';
    return 0;
  }
  if (!vm.count("catalog")) return usage("--catalog is required");
  if (!vm.count("output")) return usage("--output is required");
  opt.catalog = vm["catalog"].as<std::string>();
  opt.output = vm["output"].as<std::string>();
  opt.threads = vm["threads"].as<int>();
  if (opt.threads < 0) return usage("--threads must be >= 0");
  opt.resume = vm["resume"].as<bool>();
  opt.overwrite = vm["overwrite"].as<bool>();
  opt.keep_journal = vm["keep-journal"].as<bool>();
  opt.quiet = vm["quiet"].as<bool>();
  opt.progress_seconds = vm["progress"].as<double>();
  opt.noop = vm["dispatch-benchmark"].as<bool>();
  opt.batch_max = vm["batch-max"].as<long>();
  opt.forced_part_rows = vm["forced-part-rows"].as<long>();
  if (opt.forced_part_rows < 1) return usage("--forced-part-rows must be >= 1");
  if (opt.batch_max < 1) return usage("--batch-max must be >= 1");
  if (vm.count("stop-file")) opt.stop_file = vm["stop-file"].as<std::string>();
  opt.expect_ranks = vm["expect-ranks"].as<int>();
  if (opt.expect_ranks < 0) return usage("--expect-ranks must be >= 0");
  if (vm.count("shard")) {
    const std::string v = vm["shard"].as<std::string>();
    char slash = 0, extra = 0;
    if (std::sscanf(v.c_str(), "%ld %c %ld %c", &opt.shard_index, &slash, &opt.shard_count,
                    &extra) != 3 ||
        slash != '/' || opt.shard_count < 1 || opt.shard_index < 0 ||
        opt.shard_index >= opt.shard_count)
      return usage("--shard must be K/N with 0 <= K < N (got '" + v + "')");
  }
  try {
    opt.cfg = isoster::cli::read_parameters(vm, isoster::kFitParam);
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  opt.command_line = isoster::cli::joined_command_line("isoster campaign", argc, argv);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  isoster::log::init("isoster campaign", rank, ranks);
  if (provided < MPI_THREAD_FUNNELED) {
    isoster::log::error("the MPI library lacks MPI_THREAD_FUNNELED");
    MPI_Finalize();
    return 1;
  }
  CampaignOptions opt;
  std::string problem;
  int code = parse(argc, argv, rank, opt, problem);
  // Every rank parses (and reads --config); if any cannot, all stop with the same status.
  MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  // A usage error seen by some rank only (an unreadable --config there) is printed all the same.
  const std::string agreed = isoster::io::agreed_error(MPI_COMM_WORLD, problem);
  if (!agreed.empty()) isoster::log::usage(agreed);
  if (code < 0) code = isoster::pipeline::run_campaign(opt, MPI_COMM_WORLD);
  MPI_Finalize();
  return code;
}
