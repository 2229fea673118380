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
FirstSecond fit_first_second(const Ring& r, bool iraf, bool joint = false);
// Residuals e_k of the fit (NaN where flagged), for the higher harmonics.
void residuals(const Ring& r, const FirstSecond& f, double* resid);

// Higher harmonic of order n, raw amplitudes A (sine), B (cosine) and errors.
struct Harmonic {
  double A = NAN, B = NAN, eA = NAN, eB = NAN;
};
// IRAF: sequential 2-term fits on the residual buffer, each fitted order subtracted in place.
Harmonic fit_harmonic_sequential(const Ring& r, double* resid, int order);
// photutils: independent 3-term fit (constant, sin n phi, cos n phi) on the raw samples.
Harmonic fit_harmonic_independent(const Ring& r, int order);

// Joint fit (ISOFIT design, spec 7.5) of the first and second harmonics and the given orders
// (each >= 3, at most kMaxJointOrders) with the design of fit_first_second's joint fit (IRAF:
// mean-subtracted samples, no constant; photutils: a constant), weighted when the ring has
// variances. out[i]: order orders[i]. Returns false (out untouched) without a degree of freedom
// left or when the system is singular.
constexpr int kMaxJointOrders = 8;
bool fit_harmonics_joint(const Ring& r, bool iraf, const int* orders, int n_orders, Harmonic* out);

// cos(n phi), sin(n phi) from cos/sin of phi (any n >= 1) without trigonometric calls.
void multiple_angle(double c, double s, int n, double& cn, double& sn);

}  // namespace isoster::detail
