// Internal: least-squares harmonic fits on the samples of one ring (spec 3.1 and 4.4).
#pragma once

#include "ring.hpp"

namespace isoster::detail {

// First and second harmonics. iraf: 4 terms (A1, B1, A2, B2) on mean-subtracted samples; photutils:
// 5 terms with a constant. coef/err hold (A1, B1, A2, B2); s is the residual rms with N - 5 d.o.f.;
// sd0 the population std of the residuals; c0 the constant relative to the mean (photutils).
struct FirstSecond {
  bool ok = false;
  double coef[4] = {}, err[4] = {};
  double c0 = 0;
  double s = 0, sd0 = 0;
  // Simultaneous fit (ISOFIT): the third and fourth harmonics fitted with the first two,
  // (sin 3, cos 3, sin 4, cos 4) raw amplitudes and errors.
  bool joint = false;
  double hcoef[4] = {}, herr[4] = {};
};
// joint: the 3rd and 4th harmonics in the same least-squares fit (ISOFIT,
// --simultaneous-harmonics).
FirstSecond fit_first_second(const Ring& r, Compat compat, bool joint = false);
// Higher harmonic of order n, raw amplitudes A (sine), B (cosine) and errors.
struct Harmonic {
  double A = NAN, B = NAN, eA = NAN, eB = NAN;
};

// Every sum the unweighted harmonic fits of a ring need, over its valid samples (finite value), in
// one pass: C[k], S[k] = sum cos k phi, sin k phi for k <= 2 top (the normal matrices of orders up
// to top, by product-to-sum: sin n sin m = (cos(n-m) - cos(n+m)) / 2 and so on), and YC[k], YS[k] =
// sum y cos k phi, y sin k phi for 1 <= k <= top, with y = value - mean; sum y and sum y^2.
// Fitting orders 1 to 4 from these costs one pass over the samples instead of one or two per order.
constexpr int kMaxSumOrder = 64;
struct RingSums {
  int top = 0;
  int npoint = 0, cnt = 0;
  double y = 0, yy = 0;
  double C[2 * kMaxSumOrder + 1], S[2 * kMaxSumOrder + 1];  // C[0] = cnt, S[0] = 0
  double YC[kMaxSumOrder + 1], YS[kMaxSumOrder + 1];
};
// top: 1 to kMaxSumOrder.
void ring_sums(const Ring& r, int top, RingSums& out);
// The unweighted 4-term (IRAF) or 5-term (photutils) fit of the first and second harmonics from
// the sums (top >= 2): the fit_first_second of a ring without variances, to rounding.
FirstSecond fit_first_second(const RingSums& s, Compat compat);
// The angle sums of ring_sums for top 2 (C, S and cnt, bitwise the same) without the sums of y,
// which are left NaN: enough for first_second_possible.
void ring_angle_sums(const Ring& r, RingSums& out);
// Whether fit_first_second(s, compat) succeeds (its `ok`), from the angle sums alone: the same
// preconditions and the same factorisation and determinant test, without the solve.
bool first_second_possible(const RingSums& s, Compat compat);
// A ring whose samples are all valid and leave no angular gap wider than kFitSafeGap (every walk:
// steps of at most 0.5 rad and a first angle of at most 0.1; eccentric rings: 2 pi / 64) always
// admits the first/second fit, so that first_second_possible need not be asked. Why: for
// g = u . (sin phi, cos phi, sin 2 phi, cos 2 phi[, 1]) with |u| = 1 the integral of g^2 over the
// circle is at least pi, so max |g| >= 1 / sqrt 2; Bernstein's inequality bounds |g'| by
// 2 max |g|, and some sample lies within 0.3 rad of the maximum, where |g| >= 0.4 max |g|. The
// normal matrix's smallest eigenvalue is then at least 0.08 (the 4 x 4 determinant at least 4e-5
// against IRAF's test at 1e-10). On real walks it is 6.1 or more and grows with the number of
// samples n, as the sums' rounding does, but that only as n times the machine epsilon.
constexpr double kFitSafeGap = 0.6;
// Higher harmonics of the given orders (each >= 3, ascending, <= s.top), unweighted.
// IRAF: sequential 2-term fits, each on what the first/second fit `fs` (zero when not ok) and the
// orders before it left, 3 and 4 always fitted first. photutils: independent 3-term fits
// (constant, sin n phi, cos n phi). out[i]: order orders[i].
void fit_higher(const RingSums& s, const FirstSecond& fs, Compat compat, const int* orders,
                int n_orders, Harmonic* out);

// Joint fit (ISOFIT design, spec 7.5) of the first and second harmonics and the given orders
// (each >= 3, at most kMaxJointOrders) with the design of fit_first_second's joint fit (IRAF:
// mean-subtracted samples, no constant; photutils: a constant), weighted when the ring has
// variances. out[i]: order orders[i]. Returns false (out untouched) without a degree of freedom
// left or when the system is singular.
constexpr int kMaxJointOrders = 8;
bool fit_harmonics_joint(const Ring& r, Compat compat, const int* orders, int n_orders,
                         Harmonic* out);

// cos(n phi), sin(n phi) from cos/sin of phi (any n >= 1) without trigonometric calls.
void multiple_angle(double c, double s, int n, double& cn, double& sn);

}  // namespace isoster::detail
