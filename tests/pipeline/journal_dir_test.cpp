// The journal folder names its files in one place: journals are found by rank then attempt,
// names that are not journals are ignored, a resumed run numbers its journals after the last
// one, and a manifest refuses --resume of another configuration, catalog or shard.
#include "pipeline/journal_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace isoster::pipeline;

namespace {

std::string scratch() {
  char tmpl[] = "/tmp/isoster-jdir-XXXXXX";
  return ::mkdtemp(tmpl);
}

TEST(JournalDir, NamesParseBackAndSortByRankThenAttempt) {
  const std::string root = scratch();
  const JournalDir dir(root + "/out.h5");
  EXPECT_EQ(dir.path(), root + "/out.h5.journal");
  ASSERT_EQ(::mkdir(dir.path().c_str(), 0755), 0);
  EXPECT_EQ(dir.next_attempt(), 0);
  for (auto [r, a] : {std::pair{10, 0}, {2, 1}, {2, 0}, {0, 3}})
    std::ofstream(dir.journal(r, a)) << "x";
  std::ofstream(dir.path() + "/rank-1-0.bin.tmp") << "x";  // not a journal
  std::ofstream(dir.path() + "/notes.txt") << "x";
  std::ofstream(dir.manifest()) << "x";
  const auto files = dir.journals();
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0], dir.journal(0, 3));
  EXPECT_EQ(files[1], dir.journal(2, 0));
  EXPECT_EQ(files[2], dir.journal(2, 1));
  EXPECT_EQ(files[3], dir.journal(10, 0));
  EXPECT_EQ(dir.next_attempt(), 4);
  long rank = -1, attempt = -1;
  EXPECT_TRUE(parse_journal_name("rank-7-12.bin", rank, attempt));
  EXPECT_EQ(rank, 7);
  EXPECT_EQ(attempt, 12);
  EXPECT_FALSE(parse_journal_name("rank-7-12.bak", rank, attempt));
  EXPECT_FALSE(parse_journal_name("manifest", rank, attempt));
  std::remove((dir.path() + "/rank-1-0.bin.tmp").c_str());
  std::remove((dir.path() + "/notes.txt").c_str());
  dir.remove();
  struct stat st;
  EXPECT_NE(::stat(dir.path().c_str(), &st), 0) << "the folder is gone";
  ::rmdir(root.c_str());
}

TEST(JournalDir, ManifestRoundTripsAndRefusesAnotherCampaign) {
  const std::string root = scratch();
  Manifest m;
  m.version = "0.1.0";
  m.config_sha = "00000000000000aa";
  m.catalog_sha = "00000000000000bb";
  m.catalog = "cat.csv";
  m.rows = "24";
  m.shard = "1/3";
  const std::string path = root + "/manifest";
  std::ofstream(path) << m.text();
  const Manifest r = Manifest::read(path);
  EXPECT_EQ(r.text(), m.text());
  EXPECT_EQ(resume_mismatch(m, r, "d"), "");
  Manifest other = m;
  other.config_sha = "00000000000000ab";
  EXPECT_NE(resume_mismatch(other, r, "d").find("configuration differs"), std::string::npos);
  other = m;
  other.rows = "25";
  EXPECT_NE(resume_mismatch(other, r, "d").find("catalog differs"), std::string::npos);
  other = m;
  other.shard = "0/1";
  EXPECT_NE(resume_mismatch(other, r, "d").find("--shard differs"), std::string::npos);
  // A manifest written before shards existed covers the whole catalog.
  std::ofstream(path) << "isoster-campaign-journal 1\nconfig_sha=1\ncatalog_sha=2\nrows=3\n";
  EXPECT_EQ(Manifest::read(path).shard, "0/1");
  std::remove(path.c_str());
  ::rmdir(root.c_str());
}

TEST(JournalDir, UnfinishedStateFollowsTheFolder) {
  const std::string root = scratch();
  const std::string out = root + "/s.h5";
  const JournalDir dir(out);
  EXPECT_NE(unfinished_state(out).find("never ran"), std::string::npos);
  ASSERT_EQ(::mkdir(dir.path().c_str(), 0755), 0);
  std::ofstream(dir.manifest()) << "x";
  EXPECT_NE(unfinished_state(out).find("interrupted"), std::string::npos);
  std::ofstream(dir.drained()) << "x";
  EXPECT_NE(unfinished_state(out).find("drained"), std::string::npos);
  dir.remove();
  ::rmdir(root.c_str());
}

}  // namespace
