#include "fluxes.hpp"

#include <algorithm>
#include <cmath>

namespace isoster::detail {

bool inside_ellipse(double dx, double dy, double a, double q, double ct, double st) {
  const double xp = dx * ct + dy * st, yp = (-dx * st + dy * ct) / q;
  return xp * xp + yp * yp <= a * a;
}

FluxIntegrator::FluxIntegrator(const ImageView& img) : img_(img) {
  const long full = img.nx / kBlock;
  nb_ = full + 1;
  sum_.resize(static_cast<std::size_t>(nb_) * img.ny);
  cnt_.resize(static_cast<std::size_t>(nb_) * img.ny);
  for (int j = 0; j < img.ny; ++j) {
    const float* row = img.row(j);
    double* s = &sum_[static_cast<std::size_t>(j) * nb_];
    std::int32_t* c = &cnt_[static_cast<std::size_t>(j) * nb_];
    s[0] = 0;
    c[0] = 0;
    for (long b = 0; b < full; ++b) {
      double bs = 0;
      std::int32_t bc = 0;
      for (int k = 0; k < kBlock; ++k) {
        const float v = row[b * kBlock + k];
        const bool ok = std::isfinite(v);
        bs += ok ? v : 0.0;
        bc += ok;
      }
      s[b + 1] = s[b] + bs;
      c[b + 1] = c[b] + bc;
    }
  }
}

void FluxIntegrator::add_span(long j, long lo, long hi, double& f, std::int32_t& n) const {
  lo = std::max(lo, 0L);
  hi = std::min(hi, static_cast<long>(img_.nx) - 1);
  if (hi < lo) return;
  const float* row = img_.row(static_cast<int>(j));
  auto direct = [&](long a, long b) {  // [a, b)
    for (long i = a; i < b; ++i)
      if (std::isfinite(row[i])) {
        f += row[i];
        ++n;
      }
  };
  const long b0 = (lo + kBlock - 1) / kBlock, b1 = (hi + 1) / kBlock;
  if (b1 <= b0) {
    direct(lo, hi + 1);
    return;
  }
  direct(lo, b0 * kBlock);
  const std::size_t base = static_cast<std::size_t>(j) * nb_;
  f += sum_[base + b1] - sum_[base + b0];
  n += cnt_[base + b1] - cnt_[base + b0];
  direct(b1 * kBlock, hi + 1);
}

namespace {

// Widens or narrows [lo, hi] so that its ends agree with `pred` exactly (the root formula is
// only accurate to rounding).
template <class Pred>
void fix_ends(long& lo, long& hi, Pred pred) {
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
  const double A = ct * ct + st * st * iq2;
  const double ext = std::max(a, a * std::sqrt(st * st + q * q * ct * ct)) + 1;
  const long j0 = std::max(0L, static_cast<long>(std::floor(cy - ext)));
  const long j1 = std::min(static_cast<long>(img_.ny) - 1, static_cast<long>(std::ceil(cy + ext)));
  for (long j = j0; j <= j1; ++j) {
    const double dy = j - cy;
    const double rc = a * a - dy * dy;
    if (rc >= 0) {
      const double h = std::sqrt(rc);
      long lo = static_cast<long>(std::ceil(cx - h)), hi = static_cast<long>(std::floor(cx + h));
      fix_ends(lo, hi, [&](long i) { return (i - cx) * (i - cx) + dy * dy <= a * a; });
      add_span(j, lo, hi, out.flux_c, out.npix_c);
    }
    const double B = 2 * dy * (ct * st - st * ct * iq2);
    const double C = dy * dy * (st * st + ct * ct * iq2) - a * a;
    const double D = B * B - 4 * A * C;
    if (D >= 0) {
      const double sq = std::sqrt(D);
      long lo = static_cast<long>(std::ceil(cx + (-B - sq) / (2 * A)));
      long hi = static_cast<long>(std::floor(cx + (-B + sq) / (2 * A)));
      fix_ends(lo, hi, [&](long i) { return inside_ellipse(i - cx, dy, a, q, ct, st); });
      add_span(j, lo, hi, out.flux_e, out.npix_e);
    }
  }
  return out;
}

}  // namespace isoster::detail
