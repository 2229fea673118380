#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "isoster/fit.hpp"
#include "isoster/kernels.hpp"
#include "teams.hpp"

namespace isoster {

namespace {

// One isophote in the form the pixel loop needs.
struct Ring {
  double a, x0, y0, iq, ct, st, intens;
  double h[4];  // intensity amplitudes of sin 3, cos 3, sin 4, cos 4 (A3.. times a |grad|)
};

// Two square roots in one instruction where SSE2 has it: the interpolation's two radii.
inline void sqrt2(double a, double b, double& ra, double& rb) {
#if defined(__SSE2__)
  const __m128d r = _mm_sqrt_pd(_mm_set_pd(b, a));
  ra = _mm_cvtsd_f64(r);
  rb = _mm_cvtsd_f64(_mm_unpackhi_pd(r, r));
#else
  ra = std::sqrt(a);
  rb = std::sqrt(b);
#endif
}

// What every image row needs: the rings sorted by SMA, in structure-of-arrays form for the walk
// (it touches cx, cy and a^2 only), and the central value.
struct Plan {
  const Ring* rings;
  const double *cx, *cy, *a2, *sma, *in;
  int n;
  double central;
  bool harmonics;
};

// Harmonic deviation at the angle of (xp, yp) / R in a ring's frame, where yp is already divided
// by q: the eccentric anomaly psi (cos psi = x'/R, sin psi = y'/(q R)), not the polar angle phi
// the A3..B4 of a polar-sampled fit are measured against (spec 7.3, 10.2).
inline double harm(const Plan& p, const Ring& r, double xp, double yp, double R) {
  if (!p.harmonics || R == 0) return 0.0;
  const double inv = 1.0 / R;
  const double c = xp * inv, s = yp * inv;
  const double c2 = c * c - s * s, s2 = 2 * s * c;
  const double c3 = c2 * c - s2 * s, s3 = s2 * c + c2 * s;
  const double c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2;
  return r.h[0] * s3 + r.h[1] * c3 + r.h[2] * s4 + r.h[3] * c4;
}

// Image row j into out[0..nx). X, Y: scratch of n values. A function of its own, with the plan's
// arrays in locals, so that the loop does not read them through the parallel region's
// shared-variable record.
void model_row(const Plan& p, int j, int nx, double* X, double* Y, float* out) {
  const Ring* const rings = p.rings;
  const double *const cxp = p.cx, *const cyp = p.cy, *const a2p = p.a2, *const sma = p.sma,
                      *const in = p.in;
  const int n = p.n;
  const double central = p.central;
  // Along a row each ring's frame coordinates are linear in i: xp = X + i cx, yp = Y + i cy.
  for (int k = 0; k < n; ++k) {
    const Ring& r = rings[k];
    const double dx = -r.x0, dy = j - r.y0;
    X[k] = dx * r.ct + dy * r.st;
    Y[k] = (-dx * r.st + dy * r.ct) * r.iq;
  }
  auto frame = [&](int k, double i, double& xp, double& yp) {
    xp = std::fma(i, cxp[k], X[k]);
    yp = std::fma(i, cyp[k], Y[k]);
    return xp * xp + yp * yp;  // R^2
  };
  int k = 0;  // the pixel lies between rings k and k + 1 (coherent along a row)
  for (int i = 0; i < nx; ++i) {
    double xa, ya, xb = 0, yb = 0;
    // R_k^2 - a_k^2 decreases with k for nested isophotes: walk k to the crossing, comparing
    // squares (R < a exactly when R^2 < a^2), so that no square root delays the decisions.
    double qa = frame(k, i, xa, ya);
    int guard = 0;
    while (qa < a2p[k] && k > 0 && guard++ < n) qa = frame(--k, i, xa, ya);
    double qb = k + 1 < n ? frame(k + 1, i, xb, yb) : 0;
    while (k + 1 < n && qb >= a2p[k + 1] && guard++ < 2 * n) {
      ++k;
      qa = qb;
      xa = xb;
      ya = yb;
      if (k + 1 < n) qb = frame(k + 1, i, xb, yb);
    }
    double v;
    if (qa < a2p[k]) {  // inside the innermost isophote (k = 0): towards the central value
      const double Ra = std::sqrt(qa), t = Ra / sma[0];
      v = central + t * (in[0] - central) + t * harm(p, rings[0], xa, ya, Ra);
    } else if (k + 1 >= n) {  // beyond the outermost isophote: nothing modelled
      v = 0;
    } else {
      double Ra, Rb;
      sqrt2(qa, qb, Ra, Rb);
      const double da = Ra - sma[k], db = Rb - sma[k + 1];
      const double t = da / (da - db);
      v = in[k] + t * (in[k + 1] - in[k]) + (1 - t) * harm(p, rings[k], xa, ya, Ra) +
          t * harm(p, rings[k + 1], xb, yb, Rb);
    }
    out[i] = static_cast<float>(v);
  }
}

}  // namespace

Image build_model(const std::vector<Isophote>& rows, int nx, int ny, bool harmonics, int threads) {
  detail::check_threads(threads);
  std::vector<Ring> rings;
  double central = NAN;
  std::vector<const Isophote*> sorted;
  for (const auto& r : rows) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(),
            [](const Isophote* a, const Isophote* b) { return a->sma < b->sma; });
  for (const Isophote* p : sorted) {
    const Isophote& r = *p;
    if (r.sma == 0 && std::isfinite(r.intens)) central = r.intens;
    if (!(r.sma > 0 && std::isfinite(r.intens) && std::isfinite(r.x0) && std::isfinite(r.y0) &&
          r.ellip >= 0 && r.ellip < 1 && std::isfinite(r.pa)))
      continue;
    Ring g;
    g.a = r.sma;
    g.x0 = r.x0;
    g.y0 = r.y0;
    g.iq = 1.0 / (1.0 - r.ellip);
    const double th = r.pa * kern::kPi / 180.0;
    g.ct = std::cos(th);
    g.st = std::sin(th);
    g.intens = r.intens;
    const double norm = r.sma * std::fabs(r.grad);
    const double hv[4] = {r.a3, r.b3, r.a4, r.b4};
    for (int k = 0; k < 4; ++k)
      g.h[k] = (harmonics && std::isfinite(hv[k]) && std::isfinite(norm)) ? hv[k] * norm : 0.0;
    rings.push_back(g);
  }
  Image model(nx, ny, 0.0f);
  const int n = static_cast<int>(rings.size());
  if (n == 0) return model;
  if (!std::isfinite(central)) central = rings[0].intens;
  const std::size_t nr = static_cast<std::size_t>(n);
  std::vector<double> cx(nr), cy(nr), a2(nr), sma(nr), in(nr);
  for (std::size_t k = 0; k < nr; ++k) {
    cx[k] = rings[k].ct;
    cy[k] = -rings[k].st * rings[k].iq;
    a2[k] = rings[k].a * rings[k].a;
    sma[k] = rings[k].a;
    in[k] = rings[k].intens;
  }
  const Plan plan{rings.data(), cx.data(), cy.data(), a2.data(), sma.data(),
                  in.data(),    n,         central,   harmonics};
  // Image rows are independent (each starts its walk afresh): shared among the threads, the model
  // is bitwise that of one thread. Blocks of 16 rows dealt in turn: the costly rows (through the
  // galaxy) spread over the threads wherever the galaxy lies.
  const int teams = detail::team_size(threads, ny);
#pragma omp parallel num_threads(teams) if (teams > 1)
  {
    std::vector<double> X(nr), Y(nr);
#pragma omp for schedule(static, 16)
    for (int j = 0; j < ny; ++j) model_row(plan, j, nx, X.data(), Y.data(), &model.at(0, j));
  }
  return model;
}

}  // namespace isoster
