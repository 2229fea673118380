// `isoster merge`: joins the results files of a sharded campaign (`isoster campaign --shard K/N`,
// one job-array element per shard) into the one file an unsharded run would have written:
// /galaxies and /isophotes identical, in catalog order. Every shard must be present and complete;
// unfinished ones are named (drained: resumable; journal only: interrupted; nothing: never ran)
// and nothing is written. Collective over the communicator: each rank reads a contiguous range
// of shards and writes its block with the campaign's parallel writer.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace isoster::pipeline {

struct MergeOptions {
  std::vector<std::string> inputs;  // the shards' results files, in any order
  std::string output, command_line;
  bool overwrite = false, quiet = false;
};

// Exit codes: 0 written; 1 error (inputs that do not belong together, unwritable output);
// 3 shards unfinished (resume them, then merge again). The same on every rank.
int merge_shards(const MergeOptions& opt, MPI_Comm comm);

}  // namespace isoster::pipeline
