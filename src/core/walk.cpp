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

namespace {

// Two walks run as the two lanes of one SIMD register: each walk is a chain of dependent steps
// (latency-bound), so two lanes cost about as much as one. A single walk uses one lane.
typedef double Lanes __attribute__((vector_size(16)));

Lanes lanes_min_half(Lanes d) {
  const Lanes half = {0.5, 0.5};
  return d < half ? d : half;
}

Lanes lanes_sqrt(Lanes u) {
#if defined(__SSE2__)
  return __builtin_ia32_sqrtpd(u);
#else
  return Lanes{std::sqrt(u[0]), std::sqrt(u[1])};
#endif
}

// Runs the two lanes until both walks end, storing dstep / r, cos and sin of every point. Lanes are
// addressed with constant indices so that the chain stays in registers.
template <bool Short>
void run_lanes(const kern::WalkStart* st, double* const* dr_out, double* const* c_out,
               double* const* s_out, const int* cap, int count, int* n) {
  Lanes phi = {st[0].phi, st[1].phi}, c = {st[0].c, st[1].c}, s = {st[0].s, st[1].s};
  Lanes dr = {st[0].dr, st[1].dr};
  const Lanes A = {st[0].A, st[1].A}, B = {st[0].B, st[1].B};
  bool alive0 = count > 0, alive1 = count > 1;
  int n0 = 0, n1 = 0;
  for (;;) {
    alive0 = alive0 && phi[0] < st[0].end && n0 < cap[0];
    alive1 = alive1 && phi[1] < st[1].end && n1 < cap[1];
    if (!alive0 && !alive1) break;
    if (alive0) {
      dr_out[0][n0] = dr[0];
      c_out[0][n0] = c[0];
      s_out[0][n0] = s[0];
      ++n0;
    }
    if (alive1) {
      dr_out[1][n1] = dr[1];
      c_out[1][n1] = c[1];
      s_out[1][n1] = s[1];
      ++n1;
    }
    kern::walk_step<Short>(phi, c, s, dr, A, B, lanes_min_half, lanes_sqrt);
  }
  n[0] = n0;
  n[1] = n1;
}

}  // namespace

void build_walks(Walk* const* w, const WalkKey* k, int count, double step, bool linear) {
  if (count == 2) {
    // Lanes share one series; walks that need different ones are built apart, so that a walk's
    // points never depend on which walk it happened to be paired with.
    auto is_short = [&](int i) { return k[i].dstep / (k[i].a * (1.0 - k[i].eps)) <= 0.04; };
    if (is_short(0) != is_short(1)) {
      build_walks(w, k, 1, step, linear);
      build_walks(w + 1, k + 1, 1, step, linear);
      return;
    }
  }
  kern::WalkStart st[2] = {};
  double* root[2] = {nullptr, nullptr};
  double* c1[2] = {nullptr, nullptr};
  double* s1[2] = {nullptr, nullptr};
  int cap[2] = {0, 0}, n[2] = {0, 0};
  for (int i = 0; i < count; ++i) {
    Walk& wk = *w[i];
    wk.key = k[i];
    const int need = max_points(k[i].a) + 1;
    if (static_cast<int>(wk.rc.size()) < need) {
      // Grow geometrically: SMAs grow by a factor each isophote, buffers should not every time.
      const std::size_t grown = std::max<std::size_t>(need, 2 * wk.rc.size());
      for (auto* v : {&wk.rc, &wk.rs, &wk.c1, &wk.s1, &wk.c2, &wk.s2}) v->resize(grown);
    }
    double a1, a2;
    annulus(k[i].a, step, linear, k[i].iraf, a1, a2);
    const double w0 = std::clamp(std::min(a2 - a1, 3.0) / k[i].a, 0.05, 0.2);
    st[i] = kern::walk_start(k[i].a, 1.0 - k[i].eps, w0 / 2, k[i].dstep, k[i].iraf);
    root[i] = wk.rc.data();  // the chain stores dstep / r; r cos, r sin follow below
    c1[i] = wk.c1.data();
    s1[i] = wk.s1.data();
    cap[i] = static_cast<int>(wk.rc.size());
  }
  if (count < 2) st[1] = st[0];  // an idle lane, never stored
  if (st[0].short_series)
    run_lanes<true>(st, root, c1, s1, cap, count, n);
  else
    run_lanes<false>(st, root, c1, s1, cap, count, n);
  for (int i = 0; i < count; ++i) {
    Walk& wk = *w[i];
    wk.n = n[i];
    const double* cw = wk.c1.data();
    const double* sw = wk.s1.data();
    double* xr = wk.rc.data();
    double* yr = wk.rs.data();
    const double dstep = k[i].dstep;
    for (int j = 0; j < n[i]; ++j) {
      const double r = dstep / xr[j];
      xr[j] = r * cw[j];
      yr[j] = r * sw[j];
    }
    wk.basis_ready = false;
  }
}

void Walk::ensure_basis() {
  if (basis_ready) return;
  const double* c = c1.data();
  const double* s = s1.data();
  double* cc = c2.data();
  double* ss = s2.data();
  double m[10] = {}, sb[4] = {};
  for (int j = 0; j < n; ++j) {
    cc[j] = c[j] * c[j] - s[j] * s[j];
    ss[j] = 2 * s[j] * c[j];
    const double b0 = s[j], b1 = c[j], b2 = ss[j], b3 = cc[j];
    sb[0] += b0;
    sb[1] += b1;
    sb[2] += b2;
    sb[3] += b3;
    m[0] += b0 * b0;
    m[1] += b1 * b0;
    m[2] += b1 * b1;
    m[3] += b2 * b0;
    m[4] += b2 * b1;
    m[5] += b2 * b2;
    m[6] += b3 * b0;
    m[7] += b3 * b1;
    m[8] += b3 * b2;
    m[9] += b3 * b3;
  }
  int t = 0;
  for (int r = 0; r < 4; ++r)
    for (int q = 0; q <= r; ++q, ++t) m4[r * 4 + q] = m4[q * 4 + r] = m[t];
  for (int r = 0; r < 4; ++r) sumb[r] = sb[r];
  basis_ready = true;
}

}  // namespace isoster::detail
