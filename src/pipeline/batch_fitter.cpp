#include "pipeline/batch_fitter.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "io/fits_image.hpp"
#include "pipeline/galaxy.hpp"
#include "pipeline/work_item.hpp"

namespace isoster::pipeline {

using Clock = std::chrono::steady_clock;

BatchFitter::BatchFitter(const Catalog& cat, const FitConfig& cfg, int rank, int threads, bool noop,
                         long part_rows, const std::string& journal, std::uint64_t config_sha)
    : cat_(cat), cfg_(cfg), rank_(rank), threads_(threads), noop_(noop), part_rows_(part_rows) {
  if (!noop_) journal_ = std::make_unique<JournalWriter>(journal, config_sha);
}

long BatchFitter::run(const std::vector<std::int64_t>& items) {
  std::vector<GalaxyResult> res(items.size());
  std::vector<std::int64_t> rows(items.size());
  for (std::size_t k = 0; k < items.size(); ++k) rows[k] = item_index(items[k]);
  if (!noop_) {
    std::vector<Box> boxes = tile_boxes(rows);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
    for (long k = 0; k < static_cast<long>(items.size()); ++k) {
      const CatalogRow& row = cat_.rows[rows[k]];
      const Box& b = boxes[k];
      if (!row.templ.empty())
        res[k] = fit_galaxy_forced(row, rows[k], cfg_, item_part(items[k]), part_rows_);
      else if (b.ok)
        res[k] = fit_galaxy_box(row, rows[k], cfg_, b.pixels, b.ox, b.oy, b.nx, b.ny);
      else
        res[k] = fit_galaxy(row, rows[k], cfg_);
      if (b.ok && row.templ.empty()) res[k].read_seconds = b.read_seconds;
    }
  }
  long failed = 0;
  for (std::size_t k = 0; k < items.size(); ++k) {
    res[k].index = rows[k];
    res[k].part = item_part(items[k]);
    failed += res[k].status != kOk;
  }
  if (journal_) {
    // Every record is written at once (it survives SIGKILL); fdatasync at most every 2 s.
    const bool sync = Clock::now() - last_sync_ > std::chrono::seconds(2);
    journal_->append(res, rank_, sync);
    if (sync) last_sync_ = Clock::now();
  }
  return failed;
}

void BatchFitter::flush() {
  if (journal_) journal_->sync();
}

// Tile mode. A row whose image plane other catalog rows also read (a tile), and which can be
// boxed, is fitted on its own box (galaxy_box) rather than on the whole image. The galaxies of a
// batch on the same tile are read together: the union of their boxes once, with
// fits_read_subset, each box cut from it. What a fit sees depends on its catalog row alone, never
// on the batches: results do not depend on the number of ranks.
std::vector<BatchFitter::Box> BatchFitter::tile_boxes(const std::vector<std::int64_t>& idx) const {
  std::vector<Box> boxes(idx.size());
  std::map<std::pair<std::string, int>, std::vector<std::size_t>> groups;
  std::vector<std::array<long, 4>> want(idx.size());
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const CatalogRow& row = cat_.rows[idx[k]];
    auto& w = want[k];
    if (row.shared && galaxy_box(row, cfg_, w[0], w[1], w[2], w[3]))
      groups[{row.image, row.plane}].push_back(k);
  }
  for (const auto& [key, members] : groups) {
    std::array<long, 4> u = want[members[0]];
    for (std::size_t m : members) {
      u[0] = std::min(u[0], want[m][0]);
      u[1] = std::min(u[1], want[m][1]);
      u[2] = std::max(u[2], want[m][2]);
      u[3] = std::max(u[3], want[m][3]);
    }
    const auto t0 = Clock::now();
    io::PlaneRequest req;
    req.plane = key.second;
    req.x0 = u[0];
    req.y0 = u[1];
    req.x1 = u[2];
    req.y1 = u[3];
    io::ImageInfo info;
    Image region;
    try {
      region = io::read_image(key.first, req, &info);
    } catch (const std::exception&) {
      continue;  // each galaxy reads (and reports) on its own
    }
    const double per = std::chrono::duration<double>(Clock::now() - t0).count() / members.size();
    for (std::size_t m : members) {
      const long x0 = std::max(want[m][0], 0L), y0 = std::max(want[m][1], 0L);
      const long x1 = std::min(want[m][2], info.nx - 1), y1 = std::min(want[m][3], info.ny - 1);
      if (x1 < x0 || y1 < y0) continue;  // off the image: the cutout path reports it
      Box& b = boxes[m];
      b.pixels = Image(static_cast<int>(x1 - x0 + 1), static_cast<int>(y1 - y0 + 1));
      for (long j = y0; j <= y1; ++j)
        std::copy_n(region.data() + (j - info.region_y0) * region.nx() + (x0 - info.region_x0),
                    x1 - x0 + 1, b.pixels.data() + (j - y0) * b.pixels.nx());
      b.ok = true;
      b.ox = x0;
      b.oy = y0;
      b.nx = info.nx;
      b.ny = info.ny;
      b.read_seconds = per;
    }
  }
  return boxes;
}

}  // namespace isoster::pipeline
