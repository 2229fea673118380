// Internal: enclosed fluxes (spec 4.5) from per-row prefix sums, so each isophote costs O(rows)
// instead of a pixel loop over its whole area.
#pragma once

#include <cstdint>
#include <vector>

#include "isoster/image.hpp"

namespace isoster::detail {

struct Enclosed {
  double flux_e = 0, flux_c = 0;
  std::int32_t npix_e = 0, npix_c = 0;
};

class FluxIntegrator {
 public:
  explicit FluxIntegrator(const ImageView& img);
  // Pixels whose centres satisfy x'^2 + (y'/q)^2 <= a^2 (ellipse) and dx^2 + dy^2 <= a^2 (circle)
  // about (cx, cy); bad pixels excluded.
  Enclosed compute(double a, double cx, double cy, double eps, double theta) const;

 private:
  ImageView img_;
  std::vector<double> sum_;         // per row: prefix sums of valid values, nx + 1 entries
  std::vector<std::int32_t> cnt_;  // per row: prefix counts of valid pixels
};

// Membership predicate shared by the integrator and its tests.
bool inside_ellipse(double dx, double dy, double a, double q, double ct, double st);

}  // namespace isoster::detail
