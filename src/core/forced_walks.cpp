#include "forced_walks.hpp"

#include <algorithm>

namespace isoster::detail {

void ForcedWalks::build(const ForcedGeometry* g, int count, const FitConfig& cfg) {
  // A call with few rows should not construct a full batch's walks.
  if (pool_.size() < 2 * static_cast<std::size_t>(count)) pool_.resize(2 * count);
  gradient_ = cfg.forced_gradient;
  Walk* w[kMaxBatchWalks];
  WalkKey k[kMaxBatchWalks];
  std::size_t size[kMaxBatchWalks];
  const int rings = gradient_ ? 2 : 1;
  int nw = 0;
  std::size_t total = 0;
  for (int i = 0; i < count; ++i) {
    const double a = g[i].sma, eps = g[i].eps;
    const RingMode mode = forced_ring_mode(cfg, a, eps);
    walked_[i] = walk_based(mode);
    if (!walked_[i]) continue;
    // The walks measure_forced's rings will ask for: the main ring and the first gradient ring
    // (a fresh gradient state: each row is measured on its own).
    const RingMode grad =
        cfg.compat == Compat::Iraf ? first_gradient_mode(a, GradState{}, mode) : mode;
    k[nw] = walk_key(a, eps, mode, cfg.compat, cfg.sampling);
    k[nw + 1] = walk_key(1.1 * a, eps, grad, cfg.compat, cfg.sampling);
    for (int j = nw; j < nw + rings; ++j) {
      w[j] = &pool_[2 * i + j - nw];
      size[j] = max_points(k[j].a) + 1 + kBatchSlack;
      total += size[j];
    }
    nw += rings;
  }
  // One allocation for the batch's walks. Six arrays each: batch walks keep no ellipticity
  // sensitivity (jac).
  constexpr int kArrays = 6;
  if (arena_.size() < kArrays * total) arena_.grow(std::max(kArrays * total, 2 * arena_.size()));
  double* p = arena_.data();
  for (int j = 0; j < nw; ++j) {
    for (auto* v : {&w[j]->rc, &w[j]->rs, &w[j]->c1, &w[j]->s1, &w[j]->c2, &w[j]->s2}) {
      v->attach(p, size[j]);
      p += size[j];
    }
  }
  build_walks_batch(w, k, nw, cfg.step, cfg.linear_step);
}

void measure_forced_batch(IsophoteFitter& fitter, ForcedWalks& walks, const FitConfig& cfg,
                          const ForcedGeometry* g, int count, Isophote* const* out) {
  walks.build(g, count, cfg);
  for (int i = 0; i < count; ++i) {
    fitter.lend_walks(walks.main(i), walks.gradient(i));
    *out[i] = fitter.measure_forced(g[i].sma, g[i].x0, g[i].y0, g[i].eps, g[i].pa);
  }
  // The next batch may move the arena: the fitter may not keep pointing into it.
  fitter.return_walks();
}

}  // namespace isoster::detail
