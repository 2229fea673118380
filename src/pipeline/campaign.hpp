// `isoster campaign`: an MPI master/worker run over a catalog. Rank 0 is the master: its main
// thread hands out batches of catalog rows (largest images first, batches shrinking near the end)
// and sleeps between polls, while a worker thread on the same rank fits batches like every other
// rank. Workers fit a batch with their OpenMP threads and append it to their journal; once the
// queue is empty all ranks merge the journals into one HDF5 file with collective writes. SIGTERM,
// SIGUSR1 or the stop file drain the run: no new batches, every batch in hand is finished and
// journaled, exit code 3, and `--resume` continues. docs/campaigns.md describes it.
#pragma once

#include <mpi.h>

#include <string>

#include "isoster/config.hpp"

namespace isoster::pipeline {

struct CampaignOptions {
  std::string catalog, output, command_line;
  FitConfig cfg;
  int threads = 0;  // per rank; 0: the node's cores / the ranks on the node
  bool resume = false, overwrite = false, quiet = false, keep_journal = false;
  double progress_seconds = 5;
  std::string stop_file;
  bool noop = false;           // benchmark of the dispatch: no image is read or fitted
  long batch_max = 256;        // largest batch of work items sent at once
  long forced_part_rows = 64;  // forced mode: template rows per work item
  // A shard of the catalog (job arrays): rows [n*index/count, n*(index+1)/count) into their own
  // results file; `isoster merge` joins the shards. count 1: the whole catalog.
  long shard_index = 0, shard_count = 1;
  int expect_ranks = 0;  // > 0: refuse to run unless the MPI world has exactly this many ranks
};

// Exit codes of a campaign.
enum CampaignExit {
  kCampaignDone = 0,
  kCampaignFailed = 1,
  kCampaignUsage = 2,
  kCampaignDrained = 3
};

// Collective over `world`. Returns the exit code (the same on every rank).
int run_campaign(const CampaignOptions& opt, MPI_Comm world);

}  // namespace isoster::pipeline
