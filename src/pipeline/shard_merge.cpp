#include "pipeline/shard_merge.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/collective.hpp"
#include "io/results_h5.hpp"
#include "pipeline/journal_dir.hpp"
#include "pipeline/log.hpp"
#include "pipeline/run_util.hpp"

namespace isoster::pipeline {

namespace {

// Rank 0's survey of the inputs: each shard's file in shard order, or the reason there is none.
struct Survey {
  std::string error;                     // inputs that do not belong together
  std::vector<std::string> unfinished;   // one line per missing shard and per absent input
  long missing = 0, shards = 0;          // shards without a results file, of how many
  std::vector<std::string> files;        // by shard index
  std::vector<io::ResultsFile> summary;  // attributes and widths, by shard index
};

std::int64_t attr(const io::ResultsFile& f, const char* key, std::int64_t dflt) {
  const auto it = f.int_attrs.find(key);
  return it == f.int_attrs.end() ? dflt : it->second;
}

std::string text(const io::ResultsFile& f, const char* key) {
  const auto it = f.text_attrs.find(key);
  return it == f.text_attrs.end() ? std::string() : it->second;
}

Survey survey(const MergeOptions& opt) {
  Survey s;
  std::map<long, std::pair<std::string, io::ResultsFile>> found;
  std::vector<std::string> absent;
  long count = -1;
  const io::ResultsFile* ref = nullptr;
  std::string ref_path;
  for (const auto& in : opt.inputs) {
    if (!exists(in)) {
      absent.push_back(in);
      continue;
    }
    io::ResultsFile f;
    try {
      f = io::read_results(in, true);
    } catch (const std::exception& e) {
      s.error = e.what();
      return s;
    }
    const long k = attr(f, "shard_index", 0), n = attr(f, "shard_count", 1);
    if (n < 2) {
      s.error = in + " is not a shard (written without --shard)";
      return s;
    }
    if (ref == nullptr) {
      count = n;
    } else {
      for (const char* key : {"catalog_checksum", "config_checksum"})
        if (text(f, key) != text(*ref, key)) {
          s.error = in + " and " + ref_path + " differ in " + key + ": not shards of one campaign";
          return s;
        }
      if (n != count || attr(f, "catalog_rows", -1) != attr(*ref, "catalog_rows", -1)) {
        s.error = in + " and " + ref_path + " differ in the shard count or catalog rows";
        return s;
      }
    }
    if (found.count(k)) {
      s.error = in + " and " + found[k].first + " are both shard " + std::to_string(k);
      return s;
    }
    found[k] = {in, std::move(f)};
    ref = &found[k].second;
    ref_path = in;
  }
  if (found.empty()) {
    // Every shard unfinished (they all drained at the same time limit, say): which is which is
    // unknown, but each input is named with what its journal says.
    s.shards = s.missing = static_cast<long>(absent.size());
    for (const auto& a : absent) s.unfinished.push_back(a + ": " + unfinished_state(a));
    return s;
  }
  // An absent input is a shard that did not finish; which shard it was is unknown, so name the
  // missing shard indices and the absent files separately.
  s.shards = count;
  for (long k = 0; k < count; ++k)
    if (!found.count(k) && ++s.missing)
      s.unfinished.push_back("shard " + std::to_string(k) + "/" + std::to_string(count) +
                             ": no results file among the inputs");
  if (s.missing > 0) {
    for (const auto& a : absent) s.unfinished.push_back(a + ": " + unfinished_state(a));
    return s;
  }
  // Every shard is there: an absent extra input (a stale name in a list) changes nothing.
  for (const auto& a : absent)
    log::warning(a + " does not exist; all " + std::to_string(count) +
                 " shards are present without it");
  const std::int64_t rows = attr(found.begin()->second.second, "catalog_rows", -1);
  for (auto& [k, pf] : found) {
    if (attr(pf.second, "first_row", -1) != rows * k / count ||
        attr(pf.second, "galaxies", -1) != rows * (k + 1) / count - rows * k / count) {
      s.error = pf.first + ": its rows are not shard " + std::to_string(k) + " of " +
                std::to_string(count) + " of a " + std::to_string(rows) + "-row catalog";
      return s;
    }
    s.files.push_back(pf.first);
    s.summary.push_back(std::move(pf.second));
  }
  return s;
}

}  // namespace

int merge_shards(const MergeOptions& opt, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  Survey s;
  int code = 0;
  if (rank == 0) {
    if (exists(opt.output) && !opt.overwrite)
      s.error = opt.output + " exists (use --overwrite to replace it)";
    else
      s = survey(opt);
    if (!s.error.empty()) {
      log::error(s.error);
      code = 1;
    } else if (!s.unfinished.empty()) {
      for (const auto& u : s.unfinished) log::note("unfinished: " + u);
      log::note(std::to_string(s.missing) + " of " + std::to_string(s.shards) +
                " shards unfinished; nothing written. Complete them, then merge again.");
      code = 3;
    }
  }
  MPI_Bcast(&code, 1, MPI_INT, 0, comm);
  if (code != 0) return code;

  // Shard k's galaxy and isophote counts and the widths, known to every rank.
  long nshards = static_cast<long>(s.files.size());
  MPI_Bcast(&nshards, 1, MPI_LONG, 0, comm);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(2 * nshards + 3));
  if (rank == 0) {
    int idw = 1, imw = 1, msw = 1;
    for (long k = 0; k < nshards; ++k) {
      counts[2 * k] = attr(s.summary[k], "galaxies", 0);
      counts[2 * k + 1] = attr(s.summary[k], "isophotes", 0);
      idw = std::max(idw, s.summary[k].id_width);
      imw = std::max(imw, s.summary[k].image_width);
      msw = std::max(msw, s.summary[k].message_width);
    }
    counts[2 * nshards] = idw;
    counts[2 * nshards + 1] = imw;
    counts[2 * nshards + 2] = msw;
  }
  MPI_Bcast(counts.data(), static_cast<int>(counts.size()), MPI_INT64_T, 0, comm);
  std::vector<std::string> files(static_cast<std::size_t>(nshards));
  for (long k = 0; k < nshards; ++k) files[k] = io::bcast_string(rank == 0 ? s.files[k] : "", comm);

  // This rank's contiguous shards [k0, k1), their rows appended to one block.
  const long k0 = nshards * rank / size, k1 = nshards * (rank + 1) / size;
  std::int64_t g_first = 0, i_first = 0, g_total = 0, i_total = 0;
  for (long k = 0; k < nshards; ++k) {
    if (k < k0) {
      g_first += counts[2 * k];
      i_first += counts[2 * k + 1];
    }
    g_total += counts[2 * k];
    i_total += counts[2 * k + 1];
  }
  io::ResultsBlock b;
  b.first = g_first;
  int ranks_max = 0, threads_max = 0;
  std::string start = "9999";
  try {
    io::on_every_rank(comm, [&] {
      std::int64_t g = g_first, i = i_first;
      for (long k = k0; k < k1; ++k) {
        io::ResultsFile f = io::read_results(files[k]);
        io::ResultsBlock& p = f.block;
        if (static_cast<std::int64_t>(p.status.size()) != counts[2 * k] ||
            static_cast<std::int64_t>(p.rows.size()) != counts[2 * k + 1])
          throw std::runtime_error(files[k] + " changed while merging");
        ranks_max = std::max<int>(ranks_max, static_cast<int>(attr(f, "ranks", 0)));
        threads_max = std::max<int>(threads_max, static_cast<int>(attr(f, "threads", 0)));
        // A shard's offsets and galaxy numbers count from its own first row: shift them.
        for (auto& o : p.offset)
          if (o >= 0) o += i;
        for (auto& r : p.galaxy) r += g;
        auto append = [](auto& to, auto& from) { to.insert(to.end(), from.begin(), from.end()); };
        append(b.id, p.id);
        append(b.message, p.message);
        append(b.image, p.image);
        append(b.status, p.status);
        append(b.count, p.count);
        append(b.rank, p.rank);
        append(b.offset, p.offset);
        append(b.x, p.x);
        append(b.y, p.y);
        append(b.x_start, p.x_start);
        append(b.y_start, p.y_start);
        append(b.read_time, p.read_time);
        append(b.fit_time, p.fit_time);
        append(b.galaxy, p.galaxy);
        append(b.rows, p.rows);
        g += counts[2 * k];
        i += counts[2 * k + 1];
      }
    });
    MPI_Allreduce(MPI_IN_PLACE, &ranks_max, 1, MPI_INT, MPI_MAX, comm);
    MPI_Allreduce(MPI_IN_PLACE, &threads_max, 1, MPI_INT, MPI_MAX, comm);

    io::ResultsLayout L;
    L.galaxies = g_total;
    L.isophotes = i_total;
    L.iso_first = i_first;
    L.id_width = static_cast<int>(counts[2 * nshards]);
    L.image_width = static_cast<int>(counts[2 * nshards + 1]);
    L.message_width = static_cast<int>(counts[2 * nshards + 2]);
    if (rank == 0) {
      const io::ResultsFile& f0 = s.summary.front();
      for (const char* key : {"isoster_version", "git_revision", "configuration", "config_checksum",
                              "catalog", "catalog_checksum", "status_codes"})
        L.text_attrs.push_back({key, text(f0, key)});
    }
    // Rank 0 alone creates the schema, so only its attributes matter: the earliest start of all.
    if (rank == 0)
      for (const auto& f : s.summary) start = std::min(start, text(f, "start_utc"));
    L.text_attrs.push_back({"command_line", opt.command_line});
    L.text_attrs.push_back({"start_utc", start});
    L.text_attrs.push_back({"end_utc", utc_now()});
    L.int_attrs = {{"schema_version", 1},     {"ranks", ranks_max},   {"threads", threads_max},
                   {"galaxies", g_total},     {"isophotes", i_total}, {"shard_index", 0},
                   {"shard_count", 1},        {"first_row", 0},       {"catalog_rows", g_total},
                   {"merged_shards", nshards}};
    const std::string tmp = opt.output + ".tmp";
    try {
      io::write_results(tmp, comm, b, L);
    } catch (const io::CollectiveError&) {
      throw;
    } catch (const std::exception& e) {
      log::rank_error(e.what());  // one rank alone: its partners wait in a collective
      MPI_Abort(comm, 1);
    }
    // The shards stay, but the merged file is the campaign's product: durable once in place.
    io::on_every_rank(comm, [&] {
      if (rank == 0) io::commit_file(tmp, opt.output, io::Durability::Durable);
    });
    if (!opt.quiet)
      log::note(std::to_string(nshards) + " shards, " + std::to_string(g_total) + " galaxies, " +
                std::to_string(i_total) + " isophotes -> " + opt.output);
  } catch (const io::CollectiveError& e) {
    log::error(e.what());
    return 1;
  }
  return 0;
}

}  // namespace isoster::pipeline
