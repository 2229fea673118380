// The end of a complete campaign: every rank reads a share of the journals, one all-to-all sends
// each galaxy to the rank whose block of catalog rows holds it, a forced galaxy's pieces are
// stitched in order, and the ranks write the results file collectively (io::write_results).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "pipeline/campaign.hpp"
#include "pipeline/catalog.hpp"
#include "pipeline/journal_dir.hpp"

namespace isoster::pipeline {

// The rows of a catalog shard (--shard K/N), counted in the whole catalog.
struct Shard {
  long first_row = 0, catalog_rows = 0;
};

// Collective over `comm`: the journals of `dir` (configuration checksum `sha`) into the results
// file `tmp`, which the caller puts in place. Throws io::CollectiveError (on every rank) for
// missing galaxies, a rank's share above 2 GiB, or a file that cannot be created. Any other
// exception may be local to one rank, whose partners then wait in a collective: the caller
// aborts the job (the journals stay, --resume redoes the merge).
void merge_journals(const CampaignOptions& opt, const Catalog& cat, const Shard& shard,
                    std::uint64_t sha, const JournalDir& dir, const std::string& tmp, MPI_Comm comm,
                    int threads, const std::string& start_utc);

}  // namespace isoster::pipeline
