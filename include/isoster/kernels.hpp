// Per-sample arithmetic shared by every backend: plain functions on plain data, no allocation, no
// exceptions, no virtual calls, so a CUDA build can compile the same formulas for the device.
#pragma once

#include <cmath>

#include "isoster/hd.hpp"

namespace isoster::kern {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 6.28318530717958647692;

// Polar radius of the ellipse (a, q = 1 - eps) at polar angle phi, given cos/sin of phi.
ISOSTER_HD double polar_radius(double a, double q, double c, double s) {
  return a * q / std::sqrt(q * q * c * c + s * s);
}

// Bilinear value at (x, y) on a row-major float image whose bad pixels are NaN; NaN when the sample is
// invalid. IRAF's bound (spec 2.1): valid iff 0 <= x < nx - 2 and 0 <= y < ny - 2.
ISOSTER_HD double bilinear_iraf(const float* img, int nx, int ny, double x, double y) {
  if (!(x >= 0.0 && y >= 0.0 && x < nx - 2 && y < ny - 2)) return NAN;
  const int i = static_cast<int>(x);
  const int j = static_cast<int>(y);
  const double fx = x - i, fy = y - j;
  const float* p = img + static_cast<long>(j) * nx + i;
  const double top = p[0] + fx * (p[1] - static_cast<double>(p[0]));
  const double bot = p[nx] + fx * (p[nx + 1] - static_cast<double>(p[nx]));
  return top + fy * (bot - top);
}

// photutils' bound: int(x) in [0, nx - 2] with truncation toward zero, so x in (-1, 0) extrapolates.
ISOSTER_HD double bilinear_photutils(const float* img, int nx, int ny, double x, double y) {
  if (!(x > -1.0 && y > -1.0 && x < nx - 1 && y < ny - 1)) return NAN;
  const int i = static_cast<int>(x);  // truncation toward zero, as int() in Python
  const int j = static_cast<int>(y);
  const double fx = x - i, fy = y - j;
  const float* p = img + static_cast<long>(j) * nx + i;
  const double top = p[0] + fx * (p[1] - static_cast<double>(p[0]));
  const double bot = p[nx] + fx * (p[nx + 1] - static_cast<double>(p[nx]));
  return top + fy * (bot - top);
}

// Nearest-neighbour sample of IRAF's gradient ring: the lower-left pixel of the bilinear cell,
// valid iff 0 <= floor(x) <= nx - 2 (same for y). photutils truncates toward zero instead.
ISOSTER_HD double nearest_sample(const float* img, int nx, int ny, double x, double y, bool iraf) {
  int i, j;
  if (iraf) {
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

// cos and sin of a small angle d (|d| <= 0.5) by their Taylor series: error < 1e-16 for the
// walk's typical steps and < 3e-12 at the 0.5 rad cap. Replaces per-sample trig in the walk.
ISOSTER_HD void small_sincos(double d, double& c, double& s) {
  const double d2 = d * d;
  c = 1.0 + d2 * (-1.0 / 2 + d2 * (1.0 / 24 + d2 * (-1.0 / 720 + d2 * (1.0 / 40320 +
      d2 * (-1.0 / 3628800 + d2 * (1.0 / 479001600))))));
  s = d * (1.0 + d2 * (-1.0 / 6 + d2 * (1.0 / 120 + d2 * (-1.0 / 5040 + d2 * (1.0 / 362880 +
      d2 * (-1.0 / 39916800 + d2 * (1.0 / 6227020800.0)))))));
}

// Cholesky solve of a small symmetric positive-definite system M c = v (row-major n x n, n <= 8).
// Also returns det(M) and the diagonal of M^-1 (for the coefficient errors). Returns false when M is
// not positive definite.
ISOSTER_HD bool spd_solve(const double* M, const double* v, int n, double* c, double* inv_diag,
                          double* det) {
  double L[64];
  double d = 1.0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) {
      double sum = M[i * n + j];
      for (int k = 0; k < j; ++k) sum -= L[i * 8 + k] * L[j * 8 + k];
      if (i == j) {
        if (!(sum > 0.0)) {
          *det = 0.0;
          return false;
        }
        d *= sum;
        L[i * 8 + i] = std::sqrt(sum);
      } else {
        L[i * 8 + j] = sum / L[j * 8 + j];
      }
    }
  }
  *det = d;
  double y[8];
  for (int i = 0; i < n; ++i) {
    double sum = v[i];
    for (int k = 0; k < i; ++k) sum -= L[i * 8 + k] * y[k];
    y[i] = sum / L[i * 8 + i];
  }
  for (int i = n - 1; i >= 0; --i) {
    double sum = y[i];
    for (int k = i + 1; k < n; ++k) sum -= L[k * 8 + i] * c[k];
    c[i] = sum / L[i * 8 + i];
  }
  // diag(M^-1) = column norms of L^-1: solve L w = e_i for each i.
  for (int i = 0; i < n; ++i) {
    double w[8];
    double acc = 0.0;
    for (int r = 0; r < n; ++r) {
      double sum = (r == i) ? 1.0 : 0.0;
      for (int k = i; k < r; ++k) sum -= L[r * 8 + k] * w[k];
      w[r] = (r < i) ? 0.0 : sum / L[r * 8 + r];
      acc += w[r] * w[r];
    }
    inv_diag[i] = acc;
  }
  return true;
}

}  // namespace isoster::kern
