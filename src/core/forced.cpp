#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "fluxes.hpp"
#include "forced_walks.hpp"
#include "isophote_fitter.hpp"
#include "isoster/fit.hpp"
#include "isoster/kernels.hpp"
#include "teams.hpp"

namespace isoster {

namespace {

Isophote central(const ImageView& img, const ForcedGeometry& g, Compat compat) {
  Isophote c = detail::central_isophote(img, g.x0, g.y0, compat);
  c.niter = 0;
  c.stop = stop_value(c.ndata ? StopCode::Converged : StopCode::NoFit);
  return c;
}

// Splits the rows into `teams` parts of about equal work: longest first, each to the part with
// the least so far. A row's work grows with its SMA (its rings' samples, its flux's pixel rows).
// Each part lists its rows in table order.
std::vector<std::vector<int>> partition_rows(const std::vector<ForcedGeometry>& geoms, int teams) {
  const int n = static_cast<int>(geoms.size());
  std::vector<std::vector<int>> parts(static_cast<std::size_t>(teams));
  if (teams == 1) {
    parts[0].resize(geoms.size());
    for (int k = 0; k < n; ++k) parts[0][k] = k;
    return parts;
  }
  auto work = [&](int k) { return 16.0 + geoms[k].sma; };
  std::vector<int> order(geoms.size());
  for (int k = 0; k < n; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return work(x) > work(y); });
  std::vector<double> load(parts.size(), 0.0);
  for (int k : order) {
    const auto t = std::min_element(load.begin(), load.end()) - load.begin();
    parts[t].push_back(k);
    load[t] += work(k);
  }
  for (auto& p : parts) std::sort(p.begin(), p.end());
  return parts;
}

// Measures the rows `part` of `geoms` into `rows` with a fitter of its own.
void measure_part(const ImageView& image, const std::vector<ForcedGeometry>& geoms,
                  const std::vector<int>& part, const FitConfig& cfg, const ImageView* variance,
                  const detail::FluxIntegrator* flux, std::vector<Isophote>& rows) {
  if (part.empty()) return;
  detail::IsophoteFitter fitter(image, cfg);
  fitter.set_variance(variance);
  double amax = 0;
  for (int k : part) amax = std::max(amax, geoms[k].sma);
  fitter.reserve(amax);
  constexpr int kBatch = detail::ForcedWalks::kMaxRows;
  detail::ForcedWalks walks;
  ForcedGeometry batch[kBatch];
  Isophote* out[kBatch];
  const int n = static_cast<int>(part.size());
  for (int p = 0; p < n;) {
    const int k = part[p];
    if (geoms[k].sma == 0) {
      rows[k] = central(image, geoms[k], cfg.compat);
      ++p;
      continue;
    }
    // A run of rows with rings, measured as one batch.
    int m = 0;
    for (; p + m < n && m < kBatch && geoms[part[p + m]].sma > 0; ++m) {
      batch[m] = geoms[part[p + m]];
      out[m] = &rows[part[p + m]];
    }
    detail::measure_forced_batch(fitter, walks, cfg, batch, m, out);
    p += m;
  }
  if (!flux) return;
  for (int k : part) {
    const ForcedGeometry& g = geoms[k];
    if (g.sma > 0)
      flux->fill(rows[k], g.sma, g.x0, g.y0, g.eps, g.pa * kern::kPi / 180.0, cfg.compat);
  }
}

}  // namespace

std::vector<Isophote> fit_forced(const ImageView& image_in,
                                 const std::vector<ForcedGeometry>& geoms, const FitConfig& cfg,
                                 const ImageView* variance, int threads) {
  validate(cfg);
  detail::check_threads(threads);
  Image masked;
  const ImageView image = weighted_image(image_in, cfg, variance, masked);
  if (image.empty() || image.nx < 3 || image.ny < 3)
    throw std::invalid_argument("image too small: at least 3x3 pixels are needed");
  for (std::size_t k = 0; k < geoms.size(); ++k) {
    const ForcedGeometry& g = geoms[k];
    if (!(std::isfinite(g.sma) && g.sma >= 0 && std::isfinite(g.x0) && std::isfinite(g.y0) &&
          g.eps >= 0 && g.eps < 1 && std::isfinite(g.pa) && g.sma < 1e7)) {
      std::ostringstream m;
      m << "forced geometry " << k << " is invalid (sma " << g.sma << ", x0 " << g.x0 << ", y0 "
        << g.y0 << ", eps " << g.eps << ", pa " << g.pa << ")";
      throw std::invalid_argument(m.str());
    }
  }
  const int n = static_cast<int>(geoms.size());
  const int teams = detail::team_size(threads, n);
  const std::vector<std::vector<int>> parts = partition_rows(geoms, teams);
  std::unique_ptr<detail::FluxIntegrator> flux;
  if (cfg.fluxes) flux = std::make_unique<detail::FluxIntegrator>(image, teams);
  std::vector<Isophote> rows(geoms.size());
  std::vector<std::exception_ptr> failure(parts.size());
  // A part per thread; should the runtime give fewer threads (nested inside another parallel
  // region, say), each takes several parts. Rows are independent, so the partition does not
  // change them.
#pragma omp parallel num_threads(teams) if (teams > 1)
  for (int t = omp_get_thread_num(); t < teams; t += omp_get_num_threads()) {
    try {
      measure_part(image, geoms, parts[t], cfg, variance, flux.get(), rows);
    } catch (...) {
      failure[t] = std::current_exception();
    }
  }
  for (const auto& f : failure)
    if (f) std::rethrow_exception(f);
  return rows;
}

GrowthSummary growth_summary(const std::vector<Isophote>& rows) {
  GrowthSummary g;
  // Rows in ascending SMA, those with a finite enclosed flux.
  std::vector<const Isophote*> r;
  for (const auto& row : rows)
    if (row.sma > 0 && std::isfinite(row.tflux_e)) r.push_back(&row);
  std::sort(r.begin(), r.end(),
            [](const Isophote* a, const Isophote* b) { return a->sma < b->sma; });
  if (r.empty()) return g;
  g.total_flux = r.back()->tflux_e;
  if (!(g.total_flux > 0)) return g;
  const double half = 0.5 * g.total_flux;
  if (r.front()->tflux_e >= half) {
    g.half_light_sma = r.front()->sma * half / r.front()->tflux_e;  // inside the first row
    return g;
  }
  for (std::size_t k = 1; k < r.size(); ++k)
    if (r[k]->tflux_e >= half) {
      const double f0 = r[k - 1]->tflux_e, f1 = r[k]->tflux_e;
      g.half_light_sma = r[k - 1]->sma + (half - f0) / (f1 - f0) * (r[k]->sma - r[k - 1]->sma);
      break;
    }
  return g;
}

}  // namespace isoster
