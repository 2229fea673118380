// The run of a campaign, in the order of its phases: the world and its threads; the catalog and
// this shard of it; the journal folder and the journals; the dispatch (pipeline/dispatch.hpp),
// whose workers fit and journal (pipeline/batch_fitter.hpp); then either the drain marker, or
// the merge of every journal into the results file (pipeline/journal_merge.hpp), put in place
// durably before the journals go. A step that can fail on some ranks is agreed on by all of them
// (io::on_every_rank), so that every rank returns the same exit code.
#include "pipeline/campaign.hpp"

#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "io/atomic_file.hpp"
#include "io/collective.hpp"
#include "pipeline/batch_fitter.hpp"
#include "pipeline/campaign_setup.hpp"
#include "pipeline/catalog.hpp"
#include "pipeline/dispatch.hpp"
#include "pipeline/journal_dir.hpp"
#include "pipeline/journal_merge.hpp"
#include "pipeline/log.hpp"
#include "pipeline/run_util.hpp"

namespace isoster::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
using io::CollectiveError;
using io::on_every_rank;

// A wrong launcher starts N one-rank copies: refuse rather than run N times.
void check_world(const CampaignOptions& opt, int size) {
  if (opt.expect_ranks > 0 && opt.expect_ranks != size)
    throw std::runtime_error(
        "--expect-ranks " + std::to_string(opt.expect_ranks) + " but this MPI world has " +
        std::to_string(size) +
        (size == 1 ? " rank: is the launcher MPI-aware (srun --mpi=pmix, mpirun)?" : " ranks"));
  const char* nt = std::getenv("SLURM_NTASKS");
  if (nt != nullptr && std::getenv("SLURM_JOB_ID") != nullptr && size == 1 && std::atoi(nt) != 1)
    throw std::runtime_error("SLURM_NTASKS=" + std::string(nt) +
                             " but this MPI world has 1 rank: launch with srun --mpi=pmix (or "
                             "mpirun)");
}

// Threads per rank: as asked, or the node's cores shared among the node's ranks.
int threads_per_rank(MPI_Comm comm, int requested) {
  if (requested > 0) return requested;
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local = 1;
  MPI_Comm_size(node, &local);
  MPI_Comm_free(&node);
  return std::max(1, omp_get_num_procs() / local);
}

struct RunOutcome {
  DispatchCounts counts;
  long total = 0, already = 0;
  bool complete = false;  // every work item is journaled
  std::string error;      // rank 0's failure during the dispatch
};

// The fitting phase: rank 0 plans and dispatches, the others serve. Every journal is complete
// and closed when it returns on every rank.
RunOutcome fit_all(const CampaignOptions& opt, MPI_Comm comm, const Catalog& cat, std::uint64_t sha,
                   const JournalDir& dir, std::unique_ptr<BatchFitter> fitter) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  RunOutcome r;
  if (rank == 0) {
    bool drained = false;
    try {
      WorkPlan plan = plan_work(opt, cat, sha, dir);
      r.total = plan.total;
      r.already = plan.already;
      if (opt.resume && plan.already > 0 && !opt.quiet)
        log::note("resuming: " + std::to_string(plan.already) + " of " +
                  std::to_string(plan.total) + " work items already done");
      r.counts =
          dispatch(opt, comm, std::move(plan.queue), plan.total, plan.already, *fitter, drained);
    } catch (const std::exception& e) {
      r.error = e.what();
      release_workers(comm);  // the campaign stays resumable
    }
    r.complete = r.error.empty() && r.already + r.counts.done == r.total;
  } else {
    try {
      serve(comm, *fitter);
    } catch (const std::exception& e) {
      log::rank_error(e.what());
      MPI_Abort(comm, kCampaignFailed);
    }
  }
  fitter->flush();
  fitter.reset();
  // Close-to-open consistency of network file systems: no rank reads another's journal before
  // every journal is closed.
  MPI_Barrier(comm);
  int flags[2] = {r.complete ? 1 : 0, r.error.empty() ? 0 : 1};
  MPI_Bcast(flags, 2, MPI_INT, 0, comm);
  r.complete = flags[0] != 0;
  if (flags[1] && r.error.empty()) r.error = "failed on rank 0";
  return r;
}

// An unfinished run: the drain marker (what `isoster merge` and the SLURM templates read) and the
// exit code.
int stop_unfinished(const RunOutcome& r, int rank, const JournalDir& dir) {
  if (rank == 0) {
    if (!r.error.empty()) log::error(r.error);
    const std::string done = std::to_string(r.already + r.counts.done) + " of " +
                             std::to_string(r.total) + " galaxies done";
    try {
      io::write_file_atomic(dir.drained(), done + "\n", io::Durability::Durable);
    } catch (const std::exception& e) {
      log::warning(e.what());
    }
    log::note("drained: " + done + "; run the same command with --resume to finish");
  }
  return r.error.empty() ? kCampaignDrained : kCampaignFailed;
}

}  // namespace

int run_campaign(const CampaignOptions& opt_in, MPI_Comm world) {
  MPI_Comm comm;
  MPI_Comm_dup(world, &comm);  // the queue's messages cannot match anybody else's
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  CampaignOptions opt = opt_in;
  const std::string start_utc = utc_now();
  const JournalDir dir(opt.output);
  int code = kCampaignDone;
  try {
    on_every_rank(comm, [&] { check_world(opt, size); });
    opt.threads = threads_per_rank(comm, opt.threads);

    Catalog cat;
    on_every_rank(comm, [&] { cat = read_catalog(opt.catalog); });
    const Shard shard = take_shard(cat, opt.shard_index, opt.shard_count);
    const std::string cfg_text = to_text(opt.cfg);
    const std::uint64_t sha = fnv1a64(cfg_text.data(), cfg_text.size());

    int attempt = 0;
    on_every_rank(comm, [&] {
      if (rank == 0 && !opt.noop) attempt = prepare_journal(opt, cat, sha, dir);
    });
    MPI_Bcast(&attempt, 1, MPI_INT, 0, comm);
    install_stop_handlers();
    std::unique_ptr<BatchFitter> fitter;
    on_every_rank(comm, [&] {
      fitter = std::make_unique<BatchFitter>(cat, opt.cfg, rank, opt.threads, opt.noop,
                                             opt.forced_part_rows, dir.journal(rank, attempt), sha);
    });

    const auto t0 = Clock::now();
    const RunOutcome run = fit_all(opt, comm, cat, sha, dir, std::move(fitter));
    const double fit_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (opt.noop) {
      if (!opt.quiet) {
        char line[200];
        std::snprintf(line, sizeof line,
                      "(no-op) %ld galaxies in %ld batches dispatched in %.3f s: %.0f galaxies/s, "
                      "%.0f batches/s",
                      run.counts.done, run.counts.batches, fit_s,
                      run.counts.done / std::max(fit_s, 1e-9),
                      run.counts.batches / std::max(fit_s, 1e-9));
        log::note(line);
      }
    } else if (!run.complete) {
      code = stop_unfinished(run, rank, dir);
    } else {
      // Complete: every journal into the results file, collectively, then the file in place.
      const std::string tmp = opt.output + ".tmp";
      const auto tm0 = Clock::now();
      try {
        merge_journals(opt, cat, shard, sha, dir, tmp, comm, opt.threads, start_utc);
      } catch (const CollectiveError&) {
        throw;
      } catch (const std::exception& e) {
        // One rank alone: its partners wait in a collective. The journals are kept.
        log::rank_error(std::string("merge failed: ") + e.what() +
                        " (the journals are kept: fix the cause and rerun with --resume)");
        MPI_Abort(comm, kCampaignFailed);
      }
      on_every_rank(comm, [&] {
        if (rank != 0) return;
        // The journals are removed once the results are in place: durable first.
        io::commit_file(tmp, opt.output, io::Durability::Durable);
        if (!opt.keep_journal) dir.remove();
      });
      if (!opt.quiet) {
        const double merge_s = std::chrono::duration<double>(Clock::now() - tm0).count();
        char line[400];
        std::snprintf(line, sizeof line,
                      "%ld galaxies (%ld failed this run) on %d ranks x %d threads: fit %.2f s "
                      "(%.1f galaxies/s), merge %.2f s -> %s",
                      run.total, run.counts.failed, size, opt.threads, fit_s,
                      run.counts.done / std::max(fit_s, 1e-9), merge_s, opt.output.c_str());
        log::note(line);
      }
    }
  } catch (const CollectiveError& e) {
    log::error(e.what());
    code = kCampaignFailed;
  }
  MPI_Comm_free(&comm);
  return code;
}

}  // namespace isoster::pipeline
