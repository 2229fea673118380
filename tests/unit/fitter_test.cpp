// The pass loop and the driver: every stop code (0, 1, 2, 3, 4, 5), held parameters, the
// non-iterative mode, maxsma/minsma, the object locator and the central row.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "isoster/fit.hpp"
#include "support/synthetic.hpp"

namespace {

using isoster::Compat;
using isoster::FitConfig;
using isoster::FitResult;
using isoster::Isophote;

isoster::Image galaxy(double noise = 0, unsigned seed = 1) {
  isoster::testing::SersicSpec s;
  s.nx = s.ny = 161;
  s.x0 = s.y0 = 80;
  s.n = 1;
  s.re = 20;
  s.ie = 100;
  s.eps = 0.3;
  s.pa_deg = 35;
  s.noise = noise;
  s.seed = seed;
  return isoster::testing::make_sersic(s);
}

FitConfig start() {
  FitConfig c;
  c.x0 = 80;
  c.y0 = 80;
  c.pa = 30;
  return c;
}

int count_stop(const FitResult& r, int code) {
  return static_cast<int>(std::count_if(r.rows.begin(), r.rows.end(), [&](const Isophote& i) {
    return i.sma > 0 && i.stop == code;
  }));
}

double pixel(const isoster::Image& img, double x, double y) {
  return img.at(static_cast<int>(std::floor(x + 0.5)), static_cast<int>(std::floor(y + 0.5)));
}

TEST(StopCodes, ZeroAndTheCentralRowOnACleanGalaxy) {
  const auto img = galaxy();
  const FitResult r = isoster::fit_image(img.view(), start());
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  ASSERT_GT(r.rows.size(), 30u);
  // A smooth exponential disc converges everywhere from 2 px out, except the edge row (fflag).
  // Inside ~2 px, 13 bilinear samples of the pyramid-shaped bilinear surface around the peak do
  // not constrain the geometry (IRAF behaves alike); codes there are not asserted.
  int outer = 0, outer0 = 0;
  for (const auto& row : r.rows) {
    if (row.sma < 2) continue;
    ++outer;
    outer0 += row.stop == 0;
  }
  EXPECT_GE(outer0, outer - 1);
  EXPECT_EQ(r.rows.back().stop, 1);
  for (std::size_t i = 1; i < r.rows.size(); ++i) EXPECT_LT(r.rows[i - 1].sma, r.rows[i].sma);
  const Isophote& c = r.rows.front();
  EXPECT_EQ(c.sma, 0.0);
  EXPECT_EQ(c.stop, isoster::kNullInt);
  EXPECT_EQ(c.niter, isoster::kNullInt);
  EXPECT_EQ(c.ndata, 1);
  EXPECT_EQ(c.intens, pixel(img, c.x0, c.y0));
  EXPECT_NEAR(c.grad, (r.rows[1].intens - c.intens) / r.rows[1].sma, 1e-12);
  EXPECT_TRUE(std::isnan(c.ellip));
  // Converged rows iterate at least minit times; the sma0 row at least max(8, 2 minit).
  for (const auto& row : r.rows) {
    if (row.sma == 0 || row.stop != 0) continue;
    EXPECT_GE(row.niter, std::fabs(row.sma - 10) < 1e-9 ? 20 : 10);
  }
}

TEST(StopCodes, OneWhenMostSamplesAreFlagged) {
  auto img = galaxy();
  for (int j = 0; j < img.ny(); ++j)
    for (int i = 78; i < img.nx(); ++i) img.at(i, j) = NAN;  // well over half of every ring
  const FitResult r = isoster::fit_image(img.view(), start());
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  const auto it =
      std::find_if(r.rows.begin(), r.rows.end(), [](const Isophote& i) { return i.sma == 10; });
  ASSERT_NE(it, r.rows.end());
  EXPECT_EQ(it->stop, 1);
  EXPECT_GT(it->nflag, it->ndata);
  // A code-1 first isophote sends the driver inwards at once: nothing beyond sma0.
  EXPECT_EQ(r.rows.back().sma, 10.0);
}

TEST(StopCodes, TwoWhenMaxitPassesDoNotConverge) {
  const auto img = galaxy(0.5);
  FitConfig c = start();
  c.conver = 1e-12;
  c.minit = 2;
  c.maxit = 3;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  EXPECT_GT(count_stop(r, 2), 10);
  for (const auto& row : r.rows)
    if (row.stop == 2) {
      EXPECT_EQ(row.niter, 3);
    }
}

TEST(StopCodes, ThreeOnTheFirstIsophoteAbortsTheFit) {
  isoster::Image img(101, 101, NAN);
  for (int j = 48; j <= 52; ++j)
    for (int i = 48; i <= 52; ++i)
      img.at(i, j) = 100.0f - (i - 50) * (i - 50) - (j - 50) * (j - 50);
  FitConfig c;
  c.x0 = c.y0 = 50;
  c.olthresh = 0;  // locator off: it would report "no object" first
  const FitResult r = isoster::fit_image(img.view(), c);
  EXPECT_EQ(r.status, isoster::FitStatus::FirstIsophoteFailed);
  EXPECT_NE(r.message.find("no meaningful fit"), std::string::npos);
  EXPECT_TRUE(r.rows.empty());
}

TEST(StopCodes, FourBeyondMaxrit) {
  const auto img = galaxy();
  FitConfig c = start();
  c.maxrit = 20;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  int n4 = 0;
  bool first = true;
  for (const auto& row : r.rows) {
    if (row.sma < 20) continue;
    if (row.stop == 1) continue;  // the edge row may stop on fflag
    EXPECT_EQ(row.stop, 4) << row.sma;
    // The first isophote beyond maxrit stops after its first correction (NITER 2, spec 3.4);
    // every later one is non-iterative (one pass).
    EXPECT_EQ(row.niter, first ? 2 : 1) << row.sma;
    first = false;
    EXPECT_TRUE(std::isnan(row.x0_err));
    EXPECT_TRUE(std::isnan(row.ellip_err));
    ++n4;
  }
  EXPECT_GT(n4, 5);
}

TEST(StopCodes, FourWhenTheCentreWanders) {
  const auto img = galaxy();
  FitConfig c = start();
  c.x0 = 83;  // start 3 px off: the first centre correction exceeds wander
  c.olthresh = 0;
  c.wander = 1e-3;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  EXPECT_GT(count_stop(r, 4), 0);
}

TEST(StopCodes, FiveInPhotutilsModeOnAFaintOutskirt) {
  const auto img = galaxy(3.0, 5);
  FitConfig c = start();
  c.compat = Compat::Photutils;
  c.maxgerr = 0.2;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  EXPECT_GT(count_stop(r, 5), 0);
  for (const auto& row : r.rows)
    if (row.stop == 5) {
      EXPECT_EQ(row.niter, 0);  // re-extracted without iterating
    }
}

TEST(Driver, EverythingHeldIsOnePassAtTheStartGeometry) {
  const auto img = galaxy();
  FitConfig c = start();
  c.fix_center = c.fix_pa = c.fix_eps = true;
  c.eps = 0.25;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  for (const auto& row : r.rows) {
    if (row.sma == 0) continue;
    EXPECT_EQ(row.niter, 1);
    EXPECT_TRUE(std::isnan(row.a_big));
    EXPECT_EQ(row.x0, 80);
    EXPECT_EQ(row.ellip, 0.25);
    EXPECT_NEAR(row.pa, 30, 1e-9);
  }
}

TEST(Driver, HeldEllipticityStaysFixed) {
  const auto img = galaxy();
  FitConfig c = start();
  c.fix_eps = true;
  c.eps = 0.3;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  for (const auto& row : r.rows)
    if (row.sma > 0) {
      EXPECT_EQ(row.ellip, 0.3);
    }
}

TEST(Driver, SmaLimitsAndNoCentralRowAboveHalfAPixel) {
  const auto img = galaxy();
  FitConfig c = start();
  c.minsma = 5;
  c.maxsma = 40;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  EXPECT_GE(r.rows.front().sma, 5);
  EXPECT_LE(r.rows.back().sma, 40);
  EXPECT_GT(r.rows.back().sma, 40 / 1.1 - 1e-9);
}

TEST(Driver, LinearStepGrowsBySteps) {
  const auto img = galaxy();
  FitConfig c = start();
  c.linear_step = true;
  c.step = 3;
  c.maxsma = 40;
  c.minsma = 1;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  for (std::size_t i = 1; i < r.rows.size(); ++i)
    EXPECT_NEAR(r.rows[i].sma - r.rows[i - 1].sma, 3, 1e-9);
}

TEST(Driver, ObjectLocatorFindsAnOffCentreGalaxy) {
  isoster::testing::SersicSpec s;
  s.nx = s.ny = 161;
  s.x0 = 76;
  s.y0 = 84;
  s.n = 2;
  s.re = 12;
  s.ie = 100;
  s.eps = 0.2;
  const auto img = isoster::testing::make_sersic(s);
  FitConfig c;  // no start centre: image centre (80, 80), then the locator
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  EXPECT_TRUE(r.located);
  EXPECT_EQ(r.x_start, 76);
  EXPECT_EQ(r.y_start, 84);
  double x0 = 0, y0 = 0;
  EXPECT_TRUE(isoster::locate_object(img.view(), 80, 80, 0.1, 1.0, x0, y0, s.sky));
}

TEST(Driver, NoObjectOnFlatNoiseIsAFailureUnlessKept) {
  const auto img = isoster::testing::make_sersic([] {
    isoster::testing::SersicSpec s;
    s.nx = s.ny = 101;
    s.ie = 0;
    s.sky = 10;
    s.noise = 1;
    return s;
  }());
  FitConfig c;
  FitResult r = isoster::fit_image(img.view(), c);
  EXPECT_EQ(r.status, isoster::FitStatus::NoObjectFound);
  EXPECT_NE(r.message.find("no object found"), std::string::npos);
}

TEST(Driver, BadConfigurationsAreRefused) {
  const auto img = galaxy();
  auto refuses = [&](FitConfig c) {
    EXPECT_THROW(isoster::fit_image(img.view(), c), std::invalid_argument);
  };
  FitConfig c = start();
  c.eps = 1.0;
  refuses(c);
  c = start();
  c.sma0 = 0;
  refuses(c);
  c = start();
  c.minsma = 20;
  c.maxsma = 10;
  refuses(c);
  c = start();
  c.x0 = 500;
  refuses(c);
  c = start();
  c.maxit = 1;
  refuses(c);
}

TEST(Driver, AllNanImageReportsNoValidPixel) {
  isoster::Image img(64, 64, NAN);
  const FitResult r = isoster::fit_image(img.view(), FitConfig{});
  EXPECT_EQ(r.status, isoster::FitStatus::NoValidPixel);
  EXPECT_NE(r.message.find("no valid pixel"), std::string::npos);
}

TEST(Driver, RepeatedFitsAreBitwiseIdentical) {
  const auto img = galaxy(0.2);
  const FitResult a = isoster::fit_image(img.view(), start());
  const FitResult b = isoster::fit_image(img.view(), start());
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a.rows[i], &b.rows[i], sizeof(Isophote)), 0);
  }
}

TEST(Integrators, AreaModesAgreeWithBilinearOnASmoothGalaxy) {
  const auto img = galaxy();
  const FitResult ref = isoster::fit_image(img.view(), start());
  for (auto m :
       {isoster::Integrator::Mean, isoster::Integrator::Median, isoster::Integrator::Nearest}) {
    FitConfig c = start();
    c.integrator = m;
    const FitResult r = isoster::fit_image(img.view(), c);
    ASSERT_EQ(r.status, isoster::FitStatus::Ok) << isoster::to_string(m);
    for (const auto& row : r.rows) {
      if (row.sma < 22 || row.sma > 60) continue;  // area modes start where steps exceed 2 px
      const auto it = std::find_if(ref.rows.begin(), ref.rows.end(), [&](const Isophote& i) {
        return std::fabs(i.sma - row.sma) < 1e-9;
      });
      if (it == ref.rows.end()) continue;
      // Area modes average the annulus [a1, a2), which IRAF makes asymmetric about a (spec 1.1):
      // on a steep profile that biases the mean by about a percent; 3 % is the bound here.
      EXPECT_NEAR(row.intens / it->intens, 1.0, 0.03)
          << isoster::to_string(m) << " sma " << row.sma;
      // Sectors of 6 pixels or fewer fall back to bilinear (SAREA 2); wider rings use real sectors.
      if (m != isoster::Integrator::Nearest && row.sma > 30) {
        EXPECT_GT(row.sarea, 2.0);
      }
    }
  }
}

}  // namespace
