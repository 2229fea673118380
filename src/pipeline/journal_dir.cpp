#include "pipeline/journal_dir.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <utility>

namespace isoster::pipeline {

namespace {

bool present(const std::string& p) {
  struct stat s;
  return ::stat(p.c_str(), &s) == 0;
}

}  // namespace

bool parse_journal_name(const std::string& name, long& rank, long& attempt) {
  char tail[8] = {};
  return std::sscanf(name.c_str(), "rank-%ld-%ld.%4s", &rank, &attempt, tail) == 3 &&
         std::strcmp(tail, "bin") == 0;
}

std::string JournalDir::journal(int rank, int attempt) const {
  return path_ + "/rank-" + std::to_string(rank) + "-" + std::to_string(attempt) + ".bin";
}

std::vector<std::string> JournalDir::journals() const {
  std::vector<std::pair<std::pair<long, long>, std::string>> found;
  if (DIR* d = ::opendir(path_.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      long rank = 0, attempt = 0;
      if (parse_journal_name(e->d_name, rank, attempt))
        found.push_back({{rank, attempt}, path_ + "/" + e->d_name});
    }
    ::closedir(d);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

int JournalDir::next_attempt() const {
  int next = 0;
  for (const auto& f : journals()) {
    long rank = 0, attempt = 0;
    if (parse_journal_name(f.substr(f.find_last_of('/') + 1), rank, attempt))
      next = std::max(next, static_cast<int>(attempt) + 1);
  }
  return next;
}

void JournalDir::remove() const {
  for (const auto& f : journals()) std::remove(f.c_str());
  std::remove(manifest().c_str());
  std::remove(drained().c_str());
  ::rmdir(path_.c_str());
}

std::string Manifest::text() const {
  return "isoster-campaign-journal 1\nisoster_version=" + version + "\nconfig_sha=" + config_sha +
         "\ncatalog_sha=" + catalog_sha + "\ncatalog=" + catalog + "\nrows=" + rows +
         "\nshard=" + shard + "\n";
}

Manifest Manifest::read(const std::string& path) {
  std::map<std::string, std::string> kv;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto k = line.find('=');
    if (k != std::string::npos) kv[line.substr(0, k)] = line.substr(k + 1);
  }
  Manifest m;
  m.version = kv["isoster_version"];
  m.config_sha = kv["config_sha"];
  m.catalog_sha = kv["catalog_sha"];
  m.catalog = kv["catalog"];
  m.rows = kv["rows"];
  m.shard = kv.count("shard") ? kv["shard"] : "0/1";
  return m;
}

std::string resume_mismatch(const Manifest& expected, const Manifest& found,
                            const std::string& dir) {
  if (found.config_sha != expected.config_sha)
    return "--resume refused: the fit configuration differs from the one of " + dir;
  if (found.catalog_sha != expected.catalog_sha || found.rows != expected.rows)
    return "--resume refused: the catalog differs from the one of " + dir;
  if (found.shard != expected.shard)
    return "--resume refused: --shard differs from the one of " + dir + " (" + found.shard + ")";
  return "";
}

std::string unfinished_state(const std::string& output) {
  const JournalDir dir(output);
  if (present(dir.drained())) return "drained (rerun its job with --resume)";
  if (present(dir.manifest())) return "interrupted (rerun its job with --resume)";
  return "no results file and no journal (never ran, or failed before fitting)";
}

}  // namespace isoster::pipeline
