#include "pipeline/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "io/atomic_file.hpp"

namespace isoster::pipeline {

namespace {

constexpr std::uint32_t kMagic = 0x314A5349;  // "ISJ1"
constexpr std::uint32_t kVersion = 3;
static_assert(std::is_trivially_copyable_v<Isophote>, "rows are journaled as raw bytes");

template <class T>
void put(std::vector<char>& b, const T& v) {
  const char* p = reinterpret_cast<const char*>(&v);
  b.insert(b.end(), p, p + sizeof(T));
}

struct Cursor {
  const char* p;
  const char* end;
  template <class T>
  bool get(T& v) {
    if (static_cast<std::size_t>(end - p) < sizeof(T)) return false;
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T);
    return true;
  }
  bool bytes(void* dst, std::size_t n) {
    if (static_cast<std::size_t>(end - p) < n) return false;
    if (n == 0) return true;  // dst may be null (an empty vector or string)
    std::memcpy(dst, p, n);
    p += n;
    return true;
  }
};

void write_all(int fd, const char* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(path + ": cannot write journal (" + std::strerror(errno) + ")");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t n, std::uint32_t crc) {
  // zlib's CRC-32 (the IEEE polynomial, table-sliced) rather than a byte-wise loop of our own.
  const auto* p = static_cast<const Bytef*>(data);
  uLong c = crc;
  while (n > 0) {
    const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    c = ::crc32(c, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(c);
}

void encode_galaxy(const GalaxyResult& g, int rank, std::vector<char>& out) {
  put(out, g.index);
  put(out, g.part);
  put(out, g.parts);
  put(out, g.status);
  put(out, static_cast<std::int32_t>(rank));
  put(out, g.read_seconds);
  put(out, g.fit_seconds);
  put(out, g.x_start);
  put(out, g.y_start);
  put(out, static_cast<std::uint32_t>(g.message.size()));
  out.insert(out.end(), g.message.begin(), g.message.end());
  put(out, static_cast<std::uint32_t>(g.rows.size()));
  const char* rows = reinterpret_cast<const char*>(g.rows.data());
  out.insert(out.end(), rows, rows + g.rows.size() * sizeof(Isophote));
}

bool decode_galaxy(const char*& p, const char* end, GalaxyResult& g, int& rank) {
  Cursor r{p, end};
  std::int32_t rk = 0;
  std::uint32_t mlen = 0, nrows = 0;
  if (!r.get(g.index) || !r.get(g.part) || !r.get(g.parts) || !r.get(g.status) || !r.get(rk) ||
      !r.get(g.read_seconds) || !r.get(g.fit_seconds) || !r.get(g.x_start) || !r.get(g.y_start) ||
      !r.get(mlen))
    return false;
  g.message.resize(mlen);
  if (!r.bytes(g.message.data(), mlen) || !r.get(nrows)) return false;
  g.rows.resize(nrows);
  if (!r.bytes(g.rows.data(), nrows * sizeof(Isophote))) return false;
  rank = rk;
  p = r.p;
  return true;
}

JournalWriter::JournalWriter(const std::string& path, std::uint64_t config_sha)
    : path_(path), config_sha_(config_sha) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error(path + ": cannot open journal (" + std::strerror(errno) + ")");
  // The journal's name in its folder must survive a node crash as its records do.
  if (!io::sync_folder_of(path))
    throw std::runtime_error(path + ": cannot sync the journal folder (" + std::strerror(errno) +
                             ")");
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const std::vector<GalaxyResult>& galaxies, int rank, bool sync_now) {
  std::vector<char> payload;
  put(payload, config_sha_);
  put(payload, static_cast<std::uint32_t>(galaxies.size()));
  for (const auto& g : galaxies) encode_galaxy(g, rank, payload);
  std::vector<char> rec;
  rec.reserve(payload.size() + 20);
  put(rec, kMagic);
  put(rec, kVersion);
  put(rec, static_cast<std::uint64_t>(payload.size()));
  rec.insert(rec.end(), payload.begin(), payload.end());
  put(rec, crc32(payload.data(), payload.size()));
  write_all(fd_, rec.data(), rec.size(), path_);
  if (sync_now) sync();
}

void JournalWriter::sync() {
  if (fd_ >= 0) ::fdatasync(fd_);
}

JournalScan read_journal(const std::string& path, std::uint64_t config_sha,
                         const std::function<void(GalaxyResult&&, int rank)>& take) {
  JournalScan scan;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return scan;
  std::vector<char> data;
  char buf[1 << 16];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    data.insert(data.end(), buf, buf + r);
  }
  ::close(fd);
  Cursor c{data.data(), data.data() + data.size()};
  while (c.p < c.end) {
    const char* start = c.p;
    std::uint32_t magic = 0, version = 0, crc = 0;
    std::uint64_t len = 0;
    if (!c.get(magic) || magic != kMagic || !c.get(version) || version != kVersion || !c.get(len) ||
        len > static_cast<std::uint64_t>(c.end - c.p) ||
        static_cast<std::uint64_t>(c.end - c.p) - len < sizeof crc) {
      scan.torn_tail = true;
      c.p = start;
      break;
    }
    const char* payload = c.p;
    std::memcpy(&crc, payload + len, sizeof crc);
    if (crc32(payload, len) != crc) {
      scan.torn_tail = true;
      break;
    }
    Cursor r{payload, payload + len};
    c.p = payload + len + sizeof crc;
    std::uint64_t sha = 0;
    std::uint32_t n = 0;
    if (!r.get(sha) || !r.get(n)) continue;
    ++scan.records;
    if (sha != config_sha) continue;
    for (std::uint32_t k = 0; k < n; ++k) {
      GalaxyResult g;
      int rank = 0;
      if (!decode_galaxy(r.p, r.end, g, rank)) break;
      ++scan.galaxies;
      take(std::move(g), rank);
    }
  }
  return scan;
}

}  // namespace isoster::pipeline
