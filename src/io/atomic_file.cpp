#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace isoster::io {

namespace {

std::string reason() { return std::strerror(errno); }

}  // namespace

bool sync_folder_of(const std::string& path) {
  const auto k = path.find_last_of('/');
  const std::string dir = k == std::string::npos ? "." : k == 0 ? "/" : path.substr(0, k);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  // Some file systems (FUSE and network mounts) cannot sync a folder and say so: their renames
  // are as durable as they get, which is not a failure of ours.
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL || errno == ENOTSUP || errno == EROFS;
  ::close(fd);
  return ok;
}

namespace {

bool sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string temp_path(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void commit_file(const std::string& tmp, const std::string& path, Durability d) {
  if (d == Durability::Durable && !sync_file(tmp)) {
    const std::string why = reason();
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot write (" + why + ")");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = reason();
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot write output (rename failed: " + why + ")");
  }
  // The file is in place now; a folder that cannot be synced leaves it there, reported.
  if (d == Durability::Durable && !sync_folder_of(path))
    throw IoError(path + ": written, but its folder could not be synced (" + reason() + ")");
}

void write_file_atomic(const std::string& path, const std::string& text, Durability d) {
  const std::string tmp = temp_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path + ": cannot write (" + reason() + ")");
  const char* p = text.data();
  std::size_t n = text.size();
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      const std::string why = reason();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw IoError(path + ": cannot write (" + why + ")");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  if (::close(fd) != 0) {
    const std::string why = reason();
    ::unlink(tmp.c_str());
    throw IoError(path + ": cannot write (" + why + ")");
  }
  commit_file(tmp, path, d);
}

}  // namespace isoster::io
