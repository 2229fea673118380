// The campaign's dispatch room, over MPI: rank 0's master hands out batches of work items
// (largest images first, batches shrinking near the end) to every rank, itself included through
// a worker thread, and polls with sleeps so that it does not take a core from the fitting
// threads; the other ranks ask for batches until told to stop. SIGTERM, SIGUSR1, SIGINT or the
// stop file drain the run: no new batches, every batch in hand is finished and journaled.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <deque>

#include "pipeline/batch_fitter.hpp"
#include "pipeline/campaign.hpp"

namespace isoster::pipeline {

// Makes SIGTERM, SIGUSR1 (SLURM's warning) and SIGINT request a drain.
void install_stop_handlers();

struct DispatchCounts {
  long done = 0, failed = 0, batches = 0;  // work items finished and failed in this run
};

// Rank 0: hands out `queue` until it is empty (or a drain empties it), then stops every worker.
// `total` work items in all, `already` of them journaled by earlier runs (progress lines).
// `drained`: the queue was not empty when a stop was requested. Throws std::runtime_error when
// the local worker failed; the caller then releases the other ranks.
DispatchCounts dispatch(const CampaignOptions& opt, MPI_Comm comm, std::deque<std::int64_t> queue,
                        long total, long already, BatchFitter& fitter, bool& drained);

// Ranks 1..N-1: fit the batches rank 0 sends until it says stop.
void serve(MPI_Comm comm, BatchFitter& fitter);

// Rank 0, after a failure of its own: tells every other rank to stop waiting for work.
void release_workers(MPI_Comm comm);

}  // namespace isoster::pipeline
