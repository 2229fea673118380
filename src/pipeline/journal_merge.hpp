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

namespace isoster::pipeline {

// An error every rank of the merge has agreed on (after a collective): all return together.
// Any other exception during the merge may be local to one rank, whose partners then wait in a
// collective: the job is aborted instead (the journals stay, --resume redoes the merge).
struct CoordinatedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The rows of a catalog shard (--shard K/N), counted in the whole catalog.
struct Shard {
  long first_row = 0, catalog_rows = 0;
};

// Collective over `comm`: the journals of `dir` (configuration checksum `sha`) into the results
// file `tmp`, which the caller renames. Throws CoordinatedError (on every rank) for missing
// galaxies, a rank's share above 2 GiB, or a file that cannot be created.
void merge_journals(const CampaignOptions& opt, const Catalog& cat, const Shard& shard,
                    std::uint64_t sha, const std::string& dir, const std::string& tmp,
                    MPI_Comm comm, int threads, const std::string& start_utc);

}  // namespace isoster::pipeline
