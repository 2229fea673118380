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

void build_walks(Walk* const* w, const WalkKey* k, int count, double step, bool linear) {
  kern::WalkState st[2] = {};
  double* rc[2] = {nullptr, nullptr};
  double* rs[2] = {nullptr, nullptr};
  double* c1[2] = {nullptr, nullptr};
  double* s1[2] = {nullptr, nullptr};
  int cap[2] = {0, 0}, n[2] = {0, 0};
  bool alive[2] = {false, false};
  for (int i = 0; i < count; ++i) {
    Walk& wk = *w[i];
    wk.key = k[i];
    const int need = max_points(k[i].a) + 1;
    if (static_cast<int>(wk.rc.size()) < need)
      for (auto* v : {&wk.rc, &wk.rs, &wk.c1, &wk.s1, &wk.c2, &wk.s2}) v->resize(need);
    double a1, a2;
    annulus(k[i].a, step, linear, k[i].iraf, a1, a2);
    const double w0 = std::clamp(std::min(a2 - a1, 3.0) / k[i].a, 0.05, 0.2);
    kern::walk_start(st[i], k[i].a, 1.0 - k[i].eps, w0 / 2, k[i].dstep, k[i].iraf);
    rc[i] = wk.rc.data();
    rs[i] = wk.rs.data();
    c1[i] = wk.c1.data();
    s1[i] = wk.s1.data();
    cap[i] = static_cast<int>(wk.rc.size());
    alive[i] = true;
  }
  // Two independent chains stepped side by side, state in locals so that it stays in registers.
  kern::WalkState w0 = st[0], w1 = st[1];
  int n0 = 0, n1 = 0;
  const int cap0 = alive[0] ? cap[0] : 0, cap1 = alive[1] ? cap[1] : 0;
  // The chain stores root; r cos, r sin follow in a vectorisable loop below (no divide here).
  auto emit = [](const kern::WalkState& s, double* xr, double*, double* c, double* sn, int at) {
    xr[at] = s.root;
    c[at] = s.c;
    sn[at] = s.s;
  };
  bool a0 = n0 < cap0 && kern::walk_alive(w0), a1 = n1 < cap1 && kern::walk_alive(w1);
  while (a0 && a1) {
    emit(w0, rc[0], rs[0], c1[0], s1[0], n0++);
    emit(w1, rc[1], rs[1], c1[1], s1[1], n1++);
    kern::walk_advance(w0);
    kern::walk_advance(w1);
    a0 = n0 < cap0 && kern::walk_alive(w0);
    a1 = n1 < cap1 && kern::walk_alive(w1);
  }
  while (a0) {
    emit(w0, rc[0], rs[0], c1[0], s1[0], n0++);
    kern::walk_advance(w0);
    a0 = n0 < cap0 && kern::walk_alive(w0);
  }
  while (a1) {
    emit(w1, rc[1], rs[1], c1[1], s1[1], n1++);
    kern::walk_advance(w1);
    a1 = n1 < cap1 && kern::walk_alive(w1);
  }
  n[0] = n0;
  n[1] = n1;
  for (int i = 0; i < count; ++i) {
    Walk& wk = *w[i];
    wk.n = n[i];
    const double* c = wk.c1.data();
    const double* s = wk.s1.data();
    double* cc = wk.c2.data();
    double* ss = wk.s2.data();
    double* xr = wk.rc.data();
    double* yr = wk.rs.data();
    const double aq = k[i].a * (1.0 - k[i].eps);
    for (int j = 0; j < n[i]; ++j) {
      const double r = aq / xr[j];
      xr[j] = r * c[j];
      yr[j] = r * s[j];
    }
    double m[10] = {}, sb[4] = {};
    for (int j = 0; j < n[i]; ++j) {
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
      for (int q = 0; q <= r; ++q, ++t) wk.m4[r * 4 + q] = wk.m4[q * 4 + r] = m[t];
    for (int r = 0; r < 4; ++r) wk.sumb[r] = sb[r];
  }
}

}  // namespace isoster::detail
