// `isoster-merge` (`isoster merge` runs it): joins the results files of a sharded campaign into
// one. An MPI executable like isoster-campaign; one rank is enough, more read in parallel.
#include <mpi.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "io/collective.hpp"
#include "pipeline/log.hpp"
#include "pipeline/shard_merge.hpp"

namespace po = boost::program_options;

namespace {

// Returns -1 to run, else an exit status.
int parse(int argc, char** argv, int rank, isoster::pipeline::MergeOptions& opt,
          std::string& problem) {
  po::options_description desc(
      "isoster merge --output RESULTS.h5 SHARD.h5...\n"
      "  joins the files of `isoster campaign --shard K/N` (K = 0..N-1) in catalog order into\n"
      "  the file an unsharded campaign writes. Exit 0 written, 1 error, 3 shards unfinished\n"
      "  (nothing written; each is named).\n\nOptions");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("output,o", po::value<std::string>(), "the merged results file (HDF5)")
      ("overwrite", po::bool_switch(), "replace an existing output file")
      ("quiet,q", po::bool_switch(), "no summary line");
  po::options_description hidden;
  hidden.add_options()("inputs", po::value<std::vector<std::string>>(), "shard files");
  // clang-format on
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("inputs", -1);
  po::variables_map vm;
  auto usage = [&](const std::string& m) {
    problem = m;  // printed once all ranks have parsed (main)
    return 2;
  };
  try {
    isoster::cli::read_command_line(argc, argv, all, pos, nullptr, vm);
  } catch (const isoster::cli::UsageError& e) {
    return usage(e.what());
  }
  if (vm.count("help")) {
    if (rank == 0) std::cout << desc << '\n';
    return 0;
  }
  if (vm.count("version")) {
    if (rank == 0) std::cout << isoster::cli::version_line() << '\n';
    return 0;
  }
  if (!vm.count("output")) return usage("--output is required");
  if (!vm.count("inputs")) return usage("no shard files given");
  opt.output = vm["output"].as<std::string>();
  opt.inputs = vm["inputs"].as<std::vector<std::string>>();
  opt.overwrite = vm["overwrite"].as<bool>();
  opt.quiet = vm["quiet"].as<bool>();
  opt.command_line = isoster::cli::joined_command_line("isoster merge", argc, argv);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  isoster::log::init("isoster merge", rank, ranks);
  isoster::pipeline::MergeOptions opt;
  std::string problem;
  int code = parse(argc, argv, rank, opt, problem);
  MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  // A usage error seen by some rank only (an unreadable --config there) is printed all the same.
  const std::string agreed = isoster::io::agreed_error(MPI_COMM_WORLD, problem);
  if (!agreed.empty()) isoster::log::usage(agreed);
  if (code < 0) code = isoster::pipeline::merge_shards(opt, MPI_COMM_WORLD);
  MPI_Finalize();
  return code;
}
