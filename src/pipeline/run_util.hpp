// Small helpers shared by the campaign engine and `isoster merge`: file tests, timestamps, and
// broadcasting a string from rank 0.
#pragma once

#include <mpi.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace isoster::pipeline {

// 16 hex digits (checksums in manifests and attributes).
inline std::string hex64(std::uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

inline bool exists(const std::string& p) {
  struct stat s;
  return ::stat(p.c_str(), &s) == 0;
}

// Now, as ISO 8601 UTC (the results' start_utc and end_utc).
inline std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

// Rank 0's `s` on every rank of `comm` (collective).
inline std::string bcast_string(std::string s, MPI_Comm comm) {
  long n = static_cast<long>(s.size());
  MPI_Bcast(&n, 1, MPI_LONG, 0, comm);
  s.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
  return s;
}

}  // namespace isoster::pipeline
