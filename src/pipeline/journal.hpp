// Per-rank campaign journals (files of pipeline/journal_dir.hpp): one framed record per work
// unit, written with a single write(2) so that it survives SIGKILL of the process once the call
// returns (it is in the page cache; fdatasync also covers a node crash). A reader stops at the
// first short, bad-magic or bad-CRC record: that torn tail was the unit in flight and is redone.
// Records are never rewritten. The format is isoster's own and read by the same build only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/galaxy.hpp"

namespace isoster::pipeline {

std::uint32_t crc32(const void* data, std::size_t n, std::uint32_t crc = 0);

// One galaxy's result as bytes (the journals' and the merge's exchange format), and back; decode
// advances `p` and returns false on a short buffer.
void encode_galaxy(const GalaxyResult& g, int rank, std::vector<char>& out);
bool decode_galaxy(const char*& p, const char* end, GalaxyResult& g, int& rank);

class JournalWriter {
 public:
  JournalWriter() = default;
  // Opens (creates) the journal for appending. Throws std::runtime_error.
  JournalWriter(const std::string& path, std::uint64_t config_sha);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  // Appends one record holding these galaxies; `sync` forces it to disk (fdatasync).
  void append(const std::vector<GalaxyResult>& galaxies, int rank, bool sync);
  void sync();

 private:
  int fd_ = -1;
  std::string path_;
  std::uint64_t config_sha_ = 0;
};

struct JournalScan {
  long records = 0;
  long galaxies = 0;
  bool torn_tail = false;  // bytes after the last good record (the unit in flight)
};

// Calls `take(result, rank)` for every galaxy of every good record of `path`. Records written for
// another configuration are skipped.
JournalScan read_journal(const std::string& path, std::uint64_t config_sha,
                         const std::function<void(GalaxyResult&&, int rank)>& take);

}  // namespace isoster::pipeline
