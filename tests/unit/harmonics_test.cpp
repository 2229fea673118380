// Harmonic fits (spec 3.1, 4.4): exact recovery of injected harmonics on the walk's uneven angles,
// agreement with an Eigen least-squares solve (values and errors), flagged samples, failures.
#include "core/harmonics.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

using namespace isoster::detail;
using isoster::Compat;
using isoster::Sampling;

namespace {

struct Samples {
  Walk walk;
  std::vector<double> val;
  Ring ring;
};

// Samples of I(phi) = f(phi) on the IRAF walk at (a, eps); NaN where `flag(k)` is true.
template <class F, class Flag>
Samples make(double a, double eps, F f, Flag flag) {
  Samples s;
  Walk* pw = &s.walk;
  const WalkKey k{a, eps, 1.0, Compat::Iraf};
  build_walks(&pw, &k, 1, 0.1, false);
  s.walk.ensure_basis();
  const int n = s.walk.n;
  s.val.resize(n);
  double sum = 0;
  int cnt = 0;
  for (int i = 0; i < n; ++i) {
    const double phi = std::atan2(s.walk.s1[i], s.walk.c1[i]);
    s.val[i] = flag(i) ? NAN : f(phi, i);
    if (!std::isnan(s.val[i])) {
      sum += s.val[i];
      ++cnt;
    }
  }
  s.ring.npoint = n;
  s.ring.ndata = cnt;
  s.ring.mean = sum / cnt;
  s.ring.val = s.val.data();
  s.ring.c1 = s.walk.c1.data();
  s.ring.s1 = s.walk.s1.data();
  s.ring.c2 = s.walk.c2.data();
  s.ring.s2 = s.walk.s2.data();
  s.ring.walk = &s.walk;
  return s;
}

auto none = [](int) { return false; };

TEST(Harmonics, RecoversInjectedFirstAndSecondHarmonics) {
  const double A1 = 0.3, B1 = -0.2, A2 = 0.15, B2 = 0.05;
  auto f = [&](double p, int) {
    return 50 + A1 * std::sin(p) + B1 * std::cos(p) + A2 * std::sin(2 * p) + B2 * std::cos(2 * p);
  };
  for (Compat compat : {Compat::Iraf, Compat::Photutils}) {
    const bool iraf = compat == Compat::Iraf;
    const Samples s = make(25, 0.4, f, none);
    const FirstSecond fs = fit_first_second(s.ring, compat);
    ASSERT_TRUE(fs.ok);
    // IRAF fits mean-subtracted data without a constant: on the walk's uneven angles the basis
    // does not average to zero, so it recovers the amplitudes only approximately (spec 3.1);
    // the 5-term photutils model is exact.
    const double tol = iraf ? 2e-3 : 1e-10;
    EXPECT_NEAR(fs.coef[0], A1, tol);
    EXPECT_NEAR(fs.coef[1], B1, tol);
    EXPECT_NEAR(fs.coef[2], A2, tol);
    EXPECT_NEAR(fs.coef[3], B2, tol);
    // The residual rms comes from sum y^2 - c.v, exact to ~1e-8 of the signal rms: ample next to
    // float32 pixel rounding (~1e-7 of the pixel value).
    if (!iraf) {
      EXPECT_LT(fs.s, 1e-7);
    }
  }
}

// Reference: the same least-squares problem solved by Eigen (QR), with errors s * sqrt(diag(inv)).
void eigen_fit(const Samples& s, Compat compat, double* coef, double* err) {
  const bool iraf = compat == Compat::Iraf;
  std::vector<int> rows;
  for (int k = 0; k < s.ring.npoint; ++k)
    if (!std::isnan(s.val[k])) rows.push_back(k);
  const int n = static_cast<int>(rows.size()), dim = iraf ? 4 : 5, off = iraf ? 0 : 1;
  Eigen::MatrixXd X(n, dim);
  Eigen::VectorXd y(n);
  for (int r = 0; r < n; ++r) {
    const int k = rows[r];
    if (!iraf) X(r, 0) = 1;
    X(r, off + 0) = s.walk.s1[k];
    X(r, off + 1) = s.walk.c1[k];
    X(r, off + 2) = s.walk.s2[k];
    X(r, off + 3) = s.walk.c2[k];
    y(r) = s.val[k] - s.ring.mean;
  }
  const Eigen::VectorXd c = X.colPivHouseholderQr().solve(y);
  const double ss = (y - X * c).squaredNorm();
  const Eigen::MatrixXd inv = (X.transpose() * X).inverse();
  for (int i = 0; i < 4; ++i) {
    coef[i] = c(off + i);
    err[i] = std::sqrt(ss / (n - 5)) * std::sqrt(inv(off + i, off + i));
  }
}

TEST(Harmonics, AgreesWithEigenOnNoisyFlaggedData) {
  std::mt19937 rng(3);
  std::normal_distribution<double> g(0, 0.5);
  std::vector<double> noise(2000);
  for (auto& v : noise) v = g(rng);
  auto f = [&](double p, int i) { return 20 + 2 * std::sin(p) - std::cos(2 * p) + noise[i]; };
  for (bool flagged : {false, true}) {
    auto flag = [&](int i) { return flagged && (i % 7 == 3); };
    const Samples s = make(40, 0.3, f, flag);
    for (Compat compat : {Compat::Iraf, Compat::Photutils}) {
      const bool iraf = compat == Compat::Iraf;
      const FirstSecond fs = fit_first_second(s.ring, compat);
      ASSERT_TRUE(fs.ok);
      double c[4], e[4];
      eigen_fit(s, compat, c, e);
      for (int i = 0; i < 4; ++i) {
        EXPECT_NEAR(fs.coef[i], c[i], 1e-9) << "iraf " << iraf << " flagged " << flagged;
        EXPECT_NEAR(fs.err[i], e[i], 1e-9 + 1e-7 * e[i]);
      }
    }
  }
}

TEST(Harmonics, FailsWithTooFewPoints) {
  auto f = [](double p, int) { return 1 + std::sin(p); };
  auto flag = [](int i) { return i > 2; };  // 3 valid points: the 4x4 system is singular
  const Samples s = make(10, 0.2, f, flag);
  EXPECT_FALSE(fit_first_second(s.ring, Compat::Iraf).ok);
  EXPECT_FALSE(fit_first_second(s.ring, Compat::Photutils).ok);
}

// The sums against plain loops with std::cos / std::sin of each multiple, for rings of every
// length modulo the pass's step (two vectors of samples) and with flagged samples, including a
// flagged last one (the NaN padding of the tail must add nothing either).
TEST(Harmonics, RingSumsEqualPlainSums) {
  auto f = [](double p, int i) { return 5 + std::sin(p) - 0.3 * std::cos(3 * p) + 0.01 * i; };
  // 13 to 20 samples (every remainder modulo 8 and 4), then longer rings.
  for (double a : {1.0, 2.3, 2.6, 2.8, 2.9, 3.1, 3.3, 3.5, 9.0, 31.0}) {
    for (int top : {2, 4, 7}) {
      auto flag = [](int i) { return i % 4 == 1; };
      const Samples s = make(a, 0.2, f, flag);
      RingSums sums;
      ring_sums(s.ring, top, sums);
      double C[15] = {}, S[15] = {}, YC[8] = {}, YS[8] = {}, y = 0, yy = 0;
      int cnt = 0;
      for (int k = 0; k < s.ring.npoint; ++k) {
        if (std::isnan(s.val[k])) continue;
        const double phi = std::atan2(s.walk.s1[k], s.walk.c1[k]), d = s.val[k] - s.ring.mean;
        ++cnt;
        y += d;
        yy += d * d;
        for (int j = 0; j <= 2 * top; ++j) {
          C[j] += std::cos(j * phi);
          S[j] += std::sin(j * phi);
          if (j <= top) {
            YC[j] += d * std::cos(j * phi);
            YS[j] += d * std::sin(j * phi);
          }
        }
      }
      ASSERT_EQ(sums.cnt, cnt) << "a " << a;
      EXPECT_EQ(sums.npoint, s.ring.npoint);
      EXPECT_NEAR(sums.y, y, 1e-12);
      EXPECT_NEAR(sums.yy, yy, 1e-12 * yy);
      // Chebyshev's recurrence errs by up to ~k^2 eps a term, coherently over a ring (1.3e-12 at
      // k = 8 on 130 samples in the build without fma).
      auto tol = [&](int j) { return 1e-12 + 2e-16 * cnt * j * j; };
      for (int j = 0; j <= 2 * top; ++j) {
        EXPECT_NEAR(sums.C[j], C[j], tol(j)) << "a " << a << " top " << top << " k " << j;
        EXPECT_NEAR(sums.S[j], S[j], tol(j)) << "a " << a << " top " << top << " k " << j;
      }
      for (int j = 1; j <= top; ++j) {
        EXPECT_NEAR(sums.YC[j], YC[j], 10 * tol(j)) << "a " << a << " top " << top << " k " << j;
        EXPECT_NEAR(sums.YS[j], YS[j], 10 * tol(j)) << "a " << a << " top " << top << " k " << j;
      }
    }
  }
}

// Forced rows without the gradient decide STOP 3 from the angle sums alone: the same angle sums
// as ring_sums (bitwise) and the same verdict as the fit from those sums, on rings where it
// succeeds and where too few or badly placed valid samples make it fail (near-singular systems,
// where only the factorisation's rounding decides).
TEST(Harmonics, AngleSumsDecideWhetherTheFitIsPossible) {
  auto f = [](double p, int i) { return 5 + std::sin(p) + 0.01 * i; };
  const std::vector<std::function<bool(int)>> flags = {
      none,
      [](int i) { return i > 2; },              // 3 valid samples
      [](int i) { return i > 3; },              // 4
      [](int i) { return i > 4; },              // 5
      [](int i) { return i % 4 != 0; },         // a quarter, spread out
      [](int i) { return i != 0 && i != 28; },  // two opposite samples
      [](int) { return true; }};                // none valid
  int possible = 0, impossible = 0;
  for (double a : {3.0, 10.0, 40.0})
    for (std::size_t j = 0; j < flags.size(); ++j) {
      const Samples s = make(a, 0.3, f, flags[j]);
      RingSums full, angles;
      ring_sums(s.ring, 2, full);
      ring_angle_sums(s.ring, angles);
      ASSERT_EQ(angles.cnt, full.cnt);
      for (int k = 0; k <= 4; ++k) {
        EXPECT_EQ(angles.C[k], full.C[k]) << "a " << a << " flags " << j << " k " << k;
        EXPECT_EQ(angles.S[k], full.S[k]) << "a " << a << " flags " << j << " k " << k;
      }
      for (Compat compat : {Compat::Iraf, Compat::Photutils}) {
        const bool iraf = compat == Compat::Iraf;
        const bool ok = fit_first_second(full, compat).ok;
        EXPECT_EQ(first_second_possible(angles, compat), ok)
            << "a " << a << " flags " << j << " iraf " << iraf;
        (ok ? possible : impossible) += 1;
      }
    }
  // Both verdicts occur, so that the comparison means something.
  EXPECT_GT(possible, 10);
  EXPECT_GT(impossible, 10);
}

// The reason forced rows without the gradient skip the angle sums on rings with no flagged sample
// (kFitSafeGap): on walks of every kind and shape, the angles leave no gap wider than 0.6 rad, the
// normal matrices' smallest eigenvalues stay above the bound of 0.08, and the fit is possible.
// Forced rows take their walks from build_walks_batch, bitwise these
// (Walk.BatchBuildEqualsSingleBuilds).
TEST(Harmonics, FullWalksAlwaysAdmitTheFirstSecondFit) {
  struct Kind {
    double dstep;
    Compat compat;
    Sampling sampling;
    bool linear;
    double step;
  };
  constexpr Compat kI = Compat::Iraf, kP = Compat::Photutils;
  constexpr Sampling kPolar = Sampling::Polar, kEcc = Sampling::Eccentric;
  const Kind kinds[] = {{1, kI, kPolar, false, 0.1}, {2, kI, kPolar, false, 0.1},
                        {1, kP, kPolar, false, 0.1}, {1, kI, kEcc, false, 0.1},
                        {1, kI, kPolar, true, 3.0},  {1, kP, kPolar, true, 0.5}};
  double min_eig = 1e300, max_gap = 0;
  for (const Kind& kd : kinds)
    for (double a : {0.5, 1.0, 1.7, 2.18, 3.0, 5.0, 10.0, 21.44, 31.4, 45.0, 60.0, 100.0, 309.13})
      for (double eps : {0.0, 0.2, 0.5, 0.8, 0.95, 0.99}) {
        Walk w;
        Walk* pw = &w;
        const WalkKey k{a, eps, kd.dstep, kd.compat, kd.sampling};
        build_walks(&pw, &k, 1, kd.step, kd.linear);
        w.ensure_basis();
        const int n = w.n;
        std::vector<double> phi(n), val(n);
        Eigen::Matrix<double, 5, 5> M = Eigen::Matrix<double, 5, 5>::Zero();
        double sum = 0;
        for (int i = 0; i < n; ++i) {
          phi[i] = std::atan2(w.s1[i], w.c1[i]);
          if (phi[i] < 0) phi[i] += 2 * M_PI;
          val[i] = 3 + std::cos(phi[i]) + 0.01 * i;
          sum += val[i];
          Eigen::Matrix<double, 5, 1> b;
          b << 1, w.s1[i], w.c1[i], w.s2[i], w.c2[i];
          M += b * b.transpose();
        }
        std::sort(phi.begin(), phi.end());
        double gap = phi[0] + 2 * M_PI - phi[n - 1];
        for (int i = 1; i < n; ++i) gap = std::max(gap, phi[i] - phi[i - 1]);
        EXPECT_LE(gap, kFitSafeGap) << "a " << a << " eps " << eps << " dstep " << kd.dstep;
        max_gap = std::max(max_gap, gap);
        const double e4 =
            Eigen::SelfAdjointEigenSolver<Eigen::Matrix4d>(M.bottomRightCorner<4, 4>())
                .eigenvalues()
                .minCoeff();
        const double e5 =
            Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 5, 5>>(M).eigenvalues().minCoeff();
        min_eig = std::min({min_eig, e4, e5});
        Ring r;
        r.npoint = r.ndata = n;
        r.mean = sum / n;
        r.val = val.data();
        r.c1 = w.c1.data();
        r.s1 = w.s1.data();
        RingSums angles;
        ring_angle_sums(r, angles);
        EXPECT_TRUE(first_second_possible(angles, Compat::Iraf)) << "a " << a << " eps " << eps;
        EXPECT_TRUE(first_second_possible(angles, Compat::Photutils))
            << "a " << a << " eps " << eps;
      }
  EXPECT_GE(min_eig, 0.08);
  // The sweep reaches the walk's largest gaps (steps at the 0.5 rad cap on the smallest rings).
  EXPECT_GT(max_gap, 0.5);
}

TEST(Harmonics, SequentialHigherHarmonicsRecoverA3AndB4) {
  const double A3 = 0.04, B4 = -0.03;
  auto f = [&](double p, int) { return 7 + A3 * std::sin(3 * p) + B4 * std::cos(4 * p); };
  const Samples s = make(60, 0.25, f, none);
  RingSums sums;
  ring_sums(s.ring, 4, sums);
  const int orders[2] = {3, 4};
  Harmonic h[2];
  fit_higher(sums, fit_first_second(s.ring, Compat::Iraf), Compat::Iraf, orders, 2, h);
  EXPECT_NEAR(h[0].A, A3, 1e-3);
  EXPECT_NEAR(h[0].B, 0, 1e-3);
  EXPECT_NEAR(h[1].A, 0, 1e-3);
  EXPECT_NEAR(h[1].B, B4, 1e-3);
  // photutils' independent fit leaves sin 3phi in its residuals (not orthogonal on the walk).
  fit_higher(sums, FirstSecond{}, Compat::Photutils, orders, 2, h);
  EXPECT_NEAR(h[1].B, B4, 1e-3);
}

// Reference for the fits from ring sums: each fit solved by Eigen (QR) on the samples themselves,
// IRAF's sequential fits on explicit residual vectors, photutils' with a constant on the raw
// values; errors s sqrt(diag(inv)) with N - 3 degrees of freedom.
struct Reference {
  double A, B, eA, eB;
};

Reference eigen_pair(const std::vector<double>& phi, const Eigen::VectorXd& y, int n, bool constant,
                     Eigen::VectorXd* resid) {
  const int m = static_cast<int>(phi.size()), off = constant ? 1 : 0;
  Eigen::MatrixXd X(m, 2 + off);
  for (int r = 0; r < m; ++r) {
    if (constant) X(r, 0) = 1;
    X(r, off) = std::sin(n * phi[r]);
    X(r, off + 1) = std::cos(n * phi[r]);
  }
  const Eigen::VectorXd c = X.colPivHouseholderQr().solve(y);
  const Eigen::VectorXd e = y - X * c;
  if (resid != nullptr) *resid = e;
  const Eigen::MatrixXd inv = (X.transpose() * X).inverse();
  const double sd =
      std::sqrt((e.squaredNorm() - (constant ? m * std::pow(e.mean(), 2) : 0)) / (m - 3));
  return {c(off), c(off + 1), sd * std::sqrt(inv(off, off)), sd * std::sqrt(inv(off + 1, off + 1))};
}

TEST(Harmonics, SumFitsAgreeWithEigenOnNoisyFlaggedData) {
  std::mt19937 rng(11);
  std::normal_distribution<double> g(0, 0.3);
  std::vector<double> noise(2000);
  for (auto& v : noise) v = g(rng);
  auto f = [&](double p, int i) {
    return 30 + 1.5 * std::sin(p) - 0.7 * std::cos(2 * p) + 0.2 * std::sin(3 * p) +
           0.1 * std::cos(4 * p) - 0.05 * std::sin(5 * p) + noise[i];
  };
  const int orders[4] = {3, 4, 5, 7};
  for (bool flagged : {false, true}) {
    auto flag = [&](int i) { return flagged && (i % 5 == 2 || (i > 40 && i < 70)); };
    const Samples s = make(45, 0.35, f, flag);
    std::vector<double> phi;
    std::vector<int> rows;
    for (int k = 0; k < s.ring.npoint; ++k)
      if (!std::isnan(s.val[k])) {
        rows.push_back(k);
        phi.push_back(std::atan2(s.walk.s1[k], s.walk.c1[k]));
      }
    const int m = static_cast<int>(rows.size());
    Eigen::VectorXd y(m);
    for (int r = 0; r < m; ++r) y(r) = s.val[rows[r]] - s.ring.mean;
    RingSums sums;
    ring_sums(s.ring, 7, sums);
    EXPECT_EQ(sums.cnt, m);
    for (Compat compat : {Compat::Iraf, Compat::Photutils}) {
      const bool iraf = compat == Compat::Iraf;
      // The first/second fit from the sums is the ring's (product sums) to rounding.
      const FirstSecond a = fit_first_second(s.ring, compat), b = fit_first_second(sums, compat);
      ASSERT_TRUE(a.ok && b.ok);
      for (int i = 0; i < 4; ++i) {
        EXPECT_NEAR(b.coef[i], a.coef[i], 1e-12);
        EXPECT_NEAR(b.err[i], a.err[i], 1e-12);
      }
      EXPECT_NEAR(b.s, a.s, 1e-12);
      Harmonic h[4];
      fit_higher(sums, a, compat, orders, 4, h);
      // IRAF: the residuals of the first/second fit, then orders 3, 4, 5 and 7 fitted in turn,
      // each subtracted before the next (6, not asked for, is not fitted).
      Eigen::VectorXd e = y;
      for (int r = 0; r < m; ++r) {
        const double p = phi[r];
        e(r) -= a.coef[0] * std::sin(p) + a.coef[1] * std::cos(p) + a.coef[2] * std::sin(2 * p) +
                a.coef[3] * std::cos(2 * p);
      }
      int i = 0;
      for (int n : {3, 4, 5, 7}) {
        const Reference ref =
            iraf ? eigen_pair(phi, e, n, false, &e) : eigen_pair(phi, y, n, true, nullptr);
        EXPECT_NEAR(h[i].A, ref.A, 1e-10) << "order " << n << " iraf " << iraf;
        EXPECT_NEAR(h[i].B, ref.B, 1e-10) << "order " << n << " iraf " << iraf;
        EXPECT_NEAR(h[i].eA, ref.eA, 1e-10 + 1e-7 * ref.eA) << "order " << n;
        EXPECT_NEAR(h[i].eB, ref.eB, 1e-10 + 1e-7 * ref.eB) << "order " << n;
        ++i;
      }
    }
  }
}

TEST(Harmonics, MultipleAngles) {
  for (double p : {0.1, 1.3, 2.9, 4.4}) {
    for (int n = 1; n <= 4; ++n) {
      double c, s;
      multiple_angle(std::cos(p), std::sin(p), n, c, s);
      EXPECT_NEAR(c, std::cos(n * p), 1e-14);
      EXPECT_NEAR(s, std::sin(n * p), 1e-14);
    }
  }
}

}  // namespace
