#include <algorithm>
#include <cfloat>
#include <cmath>

#include "isoster/kernels.hpp"
#include "lanes.hpp"
#include "ring.hpp"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define ISOSTER_AVX2_GATHER 1
#endif

namespace isoster::detail {

using kern::kPi;
using kern::kTwoPi;

void RingSampler::reserve(double a) {
  // Gradient rings reach 1.2 a.
  int need = max_points(1.25 * a) + 1;
  if (need <= capacity_) return;
  need = std::max(need, 2 * capacity_);  // geometric growth: a few allocations per fit
  for (int s = 0; s < 3; ++s) {
    for (auto* v : {&val_[s], &c1_[s], &s1_[s], &c2_[s], &s2_[s], &var_[s]}) v->grow(need);
  }
  capacity_ = need;
}

namespace {

// Eccentric anomaly of polar angle phi, continuous in phi (|psi - phi| < pi/2).
double eccentric_anomaly(double phi, double q) {
  double d = std::atan2(std::sin(phi), q * std::cos(phi)) - phi;
  d -= kTwoPi * std::floor((d + kPi) / kTwoPi);
  return phi + d;
}

// Polar radius of the unit-SMA ellipse at polar angle phi.
double scale(double q, double phi) {
  return kern::polar_radius(1.0, q, std::cos(phi), std::sin(phi));
}

// Count, mean and sum of squared deviations of the finite values (lanes::Moments), about the first
// finite value.
void finite_moments(const double* __restrict v, int n, int& cnt, double& mean, double& ssdev) {
  using namespace lanes;
  int first = 0;
  while (first < n && !(std::fabs(v[first]) <= DBL_MAX)) ++first;
  Moments m(first < n ? v[first] : 0.0);
  int k = 0;
  for (; k + W <= n; k += W) m.add(load(v + k));
  if (k < n) m.add(load_tail(v + k, n - k, NAN));
  m.finish(cnt, mean, ssdev);
}

// Sum of squared deviations from `mean` of the finite values (after a clipping pass).
double finite_sq_dev(const double* __restrict v, int n, double mean) {
  double s4[4] = {0, 0, 0, 0};
  int k = 0;
  for (; k + 4 <= n; k += 4)
    for (int l = 0; l < 4; ++l) {
      const double x = v[k + l];
      const double d = std::fabs(x) <= DBL_MAX ? x - mean : 0.0;
      s4[l] += d * d;
    }
  for (; k < n; ++k) {
    const double d = std::fabs(v[k]) <= DBL_MAX ? v[k] - mean : 0.0;
    s4[0] += d * d;
  }
  return (s4[0] + s4[1]) + (s4[2] + s4[3]);
}

}  // namespace

Walk* RingSampler::walk_for(int slot, const WalkKey& key) {
  if (active_[slot] != nullptr && active_[slot]->key == key) return active_[slot];
  const Walk& b = base_[slot];
  if (b.key.a == key.a && b.key.dstep == key.dstep && b.key.compat == key.compat &&
      perturb_walk(b, key.eps, pert_[slot])) {
    pert_[slot].key = key;
    return active_[slot] = &pert_[slot];
  }
  return nullptr;
}

void RingSampler::prepare(const WalkKey& k0, const WalkKey& k1) {
  Walk* w[2];
  WalkKey k[2];
  int n = 0;
  const WalkKey keys[2] = {k0, k1};
  for (int slot = 0; slot < 2; ++slot) {
    if (walk_for(slot, keys[slot]) != nullptr) continue;
    w[n] = &base_[slot];
    k[n++] = keys[slot];
    active_[slot] = &base_[slot];
  }
  if (n > 0) build_walks(w, k, n, s_.step, s_.linear);
}

void RingSampler::adopt(int slot, Walk& w) { active_[slot] = &w; }

void RingSampler::drop_adopted() {
  for (int s = 0; s < 3; ++s)
    if (active_[s] != &base_[s] && active_[s] != &pert_[s]) active_[s] = nullptr;
}

#ifdef ISOSTER_AVX2_GATHER
namespace {

// Four walk points placed on the image (rotation and translation) and IRAF's bound test
// 0 <= x < xmax, 0 <= y < ymax; coordinates of failing points are zeroed so that they read pixel 0.
struct Points4 {
  __m256d x, y, ok;
};

struct Placement {
  __m256d x0, y0, ct, st, xmax, ymax;
  Placement(double px0, double py0, double c, double s, double xm, double ym)
      : x0(_mm256_set1_pd(px0)),
        y0(_mm256_set1_pd(py0)),
        ct(_mm256_set1_pd(c)),
        st(_mm256_set1_pd(s)),
        xmax(_mm256_set1_pd(xm)),
        ymax(_mm256_set1_pd(ym)) {}
  // Checked = false: the caller knows every point to be inside (the bound then always holds).
  template <bool Checked>
  Points4 at(const double* rc, const double* rs, int k) const {
    const __m256d a = _mm256_loadu_pd(rc + k), b = _mm256_loadu_pd(rs + k);
    const __m256d x = _mm256_sub_pd(_mm256_add_pd(x0, _mm256_mul_pd(a, ct)), _mm256_mul_pd(b, st));
    const __m256d y = _mm256_add_pd(_mm256_add_pd(y0, _mm256_mul_pd(a, st)), _mm256_mul_pd(b, ct));
    if constexpr (!Checked) return Points4{x, y, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))};
    const __m256d zero = _mm256_setzero_pd();
    const __m256d ok = _mm256_and_pd(
        _mm256_and_pd(_mm256_cmp_pd(x, zero, _CMP_GE_OQ), _mm256_cmp_pd(y, zero, _CMP_GE_OQ)),
        _mm256_and_pd(_mm256_cmp_pd(x, xmax, _CMP_LT_OQ), _mm256_cmp_pd(y, ymax, _CMP_LT_OQ)));
    return Points4{_mm256_and_pd(x, ok), _mm256_and_pd(y, ok), ok};
  }
};

// AVX2 version of kern::bilinear_iraf over a walk, with the same formula and bound. Returns how
// many points it did (the rest go through the scalar kernel). Points are done in chunks, in two
// phases: the first places the points on the image (cell index, fractions; the fraction is NaN
// for a point out of bounds, so that its value comes out NaN), the second reads the cells and
// interpolates. Done as one loop, each sample is a long chain (coordinates, index, loads,
// interpolation) and too few of them fit in the out-of-order window; split, both phases are short
// independent chains.
template <bool Checked>
int gather_bilinear_iraf(const float* px, int nx, int ny, const double* rc, const double* rs, int n,
                         double x0, double y0, double ct, double st, double* out) {
  const Placement place(x0, y0, ct, st, nx - 2, ny - 2);
  const __m256d nan = _mm256_set1_pd(NAN);
  const __m256d vnxd = _mm256_set1_pd(nx);
  constexpr int kChunk = 64;
  alignas(32) int idx[kChunk];
  alignas(32) double fxs[kChunk], fys[kChunk];
  const int n4 = n / 4 * 4;
  for (int c0 = 0; c0 < n4; c0 += kChunk) {
    const int m = std::min(kChunk, n4 - c0);
    for (int t = 0; t < m; t += 4) {
      const Points4 p = place.at<Checked>(rc, rs, c0 + t);
      // Coordinates are >= 0 here (or zeroed): the floor is the truncation of kern::bilinear_iraf.
      // The cell index j nx + i is formed in double (exact below 2^53) and converted once.
      const __m256d fi = _mm256_floor_pd(p.x), fj = _mm256_floor_pd(p.y);
      const __m256d fx = _mm256_sub_pd(p.x, fi), fy = _mm256_sub_pd(p.y, fj);
      _mm_store_si128(reinterpret_cast<__m128i*>(idx + t),
                      _mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(fj, vnxd), fi)));
      _mm256_store_pd(fxs + t, Checked ? _mm256_blendv_pd(nan, fx, p.ok) : fx);
      _mm256_store_pd(fys + t, fy);
    }
    for (int t = 0; t < m; t += 4) {
      // Horizontal pixel pairs (i, i + 1), 64 bits each, of samples (0, 2) and (1, 3): once
      // widened to doubles, [l0 r0 l2 r2] and [l1 r1 l3 r3] unpack into the left pixels
      // [l0 l1 l2 l3] and the right ones without a lane-crossing shuffle.
      auto pair = [](const float* p) { return _mm_load_sd(reinterpret_cast<const double*>(p)); };
      auto pairh = [](__m128d lo, const float* p) {
        return _mm_loadh_pd(lo, reinterpret_cast<const double*>(p));
      };
      const float* q0 = px + nx;
      const __m256d a0 = _mm256_cvtps_pd(_mm_castpd_ps(pairh(pair(px + idx[t]), px + idx[t + 2])));
      const __m256d b0 =
          _mm256_cvtps_pd(_mm_castpd_ps(pairh(pair(px + idx[t + 1]), px + idx[t + 3])));
      const __m256d a1 = _mm256_cvtps_pd(_mm_castpd_ps(pairh(pair(q0 + idx[t]), q0 + idx[t + 2])));
      const __m256d b1 =
          _mm256_cvtps_pd(_mm_castpd_ps(pairh(pair(q0 + idx[t + 1]), q0 + idx[t + 3])));
      const __m256d p00 = _mm256_unpacklo_pd(a0, b0), p01 = _mm256_unpackhi_pd(a0, b0);
      const __m256d p10 = _mm256_unpacklo_pd(a1, b1), p11 = _mm256_unpackhi_pd(a1, b1);
      const __m256d fx = _mm256_load_pd(fxs + t), fy = _mm256_load_pd(fys + t);
      const __m256d top = _mm256_add_pd(p00, _mm256_mul_pd(fx, _mm256_sub_pd(p01, p00)));
      const __m256d bot = _mm256_add_pd(p10, _mm256_mul_pd(fx, _mm256_sub_pd(p11, p10)));
      _mm256_storeu_pd(out + c0 + t,
                       _mm256_add_pd(top, _mm256_mul_pd(fy, _mm256_sub_pd(bot, top))));
    }
  }
  return n4;
}

// AVX2 version of kern::nearest_sample (IRAF bound: 0 <= floor(x) <= nx - 2, i.e. x < nx - 1), in
// the two phases of gather_bilinear_iraf.
template <bool Checked>
int gather_nearest_iraf(const float* px, int nx, int ny, const double* rc, const double* rs, int n,
                        double x0, double y0, double ct, double st, double* out) {
  const Placement place(x0, y0, ct, st, nx - 1, ny - 1);
  const __m256d nan = _mm256_set1_pd(NAN);
  const __m256d vnxd = _mm256_set1_pd(nx);
  constexpr int kChunk = 64;
  alignas(32) int idx[kChunk];
  alignas(32) double oks[kChunk];
  const int n4 = n / 4 * 4;
  for (int c0 = 0; c0 < n4; c0 += kChunk) {
    const int m = std::min(kChunk, n4 - c0);
    for (int t = 0; t < m; t += 4) {
      const Points4 p = place.at<Checked>(rc, rs, c0 + t);
      const __m256d fi = _mm256_floor_pd(p.x), fj = _mm256_floor_pd(p.y);  // as in the bilinear
      _mm_store_si128(reinterpret_cast<__m128i*>(idx + t),
                      _mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(fj, vnxd), fi)));
      if constexpr (Checked) _mm256_store_pd(oks + t, p.ok);
    }
    for (int t = 0; t < m; t += 4) {
      const __m128 v = _mm_setr_ps(px[idx[t]], px[idx[t + 1]], px[idx[t + 2]], px[idx[t + 3]]);
      const __m256d x = _mm256_cvtps_pd(v);
      _mm256_storeu_pd(out + c0 + t,
                       Checked ? _mm256_blendv_pd(nan, x, _mm256_load_pd(oks + t)) : x);
    }
  }
  return n4;
}

}  // namespace
#endif

Ring RingSampler::sample(int slot, double a, const Geometry& g, RingMode mode, SampleOptions opt) {
  Ring r;
  r.val = val_[slot].data();
  if (mode == RingMode::Mean || mode == RingMode::Median) {
    sample_sectors(slot, a, g, mode == RingMode::Median, r);
  } else {
    const bool nearest = mode == RingMode::Nearest || mode == RingMode::NearestGrad;
    const WalkKey key = walk_key(a, g.eps, mode, s_.compat, s_.sampling);
    Walk* pw = walk_for(slot, key);
    if (pw == nullptr) {
      pw = active_[slot] = &base_[slot];
      build_walks(&pw, &key, 1, s_.step, s_.linear);
    }
    Walk& w = *pw;
    // The main ring is fitted; gradient rings need no basis.
    if (slot == 0 && (opt.basis || var_img_ != nullptr)) w.ensure_basis();
    // The rings of a pass share the position angle: its cosine and sine are computed once.
    if (!(g.theta == theta_)) {
      theta_ = g.theta;
      cos_theta_ = std::cos(theta_);
      sin_theta_ = std::sin(theta_);
    }
    const double ct = cos_theta_, st = sin_theta_;
    const double x0 = g.x0, y0 = g.y0;
    const int n = w.n, nx = img_.nx, ny = img_.ny;
    const float* px = img_.data;
    const double* rc = w.rc.data();
    const double* rs = w.rs.data();
    double* out = r.val;
#ifdef ISOSTER_AVX2_GATHER
    // No point of a walk lies farther than its SMA from the centre (its polar radius is at most
    // a), so a ring whose circle of radius a, widened far beyond rounding, is inside the bound
    // 0 <= x < xmax, 0 <= y < ymax needs no test per point: the gathers skip it.
    // Only for a finite geometry: a NaN angle or ellipticity would make NaN points, which the
    // test turns into flagged samples and the unchecked gathers into wild indices.
    const double reach = w.key.a * (1 + 1e-9) + 1e-6;
    const bool finite = std::fabs(ct) <= 1 && std::fabs(st) <= 1 && w.key.eps >= 0 &&
                        w.key.eps < 1 && std::isfinite(reach);
    auto inside = [&](double xmax, double ymax) {
      return finite && x0 - reach >= 0 && y0 - reach >= 0 && x0 + reach < xmax && y0 + reach < ymax;
    };
#endif
    if (nearest) {
      int k0 = 0;
#ifdef ISOSTER_AVX2_GATHER
      if (iraf_ && static_cast<long>(nx) * ny < (1L << 31))
        k0 = inside(nx - 1, ny - 1)
                 ? gather_nearest_iraf<false>(px, nx, ny, rc, rs, n, x0, y0, ct, st, out)
                 : gather_nearest_iraf<true>(px, nx, ny, rc, rs, n, x0, y0, ct, st, out);
#endif
      for (int k = k0; k < n; ++k)
        out[k] = kern::nearest_sample(px, nx, ny, x0 + rc[k] * ct - rs[k] * st,
                                      y0 + rc[k] * st + rs[k] * ct, s_.compat);
    } else if (iraf_) {
      int k0 = 0;
#ifdef ISOSTER_AVX2_GATHER
      // Indices are 32-bit in the gathers: only for images below 2^31 pixels.
      if (static_cast<long>(nx) * ny < (1L << 31))
        k0 = inside(nx - 2, ny - 2)
                 ? gather_bilinear_iraf<false>(px, nx, ny, rc, rs, n, x0, y0, ct, st, out)
                 : gather_bilinear_iraf<true>(px, nx, ny, rc, rs, n, x0, y0, ct, st, out);
#endif
      for (int k = k0; k < n; ++k)
        out[k] = kern::bilinear_iraf(px, nx, ny, x0 + rc[k] * ct - rs[k] * st,
                                     y0 + rc[k] * st + rs[k] * ct);
    } else {
      for (int k = 0; k < n; ++k)
        out[k] = kern::bilinear_photutils(px, nx, ny, x0 + rc[k] * ct - rs[k] * st,
                                          y0 + rc[k] * st + rs[k] * ct);
    }
    if (var_img_ != nullptr) {
      // Variance of each sample: V interpolated bilinearly like the pixels (sum of w_j V_j), V
      // at the pixel for nearest sampling. Not sum w_j^2 V_j, the variance of a weighted sum of
      // independent pixels: that would weight samples between pixel centres up to 4x more
      // although neighbouring samples share their pixels; with the interpolated variance a
      // constant map gives equal weights (the unweighted fit) and errors that scale with sigma.
      // The image's pixels are NaN wherever V is not positive and finite.
      const float* vp = var_img_->data;
      double* vo = var_[slot].data();
      for (int k = 0; k < n; ++k) {
        if (!std::isfinite(out[k])) continue;
        const double x = x0 + rc[k] * ct - rs[k] * st, y = y0 + rc[k] * st + rs[k] * ct;
        const int i = static_cast<int>(x), j = static_cast<int>(y);
        const long c = static_cast<long>(j) * nx + i;
        if (nearest) {
          vo[k] = vp[c];
        } else {
          const double fx = x - i, fy = y - j;
          const double w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy,
                       w11 = fx * fy;
          vo[k] = w00 * vp[c] + w01 * vp[c + 1] + w10 * vp[c + nx] + w11 * vp[c + nx + 1];
        }
      }
      r.var = vo;
    }
    r.npoint = n;
    r.c1 = w.c1.data();
    r.s1 = w.s1.data();
    r.c2 = w.basis_ready ? w.c2.data() : nullptr;
    r.s2 = w.basis_ready ? w.s2.data() : nullptr;
    r.walk = &w;
    r.sarea = nearest ? 1.0 : 2.0;
  }
  samples_ += r.npoint;
  statistics(r, opt.clip);
  if (r.var != nullptr) {
    double sv = 0;
    for (int k = 0; k < r.npoint; ++k)
      if (std::isfinite(r.val[k])) sv += r.var[k];
    r.sumvar = sv;
  }
  last_ring_[slot] = r;
  return r;
}

void RingSampler::statistics(Ring& r, bool clip) const {
  double* v = r.val;
  const int n = r.npoint;
  auto variance = [&](int cnt, double mean) {
    const double ss = finite_sq_dev(v, n, mean);
    const int dof = iraf_ ? cnt - 1 : cnt;
    return dof > 0 ? std::sqrt(ss / dof) : NAN;
  };
  int cnt;
  double mean, ss;
  finite_moments(v, n, cnt, mean, ss);
  const int dof0 = iraf_ ? cnt - 1 : cnt;
  double sd = dof0 > 0 ? std::sqrt(ss / dof0) : NAN;
  if (clip && s_.nclip > 0 && (!iraf_ || n > 15)) {
    for (int pass = 0; pass < s_.nclip; ++pass) {
      if (!std::isfinite(sd)) break;
      const double hi = mean + s_.usclip * sd;
      const double lo = mean - (iraf_ ? s_.lsclip : s_.usclip) * sd;
      double sum = 0;
      const int before = cnt;
      cnt = 0;
      for (int k = 0; k < n; ++k) {
        const double x = v[k];
        if (!std::isfinite(x)) continue;
        if (iraf_ ? (x > hi || x < lo) : !(x >= lo && x < hi)) {
          v[k] = NAN;
        } else {
          sum += x;
          ++cnt;
        }
      }
      if (cnt == before) break;  // nothing rejected: further passes would change nothing
      mean = cnt > 0 ? sum / cnt : NAN;
      sd = variance(cnt, mean);
    }
  }
  r.ndata = cnt;
  r.mean = mean;
  r.sd = sd;
}

double RingSampler::sector_value(const Geometry& g, double q, double a1, double a2, double phi,
                                 double phi1, double phi2, bool median, double& area,
                                 bool& fell_back) {
  fell_back = false;
  area = 0;
  if (!(std::isfinite(g.x0) && std::isfinite(g.y0) && std::isfinite(g.theta) && q > 0 &&
        std::isfinite(phi1) && std::isfinite(phi2)))
    return NAN;  // a diverged geometry samples nothing
  const double ct = std::cos(g.theta), st = std::sin(g.theta);
  const double c1 = std::cos(phi1), s1 = std::sin(phi1), c2 = std::cos(phi2), s2 = std::sin(phi2);
  const double sc1 = scale(q, phi1), sc2 = scale(q, phi2);
  const double r1 = a1 * sc1, r2 = a2 * sc1, r3 = a2 * sc2, r4 = a1 * sc2;
  area = 0.5 * q * (a2 * a2 - a1 * a1) * (eccentric_anomaly(phi2, q) - eccentric_anomaly(phi1, q));
  // Vertex bounding box, widened by one pixel, must be inside the image.
  const double vx[4] = {r1 * c1, r2 * c1, r3 * c2, r4 * c2};
  const double vy[4] = {r1 * s1, r2 * s1, r3 * s2, r4 * s2};
  double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
  for (int i = 0; i < 4; ++i) {
    const double x = g.x0 + vx[i] * ct - vy[i] * st;
    const double y = g.y0 + vx[i] * st + vy[i] * ct;
    xmin = std::min(xmin, x);
    xmax = std::max(xmax, x);
    ymin = std::min(ymin, y);
    ymax = std::max(ymax, y);
  }
  xmin -= 1;
  ymin -= 1;
  xmax += 1;
  ymax += 1;
  // Written so that a NaN geometry fails too.
  if (!(xmin >= 0 && ymin >= 0 && xmax <= img_.nx - 1 && ymax <= img_.ny - 1)) return NAN;
  const int i0 = static_cast<int>(std::ceil(xmin)), i1 = static_cast<int>(std::floor(xmax));
  const int j0 = static_cast<int>(std::ceil(ymin)), j1 = static_cast<int>(std::floor(ymax));
  const std::size_t box = static_cast<std::size_t>(i1 - i0 + 1) * (j1 - j0 + 1);
  if (scratch_.size() < box) scratch_.resize(box);
  const double a1sq = a1 * a1, a2sq = a2 * a2, iq2 = 1.0 / (q * q);
  int cnt = 0;
  double sum = 0;
  for (int j = j0; j <= j1; ++j) {
    const double dy = j - g.y0;
    const float* row = img_.row(j);
    for (int i = i0; i <= i1; ++i) {
      const float p = row[i];
      if (!std::isfinite(p)) continue;
      const double dx = i - g.x0;
      const double xp = dx * ct + dy * st, yp = -dx * st + dy * ct;
      const double rr = xp * xp + yp * yp * iq2;
      if (rr < a1sq || rr >= a2sq) continue;
      double ph = std::atan2(yp, xp);
      if (ph < 0) ph += kTwoPi;
      if (ph < phi1 || ph >= phi2) continue;
      scratch_[cnt++] = p;
      sum += p;
    }
  }
  if (cnt <= 6) {
    // Too few pixels: the bilinear value at the sector centre instead.
    fell_back = true;
    const double rad = iraf_ ? (r1 + r2 + r3 + r4) / 4 : 0.5 * (a1 + a2) * scale(q, phi);
    const double cp = std::cos(phi + g.theta), sp = std::sin(phi + g.theta);
    const double x = g.x0 + rad * cp, y = g.y0 + rad * sp;
    return iraf_ ? kern::bilinear_iraf(img_.data, img_.nx, img_.ny, x, y)
                 : kern::bilinear_photutils(img_.data, img_.nx, img_.ny, x, y);
  }
  if (!median) return sum / cnt;
  float* b = scratch_.data();
  const int mid = cnt / 2;
  std::nth_element(b, b + mid, b + cnt);
  const double upper = b[mid];
  if ((cnt % 2) == 1 || !iraf_) return upper;
  const double lower = *std::max_element(b, b + mid);
  return 0.5 * (lower + upper);
}

void RingSampler::sample_sectors(int slot, double a, const Geometry& g, bool median, Ring& r) {
  double a1, a2;
  annulus(a, s_.step, s_.linear, s_.compat, a1, a2);
  const double q = 1.0 - g.eps;
  double w = std::clamp(std::min(a2 - a1, 3.0) / a, 0.05, 0.2);
  const double S = (a2 - a1) * std::min(a2 - a1, 3.0);
  double phi = w / 2, phi1 = 0, phi2 = phi + w / 2;
  const double end = iraf_ ? kTwoPi : kTwoPi + 0.05;
  double* val = val_[slot].data();
  double* c1 = c1_[slot].data();
  double* s1 = s1_[slot].data();
  double* c2 = c2_[slot].data();
  double* s2 = s2_[slot].data();
  int n = 0;
  double area_sum = 0;
  const int cap = capacity_;
  while ((iraf_ ? phi < end : phi <= end) && n < cap) {
    double area;
    bool fell_back;
    val[n] = sector_value(g, q, a1, a2, phi, phi1, phi2, median, area, fell_back);
    c1[n] = std::cos(phi);
    s1[n] = std::sin(phi);
    c2[n] = c1[n] * c1[n] - s1[n] * s1[n];
    s2[n] = 2 * s1[n] * c1[n];
    area_sum += fell_back ? 2.0 : area;
    ++n;
    const double sc2 = scale(q, phi2);
    const double r3 = a2 * sc2, r4 = a1 * sc2;
    const double wn = std::clamp(S / ((r3 - r4) * r4), 0.05, 0.2);
    const double phin = phi + std::min(wn / 2 + phi2 - phi, 0.5);
    phi1 = phi2;
    phi2 = phin + wn / 2;
    phi = phin;
  }
  r.npoint = n;
  r.c1 = c1;
  r.s1 = s1;
  r.c2 = c2;
  r.s2 = s2;
  r.sarea = n > 0 ? area_sum / n : 0.0;
}

}  // namespace isoster::detail
