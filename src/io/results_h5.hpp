// The campaign results store: one HDF5 file written collectively by every rank through MPI-IO
// (docs/output-format.md has the schema). Rank 0 creates the whole schema serially (datasets at
// their final sizes, attributes), then all ranks reopen the file in parallel and each writes its
// contiguous block of catalog rows and their isophotes with collective writes. The file is
// written under a temporary name; the caller renames it once complete.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "isoster/isophote.hpp"

namespace isoster::io {

// This rank's block: catalog rows [first, first + size) and their isophotes, concatenated.
struct ResultsBlock {
  std::int64_t first = 0;
  std::vector<std::string> id, message, image;
  std::vector<std::int32_t> status, count, rank;
  std::vector<std::int64_t> offset;
  std::vector<double> x, y, x_start, y_start, read_time, fit_time;
  std::vector<std::int64_t> galaxy;  // catalog row of each isophote
  std::vector<Isophote> rows;
};

struct ResultsLayout {
  std::int64_t galaxies = 0, isophotes = 0;  // totals over all ranks
  std::int64_t iso_first = 0;                // this rank's first isophote row
  int id_width = 1, image_width = 1, message_width = 1;
  std::vector<std::pair<std::string, std::string>> text_attrs;  // root attributes
  std::vector<std::pair<std::string, std::int64_t>> int_attrs;
};

// Collective over `comm`. Throws io::CollectiveError (io/collective.hpp) on every rank when the
// file cannot be created; any other exception (std::runtime_error) may come from one rank only.
void write_results(const std::string& path, MPI_Comm comm, const ResultsBlock& block,
                   const ResultsLayout& layout);

// A results file read back whole (`isoster merge` joins the files of catalog shards).
struct ResultsFile {
  ResultsBlock block;  // block.first: the catalog row of /galaxies[0] (attribute first_row)
  std::map<std::string, std::string> text_attrs;
  std::map<std::string, std::int64_t> int_attrs;
  int id_width = 1, image_width = 1, message_width = 1;  // widths of the string datasets
};

// Serial read of one file (any rank, no communicator). With `summary_only`, the attributes and
// string widths without the datasets. Throws std::runtime_error with a one-line message.
ResultsFile read_results(const std::string& path, bool summary_only = false);

}  // namespace isoster::io
