// A worker's fitting room: fits a batch of work items with the rank's OpenMP threads (tiles
// read once per batch) and appends the batch to the rank's journal. No MPI here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "isoster/config.hpp"
#include "isoster/image.hpp"
#include "pipeline/catalog.hpp"
#include "pipeline/journal.hpp"

namespace isoster::pipeline {

class BatchFitter {
 public:
  // `journal`: this rank's journal file (none with `noop`, the dispatch benchmark). Throws
  // std::runtime_error when it cannot be opened.
  BatchFitter(const Catalog& cat, const FitConfig& cfg, int rank, int threads, bool noop,
              long part_rows, const std::string& journal, std::uint64_t config_sha);
  // Fits and journals `items`. Returns the number of galaxies that failed.
  long run(const std::vector<std::int64_t>& items);
  // Forces the journal to disk (fdatasync).
  void flush();

 private:
  // Tile mode: the pixels of a galaxy's own box (galaxy_box), cut from one read of a region.
  struct Box {
    bool ok = false;
    Image pixels;
    long ox = 0, oy = 0, nx = 0, ny = 0;
    double read_seconds = 0;
  };
  std::vector<Box> tile_boxes(const std::vector<std::int64_t>& rows) const;

  const Catalog& cat_;
  const FitConfig& cfg_;
  int rank_, threads_;
  bool noop_;
  long part_rows_;
  std::unique_ptr<JournalWriter> journal_;
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
};

}  // namespace isoster::pipeline
