// The journal folder of a campaign, <output>.journal/, and the one place that names its files:
//   manifest                 which campaign the journals belong to (Manifest)
//   rank-<r>-<attempt>.bin   each rank's journal of each run (pipeline/journal.hpp)
//   drained                  present when a run stopped early and --resume can finish it
// The folder lives until the results file is in place.
#pragma once

#include <string>
#include <vector>

namespace isoster::pipeline {

class JournalDir {
 public:
  explicit JournalDir(const std::string& output) : path_(output + ".journal") {}
  const std::string& path() const { return path_; }
  std::string manifest() const { return path_ + "/manifest"; }
  std::string drained() const { return path_ + "/drained"; }
  // The journal of rank `rank` in run `attempt` (0 for the first run, one more per --resume).
  std::string journal(int rank, int attempt) const;
  // Every journal present, by rank, then attempt.
  std::vector<std::string> journals() const;
  // The attempt number of a new run: one more than any journal present, 0 when there is none.
  int next_attempt() const;
  // Removes the journals, the manifest, the drain marker and the folder.
  void remove() const;

 private:
  std::string path_;
};

// Reads "rank-<r>-<attempt>.bin" (a file name, without folder). False for any other name.
bool parse_journal_name(const std::string& name, long& rank, long& attempt);

// What a manifest records of a campaign; --resume continues a journal folder only when the
// configuration, the catalog and the shard are those of the run that made it.
struct Manifest {
  std::string version, config_sha, catalog_sha, catalog, rows, shard;

  std::string text() const;
  // Missing keys are empty; a manifest from before shards existed holds the whole catalog (0/1).
  static Manifest read(const std::string& path);
};

// Why a journal folder with manifest `found` cannot be resumed by a run of `expected` (one line
// naming `dir`), or "" when it can.
std::string resume_mismatch(const Manifest& expected, const Manifest& found,
                            const std::string& dir);

// What became of a campaign whose results file `output` is absent, as its journal folder tells:
// drained, interrupted, or never started.
std::string unfinished_state(const std::string& output);

}  // namespace isoster::pipeline
