// Physical truth on generated Sérsic galaxies (docs/algorithm.md section 9.8): the fitted profile
// is compared with the analytic model the image was rendered from, not with another program.
//
// Images come from tests/support/synthetic with oversample 1: pixel (i, j) holds the model at the
// point (i, j), so sersic_intensity(spec, a) is the exact truth of the isophote of SMA a. The true
// centre is the integer pixel (120, 133) of a 256 x 256 image (off the image centre) and every fit
// starts 2 px off it in x and in y. Re = 40 px as in the spec's reference image, so that the spec
// table "How well IRAF itself does" (maximum deviation from truth per SMA range) applies directly:
//
//   SMA (px)   |dI/I|    |d eps|   |d PA|    centre     |a3..b4|
//   3-5        0.33 %    0.011     1.2 deg   0.005 px   4e-3
//   5-10       0.31 %    0.0044    0.27 deg  0.006 px   2e-3
//   10-20      0.034 %   0.0011    0.07 deg  0.002 px   2e-4
//   > 20       0.025 %   0.0003    0.015 deg 0.001 px   1e-4
//
// and its checks 1-3: INTENS within 0.5 % (3-10 px) and 0.1 % beyond; eps within 0.015 / 0.005 /
// 0.002 / 0.001, PA within 1.5 / 0.5 / 0.1 / 0.05 deg; centre within 0.01 px; |a3..b4| < 1e-2 (3-5)
// and < 3e-3 beyond on pure ellipses.
//
// Two error sources set the floor of every noise-free comparison below; every loosening of a spec
// tolerance in this file is one of them (or is explained where it is made):
//  * Bilinear interpolation of a point-sampled profile overestimates it by about lap(I)/12 (the
//    pixel average of t(1-t)/2 times the curvature in x plus y). For n = 4, Re = 40 that is ~0.09 %
//    at a = 12 px: the spec's 0.1 % beyond 10 px is essentially this floor. Near the cusp (a = 3-5
//    px, a few pixels from the centre) the bias is larger and varies around the ellipse with the
//    pixel grid, so eps and PA there are biased beyond the IRAF table's numbers (which describe one
//    particular image and PA).
//  * Along the minor axis the profile is 1/q times steeper (q = 1 - eps), its curvature, hence the
//    interpolation bias, ~1/q^2 times larger than along the major axis: the fitted eps is biased,
//    and INTENS follows through the mean elliptical radius of the sampled ellipse, dI/I ~ (a
//    dlnI/da) d(eps) / (2q). Expect ~4x the eps = 0.2 errors at eps = 0.5 and far more at eps =
//    0.8, where the minor axis is only 1-4 px long at a = 5-20 px.
// Every check prints its worst deviation, so that a failure is diagnosable from the log. The whole
// file runs in well under a second in Release.
#include "unit/sersic_common.hpp"

namespace {

using namespace isoster::sersic_test;

// ---------------------------------------------------------------------------------------------
// 1. Noise-free profiles of n = 1, 2, 4 at eps = 0, 0.2, 0.5, 0.8 against the analytic truth.
// ---------------------------------------------------------------------------------------------

struct RangeTol {
  double lo, hi;  // SMA range [lo, hi)
  double di;      // max |INTENS / truth - 1|
  double de;      // max |ELLIP - eps|
  double dpa;     // max |PA - pa| (deg); 0: PA not checked (undefined for a round galaxy)
  double dc;      // max distance of (X0, Y0) from the true centre (px)
  double dh;      // max |A3|, |B3|, |A4|, |B4|
};

struct TruthCase {
  const char* name;
  double n, eps, pa;
  double eps0, pa0;  // start geometry
  bool locator;      // false: olthresh = 0, the centre correction alone must find the centre
  bool allow_maxit;  // stop 2 accepted (round galaxy, see SersicRound); 1 and 4 never are
  std::vector<RangeTol> tol;
};

void check_truth(const TruthCase& tc) {
  const SersicSpec s = spec(tc.n, tc.eps, tc.pa);
  const Image img = make_sersic(s);
  FitConfig cfg = start_config(s, tc.eps0, tc.pa0);
  if (!tc.locator) cfg.olthresh = 0;
  const FitResult r = isoster::fit_image(img.view(), cfg);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << tc.name << ": " << r.message;
  std::printf("%s (n=%g eps=%g PA=%g; start eps0=%g pa0=%g, locator %s): %zu rows up to a=%.2f\n",
              tc.name, tc.n, tc.eps, tc.pa, tc.eps0, tc.pa0, tc.locator ? "on" : "off",
              r.rows.size(), r.rows.back().sma);
  for (const RangeTol& t : tc.tol) {
    double wi = 0, we = 0, wp = 0, wc = 0, wh = 0, ai = 0, ae = 0, ap = 0, ac = 0, ah = 0;
    int nrows = 0, nbad = 0, nmaxit = 0;
    for (const auto& w : r.rows) {
      if (w.sma < t.lo || w.sma >= t.hi) continue;
      ++nrows;
      if (w.stop == 2 && tc.allow_maxit) {
        ++nmaxit;
      } else if (w.stop != 0) {
        ++nbad;
        std::printf("  a=%.2f stop=%d niter=%d\n", w.sma, w.stop, w.niter);
      }
      const double di = std::fabs(w.intens / sersic_intensity(s, w.sma) - 1);
      const double de = std::fabs(w.ellip - s.eps);
      const double dp = std::fabs(wrap_pa(w.pa - s.pa_deg));
      const double dc = std::hypot(w.x0 - s.x0, w.y0 - s.y0);
      const double dh = max_harmonic(w);
      if (di > wi) wi = di, ai = w.sma;
      if (de > we) we = de, ae = w.sma;
      if (dp > wp) wp = dp, ap = w.sma;
      if (dc > wc) wc = dc, ac = w.sma;
      if (dh > wh) wh = dh, ah = w.sma;
    }
    std::printf(
        "  [%3g,%3g) %2d rows (%d stop 2): dI/I %.5f@%.1f (tol %.4f)  de %.5f@%.1f (tol %.4f)"
        "  dPA %.3f@%.1f (tol %s%.2f)  dc %.4f@%.1f (tol %.3f)  harm %.1e@%.1f (tol %.0e)\n",
        t.lo, t.hi, nrows, nmaxit, wi, ai, t.di, we, ae, t.de, wp, ap,
        t.dpa > 0 ? "" : "unchecked ", t.dpa, wc, ac, t.dc, wh, ah, t.dh);
    // Every range must be populated, or the test would pass vacuously.
    EXPECT_GE(nrows, 3) << tc.name << " [" << t.lo << ", " << t.hi << ")";
    EXPECT_EQ(nbad, 0) << tc.name << ": rows with a bad stop code in [" << t.lo << ", " << t.hi
                       << ")";
    EXPECT_LE(wi, t.di) << tc.name << ": INTENS at a=" << ai;
    EXPECT_LE(we, t.de) << tc.name << ": ELLIP at a=" << ae;
    if (t.dpa > 0) {
      EXPECT_LE(wp, t.dpa) << tc.name << ": PA at a=" << ap;
    }
    EXPECT_LE(wc, t.dc) << tc.name << ": centre at a=" << ac;
    EXPECT_LE(wh, t.dh) << tc.name << ": harmonics at a=" << ah;
  }
}

// Start geometry: the Jedrzejewski iteration (IRAF and photutils alike) corrects one parameter per
// pass, and its PA step 2 A2 q / (a g (q^2 - 1)) has a gain that grows without bound as q -> 1.
// From IRAF's default start (eps0 0.2, PA 20-35 deg off) on an eps >= 0.5 galaxy it settles into a
// 2-cycle of PA jumps of ~90 deg and ends with stop 2 at the start eps; from eps0 = 0.2 on an eps =
// 0.8 disc the first eps step overshoots past 0.95 (stop 4) or the fit never converges (stop 2). A
// plain re-implementation of the spec's loop (no isoster code) does exactly the same, so this is
// the algorithm's basin of convergence, not an isoster bug; the cases below start within it: eps0 =
// 0.2 for the eps = 0.2 galaxies, 0.1 below the truth for the flatter ones, and the PA 10-15 deg
// off.

// The reference case of the spec table: n = 4, eps = 0.2, Re = 40.
TEST(SersicTruth, N4Eps02Pa30MeetsTheSpecTable) {
  check_truth(
      {"n4 eps0.2",
       4,
       0.2,
       30,
       0.2,
       45,
       true,
       false,
       // 3-5 px: eps and PA loosened from 0.015 / 1.5 deg to 0.025 / 3 deg (measured 0.018 /
       // 2.2 deg at a = 3.2): pixel-centre sampling of the cusp biases the innermost pixels
       // (see the header). Centre 0.015 px there (measured 0.009) for the same reason.
       {{3, 5, 0.005, 0.025, 3.0, 0.015, 1e-2},
        // Spec values from here on. Measured: 0.18 %, 0.0041, 0.29 deg, 0.005 px, 8e-4.
        {5, 10, 0.005, 0.005, 0.5, 0.01, 3e-3},
        // Measured: 0.086 % (the lap(I)/12 interpolation floor is ~0.09 % at a = 12),
        // 0.0012, 0.064 deg, 0.002 px, 2e-4.
        {10, 20, 0.001, 0.002, 0.1, 0.01, 3e-3},
        // Measured: 0.038 %, 0.00024, 0.011 deg, 0.0005 px, 7e-5.
        {20, 101, 0.001, 0.001, 0.05, 0.01, 3e-3}}});
}

TEST(SersicTruth, N2Eps02Pa75) {
  check_truth({"n2 eps0.2",
               2,
               0.2,
               75,
               0.2,
               90,
               true,
               false,
               // As the reference case, except INTENS in 3-5 px: 1 % (measured 0.50 % at a = 3.2,
               // where the eps error of 0.017 alone accounts for (a dlnI/da) de/(2q) = 0.5 %).
               {{3, 5, 0.01, 0.025, 3.0, 0.015, 1e-2},
                {5, 10, 0.005, 0.005, 0.5, 0.01, 3e-3},   // measured 0.15 %, 0.0033, 0.19, 0.006
                {10, 20, 0.001, 0.002, 0.1, 0.01, 3e-3},  // measured 0.034 %, 0.0012, 0.061, 0.001
                {20, 101, 0.001, 0.001, 0.05, 0.01, 3e-3}}});  // 0.015 %, 0.0003, 0.009, 0.001
}

// eps = 0.5 (q = 0.5): the minor-axis curvature bias is ~4x, so the eps and INTENS tolerances are
// the spec's times 4 (rounded); PA is better defined at higher eps and keeps the spec's values. The
// centre in 3-5 px gets 0.05 px (n = 1 measured 0.031 px at a = 3.2, two pixels along the minor
// axis).
const std::vector<RangeTol> kEps05Tol = {{3, 5, 0.025, 0.06, 1.5, 0.05, 2e-2},
                                         {5, 10, 0.02, 0.02, 0.5, 0.01, 3e-3},
                                         {10, 20, 0.005, 0.008, 0.1, 0.01, 3e-3},
                                         {20, 101, 0.002, 0.002, 0.05, 0.01, 3e-3}};

TEST(SersicTruth, N4Eps05Pa140) {
  // Measured: 3-5 1.6 %, 0.031, 0.27 deg, 0.014 px, 9e-3; 5-10 0.83 %, 0.015, 0.11, 0.006, 1.2e-3;
  // 10-20 0.32 %, 0.0039, 0.02, 0.003, 4e-4; > 20 0.067 %, 0.001, 0.002, 0.002, 7e-5.
  check_truth({"n4 eps0.5", 4, 0.5, 140, 0.4, 150, true, false, kEps05Tol});
}

TEST(SersicTruth, N1Eps05Pa75) {
  // Measured: 3-5 0.44 %, 0.013, 0.27 deg, 0.031 px, 6e-3; 5-10 0.30 %, 0.0068, 0.045, 0.006, 8e-4;
  // 10-20 0.13 %, 0.0019, 0.013, 0.0075, 4e-4; > 20 0.065 %, 0.0006, 0.006, 0.002, 1e-4.
  check_truth({"n1 eps0.5", 1, 0.5, 75, 0.4, 85, true, false, kEps05Tol});
}

TEST(SersicTruth, N2Eps08Pa30) {
  // eps = 0.8: the locator's circular rings (radius 4 and 8 px) straddle a 0.8-px-wide minor axis;
  // its figure of merit (0.84) stays below olthresh = 1, so IRAF's locator reports "no object"
  // (spec 5.1; isoster does the same). The locator is off here: the centre correction alone brings
  // the centre from 2.8 px away. Checked from a = 5 px (minor axis >= 1 px): below, the ellipse is
  // narrower than the bilinear kernel and the inner rows stop with code 4 (divergence).
  // Tolerances ~1.5-2x the measured values, far above the spec's (the q^-2 = 25x minor-axis bias;
  // INTENS follows the eps bias). The centre offset (measured 0.05 px) lies along the major axis,
  // where a B1 residue below the convergence threshold conver*sqrt(2)*s (s = the harmonic-fit
  // residual, large here because of the interpolation error) moves nothing.
  // Measured: 5-10 4.3 %, 0.028, 0.20 deg, 0.051 px, 2.2e-2; 10-20 2.4 %, 0.011, 0.11,
  // 0.048, 3.2e-3; > 20 0.87 %, 0.0030, 0.024, 0.024, 1.2e-3.
  check_truth({"n2 eps0.8",
               2,
               0.8,
               30,
               0.7,
               40,
               false,
               false,
               {{5, 10, 0.08, 0.05, 0.5, 0.1, 4e-2},
                {10, 20, 0.04, 0.02, 0.25, 0.08, 6e-3},
                {20, 101, 0.015, 0.005, 0.05, 0.05, 3e-3}}});
}

TEST(SersicTruth, N1Eps0) {
  // Round galaxy, PA undefined and not checked. Stop 2 is accepted here (see SersicRound for why);
  // eps, INTENS and the centre keep the reference tolerances.
  // Measured: 3-5 0.11 %, 0.0013, 0.006 px; 5-10 0.07 %, 0.0002, 0.003; 10-20 0.02 %, 0.0001,
  // 0.002; > 20 0.011 %, 0.00005, 0.0007.
  check_truth({"n1 eps0",
               1,
               0.0,
               0,
               0.2,
               110,
               true,
               true,
               {{3, 5, 0.005, 0.015, 0, 0.015, 1e-2},
                {5, 10, 0.005, 0.005, 0, 0.01, 3e-3},
                {10, 20, 0.001, 0.002, 0, 0.01, 3e-3},
                {20, 101, 0.001, 0.001, 0, 0.01, 3e-3}}});
}

// ---------------------------------------------------------------------------------------------
// 2. Round galaxy: no divergence, eps stays small.
// ---------------------------------------------------------------------------------------------

// On a noise-free round galaxy A2 and B2 are pure interpolation residue, of the same size as the
// harmonic-fit residual s that sets the convergence threshold (|c_k| <= conver sqrt(2) s, i.e. 0.07
// s), and the PA step's gain 2q / (a g (q^2 - 1)) diverges as eps -> 0: the one-parameter-per-pass
// iteration hops in PA and often fails to meet the threshold within maxit = 50: about half the rows
// end with stop 2 (measured 17 of 37 beyond 3 px for n = 4), returning their best pass. That is a
// harmless consequence of IRAF's convergence rule, not a divergence: eps, centre and INTENS stay
// right. With realistic noise (S/N 100 at Re) s is noise-dominated and most rows converge (stop 0).
TEST(SersicRound, NoiseFreeDoesNotDivergeAndEpsStaysSmall) {
  const SersicSpec s = spec(4, 0.0, 0.0);
  const Image img = make_sersic(s);
  const FitResult r = isoster::fit_image(img.view(), start_config(s, 0.2, 110));
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  int n = 0, n0 = 0, nbad = 0;
  double we = 0, wc = 0, wi3 = 0, wi10 = 0;
  for (const auto& w : r.rows) {
    if (w.sma < 3) continue;
    ++n;
    n0 += w.stop == 0;
    nbad += w.stop != 0 && w.stop != 2;  // 1: too many flagged, 4: divergence
    we = std::max(we, w.ellip);
    wc = std::max(wc, std::hypot(w.x0 - s.x0, w.y0 - s.y0));
    const double di = std::fabs(w.intens / sersic_intensity(s, w.sma) - 1);
    (w.sma < 10 ? wi3 : wi10) = std::max(w.sma < 10 ? wi3 : wi10, di);
  }
  std::printf(
      "round n=4 noise-free: %d rows a>=3, %d stop 0, codes %s; max eps %.4f, centre %.4f px,"
      " |dI/I| %.4f (3-10 px) %.5f (>10 px)\n",
      n, n0, stop_codes(r, 3).c_str(), we, wc, wi3, wi10);
  EXPECT_GE(n, 35);     // the profile reaches maxsma without interruption
  EXPECT_EQ(nbad, 0);   // no divergence (4) and no flagging (1)
  EXPECT_LT(we, 0.05);  // spec 9.8 check 4: "the fitted eps must stay small" (measured 0.0008)
  EXPECT_LT(wc, 0.02);  // measured 0.007 px
  // INTENS: the stop-2 rows report their best pass, so allow 2 % inside 10 px (measured 0.75 % on
  // the cusp; up to 1.2 % in earlier builds) and 0.2 % beyond (measured 0.11 %).
  EXPECT_LT(wi3, 0.02);
  EXPECT_LT(wi10, 0.002);
}

TEST(SersicRound, WithNoiseMostRowsConverge) {
  SersicSpec s = spec(4, 0.0, 0.0);
  s.noise = s.ie / 100;  // S/N 100 per pixel at Re
  s.seed = 7;            // fixed: deterministic
  const Image img = make_sersic(s);
  const FitResult r = isoster::fit_image(img.view(), start_config(s, 0.2, 110));
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  int n = 0, n0 = 0, nbad = 0;
  double we = 0;
  for (const auto& w : r.rows) {
    if (w.sma < 3) continue;
    ++n;
    n0 += w.stop == 0;
    nbad += w.stop != 0 && w.stop != 2;
    we = std::max(we, w.ellip);
  }
  std::printf("round n=4 S/N 100: %d rows a>=3, %d stop 0, codes %s; max eps %.4f\n", n, n0,
              stop_codes(r, 3).c_str(), we);
  EXPECT_GE(n, 35);
  EXPECT_EQ(nbad, 0);
  EXPECT_GT(n0, n / 2);  // measured 30 of 37
  EXPECT_LT(we, 0.05);   // measured 0.0056
}

// ---------------------------------------------------------------------------------------------
// 3. Flat discs, n = 1, eps = 0.8 and 0.9.
// ---------------------------------------------------------------------------------------------

TEST(SersicFlatDisc, DefaultStartDoesNotCrash) {
  // IRAF's default start (eps0 0.2, pa0 110) on an eps = 0.8 disc lies outside the iteration's
  // basin of convergence: the sma0 isophote exhausts maxit (stop 2) and reports its best pass, the
  // start geometry; outwards a bad gradient with maxsma set makes the rest non-iterative (stop 4,
  // spec 5.3), inwards the eps steps overshoot past 0.95 (divergence, stop 4, sticky). The profile
  // is useless, as IRAF's would be, but the fit must not crash: status 0, finite rows; the codes
  // are printed.
  const SersicSpec s = spec(1, 0.8, 75);
  const Image img = make_sersic(s);
  FitConfig c;
  c.x0 = s.x0 + 2;
  c.y0 = s.y0 - 2;
  c.maxsma = 100;
  const FitResult r = isoster::fit_image(img.view(), c);
  std::printf("flat eps0.8 default start: %s, %zu rows, codes %s\n", isoster::to_string(r.status),
              r.rows.size(), stop_codes(r, 0.1).c_str());
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  ASSERT_GT(r.rows.size(), 10u);
  for (const auto& w : r.rows) EXPECT_TRUE(std::isfinite(w.intens)) << "a=" << w.sma;

  // eps = 0.9 with the locator on: its figure of merit (0.70) is below olthresh, and the fit must
  // fail cleanly with a message (spec 5.1: "isoster should report failure").
  const SersicSpec s9 = spec(1, 0.9, 75);
  const Image img9 = make_sersic(s9);
  const FitResult r9 = isoster::fit_image(img9.view(), c);
  std::printf("flat eps0.9 default start: %s (%s)\n", isoster::to_string(r9.status),
              r9.message.c_str());
  EXPECT_NE(r9.status, isoster::FitStatus::Ok);
  EXPECT_FALSE(r9.message.empty());
  EXPECT_TRUE(r9.rows.empty());
}

void check_flat(double eps, const std::vector<RangeTol>& tol) {
  // Started where the disc is resolved: sma0 = 20 px (minor axis 4 px at eps 0.8, 2 px at 0.9),
  // eps0 = 0.7, PA 10 deg off, 2 px off centre, locator off (it cannot see a disc this flat). From
  // sma0 = 10 px the eps = 0.9 disc diverges for some of these starts (the minor axis is 1 px).
  const SersicSpec s = spec(1, eps, 75);
  const Image img = make_sersic(s);
  FitConfig c = start_config(s, 0.7, 85);
  c.olthresh = 0;
  c.sma0 = 20;
  const FitResult r = isoster::fit_image(img.view(), c);
  ASSERT_EQ(r.status, isoster::FitStatus::Ok) << r.message;
  std::printf("flat eps%.1f: %zu rows, codes (a>=5) %s\n", eps, r.rows.size(),
              stop_codes(r, 5).c_str());
  int n = 0, n0 = 0, n4 = 0;
  for (const auto& w : r.rows) {
    if (w.sma < 5) continue;
    ++n;
    n0 += w.stop == 0;
    n4 += w.stop == 4;
  }
  EXPECT_GE(n, 30);
  EXPECT_EQ(n4, 0);           // no divergence beyond a = 5 px
  EXPECT_GE(n0, n * 9 / 10);  // measured: all (0.8), all but 2 stop-2 rows (0.9)
  for (const RangeTol& t : tol) {
    double we = 0, ae = 0, wi = 0, ai = 0, wc = 0, ac = 0;
    int nr = 0;
    for (const auto& w : r.rows) {
      if (w.sma < t.lo || w.sma >= t.hi || w.stop != 0) continue;
      ++nr;
      const double de = std::fabs(w.ellip - eps);
      const double di = std::fabs(w.intens / sersic_intensity(s, w.sma) - 1);
      const double dc = std::hypot(w.x0 - s.x0, w.y0 - s.y0);
      if (de > we) we = de, ae = w.sma;
      if (di > wi) wi = di, ai = w.sma;
      if (dc > wc) wc = dc, ac = w.sma;
    }
    std::printf(
        "  [%3g,%3g) %d stop-0 rows: |de| %.4f@%.1f (tol %.3f)  |dI/I| %.4f@%.1f (tol %.3f)"
        "  centre %.3f@%.1f (tol %.2f)\n",
        t.lo, t.hi, nr, we, ae, t.de, wi, ai, t.di, wc, ac, t.dc);
    EXPECT_GE(nr, 3);
    EXPECT_LE(we, t.de) << "eps " << eps << " at a=" << ae;
    EXPECT_LE(wi, t.di) << "eps " << eps << " at a=" << ai;
    EXPECT_LE(wc, t.dc) << "eps " << eps << " at a=" << ac;
  }
}

// Tolerances (eps, INTENS, centre on stop-0 rows): ~1.5-2x the measured worst case; the minor-axis
// bias grows as q^-2 (25x at 0.8, 100x at 0.9), so the spec's eps = 0.2 values cannot apply.
TEST(SersicFlatDisc, Eps08RecoversEps) {
  // Measured: 5-10 0.018 / 1.9 % / 0.11 px, 10-20 0.0056 / 0.93 % / 0.036, > 20 0.0024 / 0.63 % /
  // 0.028.
  check_flat(0.8, {{5, 10, 0.04, 0.03, 0, 0.2, 0},
                   {10, 20, 0.02, 0.01, 0, 0.08, 0},
                   {20, 101, 0.012, 0.004, 0, 0.06, 0}});
}

TEST(SersicFlatDisc, Eps09RecoversEps) {
  // Measured: 5-10 0.0125 / 4.6 % / 0.86 px, 10-20 0.0096 / 3.7 % / 0.33, > 20 0.0056 / 3.1 % /
  // 0.27. The centre error lies along the major axis, on the same side whichever side the fit
  // starts from (tried: +-2 px): a fixed point of the iteration, not an unfinished one. It is ~10x
  // X0_ERR (0.02 px) and ~10x conver*sqrt(2)*RMS/|GRAD|. Likely cause: the walk's samples are not
  // point-symmetric, so the interpolation error (RMS/INTENS ~1.3 % on this 2-px-wide ellipse)
  // leaves a first harmonic at the true centre. Reported as suspicious, loosely bounded here.
  check_flat(0.9, {{5, 10, 0.08, 0.025, 0, 1.5, 0},
                   {10, 20, 0.06, 0.02, 0, 0.6, 0},
                   {20, 101, 0.05, 0.01, 0, 0.5, 0}});
}

// ---------------------------------------------------------------------------------------------
// 4. Noise: the reported errors describe the scatter over realisations.
// ---------------------------------------------------------------------------------------------

// A statistical test with fixed seeds 1..50, hence deterministic. n = 4, eps 0.2, Gaussian noise of
// sigma = Ie/100 (S/N 100 per pixel at Re). At a = 10 (sma0) and a = 10 * 1.1^15 = 41.8 px ~ Re the
// scatter of INTENS, ELLIP, PA and X0 over 50 realisations (spec 9.8 check 5: >= 50) must be within
// a factor 2.5 of the median reported error, both ways. The spec hopes for ~2; 2.5 because INT_ERR
// = RMS / sqrt(NDATA) treats neighbouring bilinear samples, which share pixels, as independent and
// so underestimates the error of the mean (measured ratio 2.2 at a = 41.8); 50 realisations also
// leave a 10 % statistical uncertainty on each scatter.
TEST(SersicNoise, ScatterMatchesReportedErrors) {
  constexpr int kSeeds = 50;
  double a15 = 10;
  for (int k = 0; k < 15; ++k) a15 *= 1.1;  // the driver's geometric SMA sequence
  const double smas[2] = {10.0, a15};
  std::vector<double> val[2][4], err[2][4];
  int not_converged = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SersicSpec s = spec(4, 0.2, 30);
    s.noise = s.ie / 100;
    s.seed = static_cast<unsigned>(seed);
    const Image img = make_sersic(s);
    FitConfig c = start_config(s, 0.2, 45);
    c.maxsma = 60;
    const FitResult r = isoster::fit_image(img.view(), c);
    ASSERT_EQ(r.status, isoster::FitStatus::Ok) << "seed " << seed << ": " << r.message;
    for (int k = 0; k < 2; ++k) {
      const Isophote* w = row_at(r, smas[k]);
      ASSERT_NE(w, nullptr) << "seed " << seed << " a=" << smas[k];
      not_converged += w->stop != 0;
      val[k][0].push_back(w->intens);
      err[k][0].push_back(w->int_err);
      val[k][1].push_back(w->ellip);
      err[k][1].push_back(w->ellip_err);
      val[k][2].push_back(w->pa);  // PA near 30 deg: no wrap at 0/180 to worry about
      err[k][2].push_back(w->pa_err);
      val[k][3].push_back(w->x0);
      err[k][3].push_back(w->x0_err);
    }
  }
  EXPECT_LE(not_converged, kSeeds / 10);  // measured 0
  const char* name[4] = {"INTENS", "ELLIP", "PA", "X0"};
  for (int k = 0; k < 2; ++k)
    for (int q = 0; q < 4; ++q) {
      const double scatter = stddev(val[k][q]), med = median(err[k][q]);
      const double ratio = scatter / med;
      std::printf("a=%5.2f %-6s scatter %.5g  median error %.5g  ratio %.3f\n", smas[k], name[q],
                  scatter, med, ratio);
      EXPECT_LT(ratio, 2.5) << name[q] << " at a=" << smas[k];
      EXPECT_GT(ratio, 1 / 2.5) << name[q] << " at a=" << smas[k];
    }
}

}  // namespace
