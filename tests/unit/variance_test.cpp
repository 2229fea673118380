// Weighted fits with a variance map (spec 7.6): a constant map leaves the intensities of the
// unweighted fit, and the errors scale with sigma; bad variances are bad pixels.
#include <gtest/gtest.h>

#include <cmath>

#include "isoster/fit.hpp"
#include "isoster/sersic.hpp"

using namespace isoster;

namespace {

Image galaxy() {
  SersicSpec s;
  s.nx = s.ny = 160;
  s.x0 = s.y0 = 80;
  s.re = 15;
  s.eps = 0.3;
  s.pa_deg = 35;
  s.noise = 1.0;
  s.seed = 3;
  return make_sersic(s);
}

FitConfig config() {
  FitConfig c;
  c.x0 = 80;
  c.y0 = 80;
  c.maxsma = 60;
  return c;
}

}  // namespace

TEST(Variance, ConstantMapKeepsIntensitiesAndErrorsScaleWithSigma) {
  const Image img = galaxy();
  const FitResult plain = fit_image(img.view(), config());
  const Image v4(img.nx(), img.ny(), 4.0f), v16(img.nx(), img.ny(), 16.0f);
  const ImageView vv4 = v4.view(), vv16 = v16.view();
  const FitResult w4 = fit_image(img.view(), config(), &vv4);
  const FitResult w16 = fit_image(img.view(), config(), &vv16);
  ASSERT_EQ(plain.status, isoster::FitStatus::Ok);
  ASSERT_EQ(w4.rows.size(), plain.rows.size());
  ASSERT_EQ(w16.rows.size(), plain.rows.size());
  for (std::size_t k = 0; k < plain.rows.size(); ++k) {
    const Isophote &p = plain.rows[k], &a = w4.rows[k], &b = w16.rows[k];
    EXPECT_NEAR(a.intens, p.intens, 1e-9 * std::fabs(p.intens)) << p.sma;
    if (p.sma > 0) {
      EXPECT_NEAR(a.ellip, p.ellip, 1e-9) << p.sma;
    }
    EXPECT_EQ(a.ndata, p.ndata) << p.sma;
    if (p.sma > 0 && std::isfinite(a.int_err)) {
      // sigma doubles: every error doubles (variances, not the residual scatter, set them).
      EXPECT_NEAR(b.int_err / a.int_err, 2.0, 1e-9) << p.sma;
      if (std::isfinite(a.x0_err) && a.x0_err > 0) {
        EXPECT_NEAR(b.x0_err / a.x0_err, 2.0, 1e-6) << p.sma;
      }
      // Higher harmonics stay unweighted: a4 and its fit error do not change, while the part
      // of a4_err from rho' = GRAD_R_ERR (spec 4.4) doubles with it.
      if (std::isfinite(a.a4_err) && std::isfinite(a.grad_r_err)) {
        EXPECT_NEAR(b.grad_r_err / a.grad_r_err, 2.0, 1e-6) << p.sma;
        const double fa = a.a4_err * a.a4_err - std::pow(a.a4 * a.grad_r_err, 2);
        const double fb = b.a4_err * b.a4_err - std::pow(b.a4 * b.grad_r_err, 2);
        EXPECT_NEAR(fb, fa, 1e-6 * fa) << p.sma;
      }
    }
  }
}

TEST(Variance, BadVariancesAreBadPixelsAndShapesMustMatch) {
  const Image img = galaxy();
  Image neg(img.nx(), img.ny(), -1.0f);
  const ImageView nv = neg.view();
  const FitResult r = fit_image(img.view(), config(), &nv);
  EXPECT_NE(r.status, isoster::FitStatus::Ok);  // no valid pixel
  const Image small(10, 10, 1.0f);
  const ImageView sv = small.view();
  EXPECT_THROW(fit_image(img.view(), config(), &sv), std::invalid_argument);
  FitConfig mean = config();
  mean.integrator = Integrator::Mean;
  const Image ok(img.nx(), img.ny(), 1.0f);
  const ImageView ov = ok.view();
  EXPECT_THROW(fit_image(img.view(), mean, &ov), std::invalid_argument);
}

TEST(Variance, ForcedUsesTheWeightedMean) {
  const Image img = galaxy();
  Image v(img.nx(), img.ny(), 4.0f);
  const ImageView vv = v.view();
  const std::vector<ForcedGeometry> g = {{10, 80, 80, 0.3, 35}, {20, 80, 80, 0.3, 35}};
  const auto plain = fit_forced(img.view(), g, config());
  const auto w = fit_forced(img.view(), g, config(), &vv);
  for (std::size_t k = 0; k < g.size(); ++k) {
    EXPECT_NEAR(w[k].intens, plain[k].intens, 1e-9 * std::fabs(plain[k].intens));
    EXPECT_NEAR(w[k].int_err, 2.0 / std::sqrt(double(w[k].ndata)), 1e-12);
  }
}
