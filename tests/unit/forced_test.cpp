// Forced photometry: measured on the geometry of a fit of the same image, it reproduces the fit's
// intensities; rows are independent of one another.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "io/fits_image.hpp"
#include "isoster/fit.hpp"
#include "isoster/sersic.hpp"

using namespace isoster;

namespace {

std::vector<ForcedGeometry> geometry_of(const std::vector<Isophote>& rows) {
  std::vector<ForcedGeometry> g;
  for (const auto& r : rows)
    g.push_back({r.sma, r.x0, r.y0, r.sma > 0 ? r.ellip : 0, r.sma > 0 ? r.pa : 0});
  return g;
}

}  // namespace

class ForcedOwnTable : public ::testing::TestWithParam<const char*> {};

TEST_P(ForcedOwnTable, ReproducesTheFitsIntensities) {
  const Image img =
      io::read_image(std::string(ISOSTER_TEST_DATA) + "/" + GetParam(), io::PlaneRequest{});
  FitConfig cfg;
  cfg.x0 = 256;
  cfg.y0 = 256;
  cfg.pa = 90;
  const FitResult fit = fit_image(img.view(), cfg);
  ASSERT_EQ(fit.status, isoster::FitStatus::Ok);
  const auto rows = fit_forced(img.view(), geometry_of(fit.rows), cfg);
  ASSERT_EQ(rows.size(), fit.rows.size());
  double worst = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Isophote &f = rows[k], &r = fit.rows[k];
    EXPECT_EQ(f.sma, r.sma);
    EXPECT_EQ(f.niter, 0);
    if (r.sma > 0) {
      EXPECT_EQ(f.x0_err, 0);
      EXPECT_EQ(f.ellip_err, 0);
      EXPECT_EQ(f.ndata, r.ndata) << r.sma;
      EXPECT_EQ(f.tflux_e, r.tflux_e) << r.sma;
    }
    worst = std::max(worst, std::fabs(f.intens - r.intens) / std::fabs(r.intens));
  }
  // Measured: ~1e-9 (the fit's last ring may follow a first-order walk update, < 1e-7 px off).
  EXPECT_LT(worst, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Tables, ForcedOwnTable,
                         ::testing::Values("synth_highsnr.fits", "synth.fits"));

TEST(Forced, RowsAreIndependentOfEachOther) {
  const Image img =
      io::read_image(std::string(ISOSTER_TEST_DATA) + "/synth.fits", io::PlaneRequest{});
  FitConfig cfg;
  std::vector<ForcedGeometry> all;
  for (double a = 2; a < 150; a *= 1.3) all.push_back({a, 256.2, 255.7, 0.25, 40});
  const auto whole = fit_forced(img.view(), all, cfg);
  const std::vector<ForcedGeometry> tail(all.begin() + 5, all.end());
  const auto part = fit_forced(img.view(), tail, cfg);
  for (std::size_t k = 0; k < part.size(); ++k) {
    EXPECT_EQ(part[k].intens, whole[k + 5].intens);
    EXPECT_EQ(part[k].grad, whole[k + 5].grad);
    EXPECT_EQ(part[k].a4, whole[k + 5].a4);
  }
}

// Without the gradient ring (spec 7.1's switch) a row keeps every intensity quantity of the full
// measurement bitwise, in both conventions and with a masked region; the gradient and the
// harmonic amplitudes normalised by it are NaN.
TEST(Forced, WithoutGradientKeepsTheIntensities) {
  Image img = io::read_image(std::string(ISOSTER_TEST_DATA) + "/synth.fits", io::PlaneRequest{});
  for (int j = 300; j < 330; ++j)
    for (int i = 200; i < 260; ++i) img.at(i, j) = NAN;  // flagged samples on some rings
  std::vector<ForcedGeometry> g;
  for (double a = 0; a < 200; a = a * 1.15 + 0.7) g.push_back({a, 256.2, 255.7, 0.25, 40});
  for (Compat compat : {Compat::Iraf, Compat::Photutils}) {
    FitConfig cfg;
    cfg.compat = compat;
    const auto full = fit_forced(img.view(), g, cfg);
    cfg.forced_gradient = false;
    const auto lean = fit_forced(img.view(), g, cfg);
    ASSERT_EQ(full.size(), lean.size());
    int flagged = 0;
    for (std::size_t k = 0; k < full.size(); ++k) {
      const Isophote &f = full[k], &l = lean[k];
      EXPECT_EQ(std::memcmp(&f.intens, &l.intens, sizeof(double)), 0) << f.sma;
      EXPECT_EQ(std::memcmp(&f.int_err, &l.int_err, sizeof(double)), 0) << f.sma;
      EXPECT_EQ(std::memcmp(&f.rms, &l.rms, sizeof(double)), 0) << f.sma;
      EXPECT_EQ(std::memcmp(&f.tflux_e, &l.tflux_e, sizeof(double)), 0) << f.sma;
      EXPECT_EQ(f.ndata, l.ndata);
      EXPECT_EQ(f.nflag, l.nflag);
      EXPECT_EQ(f.stop, l.stop);
      flagged += f.sma > 0 && f.nflag > 0;
      if (f.sma == 0) continue;
      EXPECT_TRUE(std::isfinite(f.grad)) << f.sma;
      EXPECT_TRUE(std::isnan(l.grad) && std::isnan(l.grad_err) && std::isnan(l.grad_r_err));
      for (double h : {l.a3, l.a3_err, l.b3, l.b3_err, l.a4, l.a4_err, l.b4, l.b4_err})
        EXPECT_TRUE(std::isnan(h)) << f.sma;
    }
    EXPECT_GT(flagged, 0);
  }
}

// Rows shared among threads (spec 7.1) are bitwise those of one thread, whatever the number of
// threads, in both conventions, with fluxes, a masked region, central rows, rows off the image and
// a weighted (variance-map) run.
TEST(Forced, ThreadsGiveBitwiseTheSameRows) {
  Image img = io::read_image(std::string(ISOSTER_TEST_DATA) + "/synth.fits", io::PlaneRequest{});
  for (int j = 300; j < 330; ++j)
    for (int i = 200; i < 260; ++i) img.at(i, j) = NAN;
  Image var(img.nx(), img.ny(), 4.0f);
  const ImageView vview = var.view();
  std::vector<ForcedGeometry> g;
  for (double a = 0; a < 200; a = a * 1.15 + 0.7) g.push_back({a, 256.2, 255.7, 0.25, 40});
  g.push_back({0, 100.4, 300.6, 0, 0});
  g.push_back({30, 700, 700, 0.1, 10});                                        // off the image
  for (double a = 150; a > 3; a /= 1.7) g.push_back({a, 250, 260, 0.4, 120});  // descending
  for (Compat compat : {Compat::Iraf, Compat::Photutils})
    for (bool weighted : {false, true}) {
      FitConfig cfg;
      cfg.compat = compat;
      const ImageView* v = weighted ? &vview : nullptr;
      const auto one = fit_forced(img.view(), g, cfg, v, 1);
      for (int threads : {2, 3, 7, 0}) {
        const auto many = fit_forced(img.view(), g, cfg, v, threads);
        ASSERT_EQ(many.size(), one.size());
        for (std::size_t k = 0; k < one.size(); ++k)
          EXPECT_EQ(std::memcmp(&one[k], &many[k], sizeof(Isophote)), 0)
              << "row " << k << ", " << threads << " threads, weighted " << weighted;
      }
    }
  EXPECT_THROW(fit_forced(img.view(), g, FitConfig{}, nullptr, -1), std::invalid_argument);
}

TEST(Forced, InvalidGeometriesAreRefused) {
  Image img(32, 32, 1.0f);
  FitConfig cfg;
  EXPECT_THROW(fit_forced(img.view(), {{5, 16, 16, 1.2, 0}}, cfg), std::invalid_argument);
  EXPECT_THROW(fit_forced(img.view(), {{-1, 16, 16, 0.2, 0}}, cfg), std::invalid_argument);
  EXPECT_THROW(fit_forced(img.view(), {{5, NAN, 16, 0.2, 0}}, cfg), std::invalid_argument);
  // Off the image: measured, flagged (no data), not an error.
  const auto r = fit_forced(img.view(), {{5, 500, 500, 0.2, 0}}, cfg);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].ndata, 0);
  EXPECT_NE(r[0].stop, 0);
}

// The curve-of-growth summary on a noise-free exponential disc: the half-light SMA is Re.
TEST(Growth, HalfLightSmaOfASersicDiscIsRe) {
  SersicSpec s;
  s.nx = s.ny = 301;
  s.x0 = s.y0 = 150;
  s.n = 1;
  s.re = 12;
  s.eps = 0.3;
  s.pa_deg = 20;
  s.oversample = 3;
  const Image img = make_sersic(s);
  FitConfig cfg;
  cfg.x0 = 150;
  cfg.y0 = 150;
  const FitResult r = fit_image(img.view(), cfg);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  const GrowthSummary g = growth_summary(r.rows);
  // The profile reaches ~12 Re: the flux beyond is < 1e-4 of the total for n = 1.
  EXPECT_NEAR(g.half_light_sma, s.re, 0.02 * s.re);
  EXPECT_GT(g.total_flux, 0);
  EXPECT_TRUE(std::isnan(growth_summary({}).total_flux));
}

// Eccentric-anomaly rings have at least 64 points however small: forced photometry from SMA 1
// and a fit started at SMA 1 must size their buffers for them (this overflowed the heap once;
// the sanitizer run checks every access).
TEST(Forced, EccentricSamplingOfSmallRings) {
  SersicSpec s;
  s.nx = s.ny = 101;
  s.x0 = s.y0 = 50;
  s.eps = 0.3;
  s.re = 8;
  const Image img = make_sersic(s);
  FitConfig cfg;
  cfg.sampling = Sampling::Eccentric;
  std::vector<ForcedGeometry> g;
  for (int k = 0; k < 10; ++k) g.push_back({0.5 + 0.5 * k, 50, 50, 0.3, 30});
  const auto rows = fit_forced(img.view(), g, cfg);
  ASSERT_EQ(rows.size(), g.size());
  for (const auto& r : rows) EXPECT_GE(r.ndata, 64) << r.sma;
  cfg.x0 = cfg.y0 = 50;
  cfg.sma0 = 1;
  const FitResult fit = fit_image(img.view(), cfg);
  EXPECT_EQ(fit.status, isoster::FitStatus::Ok) << fit.message;
}
