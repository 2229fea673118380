// Enclosed fluxes (spec 4.5): the block-prefix integrator equals a direct pixel loop with the same
// membership rule, including bad pixels, clipped edges and fractional centres.
#include "core/fluxes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace isoster::detail;

namespace {

TEST(Fluxes, EqualsDirectPixelSums) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  isoster::Image img(137, 101);
  for (int j = 0; j < img.ny(); ++j)
    for (int i = 0; i < img.nx(); ++i)
      img.at(i, j) = u(rng) < 0.05 ? NAN : static_cast<float>(10 * u(rng) - 2);
  const FluxIntegrator integ(img.view());
  struct Case {
    double a, cx, cy, eps, theta;
  };
  const Case cases[] = {{0.5, 60, 50, 0.2, 0.3},    {7.3, 60, 50, 0.0, 0.0},
                        {20, 60.4, 49.7, 0.6, 2.1}, {55, 10, 90, 0.3, 1.0},
                        {90, 68, 50, 0.8, 0.7},     {300, 68, 50, 0.1, 0.0}};
  for (const Case& c : cases) {
    const Enclosed e = integ.compute(c.a, c.cx, c.cy, c.eps, c.theta);
    double fe = 0, fc = 0;
    int ne = 0, nc = 0;
    const double q = 1 - c.eps, ct = std::cos(c.theta), st = std::sin(c.theta);
    for (int j = 0; j < img.ny(); ++j)
      for (int i = 0; i < img.nx(); ++i) {
        const float v = img.at(i, j);
        if (std::isnan(v)) continue;
        const double dx = i - c.cx, dy = j - c.cy;
        if (inside_ellipse(dx, dy, c.a, q, ct, st)) {
          fe += v;
          ++ne;
        }
        if (dx * dx + dy * dy <= c.a * c.a) {
          fc += v;
          ++nc;
        }
      }
    EXPECT_EQ(e.npix_e, ne) << c.a;
    EXPECT_EQ(e.npix_c, nc) << c.a;
    EXPECT_NEAR(e.flux_e, fe, 1e-9 * (1 + std::fabs(fe)));
    EXPECT_NEAR(e.flux_c, fc, 1e-9 * (1 + std::fabs(fc)));
  }
}

// Many random ellipses, integer (IRAF) and fractional centres, round numbers that put pixel centres
// exactly on the curve: the fast spans must agree with the rule pixel by pixel.
TEST(Fluxes, RandomEllipsesMatchTheRuleExactly) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  isoster::Image img(97, 83);
  for (int j = 0; j < img.ny(); ++j)
    for (int i = 0; i < img.nx(); ++i) img.at(i, j) = static_cast<float>(1 + (i * 31 + j * 17) % 7);
  const FluxIntegrator integ(img.view());
  for (int t = 0; t < 300; ++t) {
    const bool integer_centre = t % 2 == 0;
    const double cx = integer_centre ? std::floor(10 + 77 * u(rng)) : 10 + 77 * u(rng);
    const double cy = integer_centre ? std::floor(10 + 63 * u(rng)) : 10 + 63 * u(rng);
    const double a = (t % 5 == 0) ? std::floor(1 + 60 * u(rng)) : 0.5 + 60 * u(rng);
    const double eps = (t % 7 == 0) ? 0.0 : 0.9 * u(rng);
    const double theta = (t % 3 == 0) ? 0.0 : 3.14159 * u(rng);
    const Enclosed e = integ.compute(a, cx, cy, eps, theta);
    int ne = 0, nc = 0;
    const double q = 1 - eps, ct = std::cos(theta), st = std::sin(theta);
    for (int j = 0; j < img.ny(); ++j)
      for (int i = 0; i < img.nx(); ++i) {
        const double dx = i - cx, dy = j - cy;
        ne += inside_ellipse(dx, dy, a, q, ct, st);
        nc += dx * dx + dy * dy <= a * a;
      }
    ASSERT_EQ(e.npix_e, ne) << "case " << t;
    ASSERT_EQ(e.npix_c, nc) << "case " << t;
  }
}

TEST(Fluxes, CentrePixelAlwaysCounts) {
  isoster::Image img(20, 20, 1.0f);
  const FluxIntegrator integ(img.view());
  const Enclosed e = integ.compute(0.3, 10, 10, 0.5, 0.2);
  EXPECT_EQ(e.npix_e, 1);
  EXPECT_EQ(e.npix_c, 1);
}

}  // namespace
