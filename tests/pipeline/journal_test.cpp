// Journals: records survive as written; a torn or corrupt tail is ignored, never the records
// before it; records of another configuration are skipped.
#include "pipeline/journal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <vector>

using namespace isoster::pipeline;

namespace {

GalaxyResult galaxy(long index, int nrows) {
  GalaxyResult g;
  g.index = index;
  g.status = nrows > 0 ? kOk : kFitFailed;
  g.message = nrows > 0 ? "" : "no object found";
  g.fit_seconds = 0.25;
  g.x_start = 10.5;
  g.y_start = 11.5;
  for (int r = 0; r < nrows; ++r) {
    isoster::Isophote iso;
    iso.sma = r + 1;
    iso.intens = 100.0 / (r + 1);
    iso.ndata = 7 * r;
    g.rows.push_back(iso);
  }
  return g;
}

std::vector<long> indices(const std::string& path, std::uint64_t sha, JournalScan* scan = nullptr) {
  std::vector<long> out;
  const JournalScan s = read_journal(path, sha, [&](GalaxyResult&& g, int rank) {
    EXPECT_EQ(rank, 3);
    out.push_back(static_cast<long>(g.index));
  });
  if (scan) *scan = s;
  return out;
}

}  // namespace

TEST(Journal, RecordsRoundTrip) {
  const std::string p = testing::TempDir() + "j_rt.bin";
  std::remove(p.c_str());
  {
    JournalWriter w(p, 42);
    w.append({galaxy(5, 3), galaxy(2, 0)}, 3, false);
    w.append({galaxy(9, 1)}, 3, true);
  }
  std::vector<GalaxyResult> got;
  const auto scan = read_journal(p, 42, [&](GalaxyResult&& g, int) { got.push_back(g); });
  EXPECT_EQ(scan.records, 2);
  EXPECT_FALSE(scan.torn_tail);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].index, 5);
  ASSERT_EQ(got[0].rows.size(), 3u);
  EXPECT_EQ(got[0].rows[2].sma, 3.0);
  EXPECT_EQ(got[0].rows[2].ndata, 14);
  EXPECT_EQ(got[1].status, kFitFailed);
  EXPECT_EQ(got[1].message, "no object found");
  EXPECT_EQ(got[2].x_start, 10.5);
  EXPECT_TRUE(indices(p, 43).empty());  // another configuration
}

TEST(Journal, TornAndCorruptTailsAreIgnored) {
  const std::string p = testing::TempDir() + "j_torn.bin";
  std::remove(p.c_str());
  {
    JournalWriter w(p, 7);
    w.append({galaxy(1, 2)}, 3, false);
    w.append({galaxy(2, 2)}, 3, false);
  }
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  // Cut the second record in half: the first survives.
  for (std::size_t cut : {bytes.size() - 1, bytes.size() / 2 + 10}) {
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), cut);
    JournalScan s;
    EXPECT_EQ(indices(p, 7, &s), std::vector<long>{1}) << cut;
    EXPECT_TRUE(s.torn_tail);
  }
  // Flip a payload byte of the second record: its CRC fails.
  std::vector<char> bad = bytes;
  bad[bad.size() - 12] ^= 0x5A;
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bad.data(), bad.size());
  EXPECT_EQ(indices(p, 7), std::vector<long>{1});
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);  // the standard check value
}
