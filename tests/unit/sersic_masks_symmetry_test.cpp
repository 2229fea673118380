// Physical truth on generated Sérsic galaxies, continued: masks (stars, random pixels), symmetries
// (shift, transpose, flip) and injected boxy/disky isophotes. Conventions and the error floors
// that justify each tolerance: see the header of sersic_truth_test.cpp.
#include "unit/sersic_common.hpp"

namespace {

using namespace isoster::sersic_test;

// ---------------------------------------------------------------------------------------------
// 5. Bright stars, masked; NaN pixels behave as masked.
// ---------------------------------------------------------------------------------------------

struct Star {
  double dx, dy;  // offset from the galaxy centre (px)
};
// Elliptical radii about the galaxy's geometry: ~15, 20, 30, 54, 64 px.
constexpr Star kStars[5] = {{14, 5}, {-7, 21}, {-30, -13}, {24, -36}, {58, 27}};
// Gaussian stars of sigma 1.5 px and peak 5x the local galaxy, masked out to 7 px (4.7 sigma): a
// bilinear sample whose four pixels all lie outside the mask sees <= 5 exp(-0.5 (7/1.5)^2) = 1e-4
// of the local galaxy in starlight.
constexpr double kStarSigma = 1.5, kStarPeak = 5.0, kMaskRadius = 7.0;

// Elliptical radius of an offset about the true geometry of `s`.
double ell_radius(const SersicSpec& s, double dx, double dy) {
  const double th = s.pa_deg * kPi / 180, q = 1 - s.eps;
  const double xp = dx * std::cos(th) + dy * std::sin(th),
               yp = -dx * std::sin(th) + dy * std::cos(th);
  return std::hypot(xp, yp / q);
}

TEST(SersicStars, MaskedStarsDoNotBiasTheProfile) {
  const SersicSpec s = spec(4, 0.2, 30);
  const Image clean = make_sersic(s);
  Image starred = clean;
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(s.nx) * s.ny, 0);
  for (const Star& st : kStars) {
    const double xs = s.x0 + st.dx, ys = s.y0 + st.dy;
    const double peak = kStarPeak * sersic_intensity(s, ell_radius(s, st.dx, st.dy));
    for (int j = 0; j < s.ny; ++j)
      for (int i = 0; i < s.nx; ++i) {
        const double r2 = (i - xs) * (i - xs) + (j - ys) * (j - ys);
        if (r2 < 100 * kStarSigma * kStarSigma)
          starred.at(i, j) +=
              static_cast<float>(peak * std::exp(-0.5 * r2 / (kStarSigma * kStarSigma)));
        if (r2 <= kMaskRadius * kMaskRadius) mask[static_cast<std::size_t>(j) * s.nx + i] = 1;
      }
  }
  Image masked = starred;
  isoster::apply_mask(masked, mask.data());
  // The same bad pixels written as NaN directly, without a mask array.
  Image nans = starred;
  for (int j = 0; j < s.ny; ++j)
    for (int i = 0; i < s.nx; ++i)
      if (mask[static_cast<std::size_t>(j) * s.nx + i]) nans.at(i, j) = NAN;

  const FitConfig cfg = start_config(s, 0.2, 45);
  const FitResult r0 = isoster::fit_image(clean.view(), cfg);
  const FitResult rs = isoster::fit_image(starred.view(), cfg);
  const FitResult rm = isoster::fit_image(masked.view(), cfg);
  const FitResult rn = isoster::fit_image(nans.view(), cfg);
  ASSERT_EQ(r0.status, isoster::FitStatus::Ok);
  ASSERT_EQ(rs.status, isoster::FitStatus::Ok);
  ASSERT_EQ(rm.status, isoster::FitStatus::Ok);
  ASSERT_EQ(rn.status, isoster::FitStatus::Ok);

  const double q = 1 - s.eps;
  double w_masked = 0, w_unmasked = 0, a_masked = 0;
  int crossing = 0, clear = 0, compared = 0;
  for (const auto& w : rm.rows) {
    if (w.sma <= 3) continue;
    const Isophote* c = row_at(r0, w.sma);
    ASSERT_NE(c, nullptr) << "a=" << w.sma;
    ++compared;
    // Masking restores INTENS within 0.5 % (spec 9.8 check 7's bound; measured 1.1e-4: on a
    // noise-free ellipse the dropped samples only matter through the azimuthal variation of the
    // interpolation bias).
    const double dm = std::fabs(w.intens / c->intens - 1);
    if (dm > w_masked) w_masked = dm, a_masked = w.sma;
    EXPECT_LT(dm, 0.005) << "masked stars, a=" << w.sma;
    if (const Isophote* u = row_at(rs, w.sma))
      w_unmasked = std::max(w_unmasked, std::fabs(u->intens / c->intens - 1));
    double dmin = 1e9;
    for (const Star& st : kStars)
      dmin = std::min(dmin, std::fabs(w.sma - ell_radius(s, st.dx, st.dy)));
    // An ellipse within 3 px (in SMA) of a star passes within 3 px of its centre, deep inside the
    // 7-px mask: NFLAG > 0. One farther than (7 + 1.5)/q from every star stays >= 8.5 px away along
    // the minor axis (its closest approach), so no bilinear sample touches a masked pixel: NFLAG =
    // 0.
    if (dmin < 3) {
      ++crossing;
      EXPECT_GT(w.nflag, 0) << "a=" << w.sma << " crosses a star";
    } else if (q * dmin > kMaskRadius + 1.5) {
      ++clear;
      EXPECT_EQ(w.nflag, 0) << "a=" << w.sma << " is clear of every star";
    }
  }
  std::printf(
      "stars: %d rows compared, %d crossing a star, %d clear; worst |dI/I| masked %.2e (a=%.1f),"
      " unmasked %.3f\n",
      compared, crossing, clear, w_masked, a_masked, w_unmasked);
  EXPECT_GE(crossing, 8);
  EXPECT_GE(clear, 5);
  EXPECT_GT(w_unmasked, 0.1);  // the stars do matter when not masked (measured 64 %)

  // NaN pixels are bad pixels: the same table, bit for bit.
  ASSERT_EQ(rn.rows.size(), rm.rows.size());
  for (std::size_t k = 0; k < rm.rows.size(); ++k) {
    const Isophote &a = rm.rows[k], &b = rn.rows[k];
    EXPECT_EQ(a.sma, b.sma);
    if (std::isfinite(a.intens) || std::isfinite(b.intens)) {
      EXPECT_EQ(a.intens, b.intens) << "a=" << a.sma;
    }
    if (k > 0 || a.sma > 0) {
      EXPECT_EQ(a.ellip, b.ellip) << "a=" << a.sma;
      EXPECT_EQ(a.pa, b.pa) << "a=" << a.sma;
    }
    EXPECT_EQ(a.x0, b.x0) << "a=" << a.sma;
    EXPECT_EQ(a.y0, b.y0) << "a=" << a.sma;
    EXPECT_EQ(a.ndata, b.ndata) << "a=" << a.sma;
    EXPECT_EQ(a.nflag, b.nflag) << "a=" << a.sma;
    EXPECT_EQ(a.stop, b.stop) << "a=" << a.sma;
  }
}

// ---------------------------------------------------------------------------------------------
// 6. 5 % of the pixels masked at random.
// ---------------------------------------------------------------------------------------------

TEST(SersicRandomMask, FivePercentMaskedKeepsIntens) {
  const SersicSpec s = spec(4, 0.2, 30);
  const Image clean = make_sersic(s);
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(s.nx) * s.ny, 0);
  std::mt19937 rng(12345);  // fixed seed: deterministic
  std::uniform_real_distribution<double> u(0, 1);
  for (auto& m : mask) m = u(rng) < 0.05 ? 1 : 0;
  Image masked = clean;
  const std::size_t nbad = isoster::apply_mask(masked, mask.data());
  const FitConfig cfg = start_config(s, 0.2, 45);
  const FitResult r0 = isoster::fit_image(clean.view(), cfg);
  const FitResult rm = isoster::fit_image(masked.view(), cfg);
  ASSERT_EQ(r0.status, isoster::FitStatus::Ok);
  ASSERT_EQ(rm.status, isoster::FitStatus::Ok) << rm.message;
  long flagged = 0, points = 0;
  double worst = 0, aw = 0;
  int compared = 0;
  for (const auto& w : rm.rows) {
    if (w.sma <= 3) continue;
    const Isophote* c = row_at(r0, w.sma);
    ASSERT_NE(c, nullptr) << "a=" << w.sma;
    ++compared;
    // Spec 9.8 check 7: INTENS changes by < 0.5 %. Measured 0.46 % at a = 3.5 px (20 samples, 3
    // lost, on the cusp where the samples differ by several % around the ring) and < 0.05 %
    // beyond 3.9 px.
    const double d = std::fabs(w.intens / c->intens - 1);
    if (d > worst) worst = d, aw = w.sma;
    EXPECT_LT(d, 0.005) << "a=" << w.sma;
    EXPECT_EQ(c->nflag, 0) << "a=" << w.sma;  // nothing is flagged without the mask
    if (w.sma >= 10) {
      EXPECT_GT(w.nflag, 0) << "a=" << w.sma;  // >= 56 samples: some must be lost
    }
    flagged += w.nflag;
    points += w.nflag + w.ndata;
  }
  const double frac = static_cast<double>(flagged) / static_cast<double>(points);
  std::printf(
      "random mask: %zu bad pixels (%.2f %%), %d rows compared, worst |dI/I| %.2e at a=%.2f,"
      " flagged fraction %.3f (expected 1 - 0.95^4 = 0.185)\n",
      nbad, 100.0 * nbad / (s.nx * s.ny), compared, worst, aw, frac);
  // A bilinear sample is lost when any of its four pixels is bad: 1 - 0.95^4 = 18.5 % (the spec's
  // "~19 %"). Neighbouring samples share pixels, so the count over ~7000 samples fluctuates more
  // than binomially; +-0.04 is generous for a fixed seed (measured 0.18).
  EXPECT_NEAR(frac, 0.185, 0.04);
}

// ---------------------------------------------------------------------------------------------
// 7. Symmetries: integer shift, transpose and left-right flip.
// ---------------------------------------------------------------------------------------------

TEST(SersicSymmetry, IntegerShiftMovesOnlyTheCentre) {
  // The shifted image holds bit-identical pixel values at shifted indices (make_sersic computes
  // from i - x0, exact in double), so the whole table must shift; 1e-6 is float rounding headroom
  // (measured 3e-14).
  const SersicSpec s = spec(4, 0.2, 30);
  SersicSpec sh = s;
  sh.x0 += 7;
  sh.y0 -= 4;
  const FitConfig cfg = start_config(s, 0.2, 45);
  FitConfig cs = cfg;
  cs.x0 += 7;
  cs.y0 -= 4;
  const FitResult r = isoster::fit_image(make_sersic(s).view(), cfg);
  const FitResult rs = isoster::fit_image(make_sersic(sh).view(), cs);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  ASSERT_EQ(rs.status, isoster::FitStatus::Ok);
  ASSERT_EQ(r.rows.size(), rs.rows.size());
  double wc = 0, wr = 0;
  for (std::size_t k = 0; k < r.rows.size(); ++k) {
    const Isophote &a = r.rows[k], &b = rs.rows[k];
    EXPECT_EQ(a.sma, b.sma);
    wc = std::max({wc, std::fabs(b.x0 - a.x0 - 7), std::fabs(b.y0 - a.y0 + 4)});
    EXPECT_NEAR(b.x0, a.x0 + 7, 1e-6) << "a=" << a.sma;
    EXPECT_NEAR(b.y0, a.y0 - 4, 1e-6) << "a=" << a.sma;
    EXPECT_NEAR(b.intens, a.intens, 1e-6 * std::fabs(a.intens)) << "a=" << a.sma;
    wr = std::max(wr, std::fabs(b.intens / a.intens - 1));
    if (a.sma > 0) {
      EXPECT_NEAR(b.ellip, a.ellip, 1e-6) << "a=" << a.sma;
      EXPECT_NEAR(wrap_pa(b.pa - a.pa), 0, 1e-6) << "a=" << a.sma;
      EXPECT_NEAR(b.b4, a.b4, 1e-6) << "a=" << a.sma;
      EXPECT_EQ(a.niter, b.niter) << "a=" << a.sma;
      wr = std::max({wr, std::fabs(b.ellip - a.ellip), std::fabs(wrap_pa(b.pa - a.pa))});
    }
    EXPECT_EQ(a.ndata, b.ndata) << "a=" << a.sma;
    EXPECT_EQ(a.nflag, b.nflag) << "a=" << a.sma;
    EXPECT_EQ(a.stop, b.stop) << "a=" << a.sma;
  }
  std::printf("shift: worst centre deviation %.1e px, worst INTENS/ELLIP/PA change %.1e\n", wc, wr);
}

// Tolerances of the mirror symmetries per SMA range. The mirrored image holds exactly the same
// pixels, but the walk is not mirror-symmetric (it starts on the major axis and steps one way
// round), so the samples fall at different sub-pixel phases: the result differs by the
// interpolation error and the convergence tolerance, i.e. by the same amount as the deviations from
// truth in SersicTruth. The spec's ~1e-4 holds beyond 20 px only; below, the measured differences
// (transpose) are:
//   3-10 px: INTENS 4.4e-3, ELLIP 6.3e-3, PA 1.1 deg, centre 0.01 px, cos harmonics 2.7e-3;
//   10-20:   5.1e-4, 3.1e-4, 0.10 deg, 0.003 px, 2.6e-4;   > 20: 7.2e-5, 4.3e-5, 0.013 deg, 7e-4,
//   5e-5.
struct MirrorTol {
  double lo, hi, di, de, dpa, dc, dh;
};
const MirrorTol kMirrorTol[3] = {{3, 10, 1e-2, 1.2e-2, 2.0, 0.03, 6e-3},
                                 {10, 20, 1e-3, 6e-4, 0.2, 0.006, 6e-4},
                                 {20, 101, 2e-4, 1e-4, 0.03, 0.0015, 1e-4}};

// `map` takes (x, y) of the original to the mirrored image; `pa_map` the PA.
template <typename Map, typename PaMap>
void check_mirror(const char* what, const Image& img, const Image& mirrored, Map map,
                  PaMap pa_map) {
  const SersicSpec s = spec(4, 0.2, 30);
  const FitConfig cfg = start_config(s, 0.2, 45);
  FitConfig cm = cfg;
  map(cfg.x0, cfg.y0, cm.x0, cm.y0);
  cm.pa = std::fmod(pa_map(cfg.pa) + 360, 180);
  const FitResult r = isoster::fit_image(img.view(), cfg);
  const FitResult rm = isoster::fit_image(mirrored.view(), cm);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok);
  ASSERT_EQ(rm.status, isoster::FitStatus::Ok);
  for (const MirrorTol& t : kMirrorTol) {
    double wi = 0, we = 0, wp = 0, wc = 0, wh = 0;
    int n = 0;
    for (const auto& w : r.rows) {
      if (w.sma < t.lo || w.sma >= t.hi) continue;
      const Isophote* m = row_at(rm, w.sma);
      ASSERT_NE(m, nullptr) << what << " a=" << w.sma;
      ++n;
      double xm, ym;
      map(w.x0, w.y0, xm, ym);
      wi = std::max(wi, std::fabs(m->intens / w.intens - 1));
      we = std::max(we, std::fabs(m->ellip - w.ellip));
      wp = std::max(wp, std::fabs(wrap_pa(m->pa - pa_map(w.pa))));
      wc = std::max(wc, std::hypot(m->x0 - xm, m->y0 - ym));
      // A mirror keeps the cosine harmonics and flips the sign of the sine harmonics.
      wh = std::max({wh, std::fabs(m->b3 - w.b3), std::fabs(m->b4 - w.b4), std::fabs(m->a3 + w.a3),
                     std::fabs(m->a4 + w.a4)});
    }
    std::printf(
        "%s [%3g,%3g) %2d rows: |dI/I| %.1e (tol %.0e)  |de| %.1e (tol %.0e)  |dPA| %.3f"
        " (tol %.3f)  centre %.1e (tol %.0e)  harmonics %.1e (tol %.0e)\n",
        what, t.lo, t.hi, n, wi, t.di, we, t.de, wp, t.dpa, wc, t.dc, wh, t.dh);
    EXPECT_GE(n, 5);
    EXPECT_LE(wi, t.di) << what;
    EXPECT_LE(we, t.de) << what;
    EXPECT_LE(wp, t.dpa) << what;
    EXPECT_LE(wc, t.dc) << what;
    EXPECT_LE(wh, t.dh) << what;
  }
}

TEST(SersicSymmetry, TransposeMapsPaTo90MinusPa) {
  const SersicSpec s = spec(4, 0.2, 30);
  const Image img = make_sersic(s);
  Image t(s.ny, s.nx);
  for (int j = 0; j < s.ny; ++j)
    for (int i = 0; i < s.nx; ++i) t.at(j, i) = img.at(i, j);
  check_mirror(
      "transpose", img, t, [](double x, double y, double& xo, double& yo) { xo = y, yo = x; },
      [](double pa) { return 90 - pa; });
}

TEST(SersicSymmetry, LeftRightFlipMapsPaTo180MinusPa) {
  const SersicSpec s = spec(4, 0.2, 30);
  const Image img = make_sersic(s);
  Image f(s.nx, s.ny);
  for (int j = 0; j < s.ny; ++j)
    for (int i = 0; i < s.nx; ++i) f.at(s.nx - 1 - i, j) = img.at(i, j);
  const double nx1 = s.nx - 1;
  check_mirror(
      "flip", img, f, [nx1](double x, double y, double& xo, double& yo) { xo = nx1 - x, yo = y; },
      [](double pa) { return 180 - pa; });
}

// ---------------------------------------------------------------------------------------------
// 8. Boxy and disky isophotes: injected b4 = +-0.02.
// ---------------------------------------------------------------------------------------------

// make_sersic evaluates I(R (1 - b4 cos 4 phi)), phi the polar angle from the major axis, so the
// isophote I = I(a) is R = a / (1 - b4 cos 4phi) ~ a (1 + b4 cos 4phi): b4 > 0 pushes the isophote
// out along the axes (phi = 0, 90 deg), i.e. disky. On the fitted ellipse (R = a) the intensity is
// I(a (1 - b4 cos 4phi)) ~ I(a) + a |I'(a)| b4 cos 4phi, so IRAF's cosine coefficient is
// B4 = a |I'(a)| b4 and its normalised b4 = B4 / (a |grad|) equals the injected b4 to first order,
// with the same sign (checked: +0.02 gives b4 > 0, the spec's "b4 > 0 disky"); the harmonics are
// fitted in the same polar angle as the generator's deformation, so no factor comes from the angle.
// Measured: the raw B4 column is ~6 % high (0.0213 mean over 10-40 px, rising from 0.0205 to
// 0.022): GRAD is the finite difference (I(1.1a) - I(a)) / (0.1a), which for this convex profile is
// ~10 % shallower than I'(a) (0.90 at a = 20), and B4 is divided by it. Rescaled by grad / I'(a)
// (I' from the analytic model) the recovered value is 0.0193 (-3.5 %, the rest second order: the
// fitted eps also shifts by ~0.002 with b4). Both are checked against the spec's "10 % + 3 sigma".
void check_b4(double n, double b4) {
  SersicSpec s = spec(n, 0.3, 30);
  s.b4 = b4;
  const Image img = make_sersic(s);
  const FitResult r = isoster::fit_image(img.view(), start_config(s, 0.2, 45));
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  double sum = 0, sum_corr = 0, var = 0, wrow = 0, arow = 0;
  int rows = 0, wrong_sign = 0;
  for (const auto& w : r.rows) {
    if (w.sma <= 10 || w.sma >= 40) continue;
    EXPECT_EQ(w.stop, 0) << "a=" << w.sma;
    ++rows;
    const double h = 1e-4 * w.sma;
    const double dIda = (sersic_intensity(s, w.sma + h) - sersic_intensity(s, w.sma - h)) / (2 * h);
    sum += w.b4;
    sum_corr += w.b4 * w.grad / dIda;
    var += w.b4_err * w.b4_err;
    if (b4 != 0) {
      wrong_sign += (w.b4 > 0) != (b4 > 0);
      // Per row: within 10 % + 3 sigma (sigma = B4_ERR; the normalised value's first-order bias is
      // the ~6-12 % gradient factor above, so each row is tested against the rescaled value).
      const double d = std::fabs(w.b4 * w.grad / dIda - b4);
      if (d / (0.1 * std::fabs(b4) + 3 * w.b4_err) > wrow)
        wrow = d / (0.1 * std::fabs(b4) + 3 * w.b4_err), arow = w.sma;
      EXPECT_LE(d, 0.1 * std::fabs(b4) + 3 * w.b4_err) << "a=" << w.sma << " b4=" << w.b4;
    } else {
      // Pure ellipse: spec 9.8 check 3, |b4| < 3e-3 beyond 5 px (measured 3.5e-4).
      EXPECT_LT(std::fabs(w.b4), 3e-3) << "a=" << w.sma;
    }
  }
  ASSERT_GE(rows, 12);
  const double mean = sum / rows, mean_corr = sum_corr / rows;
  const double sigma_mean = std::sqrt(var) / rows;  // error of the mean of `rows` independent rows
  const double tol = 0.1 * std::fabs(b4) + 3 * sigma_mean;
  std::printf(
      "n=%g injected b4 %+.3f: %d rows in (10, 40) px, mean B4 %+.5f, rescaled by grad/I' %+.5f,"
      " sigma of the mean %.1e, tolerance %.5f, wrong signs %d, worst row %.2f of its tolerance"
      " (a=%.1f)\n",
      n, b4, rows, mean, mean_corr, sigma_mean, tol, wrong_sign, wrow, arow);
  if (b4 != 0) {
    EXPECT_EQ(wrong_sign, 0);
    EXPECT_GT(mean * b4, 0);  // sign: b4 > 0 disky, < 0 boxy
    EXPECT_NEAR(mean, b4, tol) << "raw B4 column";
    EXPECT_NEAR(mean_corr, b4, tol) << "B4 rescaled by grad / I'(a)";
  } else {
    EXPECT_NEAR(mean, 0, 1e-3);
  }
}

TEST(SersicBoxyDisky, DiskyB4Plus002N4) { check_b4(4, 0.02); }
TEST(SersicBoxyDisky, BoxyB4Minus002N4) { check_b4(4, -0.02); }
TEST(SersicBoxyDisky, DiskyB4Plus002N2) { check_b4(2, 0.02); }
TEST(SersicBoxyDisky, PureEllipseB4Zero) { check_b4(4, 0.0); }

}  // namespace
