#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "fluxes.hpp"
#include "isophote_fitter.hpp"
#include "isoster/fit.hpp"
#include "isoster/kernels.hpp"

namespace isoster {

namespace {

Isophote central(const ImageView& img, const ForcedGeometry& g, bool iraf) {
  Isophote c = detail::central_isophote(img, g.x0, g.y0, iraf);
  c.niter = 0;
  c.stop = c.ndata ? 0 : 3;
  return c;
}

}  // namespace

std::vector<Isophote> fit_forced(const ImageView& image_in,
                                 const std::vector<ForcedGeometry>& geoms, const FitConfig& cfg,
                                 const ImageView* variance) {
  validate(cfg);
  Image masked;
  const ImageView image = weighted_image(image_in, cfg, variance, masked);
  if (image.empty() || image.nx < 3 || image.ny < 3)
    throw std::invalid_argument("image too small: at least 3x3 pixels are needed");
  const bool iraf = cfg.compat == Compat::Iraf;
  detail::IsophoteFitter fitter(image, cfg);
  fitter.set_variance(variance);
  std::unique_ptr<detail::FluxIntegrator> flux;
  if (cfg.fluxes) flux = std::make_unique<detail::FluxIntegrator>(image);
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
  std::vector<Isophote> rows(geoms.size());
  const int n = static_cast<int>(geoms.size());
  for (int k = 0; k < n;) {
    if (geoms[k].sma == 0) {
      rows[k] = central(image, geoms[k], iraf);
      ++k;
      continue;
    }
    // A run of rows with rings, measured as one batch.
    int m = 0;
    while (k + m < n && m < detail::IsophoteFitter::kMaxForcedBatch && geoms[k + m].sma > 0) ++m;
    fitter.measure_forced_batch(&geoms[k], m, &rows[k]);
    k += m;
  }
  if (flux) {
    for (int k = 0; k < n; ++k) {
      const ForcedGeometry& g = geoms[k];
      if (g.sma == 0) continue;
      Isophote& row = rows[k];
      const double theta = g.pa * kern::kPi / 180.0;
      // IRAF measures from the centre pixel, photutils from the exact centre (spec 4.5).
      const double cx = iraf ? std::floor(g.x0 + 0.5) : g.x0;
      const double cy = iraf ? std::floor(g.y0 + 0.5) : g.y0;
      const detail::Enclosed e = flux->compute(g.sma, cx, cy, g.eps, theta);
      row.tflux_e = e.flux_e;
      row.tflux_c = e.flux_c;
      row.npix_e = e.npix_e;
      row.npix_c = e.npix_c;
    }
  }
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
