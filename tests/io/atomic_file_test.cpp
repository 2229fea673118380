// One way to put a file in place: the target shows the old content or the whole new one, never
// a part; a failure leaves no temporary file and names the target.
#include "io/atomic_file.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace io = isoster::io;

namespace {

std::string scratch() {
  char tmpl[] = "/tmp/isoster-atomic-XXXXXX";
  return ::mkdtemp(tmpl);
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int entries(const std::string& dir) {
  int n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
  }
  return n;
}

TEST(AtomicFile, BothDurabilitiesReplaceTheWholeFile) {
  const std::string dir = scratch(), path = dir + "/out.txt";
  for (io::Durability d : {io::Durability::Atomic, io::Durability::Durable}) {
    io::write_file_atomic(path, "first\n", d);
    EXPECT_EQ(slurp(path), "first\n");
    io::write_file_atomic(path, std::string(100000, 'x'), d);
    EXPECT_EQ(slurp(path), std::string(100000, 'x'));
    EXPECT_EQ(entries(dir), 1) << "a temporary file was left";
  }
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(AtomicFile, TemporaryNamesAreUniqueBesideTheTarget) {
  const std::string a = io::temp_path("/x/y.fits"), b = io::temp_path("/x/y.fits");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("/x/y.fits.tmp-", 0), 0u) << a;
}

TEST(AtomicFile, FailureLeavesNothingAndNamesTheTarget) {
  const std::string dir = scratch();
  try {
    io::write_file_atomic(dir + "/no/such/folder/out.txt", "x", io::Durability::Durable);
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("out.txt"), std::string::npos) << e.what();
  }
  // A commit whose rename cannot happen (the target is a non-empty folder) removes the
  // temporary file.
  const std::string target = dir + "/taken";
  ASSERT_EQ(::mkdir(target.c_str(), 0755), 0);
  std::ofstream(target + "/inside") << "x";
  const std::string tmp = io::temp_path(target);
  std::ofstream(tmp) << "new";
  EXPECT_THROW(io::commit_file(tmp, target, io::Durability::Atomic), io::IoError);
  struct stat st;
  EXPECT_NE(::stat(tmp.c_str(), &st), 0) << "the temporary file survived";
  std::remove((target + "/inside").c_str());
  ::rmdir(target.c_str());
  EXPECT_EQ(entries(dir), 0);
  ::rmdir(dir.c_str());
}

}  // namespace
