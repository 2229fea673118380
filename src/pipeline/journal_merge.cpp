#include "pipeline/journal_merge.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "io/collective.hpp"
#include "io/results_h5.hpp"
#include "isoster/version.hpp"
#include "pipeline/journal.hpp"
#include "pipeline/run_util.hpp"

namespace isoster::pipeline {

void merge_journals(const CampaignOptions& opt, const Catalog& cat, const Shard& shard,
                    std::uint64_t sha, const JournalDir& dir, const std::string& tmp, MPI_Comm comm,
                    int threads, const std::string& start_utc) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const long n = static_cast<long>(cat.rows.size());
  const long lo = n * rank / size, hi = n * (rank + 1) / size;
  std::vector<GalaxyResult> mine(static_cast<std::size_t>(hi - lo));
  std::vector<std::int32_t> ranks(static_cast<std::size_t>(hi - lo), -1);
  struct Piece {
    long from = -1;  // journal file that supplied it
    int rank = -1;
    GalaxyResult g;
  };
  std::vector<std::map<std::int32_t, Piece>> pieces(static_cast<std::size_t>(hi - lo));
  // Each rank reads every size-th journal and sends each galaxy to the rank whose block holds it
  // (one all-to-all): every journal byte is read once, whatever the number of ranks.
  auto owner = [&](long idx) {
    long r = idx * size / n;
    while (r + 1 < size && n * (r + 1) / size <= idx) ++r;
    while (r > 0 && n * r / size > idx) --r;
    return static_cast<int>(r);
  };
  const auto files = dir.journals();
  std::vector<std::vector<char>> to(static_cast<std::size_t>(size));
  for (std::size_t fi = static_cast<std::size_t>(rank); fi < files.size(); fi += size)
    read_journal(files[fi], sha, [&](GalaxyResult&& g, int r) {
      if (g.index < 0 || g.index >= n) return;
      std::vector<char>& buf = to[static_cast<std::size_t>(owner(static_cast<long>(g.index)))];
      const std::int64_t f = static_cast<std::int64_t>(fi);
      buf.insert(buf.end(), reinterpret_cast<const char*>(&f),
                 reinterpret_cast<const char*>(&f) + sizeof f);
      encode_galaxy(g, r, buf);
    });
  std::vector<int> sendc(static_cast<std::size_t>(size)), recvc(static_cast<std::size_t>(size));
  std::vector<int> sdisp(static_cast<std::size_t>(size)), rdisp(static_cast<std::size_t>(size));
  std::vector<char> send;
  const std::string kTooBig = "merge: more than 2 GiB of results for one rank; use more ranks";
  bool too_big = false;
  for (int r = 0; r < size; ++r) {
    if (to[r].size() > static_cast<std::size_t>(INT32_MAX) - send.size()) {
      too_big = true;
      break;
    }
    sdisp[r] = static_cast<int>(send.size());
    sendc[r] = static_cast<int>(to[r].size());
    send.insert(send.end(), to[r].begin(), to[r].end());
    std::vector<char>().swap(to[r]);
  }
  io::on_every_rank(comm, [&] {
    if (too_big) throw std::runtime_error(kTooBig);
  });
  MPI_Alltoall(sendc.data(), 1, MPI_INT, recvc.data(), 1, MPI_INT, comm);
  long rtotal = 0;
  for (int r = 0; r < size; ++r) {
    if (rtotal > INT32_MAX - recvc[r]) too_big = true;
    rdisp[r] = static_cast<int>(std::min<long>(rtotal, INT32_MAX));
    rtotal += recvc[r];
  }
  io::on_every_rank(comm, [&] {
    if (too_big) throw std::runtime_error(kTooBig);
  });
  std::vector<char> recv(static_cast<std::size_t>(rtotal));
  MPI_Alltoallv(send.data(), sendc.data(), sdisp.data(), MPI_CHAR, recv.data(), recvc.data(),
                rdisp.data(), MPI_CHAR, comm);
  std::vector<char>().swap(send);
  const char* p = recv.data();
  const char* const end = recv.data() + recv.size();
  while (p < end) {
    std::int64_t f = 0;
    std::memcpy(&f, p, sizeof f);
    p += sizeof f;
    GalaxyResult g;
    int r = 0;
    if (!decode_galaxy(p, end, g, r)) break;  // cannot happen; its galaxies count as missing
    const std::size_t k = static_cast<std::size_t>(g.index - lo);
    // A unit done twice (redone after a crash): the earliest journal's record, as in a serial
    // read, whichever rank read it.
    Piece& piece = pieces[k][g.part];
    if (piece.from >= 0 && piece.from <= f) continue;
    piece.from = f;
    piece.rank = r;
    piece.g = std::move(g);
  }
  std::vector<char>().swap(recv);
  // Stitch each galaxy's pieces in order: forced ranges of template rows, or the one piece.
  std::vector<int> have(static_cast<std::size_t>(hi - lo), 0);
  for (std::size_t k = 0; k < have.size(); ++k) {
    auto& ps = pieces[k];
    // A failed piece settles the galaxy: pieces that failed before reading the template do not
    // know how many ranges the master made of it.
    bool any_failed = false;
    for (const auto& kv : ps) any_failed |= kv.second.g.status != kOk;
    if (ps.empty() || (!any_failed && static_cast<long>(ps.size()) != ps.begin()->second.g.parts))
      continue;
    have[k] = 1;
    GalaxyResult& out = mine[k];
    out = std::move(ps.begin()->second.g);
    ranks[k] = ps.begin()->second.rank;
    for (auto it = std::next(ps.begin()); it != ps.end(); ++it) {
      GalaxyResult& g = it->second.g;
      out.read_seconds += g.read_seconds;
      out.fit_seconds += g.fit_seconds;
      if (out.status == kOk && g.status != kOk) {
        out.status = g.status;
        out.message = g.message;
      }
      out.rows.insert(out.rows.end(), g.rows.begin(), g.rows.end());
    }
    if (out.status != kOk) out.rows.clear();
    ps.clear();
  }
  long missing = 0;
  for (int h : have) missing += !h;
  long total_missing = 0;
  MPI_Allreduce(&missing, &total_missing, 1, MPI_LONG, MPI_SUM, comm);
  if (total_missing > 0)
    throw io::CollectiveError(std::to_string(total_missing) +
                              " galaxies missing from the journals of " + dir.path());

  io::ResultsBlock b;
  b.first = lo;
  long iso = 0, msg_w = 1;
  for (const auto& g : mine) {
    iso += static_cast<long>(g.rows.size());
    msg_w = std::max<long>(msg_w, static_cast<long>(g.message.size()));
  }
  long iso_first = 0, iso_total = 0, msg_width = 1;
  MPI_Exscan(&iso, &iso_first, 1, MPI_LONG, MPI_SUM, comm);
  if (rank == 0) iso_first = 0;  // MPI_Exscan leaves rank 0's value undefined
  MPI_Allreduce(&iso, &iso_total, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Allreduce(&msg_w, &msg_width, 1, MPI_LONG, MPI_MAX, comm);
  long offset = iso_first;
  for (long k = lo; k < hi; ++k) {
    GalaxyResult& g = mine[k - lo];
    const CatalogRow& row = cat.rows[k];
    b.id.push_back(row.id);
    b.image.push_back(row.image);
    b.message.push_back(g.message);
    b.status.push_back(g.status);
    b.count.push_back(static_cast<std::int32_t>(g.rows.size()));
    b.offset.push_back(g.rows.empty() ? -1 : offset);
    b.rank.push_back(ranks[k - lo]);
    b.x.push_back(row.x);
    b.y.push_back(row.y);
    b.x_start.push_back(g.x_start);
    b.y_start.push_back(g.y_start);
    b.read_time.push_back(g.read_seconds);
    b.fit_time.push_back(g.fit_seconds);
    for (const auto& r : g.rows) {
      b.rows.push_back(r);
      b.galaxy.push_back(k);
    }
    offset += static_cast<long>(g.rows.size());
  }
  io::ResultsLayout L;
  L.galaxies = n;
  L.isophotes = iso_total;
  L.iso_first = iso_first;
  L.id_width = cat.id_width;
  L.image_width = cat.image_width;
  L.message_width = static_cast<int>(std::min<long>(msg_width, 4096));
  L.text_attrs = {{"isoster_version", ISOSTER_VERSION},
                  {"git_revision", ISOSTER_GIT_REVISION},
                  {"configuration", to_text(opt.cfg)},
                  {"config_checksum", hex64(sha)},
                  {"command_line", opt.command_line},
                  {"catalog", opt.catalog},
                  {"catalog_checksum", hex64(cat.checksum)},
                  {"start_utc", start_utc},
                  {"end_utc", utc_now()},
                  {"status_codes",
                   "0 ok, 1 input error, 2 bad value, 3 off image, 4 no data, 5 fit failed, "
                   "6 exception, 7 duplicate id"}};
  L.int_attrs = {{"schema_version", 1},
                 {"ranks", size},
                 {"threads", threads},
                 {"galaxies", n},
                 {"isophotes", iso_total},
                 {"shard_index", opt.shard_index},
                 {"shard_count", opt.shard_count},
                 {"first_row", shard.first_row},
                 {"catalog_rows", shard.catalog_rows}};
  io::write_results(tmp, comm, b, L);
}

}  // namespace isoster::pipeline
