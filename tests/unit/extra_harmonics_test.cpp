// Harmonics of any order (measure_harmonics, --harmonics): orders 3 and 4 reproduce the fit's
// A3..B4 columns; a sixth-order shape term of known amplitude is recovered within its error,
// in IRAF, photutils and ISOFIT modes, and the orders that are absent are consistent with 0.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "isoster/fit.hpp"
#include "isoster/sersic.hpp"
#include "unit/shape_galaxy.hpp"

using namespace isoster;

namespace {

SersicSpec sixth_order_galaxy(double b6, double noise) {
  SersicSpec s = shape_galaxy();
  s.bn = b6;
  s.bn_order = 6;
  s.noise = noise;
  s.seed = 3;
  return s;
}

// Started at the true geometry: photutils' fitter does not recover from a start 80 degrees off
// in PA on this galaxy (it settles at eps 0.16), and the harmonics of a wrong ellipse mean little.
FitConfig config(Compat compat, bool isofit) {
  FitConfig cfg;
  cfg.compat = compat;
  cfg.x0 = cfg.y0 = 100;
  cfg.eps = 0.3;
  cfg.pa = 30;
  cfg.maxsma = 40;
  cfg.simultaneous_harmonics = isofit;
  return cfg;
}

// Checks that orders 3 and 4 of measure_harmonics (h) reproduce the A3..B4 columns of the fit's
// code-0 rows (the others are reported from a pass other than the last sampled), errors
// included, and that the central row has none. Returns how many rows it compared.
int expect_orders_three_four(const std::vector<double>& h, const std::vector<Isophote>& rows) {
  EXPECT_EQ(h.size(), rows.size() * 8);
  if (h.size() != rows.size() * 8) return 0;
  int compared = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Isophote& r = rows[k];
    if (r.sma == 0) {
      EXPECT_TRUE(std::isnan(h[8 * k])) << "central row";
      continue;
    }
    if (r.stop != 0) continue;
    const double want[8] = {r.a3, r.a3_err, r.b3, r.b3_err, r.a4, r.a4_err, r.b4, r.b4_err};
    for (int i = 0; i < 8; ++i)
      EXPECT_NEAR(h[8 * k + i], want[i], 1e-9 + 1e-6 * std::fabs(want[i]))
          << "sma " << r.sma << " value " << i;
    ++compared;
  }
  return compared;
}

}  // namespace

class ExtraHarmonics : public ::testing::TestWithParam<std::pair<Compat, bool>> {};

TEST_P(ExtraHarmonics, OrdersThreeAndFourEqualTheFitColumns) {
  const auto [compat, isofit] = GetParam();
  const Image img = make_sersic(sixth_order_galaxy(0.03, 0.05));
  const FitConfig cfg = config(compat, isofit);
  const FitResult fit = fit_image(img.view(), cfg);
  ASSERT_EQ(fit.status, isoster::FitStatus::Ok);
  const std::vector<double> h = measure_harmonics(img.view(), fit.rows, {3, 4}, cfg);
  EXPECT_GE(expect_orders_three_four(h, fit.rows), 8);
  // A configuration of forced rows without the gradient (which make no first/second fit of their
  // own) measures the same: the rows' gradients are given.
  FitConfig lean = cfg;
  lean.forced_gradient = false;
  EXPECT_GE(
      expect_orders_three_four(measure_harmonics(img.view(), fit.rows, {3, 4}, lean), fit.rows), 8);
}

// With a variance map the IRAF-mode orders start from the weighted first/second-harmonic fit, as
// the A3..B4 columns do, and both take rho' = GRAD_R_ERR (spec 4.4), which a variance map writes
// from the variances (spec 7.6): orders 3 and 4 reproduce the columns, errors included.
TEST(ExtraHarmonicsWeighted, OrdersThreeAndFourEqualTheFitColumns) {
  const Image img = make_sersic(sixth_order_galaxy(0.03, 0.05));
  // Variance rising across the image and with the signal, so that the weights matter.
  Image var(img.nx(), img.ny());
  for (int j = 0; j < img.ny(); ++j)
    for (int i = 0; i < img.nx(); ++i)
      var.at(i, j) = 0.0025f * (1.0f + i / 50.0f) + 0.01f * std::fabs(img.at(i, j));
  const FitConfig cfg = config(Compat::Iraf, false);
  const ImageView v = var.view();
  const FitResult fit = fit_image(img.view(), cfg, &v);
  ASSERT_EQ(fit.status, isoster::FitStatus::Ok);
  const std::vector<double> h = measure_harmonics(img.view(), fit.rows, {3, 4}, cfg, &v);
  EXPECT_GE(expect_orders_three_four(h, fit.rows), 8);
}

// The errors of A3..B4 add rho' = GRAD_R_ERR, from the variances with a map: measured on the
// same geometry with the map V and with 4 V, GRAD_R_ERR doubles while the amplitudes and their fit
// errors do not change, so an_err^2 - (an GRAD_R_ERR)^2 (the fit error's part) must agree.
TEST(ExtraHarmonicsWeighted, ErrorsTakeTheReportedGradientError) {
  SersicSpec spec = shape_galaxy();
  spec.b4 = -0.04;  // boxy: b4 well above its error
  spec.noise = 0.05;
  spec.seed = 5;
  const Image img = make_sersic(spec);
  Image v1(img.nx(), img.ny()), v4(img.nx(), img.ny());
  for (int j = 0; j < img.ny(); ++j)
    for (int i = 0; i < img.nx(); ++i) {
      v1.at(i, j) = 0.0025f + 0.05f * std::fabs(img.at(i, j));
      v4.at(i, j) = 4 * v1.at(i, j);
    }
  std::vector<ForcedGeometry> g;
  for (double a = 4; a <= 40; a *= 1.25) g.push_back({a, 100, 100, 0.3, 30});
  const FitConfig cfg = config(Compat::Iraf, false);
  const ImageView w1 = v1.view(), w4 = v4.view();
  const std::vector<Isophote> r1 = fit_forced(img.view(), g, cfg, &w1);
  const std::vector<Isophote> r4 = fit_forced(img.view(), g, cfg, &w4);
  int checked = 0;
  for (std::size_t k = 0; k < g.size(); ++k) {
    const Isophote &p = r1[k], &q = r4[k];
    ASSERT_TRUE(std::isfinite(p.b4_err) && std::isfinite(q.b4_err)) << "sma " << p.sma;
    EXPECT_NEAR(q.grad_r_err, 2 * p.grad_r_err, 1e-9 * p.grad_r_err) << "sma " << p.sma;
    EXPECT_NEAR(q.b4, p.b4, 1e-9 * std::fabs(p.b4)) << "sma " << p.sma;
    const double fit1 = p.b4_err * p.b4_err - std::pow(p.b4 * p.grad_r_err, 2);
    const double fit4 = q.b4_err * q.b4_err - std::pow(q.b4 * q.grad_r_err, 2);
    EXPECT_GT(fit1, 0) << "sma " << p.sma;
    EXPECT_NEAR(fit4, fit1, 1e-6 * fit1) << "sma " << p.sma;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST_P(ExtraHarmonics, RecoverASixthOrderShape) {
  const auto [compat, isofit] = GetParam();
  const double b6 = 0.03;
  const Image img = make_sersic(sixth_order_galaxy(b6, 0.05));
  const FitConfig cfg = config(compat, isofit);
  const FitResult fit = fit_image(img.view(), cfg);
  ASSERT_EQ(fit.status, isoster::FitStatus::Ok);
  const std::vector<double> h = measure_harmonics(img.view(), fit.rows, {3, 4, 5, 6}, cfg);
  int checked = 0;
  for (std::size_t k = 0; k < fit.rows.size(); ++k) {
    const Isophote& r = fit.rows[k];
    if (r.sma < 5 || r.sma > 30) continue;
    const double* o5 = &h[16 * k + 8];
    const double* o6 = &h[16 * k + 12];
    // r = a (1 + b6 cos 6 phi): B6 = b6 to first order (10% allowed for the higher orders of
    // the shape), A6 = 0; order 5 absent.
    EXPECT_LT(std::fabs(o6[2] - b6), 3 * o6[3] + 0.1 * b6)
        << r.sma << " B6 " << o6[2] << " +- " << o6[3];
    EXPECT_LT(std::fabs(o6[0]), 3 * o6[1]) << r.sma << " A6 " << o6[0];
    EXPECT_LT(std::fabs(o5[0]), 3 * o5[1]) << r.sma << " A5 " << o5[0];
    EXPECT_LT(std::fabs(o5[2]), 3 * o5[3]) << r.sma << " B5 " << o5[2];
    EXPECT_LT(o6[3], 0.01) << r.sma;  // informative: the error is small against b6
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

INSTANTIATE_TEST_SUITE_P(Modes, ExtraHarmonics,
                         ::testing::Values(std::make_pair(Compat::Iraf, false),
                                           std::make_pair(Compat::Photutils, false),
                                           std::make_pair(Compat::Iraf, true)));

TEST(ExtraHarmonicsOrders, InvalidListsAreRefused) {
  const Image img = make_sersic(sixth_order_galaxy(0, 0));
  const FitConfig cfg = config(Compat::Iraf, false);
  const std::vector<Isophote> rows;
  for (const std::vector<int>& bad :
       {std::vector<int>{}, {2}, {5, 5}, {6, 5}, {65}, {3, 4, 5, 6, 7, 8, 9, 10, 11}})
    EXPECT_THROW(measure_harmonics(img.view(), rows, bad, cfg), std::invalid_argument);
}
