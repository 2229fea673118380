#include "pipeline/campaign_setup.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/table_reader.hpp"
#include "isoster/version.hpp"
#include "pipeline/journal.hpp"
#include "pipeline/run_util.hpp"
#include "pipeline/work_item.hpp"

namespace isoster::pipeline {

namespace {

long file_size(const std::string& p) {
  struct stat s;
  return ::stat(p.c_str(), &s) == 0 ? static_cast<long>(s.st_size) : 0;
}

// The image part of a CFITSIO file name ("a.fits[1]" -> "a.fits").
std::string file_part(const std::string& image) {
  const auto k = image.find('[');
  return k == std::string::npos ? image : image.substr(0, k);
}

}  // namespace

Shard take_shard(Catalog& cat, long index, long count) {
  Shard s;
  s.catalog_rows = static_cast<long>(cat.rows.size());
  s.first_row = s.catalog_rows * index / count;
  const long end = s.catalog_rows * (index + 1) / count;
  if (count > 1) {
    cat.rows.erase(cat.rows.begin() + end, cat.rows.end());
    cat.rows.erase(cat.rows.begin(), cat.rows.begin() + s.first_row);
  }
  return s;
}

Manifest manifest_of(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha) {
  Manifest m;
  m.version = ISOSTER_VERSION;
  m.config_sha = hex64(sha);
  m.catalog_sha = hex64(cat.checksum);
  m.catalog = opt.catalog;
  m.rows = std::to_string(cat.rows.size());
  m.shard = std::to_string(opt.shard_index) + "/" + std::to_string(opt.shard_count);
  return m;
}

int prepare_journal(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha,
                    const JournalDir& dir) {
  const Manifest want = manifest_of(opt, cat, sha);
  if (exists(dir.manifest())) {
    if (!opt.resume)
      throw std::runtime_error(dir.path() +
                               " holds an unfinished campaign: rerun with --resume, or remove the "
                               "folder");
    const std::string why = resume_mismatch(want, Manifest::read(dir.manifest()), dir.path());
    if (!why.empty()) throw std::runtime_error(why);
    // This run may be interrupted in its turn: until it drains, the folder says "interrupted".
    std::remove(dir.drained().c_str());
    return dir.next_attempt();
  }
  if (!opt.overwrite && exists(opt.output))
    throw std::runtime_error(opt.output + " exists (use --overwrite to replace it)");
  if (::mkdir(dir.path().c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error(dir.path() + ": cannot create the journal folder (" +
                             std::strerror(errno) + ")");
  if (!io::sync_folder_of(dir.path()))
    throw std::runtime_error(dir.path() + ": cannot sync the journal folder's parent (" +
                             std::strerror(errno) + ")");
  // --resume relies on the manifest: durable before any journal is written.
  io::write_file_atomic(dir.manifest(), want.text(), io::Durability::Durable);
  return 0;
}

WorkPlan plan_work(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha,
                   const JournalDir& dir) {
  WorkPlan plan;
  std::set<std::int64_t> done;
  if (opt.resume && !opt.noop)
    for (const auto& f : dir.journals())
      read_journal(f, sha, [&](GalaxyResult&& g, int) { done.insert(work_item(g.index, g.part)); });
  std::vector<std::pair<long, std::int64_t>> order;
  for (long k = 0; k < static_cast<long>(cat.rows.size()); ++k) {
    long parts = 1;
    if (!cat.rows[k].templ.empty() && !opt.noop) {
      try {
        const long n = static_cast<long>(io::read_template(cat.rows[k].templ).geometry.size());
        parts = std::max(1L, (n + opt.forced_part_rows - 1) / opt.forced_part_rows);
      } catch (const io::IoError&) {
        // the worker reports the problem as this galaxy's status
      }
      if (parts >= (1L << kPartBits))
        throw std::runtime_error(cat.rows[k].templ + ": too many template rows for " +
                                 "--forced-part-rows " + std::to_string(opt.forced_part_rows));
    }
    const long cost = -file_size(file_part(cat.rows[k].image));
    for (long p = 0; p < parts; ++p, ++plan.total) {
      const std::int64_t item = work_item(k, static_cast<std::int32_t>(p));
      if (done.count(item))
        ++plan.already;
      else
        order.push_back({cost, item});
    }
  }
  std::stable_sort(order.begin(), order.end());
  for (const auto& o : order) plan.queue.push_back(o.second);
  return plan;
}

}  // namespace isoster::pipeline
