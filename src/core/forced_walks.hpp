// Internal: the walks of a batch of forced rows (spec 7.1), built together in SIMD lanes
// (build_walks_batch) and lent to an IsophoteFitter one row at a time. A row measured on its
// lent walks is bitwise the row measure_forced builds its own walks for.
#pragma once

#include <vector>

#include "buffer.hpp"
#include "isophote_fitter.hpp"
#include "isoster/config.hpp"
#include "isoster/fit.hpp"
#include "ring.hpp"

namespace isoster::detail {

class ForcedWalks {
 public:
  // Rows per batch: a main and a first gradient ring each.
  static constexpr int kMaxRows = kMaxBatchWalks / 2;

  // Builds the walks rows g[0..count) (each sma > 0, count <= kMaxRows) will sample: the main
  // ring and, when cfg measures the gradient, the first gradient ring, of every row whose ring
  // mode follows a walk. Invalidates the walks of the previous batch.
  void build(const ForcedGeometry* g, int count, const FitConfig& cfg);
  // The walks of row i (null where the row has none).
  Walk* main(int i) { return walked_[i] ? &pool_[2 * i] : nullptr; }
  Walk* gradient(int i) { return walked_[i] && gradient_ ? &pool_[2 * i + 1] : nullptr; }

 private:
  std::vector<Walk> pool_;  // two slots per row, made on first need
  Buffer arena_;            // the storage of their points, kept from batch to batch
  bool walked_[kMaxRows] = {};
  bool gradient_ = true;
};

// measure_forced of each row g[0..count) (each sma > 0, count <= ForcedWalks::kMaxRows) into
// *out[i], on walks built together beforehand.
void measure_forced_batch(IsophoteFitter& fitter, ForcedWalks& walks, const FitConfig& cfg,
                          const ForcedGeometry* g, int count, Isophote* const* out);

}  // namespace isoster::detail
