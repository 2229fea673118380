#include "harmonics.hpp"

#include <cmath>

#include "isoster/kernels.hpp"

namespace isoster::detail {

// cos/sin of n phi for n = 3, 4 from those of phi and 2 phi (as the rings store them).
inline void angle_n(const Ring& r, int k, int n, double& cn, double& sn) {
  if (n == 3) {
    cn = r.c2[k] * r.c1[k] - r.s2[k] * r.s1[k];
    sn = r.s2[k] * r.c1[k] + r.c2[k] * r.s1[k];
  } else if (n == 4) {
    cn = r.c2[k] * r.c2[k] - r.s2[k] * r.s2[k];
    sn = 2 * r.s2[k] * r.c2[k];
  } else {
    multiple_angle(r.c1[k], r.s1[k], n, cn, sn);
  }
}

void multiple_angle(double c, double s, int n, double& cn, double& sn) {
  double cc = c, ss = s;
  for (int k = 1; k < n; ++k) {
    const double t = cc * c - ss * s;
    ss = ss * c + cc * s;
    cc = t;
  }
  cn = cc;
  sn = ss;
}

FirstSecond fit_first_second(const Ring& r, bool iraf) {
  FirstSecond f;
  const int n = r.npoint;
  if (n < 5 || r.ndata < 1) return f;
  const double* v = r.val;
  const double mean = r.mean;
  // Sums over the valid samples of y = I - mean: b y for b = (sin, cos, sin 2, cos 2) and y^2.
  // Two interleaved sets of partial sums halve the chains of dependent additions.
  double p[2][5] = {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};
  int k = 0;
  for (; k + 2 <= n; k += 2)
    for (int l = 0; l < 2; ++l) {
      const double y = std::isfinite(v[k + l]) ? v[k + l] - mean : 0.0;
      p[l][0] += r.s1[k + l] * y;
      p[l][1] += r.c1[k + l] * y;
      p[l][2] += r.s2[k + l] * y;
      p[l][3] += r.c2[k + l] * y;
      p[l][4] += y * y;
    }
  for (; k < n; ++k) {
    const double y = std::isfinite(v[k]) ? v[k] - mean : 0.0;
    p[0][0] += r.s1[k] * y;
    p[0][1] += r.c1[k] * y;
    p[0][2] += r.s2[k] * y;
    p[0][3] += r.c2[k] * y;
    p[0][4] += y * y;
  }
  double sy[4];
  for (int i = 0; i < 4; ++i) sy[i] = p[0][i] + p[1][i];
  const double syy = p[0][4] + p[1][4];
  // Normal matrix: from the cached walk when no sample is flagged, else summed here.
  double m4[16], sb[4];
  if (r.walk != nullptr && r.ndata == n) {
    for (int i = 0; i < 16; ++i) m4[i] = r.walk->m4[i];
    for (int i = 0; i < 4; ++i) sb[i] = r.walk->sumb[i];
  } else {
    normal_matrix4(r.s1, r.c1, r.s2, r.c2, v, n, m4, sb);
  }
  // IRAF: 4 terms without a constant; photutils: a constant first (spec 3.1).
  const int dim = iraf ? 4 : 5, off = iraf ? 0 : 1;
  double M[25], rhs[5];
  if (!iraf) {
    M[0] = r.ndata;
    rhs[0] = 0.0;  // sum of y over valid samples is zero by construction
    for (int a = 0; a < 4; ++a) M[a + 1] = M[(a + 1) * 5] = sb[a];
  }
  for (int a = 0; a < 4; ++a) {
    rhs[a + off] = sy[a];
    for (int b = 0; b < 4; ++b) M[(a + off) * dim + b + off] = m4[a * 4 + b];
  }
  double c[5], inv[5], det;
  if (!kern::spd_solve(M, rhs, dim, c, inv, &det)) return f;
  if (iraf && std::fabs(det) < 1e-10) return f;
  // Residual sum of squares of the least-squares solution: sum e^2 = sum y^2 - c . rhs.
  double ctr = 0;
  for (int a = 0; a < dim; ++a) ctr += c[a] * rhs[a];
  const double see = std::max(0.0, syy - ctr);
  const int cnt = r.ndata;
  f.s = cnt > 5 ? std::sqrt(see / (cnt - 5)) : 0.0;
  f.sd0 = std::sqrt(see / cnt);  // residual mean is zero with a constant term (photutils)
  f.c0 = iraf ? 0.0 : c[0];
  for (int i = 0; i < 4; ++i) {
    f.coef[i] = c[off + i];
    f.err[i] = f.s * std::sqrt(inv[off + i]);
  }
  f.ok = true;
  return f;
}

void residuals(const Ring& r, const FirstSecond& f, double* resid) {
  for (int k = 0; k < r.npoint; ++k) {
    const double v = r.val[k];
    resid[k] = std::isfinite(v) ? v - r.mean - f.c0 - f.coef[0] * r.s1[k] - f.coef[1] * r.c1[k] -
                                      f.coef[2] * r.s2[k] - f.coef[3] * r.c2[k]
                                : NAN;
  }
}

Harmonic fit_harmonic_sequential(const Ring& r, double* resid, int order) {
  Harmonic h;
  const int n = r.npoint;
  // Two sets of partial sums (short chains of dependent additions).
  double p[2][5] = {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};
  int cnt = 0;
  for (int k = 0; k < n; ++k) {
    if (!std::isfinite(resid[k])) continue;
    double cn, sn;
    angle_n(r, k, order, cn, sn);
    double* q = p[k & 1];
    q[0] += sn * sn;
    q[1] += sn * cn;
    q[2] += cn * cn;
    q[3] += sn * resid[k];
    q[4] += cn * resid[k];
    ++cnt;
  }
  double M[4], rhs[2];
  M[0] = p[0][0] + p[1][0];
  M[1] = p[0][1] + p[1][1];
  M[3] = p[0][2] + p[1][2];
  rhs[0] = p[0][3] + p[1][3];
  rhs[1] = p[0][4] + p[1][4];
  M[2] = M[1];
  double c[2], inv[2], det;
  if (cnt < 3 || !kern::spd_solve(M, rhs, 2, c, inv, &det)) return h;
  double ss = 0;
  for (int k = 0; k < n; ++k) {
    if (!std::isfinite(resid[k])) continue;
    double cn, sn;
    angle_n(r, k, order, cn, sn);
    resid[k] -= c[0] * sn + c[1] * cn;
    ss += resid[k] * resid[k];
  }
  const double s = cnt > 3 ? std::sqrt(ss / (cnt - 3)) : 0.0;
  h.A = c[0];
  h.B = c[1];
  h.eA = s * std::sqrt(inv[0]);
  h.eB = s * std::sqrt(inv[1]);
  return h;
}

Harmonic fit_harmonic_independent(const Ring& r, int order) {
  Harmonic h;
  const int n = r.npoint;
  double M[9] = {}, rhs[3] = {};
  int cnt = 0;
  for (int k = 0; k < n; ++k) {
    const double y = r.val[k];
    if (!std::isfinite(y)) continue;
    double cn, sn;
    angle_n(r, k, order, cn, sn);
    const double b[3] = {1.0, sn, cn};
    for (int i = 0; i < 3; ++i) {
      rhs[i] += b[i] * y;
      for (int j = 0; j <= i; ++j) M[i * 3 + j] += b[i] * b[j];
    }
    ++cnt;
  }
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 3; ++j) M[i * 3 + j] = M[j * 3 + i];
  double c[3], inv[3], det;
  if (cnt < 4 || !kern::spd_solve(M, rhs, 3, c, inv, &det)) return h;
  double se = 0, ss = 0;
  for (int k = 0; k < n; ++k) {
    const double y = r.val[k];
    if (!std::isfinite(y)) continue;
    double cn, sn;
    angle_n(r, k, order, cn, sn);
    const double e = y - (c[0] + c[1] * sn + c[2] * cn);
    se += e;
    ss += e * e;
  }
  const double em = se / cnt;
  const double s = std::sqrt(std::max(0.0, (ss - cnt * em * em) / (cnt - 3)));
  h.A = c[1];
  h.B = c[2];
  h.eA = s * std::sqrt(inv[1]);
  h.eB = s * std::sqrt(inv[2]);
  return h;
}

}  // namespace isoster::detail
