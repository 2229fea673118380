#include <algorithm>
#include <cmath>

#include "isoster/kernels.hpp"
#include "ring.hpp"

namespace isoster::detail {

using kern::kTwoPi;

void annulus(double a, double step, bool linear, bool iraf, double& a1, double& a2) {
  if (linear) {
    a1 = a - step / 2;
    a2 = a + step / 2;
  } else if (iraf) {
    a1 = a * (1.0 - (1.0 - 1.0 / (1.0 + step)) / 2.0);
    a2 = a * (1.0 + step / 2.0);
  } else {
    a1 = a * (1.0 - step / 2.0);
    a2 = a * (1.0 + step / 2.0);
  }
}

int max_points(double a) {
  // Steps are at least min(1/r, 0.5) with r <= a (and sectors at least 0.05 rad wide).
  const double amax = std::max(a, 2.0);
  return static_cast<int>(std::ceil((kTwoPi + 0.1) * amax)) + 16;
}

void Walk::build(const WalkKey& k, double step, bool linear) {
  key = k;
  const int cap = max_points(k.a) + 1;
  if (static_cast<int>(rc.size()) < cap) {
    rc.resize(cap);
    rs.resize(cap);
    c1.resize(cap);
    s1.resize(cap);
  }
  double a1, a2;
  annulus(k.a, step, linear, k.iraf, a1, a2);
  const double q = 1.0 - k.eps;
  const double w0 = std::clamp(std::min(a2 - a1, 3.0) / k.a, 0.05, 0.2);
  double phi = w0 / 2;
  double c = std::cos(phi), s = std::sin(phi);
  const double inv_aq = 1.0 / (k.a * q);
  // 1/r carried instead of r: the step 1/r then needs no division on the sequential chain.
  double inv_r = k.iraf ? 1.0 / k.a : std::sqrt(q * q * c * c + s * s) * inv_aq;
  const double end = k.iraf ? kTwoPi : kTwoPi + 0.05;
  int nn = 0;
  for (;;) {
    if (k.iraf ? !(phi < end) : !(phi <= end)) break;
    const double r = 1.0 / inv_r;
    rc[nn] = r * c;
    rs[nn] = r * s;
    c1[nn] = c;
    s1[nn] = s;
    ++nn;
    const double d = std::min(k.dstep * inv_r, 0.5);
    phi += d;
    double cd, sd;
    kern::small_sincos(d, cd, sd);
    const double cn = c * cd - s * sd;
    s = s * cd + c * sd;
    c = cn;
    inv_r = std::sqrt(q * q * c * c + s * s) * inv_aq;
  }
  n = nn;
  // No-flag normal matrix of the basis (s1, c1, s2, c2), reused while no sample is flagged.
  std::fill(m4, m4 + 16, 0.0);
  std::fill(sumb, sumb + 4, 0.0);
  for (int i = 0; i < nn; ++i) {
    const double b[4] = {s1[i], c1[i], 2 * s1[i] * c1[i], c1[i] * c1[i] - s1[i] * s1[i]};
    for (int r = 0; r < 4; ++r) {
      sumb[r] += b[r];
      for (int cc = 0; cc <= r; ++cc) m4[r * 4 + cc] += b[r] * b[cc];
    }
  }
  for (int r = 0; r < 4; ++r)
    for (int cc = r + 1; cc < 4; ++cc) m4[r * 4 + cc] = m4[cc * 4 + r];
}

}  // namespace isoster::detail
