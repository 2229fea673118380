#include "fluxes.hpp"

#include <algorithm>
#include <cmath>

namespace isoster::detail {

bool inside_ellipse(double dx, double dy, double a, double q, double ct, double st) {
  const double xp = dx * ct + dy * st, yp = (-dx * st + dy * ct) / q;
  return xp * xp + yp * yp <= a * a;
}

FluxIntegrator::FluxIntegrator(const ImageView& img) : img_(img) {
  const std::size_t w = static_cast<std::size_t>(img.nx) + 1;
  sum_.resize(w * img.ny);
  cnt_.resize(w * img.ny);
  // Per-pixel prefix sums along rows; four rows at a time, since each row is a chain of
  // dependent additions and four independent chains overlap.
  int j = 0;
  for (; j + 4 <= img.ny; j += 4) {
    const float* r[4] = {img.row(j), img.row(j + 1), img.row(j + 2), img.row(j + 3)};
    double* s[4];
    std::int32_t* c[4];
    for (int l = 0; l < 4; ++l) {
      s[l] = &sum_[(j + l) * w];
      c[l] = &cnt_[(j + l) * w];
      s[l][0] = 0;
      c[l][0] = 0;
    }
    for (int i = 0; i < img.nx; ++i)
      for (int l = 0; l < 4; ++l) {
        const float v = r[l][i];
        const bool ok = std::isfinite(v);
        s[l][i + 1] = s[l][i] + (ok ? v : 0.0);
        c[l][i + 1] = c[l][i] + ok;
      }
  }
  for (; j < img.ny; ++j) {
    const float* r = img.row(j);
    double* s = &sum_[j * w];
    std::int32_t* c = &cnt_[j * w];
    s[0] = 0;
    c[0] = 0;
    for (int i = 0; i < img.nx; ++i) {
      const bool ok = std::isfinite(r[i]);
      s[i + 1] = s[i] + (ok ? r[i] : 0.0);
      c[i + 1] = c[i] + ok;
    }
  }
}

void FluxIntegrator::add_span(long j, long lo, long hi, double& f, std::int32_t& n) const {
  lo = std::max(lo, 0L);
  hi = std::min(hi, static_cast<long>(img_.nx) - 1);
  if (hi < lo) return;
  const std::size_t base = static_cast<std::size_t>(j) * (img_.nx + 1);
  f += sum_[base + hi + 1] - sum_[base + lo];
  n += cnt_[base + hi + 1] - cnt_[base + lo];
}

namespace {

// [lo, hi] = the integers in [xl, xr], made to agree exactly with `pred` (the membership rule).
// The roots are accurate to ~1e-12 px unless the row grazes the curve (`grazing`: the square root
// in the root formula is small and amplifies rounding), so the predicate only needs evaluating
// there or when an end lies within 1e-7 px of an integer.
template <class Pred>
void span(double xl, double xr, bool grazing, long& lo, long& hi, Pred pred) {
  lo = static_cast<long>(std::ceil(xl));
  hi = static_cast<long>(std::floor(xr));
  const double tol = 1e-7;
  if (!grazing && lo - xl > tol && xr - hi > tol && lo - xl < 1 - tol && xr - hi < 1 - tol) return;
  while (pred(lo - 1)) --lo;
  while (lo <= hi && !pred(lo)) ++lo;
  while (pred(hi + 1)) ++hi;
  while (hi >= lo && !pred(hi)) --hi;
}

}  // namespace

Enclosed FluxIntegrator::compute(double a, double cx, double cy, double eps, double theta) const {
  Enclosed out;
  const double q = 1.0 - eps, ct = std::cos(theta), st = std::sin(theta);
  const double iq2 = 1.0 / (q * q);
  // Ellipse membership as a quadratic in dx at fixed dy: A dx^2 + B dx + C <= 0.
  const double A = ct * ct + st * st * iq2;
  const double ext = std::max(a, a * std::sqrt(st * st + q * q * ct * ct)) + 1;
  const long j0 = std::max(0L, static_cast<long>(std::floor(cy - ext)));
  const long j1 = std::min(static_cast<long>(img_.ny) - 1, static_cast<long>(std::ceil(cy + ext)));
  for (long j = j0; j <= j1; ++j) {
    const double dy = j - cy;
    const double rc = a * a - dy * dy;
    long lo, hi;
    if (rc >= 0) {
      const double h = std::sqrt(rc);
      span(cx - h, cx + h, h < 1e-4 * (a + 1), lo, hi,
           [&](long i) { return (i - cx) * (i - cx) + dy * dy <= a * a; });
      add_span(j, lo, hi, out.flux_c, out.npix_c);
    }
    const double B = 2 * dy * (ct * st - st * ct * iq2);
    const double C = dy * dy * (st * st + ct * ct * iq2) - a * a;
    const double D = B * B - 4 * A * C;
    if (D >= 0) {
      const double sq = std::sqrt(D);
      span(cx + (-B - sq) / (2 * A), cx + (-B + sq) / (2 * A), sq < 1e-4 * (std::fabs(B) + a + 1),
           lo, hi, [&](long i) { return inside_ellipse(i - cx, dy, a, q, ct, st); });
      add_span(j, lo, hi, out.flux_e, out.npix_e);
    }
  }
  return out;
}

}  // namespace isoster::detail
