// The ellipse walk (spec 1.1-1.2): sample counts against the spec's table (verified there against
// the IRAF tables), geometry of the points, photutils' longer walk, and the area-mode sectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/ring.hpp"
#include "isoster/kernels.hpp"

using namespace isoster::detail;
using isoster::Compat;
using isoster::Sampling;

namespace {

int count(double a, double eps, Compat compat, double dstep = 1.0) {
  Walk w;
  Walk* pw = &w;
  const WalkKey k{a, eps, dstep, compat};
  build_walks(&pw, &k, 1, 0.1, false);
  return w.n;
}

TEST(Walk, IrafSampleCountsMatchTheSpecTable) {
  const double as[] = {5, 10, 20, 50, 100, 300};
  const double es[] = {0, 0.2, 0.5, 0.7, 0.9};
  const int expected[6][5] = {{32, 28, 22, 17, 14},      {63, 56, 43, 31, 17},
                              {125, 112, 86, 63, 29},    {313, 279, 215, 157, 73},
                              {626, 558, 429, 313, 146}, {1878, 1674, 1287, 939, 437}};
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 5; ++j)
      EXPECT_EQ(count(as[i], es[j], Compat::Iraf), expected[i][j]) << as[i] << " " << es[j];
  // Counts seen in the IRAF reference tables (eps 0.2 region).
  EXPECT_EQ(count(2.18, 0.2, Compat::Iraf), 13);
  EXPECT_EQ(count(21.44, 0.2, Compat::Iraf), 120);
  EXPECT_EQ(count(309.13, 0.2, Compat::Iraf), 1725);
}

TEST(Walk, PhotutilsWalksPastTwoPi) {
  EXPECT_EQ(count(10, 0.2, Compat::Photutils), 57);
  EXPECT_EQ(count(40, 0.2, Compat::Photutils), 225);
}

TEST(Walk, NearestGradientRingStepsTwoOverR) {
  const int n1 = count(100, 0.2, Compat::Iraf, 1.0), n2 = count(100, 0.2, Compat::Iraf, 2.0);
  EXPECT_NEAR(n2, n1 / 2.0, 2.0);
}

TEST(Walk, PointsLieOnTheEllipseAndStartAtHalfTheFirstSector) {
  for (double eps : {0.0, 0.3, 0.8}) {
    Walk w;
    Walk* pw = &w;
    const double a = 37.5, q = 1 - eps;
    const WalkKey k{a, eps, 1.0, Compat::Iraf};
    build_walks(&pw, &k, 1, 0.1, false);
    w.ensure_basis();
    // IRAF's first point sits at r = a, angle w0 / 2 (w0 = min(a2 - a1, 3) / a clipped).
    double a1, a2;
    annulus(a, 0.1, false, Compat::Iraf, a1, a2);
    const double w0 = std::min(std::max(std::min(a2 - a1, 3.0) / a, 0.05), 0.2);
    EXPECT_NEAR(std::atan2(w.rs[0], w.rc[0]), w0 / 2, 1e-12);
    EXPECT_NEAR(std::hypot(w.rc[0], w.rs[0]), a, 1e-12);
    double last = 0;
    for (int i = 1; i < w.n; ++i) {
      const double R = std::sqrt(w.rc[i] * w.rc[i] + w.rs[i] * w.rs[i] / (q * q));
      ASSERT_NEAR(R, a, 1e-9 * a);
      double phi = std::atan2(w.s1[i], w.c1[i]);
      if (phi < 0) phi += 2 * isoster::kern::kPi;
      ASSERT_GT(phi, last);
      ASSERT_NEAR(w.c2[i], std::cos(2 * phi), 1e-12);
      // Steps never exceed 1/r (nor 0.5 rad).
      const double r_prev = std::hypot(w.rc[i - 1], w.rs[i - 1]);
      if (i > 1) {
        ASSERT_LE(phi - last, std::min(1 / r_prev, 0.5) + 1e-9);
      }
      last = phi;
    }
    EXPECT_LT(last, 2 * isoster::kern::kPi);
  }
}

TEST(Walk, CachedNormalMatrixEqualsTheSumOverPoints) {
  Walk w;
  Walk* pw = &w;
  const WalkKey k{15, 0.35, 1.0, Compat::Iraf};
  build_walks(&pw, &k, 1, 0.1, false);
  w.ensure_basis();
  double m00 = 0, m23 = 0;
  for (int i = 0; i < w.n; ++i) {
    m00 += w.s1[i] * w.s1[i];
    m23 += w.s2[i] * w.c2[i];
  }
  EXPECT_NEAR(w.m4[0], m00, 1e-12);
  EXPECT_NEAR(w.m4[2 * 4 + 3], m23, 1e-12);
  EXPECT_NEAR(w.m4[3 * 4 + 2], m23, 1e-12);
}

TEST(Walk, PairedBuildEqualsSingleBuilds) {
  Walk a, b, c, d;
  Walk* p2[2] = {&a, &b};
  const WalkKey k2[2] = {{42, 0.27, 1.0, Compat::Iraf}, {46.2, 0.27, 2.0, Compat::Iraf}};
  build_walks(p2, k2, 2, 0.1, false);
  Walk* pc = &c;
  Walk* pd = &d;
  build_walks(&pc, &k2[0], 1, 0.1, false);
  build_walks(&pd, &k2[1], 1, 0.1, false);
  ASSERT_EQ(a.n, c.n);
  ASSERT_EQ(b.n, d.n);
  for (int i = 0; i < a.n; ++i) ASSERT_EQ(a.rc[i], c.rc[i]);
  for (int i = 0; i < b.n; ++i) ASSERT_EQ(b.rs[i], d.rs[i]);
}

TEST(Annulus, IrafAndPhotutilsBounds) {
  double a1, a2;
  annulus(10, 0.1, false, Compat::Iraf, a1, a2);
  EXPECT_NEAR(a1, 10 * (1 - (1 - 1 / 1.1) / 2), 1e-12);
  EXPECT_NEAR(a2, 10.5, 1e-12);
  annulus(10, 0.1, false, Compat::Photutils, a1, a2);
  EXPECT_NEAR(a1, 9.5, 1e-12);
  annulus(10, 2, true, Compat::Iraf, a1, a2);
  EXPECT_NEAR(a1, 9, 1e-12);
  EXPECT_NEAR(a2, 11, 1e-12);
}

// Area modes: a constant image gives constant samples; the sector areas cover the annulus.
TEST(Sectors, ConstantImageAndAreaBookkeeping) {
  isoster::Image img(200, 200, 5.0f);
  for (auto mode : {RingMode::Mean, RingMode::Median}) {
    RingSampler s(img.view(), SamplerSettings{});
    s.reserve(60);
    const Geometry g{100, 100, 0.3, 0.4};
    const Ring r = s.sample(0, 50, g, mode);
    ASSERT_GT(r.npoint, 20);
    EXPECT_EQ(r.ndata, r.npoint);
    EXPECT_DOUBLE_EQ(r.mean, 5.0);
    EXPECT_EQ(r.sd, 0.0);
    double a1, a2;
    annulus(50, 0.1, false, Compat::Iraf, a1, a2);
    const double full = isoster::kern::kPi * 0.7 * (a2 * a2 - a1 * a1);
    // The sectors tile [0, 2 pi) and the last one may run past 2 pi: total within one sector.
    EXPECT_GE(r.sarea * r.npoint, full * 0.999);
    EXPECT_LE(r.sarea * r.npoint, full + 2 * r.sarea);
  }
}

TEST(Sectors, MeanOfARampIsTheRampAtTheCentreOnAverage) {
  isoster::Image img(200, 200);
  for (int j = 0; j < 200; ++j)
    for (int i = 0; i < 200; ++i) img.at(i, j) = static_cast<float>(0.5 * i + 0.25 * j);
  RingSampler s(img.view(), SamplerSettings{});
  s.reserve(60);
  const Geometry g{100, 100, 0.2, 0.0};
  const Ring r = s.sample(0, 40, g, RingMode::Mean);
  // A ramp averages to its value at the centre over a symmetric ring (up to sector discreteness).
  EXPECT_NEAR(r.mean, 0.5 * 100 + 0.25 * 100, 0.5);
  // Each sector value follows the ramp at the sector's centre within a pixel's worth.
  for (int k = 0; k < r.npoint; ++k) {
    const double x = 100 + 40 * 0.8 / std::hypot(0.8 * r.c1[k], r.s1[k]) * r.c1[k];
    const double y = 100 + 40 * 0.8 / std::hypot(0.8 * r.c1[k], r.s1[k]) * r.s1[k];
    EXPECT_NEAR(r.val[k], 0.5 * x + 0.25 * y, 1.5);
  }
}

// Each sample of a ring equals the scalar kernel at its point (bitwise, NaN where out of bounds),
// for rings well inside the image, rings whose circle of radius a lies just inside the bound
// (where the vector gathers skip the per-point test) and rings that cross it.
TEST(Sampling, RingValuesEqualTheScalarKernels) {
  const int nx = 61, ny = 53;
  isoster::Image img(nx, ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i)
      img.at(i, j) = static_cast<float>(100 + 37 * std::sin(0.37 * i + 0.11 * i * j) + 0.5 * j);
  RingSampler sampler(img.view(), SamplerSettings{});
  sampler.reserve(40);
  SampleOptions unclipped;
  unclipped.clip = false;
  const double a = 20;
  for (RingMode mode : {RingMode::Bilinear, RingMode::Nearest}) {
    const double xmax = mode == RingMode::Bilinear ? nx - 2 : nx - 1;
    // Centres: well inside; circle 1e-3 px inside the low and the high bounds; crossing them.
    for (double x0 : {30.0, a + 1e-3, xmax - a - 1e-3, a - 0.3, xmax - a + 0.3}) {
      const Geometry g{x0, 26.0, 0.15, 0.0};  // major axis along x: the ring reaches x0 +- ~a
      const Ring r = sampler.sample(0, a, g, mode, unclipped);
      ASSERT_NE(r.walk, nullptr);
      const double ct = std::cos(g.theta), st = std::sin(g.theta);
      int flagged = 0;
      for (int k = 0; k < r.npoint; ++k) {
        const double x = g.x0 + r.walk->rc[k] * ct - r.walk->rs[k] * st;
        const double y = g.y0 + r.walk->rc[k] * st + r.walk->rs[k] * ct;
        const double want =
            mode == RingMode::Bilinear
                ? isoster::kern::bilinear_iraf(img.data(), nx, ny, x, y)
                : isoster::kern::nearest_sample(img.data(), nx, ny, x, y, Compat::Iraf);
        if (std::isnan(want)) {
          ++flagged;
          EXPECT_TRUE(std::isnan(r.val[k])) << "x0 " << x0 << " point " << k;
        } else {
          EXPECT_EQ(r.val[k], want) << "x0 " << x0 << " point " << k;
        }
      }
      const bool crosses = x0 < a || x0 > xmax - a;
      EXPECT_EQ(flagged > 0, crosses) << "x0 " << x0;
    }
    // A NaN position angle (a diverged geometry) flags every sample, even well inside.
    const Ring r = sampler.sample(0, a, Geometry{30.0, 26.0, 0.15, NAN}, mode, unclipped);
    for (int k = 0; k < r.npoint; ++k) EXPECT_TRUE(std::isnan(r.val[k])) << "point " << k;
  }
}

TEST(Clipping, IrafFlagsOutliersOnlyAboveFifteenPoints) {
  isoster::Image img(100, 100, 10.0f);
  for (int j = 0; j < 100; ++j)
    for (int i = 0; i < 100; ++i)
      img.at(i, j) = static_cast<float>(10 + 0.01 * ((i * 7 + j * 3) % 5));
  // Hot pixels on the ring at a = 20 around (50, 50).
  img.at(70, 50) = img.at(71, 50) = img.at(70, 51) = img.at(71, 51) = 1000.0f;
  RingSampler plain(img.view(), SamplerSettings{});
  SamplerSettings twice;
  twice.nclip = 2;
  RingSampler clipped(img.view(), twice);
  plain.reserve(30);
  clipped.reserve(30);
  const Geometry g{50, 50, 0.0, 0.0};
  const Ring r0 = plain.sample(0, 20, g, RingMode::Bilinear);
  const Ring r1 = clipped.sample(0, 20, g, RingMode::Bilinear);
  EXPECT_EQ(r0.ndata, r0.npoint);
  EXPECT_LT(r1.ndata, r1.npoint);
  EXPECT_GT(r0.mean, 12.0);
  EXPECT_NEAR(r1.mean, 10.02, 0.03);
  EXPECT_LT(r1.sd, r0.sd);
  // Rings of 15 points or fewer are never clipped in IRAF mode.
  const Ring r2 = clipped.sample(0, 1.5, Geometry{70.5, 50.5, 0.0, 0.0}, RingMode::Bilinear);
  EXPECT_LE(r2.npoint, 15);
  EXPECT_EQ(r2.ndata, r2.npoint);
}

}  // namespace

namespace {

// A walk perturbed to first order in the ellipticity matches the exact walk for small changes:
// the error is second order (~(d eps)^2 rad).
TEST(Walk, PerturbedWalkMatchesTheExactOne) {
  for (double a : {12.0, 57.3, 309.13})
    for (double eps : {0.05, 0.2, 0.55})
      for (double delta : {1e-7, -3e-6, 9e-6}) {
        Walk base, exact, pert;
        Walk* pb = &base;
        Walk* pe = &exact;
        const WalkKey kb{a, eps, 1.0, Compat::Iraf}, ke{a, eps + delta, 1.0, Compat::Iraf};
        build_walks(&pb, &kb, 1, 0.1, false);
        build_walks(&pe, &ke, 1, 0.1, false);
        ASSERT_TRUE(base.perturbable);
        if (!perturb_walk(base, eps + delta, pert)) {
          // Allowed only when the point count changes.
          EXPECT_NE(exact.n, base.n) << a << " " << eps << " " << delta;
          continue;
        }
        ASSERT_EQ(pert.n, exact.n) << a << " " << eps << " " << delta;
        double worst = 0;
        for (int i = 0; i < exact.n; ++i)
          worst = std::max(
              {worst, std::fabs(pert.rc[i] - exact.rc[i]), std::fabs(pert.rs[i] - exact.rs[i])});
        // Measured: ~20 a delta^2 (1e-7 px at a = 309, delta = 1e-5).
        EXPECT_LT(worst, 1e-12 * a + 50 * a * delta * delta) << a << " " << eps << " " << delta;
      }
}

TEST(Walk, PerturbationRefusesLargeChangesAndPhotutilsWalks) {
  Walk base, out;
  Walk* pb = &base;
  const WalkKey k{40, 0.3, 1.0, Compat::Iraf};
  build_walks(&pb, &k, 1, 0.1, false);
  EXPECT_FALSE(perturb_walk(base, 0.3 + 1e-3, out));
  const WalkKey kp{40, 0.3, 1.0, Compat::Photutils};
  build_walks(&pb, &kp, 1, 0.1, false);
  EXPECT_FALSE(perturb_walk(base, 0.3 + 1e-7, out));
  // Walks of a few pixels step near the 0.5 rad cap: never perturbed.
  const WalkKey ks{1.5, 0.3, 1.0, Compat::Iraf};
  build_walks(&pb, &ks, 1, 0.1, false);
  EXPECT_FALSE(base.perturbable);
}

}  // namespace

// Forced photometry builds its walks many at a time in SIMD lanes, a lane taking the next walk
// when its own ends: every walk must still be bitwise the one build_walks gives it, whatever its
// neighbours (short and long series, both step sizes, both conventions, eccentric sampling).
TEST(Walk, BatchBuildEqualsSingleBuilds) {
  std::vector<WalkKey> keys;
  for (Compat compat : {Compat::Iraf, Compat::Photutils})
    for (double eps : {0.0, 0.2, 0.63, 0.9})
      for (double a : {0.7, 1.0, 3.3, 12.0, 29.9, 31.5, 80.0, 240.0})
        for (double dstep : {1.0, 2.0}) keys.push_back({a, eps, dstep, compat});
  for (int pass = 0; pass < 2; ++pass) {
    const bool eccentric = pass == 1;
    for (auto& k : keys) k.sampling = eccentric ? Sampling::Eccentric : Sampling::Polar;
    for (std::size_t first = 0; first < keys.size(); first += kMaxBatchWalks) {
      const int count =
          static_cast<int>(std::min<std::size_t>(kMaxBatchWalks, keys.size() - first));
      std::vector<Walk> batch(count);
      std::vector<Walk*> pb;
      for (auto& w : batch) pb.push_back(&w);
      build_walks_batch(pb.data(), &keys[first], count, 0.1, false);
      for (int i = 0; i < count; ++i) {
        Walk single;
        Walk* ps = &single;
        build_walks(&ps, &keys[first + i], 1, 0.1, false);
        const Walk& b = batch[i];
        ASSERT_GT(single.n, 0);
        ASSERT_EQ(b.n, single.n) << "walk " << first + i;
        ASSERT_TRUE(b.key == single.key);
        for (int j = 0; j < b.n; ++j) {
          ASSERT_EQ(b.rc[j], single.rc[j]) << "walk " << first + i << " point " << j;
          ASSERT_EQ(b.rs[j], single.rs[j]);
          ASSERT_EQ(b.c1[j], single.c1[j]);
          ASSERT_EQ(b.s1[j], single.s1[j]);
        }
        EXPECT_FALSE(b.perturbable);
      }
    }
  }
}
