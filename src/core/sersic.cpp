#include "isoster/sersic.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace isoster {

double sersic_bn(double n) {
  return 2 * n - 1.0 / 3 + 4 / (405 * n) + 46 / (25515 * n * n) + 131 / (1148175 * n * n * n);
}

double sersic_intensity(const SersicSpec& s, double R) {
  return s.ie * std::exp(-sersic_bn(s.n) * (std::pow(R / s.re, 1.0 / s.n) - 1)) + s.sky;
}

Image make_sersic(const SersicSpec& s) {
  Image img(s.nx, s.ny);
  const double th = s.pa_deg * 3.14159265358979323846 / 180, ct = std::cos(th), st = std::sin(th);
  const double q = 1 - s.eps;
  const int os = std::max(1, s.oversample);
  for (int j = 0; j < s.ny; ++j) {
    for (int i = 0; i < s.nx; ++i) {
      double acc = 0;
      for (int v = 0; v < os; ++v)
        for (int u = 0; u < os; ++u) {
          const double x = i - 0.5 + (u + 0.5) / os, y = j - 0.5 + (v + 0.5) / os;
          const double dx = x - s.x0, dy = y - s.y0;
          const double xp = dx * ct + dy * st, yp = -dx * st + dy * ct;
          double R = std::sqrt(xp * xp + yp * yp / (q * q));
          if ((s.b4 != 0 || s.bn != 0) && R > 0) {
            const double phi = std::atan2(yp, xp);
            R *= 1 - s.b4 * std::cos(4 * phi) - s.bn * std::cos(s.bn_order * phi);
          }
          acc += sersic_intensity(s, R);
        }
      img.at(i, j) = static_cast<float>(acc / (os * os));
    }
  }
  const int ic = static_cast<int>(std::lround(s.x0)), jc = static_cast<int>(std::lround(s.y0));
  if (ic == s.x0 && jc == s.y0 && os == 1 && ic > 0 && jc > 0 && ic < s.nx - 1 && jc < s.ny - 1)
    img.at(ic, jc) =
        0.25f * (img.at(ic - 1, jc) + img.at(ic + 1, jc) + img.at(ic, jc - 1) + img.at(ic, jc + 1));
  if (s.noise > 0) {
    std::mt19937_64 rng(s.seed);
    std::normal_distribution<double> g(0.0, s.noise);
    for (int j = 0; j < s.ny; ++j)
      for (int i = 0; i < s.nx; ++i) img.at(i, j) = static_cast<float>(img.at(i, j) + g(rng));
  }
  return img;
}

}  // namespace isoster
