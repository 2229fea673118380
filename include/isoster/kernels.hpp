// Per-sample arithmetic shared by every backend: plain functions on plain data, no allocation, no
// exceptions, no virtual calls, so a CUDA build can compile the same formulas for the device.
#pragma once

#include <cmath>

#include "isoster/hd.hpp"
#include "isoster/modes.hpp"

namespace isoster::kern {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 6.28318530717958647692;

// An angle reduced into [0, pi): position angles are defined modulo pi.
ISOSTER_HD double reduce_pi(double t) {
  t = std::fmod(t, kPi);
  return t < 0 ? t + kPi : t;
}

// Polar radius of the ellipse (a, q = 1 - eps) at polar angle phi, given cos/sin of phi.
ISOSTER_HD double polar_radius(double a, double q, double c, double s) {
  return a * q / std::sqrt(q * q * c * c + s * s);
}

// Bilinear interpolation inside the cell whose lower-left pixel is (i, j); NaN if a corner is bad.
ISOSTER_HD double bilinear_cell(const float* img, int nx, int i, int j, double fx, double fy) {
  const float* p = img + static_cast<long>(j) * nx + i;
  const double p00 = p[0], p01 = p[1], p10 = p[nx], p11 = p[nx + 1];
  const double top = p00 + fx * (p01 - p00);
  const double bot = p10 + fx * (p11 - p10);
  return top + fy * (bot - top);
}

// Bilinear value at (x, y) on a row-major float image whose bad pixels are NaN; NaN when the sample
// is invalid. IRAF's bound (spec 2.1): valid iff 0 <= x < nx - 2 and 0 <= y < ny - 2. Branch-free
// (an invalid sample reads pixel (0, 0) and is then replaced by NaN) so that loops over it
// vectorise.
ISOSTER_HD double bilinear_iraf(const float* img, int nx, int ny, double x, double y) {
  const bool ok = x >= 0.0 && y >= 0.0 && x < nx - 2 && y < ny - 2;
  const double xc = ok ? x : 0.0, yc = ok ? y : 0.0;
  const int i = static_cast<int>(xc), j = static_cast<int>(yc);
  const double v = bilinear_cell(img, nx, i, j, xc - i, yc - j);
  return ok ? v : NAN;
}

// photutils' bound: int(x) in [0, nx - 2] with truncation toward zero, so x in (-1, 0)
// extrapolates.
ISOSTER_HD double bilinear_photutils(const float* img, int nx, int ny, double x, double y) {
  const bool ok = x > -1.0 && y > -1.0 && x < nx - 1 && y < ny - 1;
  const double xc = ok ? x : 0.0, yc = ok ? y : 0.0;
  const int i = static_cast<int>(xc), j = static_cast<int>(yc);  // truncation, as int() in Python
  const double v = bilinear_cell(img, nx, i, j, xc - i, yc - j);
  return ok ? v : NAN;
}

// Nearest-neighbour sample of IRAF's gradient ring: the lower-left pixel of the bilinear cell,
// valid iff 0 <= floor(x) <= nx - 2 (same for y). photutils truncates toward zero instead.
ISOSTER_HD double nearest_sample(const float* img, int nx, int ny, double x, double y,
                                 Compat compat) {
  int i, j;
  if (compat == Compat::Iraf) {
    if (!(x >= 0.0 && y >= 0.0)) return NAN;
    i = static_cast<int>(x);
    j = static_cast<int>(y);
  } else {
    if (!(x > -1.0 && y > -1.0)) return NAN;
    i = static_cast<int>(x);
    j = static_cast<int>(y);
  }
  if (i > nx - 2 || j > ny - 2) return NAN;
  return img[static_cast<long>(j) * nx + i];
}

// cos d and sin(d) / d of a small angle d (0 <= d <= 0.5) from z = d^2, by Taylor series in
// Estrin form (a short dependency chain, no branch): error < 1e-15 up to the 0.5 cap and far
// smaller for the usual 1/r steps. Replaces per-sample trigonometry in the walk. T: double, or a
// SIMD vector of doubles whose lanes are independent walks.
template <class T>
ISOSTER_HD void small_cos_sinc(T z, T& c, T& sc) {
  const T z2 = z * z, z4 = z2 * z2;
  c = ((1.0 - 0.5 * z) + z2 * (1.0 / 24 - z * (1.0 / 720))) +
      z4 * ((1.0 / 40320 - z * (1.0 / 3628800)) +
            z2 * (1.0 / 479001600 - z * (1.0 / 87178291200.0)));
  sc = ((1.0 - z * (1.0 / 6)) + z2 * (1.0 / 120 - z * (1.0 / 5040))) +
       z4 * ((1.0 / 362880 - z * (1.0 / 39916800)) +
             z2 * (1.0 / 6227020800.0 - z * (1.0 / 1307674368000.0)));
}

// Shorter series for steps d <= 0.04 (walks with a q >= 25 dstep): error < 2e-16.
template <class T>
ISOSTER_HD void small_cos_sinc_short(T z, T& c, T& sc) {
  const T z2 = z * z;
  c = (1.0 - 0.5 * z) + z2 * (1.0 / 24 - z * (1.0 / 720));
  sc = (1.0 - z * (1.0 / 6)) + z2 * (1.0 / 120 - z * (1.0 / 5040));
}

// cos and sin of a small angle d (0 <= d <= 0.5).
template <class T>
ISOSTER_HD void small_sincos(T d, T& c, T& s) {
  T sc;
  small_cos_sinc(d * d, c, sc);
  s = d * sc;
}

// The largest step of the walk below (rad): IRAF's and photutils' cap.
constexpr double kMaxWalkStep = 0.5;

// The IRAF/photutils ellipse walk (spec 1.1) as a step generator: polar angle phi advances by
// d = min(dstep / r, 0.5); cos/sin of phi are carried by rotation and the unclipped step
// dr = dstep / r = sqrt(A cos^2 phi + B sin^2 phi) (A = (dstep / a)^2, B = A / q^2) by the
// polar-radius formula, so a step costs one sqrt and no trigonometric call. The steps form a chain
// of dependent operations (its latency is the cost), so the state is minimal; r = dstep / dr is
// derived afterwards.
struct WalkStart {
  double phi, c, s, dr;  // first point
  double A, B, end;      // coefficients above, end angle (exclusive)
  bool short_series;     // every step is below 0.04 rad
};

// True when every step of the walk of (a, q) stays below 0.04 rad (steps are at most dstep / (a
// q)), so that the short series is exact.
ISOSTER_HD bool walk_short_series(double a, double q, double dstep) {
  return dstep / (a * q) <= 0.04;
}

ISOSTER_HD WalkStart walk_start(double a, double q, double phi0, double dstep, Compat compat) {
  const bool iraf = compat == Compat::Iraf;
  WalkStart w;
  w.phi = phi0;
  w.c = std::cos(phi0);
  w.s = std::sin(phi0);
  const double kd = dstep / (a * q);  // the largest step: r >= a q
  w.A = kd * kd * q * q;
  w.B = kd * kd;
  // IRAF: phi < 2 pi and a first radius of exactly a; photutils: phi <= 2 pi + 0.05 and r(phi0).
  w.end = iraf ? kTwoPi : std::nextafter(kTwoPi + 0.05, 10.0);
  w.dr = iraf ? dstep / a : std::sqrt(w.A * w.c * w.c + w.B * w.s * w.s);
  w.short_series = walk_short_series(a, q, dstep);
  return w;
}

// One step from the current point (phi, c, s; P = A c^2 + B s^2 and dr = sqrt(P)) to the next.
// vclip(x, cap) is the element-wise min(x, cap) and vsqrt the square root of T; BmA = B - A.
// The step d = min(dr, 0.5) enters the series only through z = d^2 = min(P, 0.25), taken from P
// directly, and the new P = A + (B - A) s'^2 with s' = d c sinc(d) + s cos d expands into
// E + d F, E = A + (B - A)((s cos d)^2 + z (c sinc d)^2), F = 2 (B - A)(c sinc d)(s cos d): all
// but one fma is evaluated while the square root of the previous step completes. The chain per
// step is then sqrt, min, fma.
template <bool Short, class T, class Clip, class Sqrt>
ISOSTER_HD void walk_step(T& phi, T& c, T& s, T& P, T& dr, const T& A, const T& BmA, Clip vclip,
                          Sqrt vsqrt) {
  const T z = vclip(P, kMaxWalkStep * kMaxWalkStep);
  T cd, sc;
  if (Short) {
    small_cos_sinc_short(z, cd, sc);
  } else {
    small_cos_sinc(z, cd, sc);
  }
  const T csc = c * sc, ssc = s * sc, scd = s * cd, ccd = c * cd;
  const T E = A + BmA * (scd * scd + z * (csc * csc)), F = 2.0 * BmA * (csc * scd);
  const T d = vclip(dr, kMaxWalkStep);
  phi += d;
  P = E + d * F;
  dr = vsqrt(P);
  s = d * csc + scd;  // sin(phi + d) = s cos d + c sin d
  c = ccd - d * ssc;
}

// The one-parameter Jedrzejewski correction (spec 3.3) for coefficient k = 0..3 (A1, B1, A2, B2)
// of amplitude amp, with gradient g at SMA a. theta is reduced into [0, pi) after a PA correction;
// photutils caps eps at 0.95.
ISOSTER_HD void apply_correction(double& x0, double& y0, double& eps, double& theta, int k,
                                 double amp, double g, double a, Compat compat) {
  const double q = 1.0 - eps;
  if (k == 0) {  // A1: move along the minor axis
    const double t = -amp * q / g;
    x0 -= t * std::sin(theta);
    y0 += t * std::cos(theta);
  } else if (k == 1) {  // B1: move along the major axis
    const double t = -amp / g;
    x0 += t * std::cos(theta);
    y0 += t * std::sin(theta);
  } else if (k == 2) {
    theta = reduce_pi(theta + 2 * amp * q / (a * g * (q * q - 1)));
  } else if (k == 3) {
    eps -= 2 * amp * q / (a * g);
    if (compat == Compat::Photutils) eps = std::fmin(eps, 0.95);
  }
}

// Busko (1996) geometry errors (spec 4.1) from the coefficient errors e = (A1, B1, A2, B2).
// Outputs x0, y0 and eps errors and the PA error in radians.
ISOSTER_HD void geometry_errors(const double* e, double g, double a, double eps, double theta,
                                double& x0e, double& y0e, double& epse, double& pae) {
  const double q = 1.0 - eps;
  const double emaj = std::fabs(e[1] / g), emin = std::fabs(e[0] * q / g);
  x0e = std::sqrt(emaj * std::cos(theta) * emaj * std::cos(theta) +
                  emin * std::sin(theta) * emin * std::sin(theta));
  y0e = std::sqrt(emaj * std::sin(theta) * emaj * std::sin(theta) +
                  emin * std::cos(theta) * emin * std::cos(theta));
  epse = std::fabs(2 * e[3] * q / (a * g));
  pae = std::fabs(eps) <= 1e-10 ? 0.0 : std::fabs(2 * e[2] * q / (a * g * (1 - q * q)));
}

// Cholesky factor M = L L^T of a small symmetric matrix (row-major N x N) and det(M). Returns
// false (det 0) when M is not positive definite. N is a template parameter: the loops unroll and
// L stays in registers (a runtime size left them as chains of stores and reloads, longer than the
// harmonic sums of a small ring).
template <int N>
ISOSTER_HD bool spd_factor_n(const double* M, double (&L)[N][N], double* det) {
  double d = 1.0;
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j <= i; ++j) {
      double sum = M[i * N + j];
      for (int k = 0; k < j; ++k) sum -= L[i][k] * L[j][k];
      if (i == j) {
        if (!(sum > 0.0)) {
          *det = 0.0;
          return false;
        }
        d *= sum;
        L[i][i] = std::sqrt(sum);
      } else {
        L[i][j] = sum / L[j][j];
      }
    }
  }
  *det = d;
  return true;
}

// With the factor L of spd_factor_n: the solution c of M c = v and the diagonal of M^-1 (for the
// coefficient errors).
template <int N>
ISOSTER_HD void spd_solve_factored_n(const double (&L)[N][N], const double* v, double* c,
                                     double* inv_diag) {
  double y[N];
  for (int i = 0; i < N; ++i) {
    double sum = v[i];
    for (int k = 0; k < i; ++k) sum -= L[i][k] * y[k];
    y[i] = sum / L[i][i];
  }
  for (int i = N - 1; i >= 0; --i) {
    double sum = y[i];
    for (int k = i + 1; k < N; ++k) sum -= L[k][i] * c[k];
    c[i] = sum / L[i][i];
  }
  // diag(M^-1) = column norms of L^-1: solve L w = e_i for each i.
  for (int i = 0; i < N; ++i) {
    double w[N] = {};
    double acc = 0.0;
    for (int r = i; r < N; ++r) {
      double sum = (r == i) ? 1.0 : 0.0;
      for (int k = i; k < r; ++k) sum -= L[r][k] * w[k];
      w[r] = sum / L[r][r];
      acc += w[r] * w[r];
    }
    inv_diag[i] = acc;
  }
}

// Cholesky solve of a small symmetric positive-definite system M c = v (row-major N x N), with
// det(M) and the diagonal of M^-1. Returns false when M is not positive definite.
template <int N>
ISOSTER_HD bool spd_solve_n(const double* M, const double* v, double* c, double* inv_diag,
                            double* det) {
  double L[N][N] = {};
  if (!spd_factor_n<N>(M, L, det)) return false;
  spd_solve_factored_n<N>(L, v, c, inv_diag);
  return true;
}

// The same for a size known at run time, 1 <= n <= N (n outside: false, det 0): each size keeps
// its own unrolled instance.
template <int N = 9>
ISOSTER_HD bool spd_solve(const double* M, const double* v, int n, double* c, double* inv_diag,
                          double* det) {
  if (n == N) return spd_solve_n<N>(M, v, c, inv_diag, det);
  if constexpr (N > 1) {
    return spd_solve<N - 1>(M, v, n, c, inv_diag, det);
  } else {
    *det = 0.0;
    return false;
  }
}

}  // namespace isoster::kern
