// Internal: enclosed fluxes (spec 4.5) from per-row block prefix sums: each isophote costs O(rows)
// instead of a pixel loop over its whole area, and building the sums costs one vectorisable pass
// over the image (prefix sums over 8-pixel blocks, not over pixels, keep the dependent chain
// short).
#pragma once

#include <cstdint>
#include <vector>

#include "isoster/image.hpp"
#include "isoster/isophote.hpp"
#include "isoster/modes.hpp"

namespace isoster::detail {

struct SpanSums;

struct Enclosed {
  double flux_e = 0, flux_c = 0;
  std::int32_t npix_e = 0, npix_c = 0;
};

class FluxIntegrator {
 public:
  // Its per-row prefix sums are built by `threads` OpenMP threads (the sums do not depend on it).
  explicit FluxIntegrator(const ImageView& img, int threads = 1);
  // Pixels whose centres satisfy x'^2 + (y'/q)^2 <= a^2 (ellipse) and dx^2 + dy^2 <= a^2 (circle)
  // about (cx, cy); bad pixels excluded.
  Enclosed compute(double a, double cx, double cy, double eps, double theta) const;
  // compute() about the isophote's centre as each convention takes it (spec 4.5: IRAF the centre
  // pixel, photutils the exact centre), into the row's TFLUX_E/C and NPIX_E/C.
  void fill(Isophote& row, double a, double x0, double y0, double eps, double theta,
            Compat compat) const;

 private:
  void add_span(long j, long lo, long hi, SpanSums& acc) const;

  static constexpr int kBlock = 8;
  ImageView img_;
  long nb_ = 0;                    // blocks per row (+1 for the prefix)
  std::vector<double> sum_;        // per row: prefix sums over blocks of valid values
  std::vector<std::int32_t> cnt_;  // per row: prefix counts over blocks of valid pixels
};

// Membership predicate shared by the integrator and its tests.
bool inside_ellipse(double dx, double dy, double a, double q, double ct, double st);

}  // namespace isoster::detail
