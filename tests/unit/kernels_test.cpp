// Per-sample kernels: interpolation bounds and values, the walk's sin/cos series, the small SPD
// solver (checked against Eigen), corrections and error projections.
#include "isoster/kernels.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace k = isoster::kern;

namespace {

// f(x, y) = 2x + 3y + 1: bilinear interpolation reproduces a plane exactly.
std::vector<float> ramp(int nx, int ny) {
  std::vector<float> v(static_cast<std::size_t>(nx) * ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) v[j * nx + i] = static_cast<float>(2 * i + 3 * j + 1);
  return v;
}

TEST(Kernels, BilinearIsExactOnAPlaneInsideIrafBounds) {
  const int nx = 12, ny = 9;
  const auto img = ramp(nx, ny);
  for (double x : {0.0, 0.25, 3.5, 9.999})
    for (double y : {0.0, 1.75, 6.999}) {
      EXPECT_NEAR(k::bilinear_iraf(img.data(), nx, ny, x, y), 2 * x + 3 * y + 1, 1e-9);
    }
}

TEST(Kernels, IrafBoundExcludesTheLastCellAndNegatives) {
  const int nx = 12, ny = 9;
  const auto img = ramp(nx, ny);
  EXPECT_TRUE(std::isnan(k::bilinear_iraf(img.data(), nx, ny, nx - 2.0, 3.0)));  // x < nx - 2 only
  EXPECT_TRUE(std::isnan(k::bilinear_iraf(img.data(), nx, ny, 3.0, ny - 2.0)));
  EXPECT_TRUE(std::isnan(k::bilinear_iraf(img.data(), nx, ny, -1e-9, 3.0)));
  EXPECT_TRUE(std::isnan(k::bilinear_iraf(img.data(), nx, ny, 3.0, NAN)));
}

TEST(Kernels, PhotutilsBoundExtrapolatesBelowZero) {
  const int nx = 12, ny = 9;
  const auto img = ramp(nx, ny);
  // int() truncates toward zero: x in (-1, 0) uses cell 0 with fx < 0, a linear extrapolation.
  EXPECT_NEAR(k::bilinear_photutils(img.data(), nx, ny, -0.5, 2.0), 2 * -0.5 + 3 * 2 + 1, 1e-9);
  EXPECT_NEAR(k::bilinear_photutils(img.data(), nx, ny, nx - 1.5, 2.0), 2 * (nx - 1.5) + 7, 1e-9);
  EXPECT_TRUE(std::isnan(k::bilinear_photutils(img.data(), nx, ny, -1.0, 2.0)));
  EXPECT_TRUE(std::isnan(k::bilinear_photutils(img.data(), nx, ny, nx - 1.0, 2.0)));
}

TEST(Kernels, BadCornerInvalidatesTheSample) {
  const int nx = 8, ny = 8;
  auto img = ramp(nx, ny);
  img[3 * nx + 4] = NAN;  // pixel (4, 3)
  for (double x : {3.2, 4.0, 4.7})
    for (double y : {2.2, 3.0, 3.9})
      EXPECT_TRUE(std::isnan(k::bilinear_iraf(img.data(), nx, ny, x, y))) << x << "," << y;
  EXPECT_FALSE(std::isnan(k::bilinear_iraf(img.data(), nx, ny, 5.1, 3.5)));
}

TEST(Kernels, NearestTakesTheLowerLeftPixel) {
  const int nx = 8, ny = 8;
  const auto img = ramp(nx, ny);
  EXPECT_EQ(k::nearest_sample(img.data(), nx, ny, 2.9, 4.99, isoster::Compat::Iraf),
            2 * 2 + 3 * 4 + 1);
  EXPECT_EQ(k::nearest_sample(img.data(), nx, ny, 6.99, 0.0, isoster::Compat::Iraf), 2 * 6 + 1);
  EXPECT_TRUE(std::isnan(
      k::nearest_sample(img.data(), nx, ny, 7.0, 1.0, isoster::Compat::Iraf)));  // floor <= nx-2
  EXPECT_TRUE(std::isnan(k::nearest_sample(img.data(), nx, ny, -0.5, 1.0, isoster::Compat::Iraf)));
  EXPECT_EQ(k::nearest_sample(img.data(), nx, ny, -0.5, 1.0, isoster::Compat::Photutils),
            3 + 1);  // truncation
}

TEST(Kernels, SmallSinCosMatchesLibm) {
  double worst = 0;
  for (int i = 0; i <= 5000; ++i) {
    const double d = 0.5 * i / 5000.0;
    double c, s;
    k::small_sincos(d, c, s);
    worst = std::max({worst, std::fabs(c - std::cos(d)), std::fabs(s - std::sin(d))});
  }
  EXPECT_LT(worst, 2e-15);
}

TEST(Kernels, SpdSolveAgreesWithEigen) {
  std::mt19937 rng(7);
  std::normal_distribution<double> g;
  for (int n : {2, 3, 4, 5}) {
    Eigen::MatrixXd A(3 * n, n);
    for (int i = 0; i < A.rows(); ++i)
      for (int j = 0; j < n; ++j) A(i, j) = g(rng);
    const Eigen::MatrixXd M = A.transpose() * A;
    Eigen::VectorXd v(n);
    for (int i = 0; i < n; ++i) v(i) = g(rng);
    const Eigen::VectorXd ref = M.ldlt().solve(v);
    const Eigen::MatrixXd inv = M.inverse();
    std::vector<double> m(n * n), c(n), id(n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) m[i * n + j] = M(i, j);
    double det;
    ASSERT_TRUE(k::spd_solve(m.data(), v.data(), n, c.data(), id.data(), &det));
    EXPECT_NEAR(det, M.determinant(), 1e-9 * std::fabs(M.determinant()));
    for (int i = 0; i < n; ++i) {
      EXPECT_NEAR(c[i], ref(i), 1e-10 * (1 + std::fabs(ref(i))));
      EXPECT_NEAR(id[i], inv(i, i), 1e-10 * inv(i, i));
    }
  }
}

TEST(Kernels, SpdSolveRejectsSingular) {
  const double m[4] = {1, 1, 1, 1}, v[2] = {1, 2};
  double c[2], id[2], det;
  EXPECT_FALSE(k::spd_solve(m, v, 2, c, id, &det));
}

TEST(Kernels, CorrectionsMoveTheRightParameter) {
  const double a = 20, g = -2, th = 0.3, eps = 0.4, q = 1 - eps;
  double x = 10, y = 20, e = eps, t = th;
  k::apply_correction(x, y, e, t, 0, 0.5, g, a, isoster::Compat::Iraf);  // A1: along the minor axis
  const double t1 = -0.5 * q / g;
  EXPECT_NEAR(x, 10 - t1 * std::sin(th), 1e-14);
  EXPECT_NEAR(y, 20 + t1 * std::cos(th), 1e-14);
  EXPECT_EQ(e, eps);
  EXPECT_EQ(t, th);
  x = 10, y = 20;
  k::apply_correction(x, y, e, t, 1, 0.5, g, a, isoster::Compat::Iraf);  // B1: along the major axis
  EXPECT_NEAR(x, 10 + 0.25 * std::cos(th), 1e-14);
  EXPECT_NEAR(y, 20 + 0.25 * std::sin(th), 1e-14);
  k::apply_correction(x, y, e, t, 2, 0.1, g, a, isoster::Compat::Iraf);  // A2: PA
  EXPECT_NEAR(t, th + 2 * 0.1 * q / (a * g * (q * q - 1)), 1e-14);
  k::apply_correction(x, y, e, t, 3, 0.1, g, a, isoster::Compat::Iraf);  // B2: ellipticity
  EXPECT_NEAR(e, eps - 2 * 0.1 * q / (a * g), 1e-14);
  // PA reduced into [0, pi); photutils caps eps at 0.95.
  t = 0.01;
  k::apply_correction(x, y, e, t, 2, -5.0, g, a, isoster::Compat::Iraf);
  EXPECT_GE(t, 0.0);
  EXPECT_LT(t, k::kPi);
  e = 0.9;
  k::apply_correction(x, y, e, t, 3, 100.0, g, a, isoster::Compat::Photutils);
  EXPECT_EQ(e, 0.95);
}

TEST(Kernels, GeometryErrorsFollowBusko) {
  const double err[4] = {0.1, 0.2, 0.3, 0.4};
  const double g = -2, a = 10, eps = 0.25, th = 0.6, q = 0.75;
  double x0e, y0e, ee, pae;
  k::geometry_errors(err, g, a, eps, th, x0e, y0e, ee, pae);
  const double emaj = 0.2 / 2, emin = 0.1 * q / 2;
  EXPECT_NEAR(x0e, std::hypot(emaj * std::cos(th), emin * std::sin(th)), 1e-15);
  EXPECT_NEAR(y0e, std::hypot(emaj * std::sin(th), emin * std::cos(th)), 1e-15);
  EXPECT_NEAR(ee, 2 * 0.4 * q / (a * 2), 1e-15);
  EXPECT_NEAR(pae, 2 * 0.3 * q / (a * 2 * (1 - q * q)), 1e-15);
  k::geometry_errors(err, g, a, 0.0, th, x0e, y0e, ee, pae);
  EXPECT_EQ(pae, 0.0);  // PA undefined for a circle
}

}  // namespace
