// Fits a small analytic galaxy through the installed public API only.
#include <cmath>
#include <cstdio>

#include "isoster/fit.hpp"
#include "isoster/version.hpp"

int main() {
  isoster::Image img(101, 101);
  for (int j = 0; j < 101; ++j)
    for (int i = 0; i < 101; ++i) {
      const double dx = i - 50.0, dy = (j - 50.0) / 0.7;
      img.at(i, j) = static_cast<float>(1000.0 * std::exp(-std::sqrt(dx * dx + dy * dy) / 8.0));
    }
  isoster::FitConfig cfg;
  cfg.x0 = 50;
  cfg.y0 = 50;
  const isoster::FitResult r = isoster::fit_image(img.view(), cfg);
  std::printf("isoster %s: %s, %zu isophotes\n", ISOSTER_VERSION, isoster::to_string(r.status),
              r.rows.size());
  return (r.status == isoster::FitStatus::Ok && r.rows.size() > 10) ? 0 : 1;
}
