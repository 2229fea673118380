#include <algorithm>
#include <cmath>

#include "isoster/fit.hpp"
#include "isoster/kernels.hpp"

namespace isoster {

namespace {

// One isophote in the form the pixel loop needs.
struct Ring {
  double a, x0, y0, iq, ct, st, intens;
  double h[4];  // intensity amplitudes of sin 3, cos 3, sin 4, cos 4 (A3.. times a |grad|)
};

// Elliptical radius of (x, y) in the ring's frame, and its polar angle there.
inline double radius(const Ring& r, double x, double y, double& xp, double& yp) {
  const double dx = x - r.x0, dy = y - r.y0;
  xp = dx * r.ct + dy * r.st;
  yp = (-dx * r.st + dy * r.ct) * r.iq;
  return std::sqrt(xp * xp + yp * yp);
}

}  // namespace

Image build_model(const std::vector<Isophote>& rows, int nx, int ny, bool harmonics) {
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
  auto harm = [&](const Ring& r, double xp, double yp) {
    if (!harmonics) return 0.0;
    const double rr = std::hypot(xp, yp);
    if (rr == 0) return 0.0;
    const double c = xp / rr, s = yp / rr;
    const double c2 = c * c - s * s, s2 = 2 * s * c;
    const double c3 = c2 * c - s2 * s, s3 = s2 * c + c2 * s;
    const double c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2;
    return r.h[0] * s3 + r.h[1] * c3 + r.h[2] * s4 + r.h[3] * c4;
  };
  for (int j = 0; j < ny; ++j) {
    int k = 0;  // the pixel lies between rings k and k + 1 (coherent along a row)
    for (int i = 0; i < nx; ++i) {
      double xa, ya, xb, yb;
      // d_k = R_k - a_k decreases with k for nested isophotes: walk k to the crossing.
      double da = radius(rings[k], i, j, xa, ya) - rings[k].a;
      int guard = 0;
      while (da < 0 && k > 0 && guard++ < n) {
        --k;
        da = radius(rings[k], i, j, xa, ya) - rings[k].a;
      }
      double db = k + 1 < n ? radius(rings[k + 1], i, j, xb, yb) - rings[k + 1].a : 0;
      while (k + 1 < n && db >= 0 && guard++ < 2 * n) {
        ++k;
        da = db;
        xa = xb;
        ya = yb;
        db = k + 1 < n ? radius(rings[k + 1], i, j, xb, yb) - rings[k + 1].a : 0;
      }
      double v;
      if (da < 0) {  // inside the innermost isophote: towards the central intensity
        const double t = std::clamp((da + rings[0].a) / rings[0].a, 0.0, 1.0);
        v = central + t * (rings[0].intens - central) + t * harm(rings[0], xa, ya);
      } else if (k + 1 >= n) {  // beyond the outermost isophote: nothing modelled
        v = 0;
      } else {
        const double t = da / (da - db);
        v = rings[k].intens + t * (rings[k + 1].intens - rings[k].intens) +
            (1 - t) * harm(rings[k], xa, ya) + t * harm(rings[k + 1], xb, yb);
      }
      model.at(i, j) = static_cast<float>(v);
    }
  }
  return model;
}

}  // namespace isoster
