// What a campaign decides before the first batch: its slice of the catalog (--shard), its
// journal folder (new, or resumed when the manifest matches), and the work items still to do.
#pragma once

#include <cstdint>
#include <deque>

#include "pipeline/campaign.hpp"
#include "pipeline/catalog.hpp"
#include "pipeline/journal_dir.hpp"
#include "pipeline/journal_merge.hpp"

namespace isoster::pipeline {

// Keeps rows [n*index/count, n*(index+1)/count) of `cat` and says where they were. Duplicate
// ids, shared images and the string widths stay those of the whole catalog, so that the shards
// merge into exactly the file of an unsharded run.
Shard take_shard(Catalog& cat, long index, long count);

// The manifest this run writes or must find (configuration checksum `sha`).
Manifest manifest_of(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha);

// Rank 0: checks or creates the journal folder and returns the attempt number of this run's
// journals. Throws std::runtime_error (one line) when the run must not start: an unfinished
// campaign without --resume, a --resume of another campaign, an existing output without
// --overwrite, a folder that cannot be created.
int prepare_journal(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha,
                    const JournalDir& dir);

// Rank 0: the work items still to do, largest inputs first (file size as the cost), then in
// catalog order; a forced galaxy's template rows in ranges of opt.forced_part_rows.
struct WorkPlan {
  std::deque<std::int64_t> queue;
  long total = 0;    // work items of the campaign
  long already = 0;  // of them, journaled by earlier runs (--resume)
};
WorkPlan plan_work(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha,
                   const JournalDir& dir);

}  // namespace isoster::pipeline
