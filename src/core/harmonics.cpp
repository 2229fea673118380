#include "harmonics.hpp"

#include <cmath>

#include "isoster/kernels.hpp"

namespace isoster::detail {

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

FirstSecond fit_first_second(const Ring& r, bool iraf, const Walk* nofflag_walk, double* resid) {
  FirstSecond f;
  const int n = r.npoint;
  if (n < 5 || r.ndata < 1) return f;
  const double* v = r.val;
  const double mean = r.mean;
  const int dim = iraf ? 4 : 5;
  const int off = iraf ? 0 : 1;  // index of A1 in the unknowns
  double M[25] = {}, rhs[5] = {};
  const bool reuse = iraf && nofflag_walk != nullptr && r.ndata == n;
  if (reuse) {
    for (int i = 0; i < 16; ++i) M[i] = nofflag_walk->m4[i];
    // v = sum b (I - mean) = sum b I - mean * sum b
    double sbI[4] = {};
    for (int k = 0; k < n; ++k) {
      const double c = r.c1[k], s = r.s1[k], y = v[k];
      sbI[0] += s * y;
      sbI[1] += c * y;
      sbI[2] += 2 * s * c * y;
      sbI[3] += (c * c - s * s) * y;
    }
    for (int i = 0; i < 4; ++i) rhs[i] = sbI[i] - mean * nofflag_walk->sumb[i];
  } else {
    for (int k = 0; k < n; ++k) {
      if (!std::isfinite(v[k])) continue;
      const double c = r.c1[k], s = r.s1[k];
      double b[5] = {1.0, 0, 0, 0, 0};
      b[off + 0] = s;
      b[off + 1] = c;
      b[off + 2] = 2 * s * c;
      b[off + 3] = c * c - s * s;
      const double y = iraf ? v[k] - mean : v[k];
      for (int i = 0; i < dim; ++i) {
        rhs[i] += b[i] * y;
        for (int j = 0; j <= i; ++j) M[i * dim + j] += b[i] * b[j];
      }
    }
    for (int i = 0; i < dim; ++i)
      for (int j = i + 1; j < dim; ++j) M[i * dim + j] = M[j * dim + i];
  }
  double c[5], inv[5], det;
  if (!kern::spd_solve(M, rhs, dim, c, inv, &det)) return f;
  if (iraf && std::fabs(det) < 1e-10) return f;
  // Residuals, explicitly (the one-pass form cancels catastrophically on noise-free images).
  double ss = 0, se = 0;
  int cnt = 0;
  for (int k = 0; k < n; ++k) {
    if (!std::isfinite(v[k])) {
      resid[k] = NAN;
      continue;
    }
    const double cc = r.c1[k], s = r.s1[k];
    const double model = (iraf ? 0.0 : c[0]) + c[off] * s + c[off + 1] * cc +
                         c[off + 2] * 2 * s * cc + c[off + 3] * (cc * cc - s * s);
    const double e = (iraf ? v[k] - mean : v[k]) - model;
    resid[k] = e;
    ss += e * e;
    se += e;
    ++cnt;
  }
  f.s = cnt > 5 ? std::sqrt(ss / (cnt - 5)) : 0.0;
  const double em = se / cnt;
  f.sd0 = std::sqrt(std::max(0.0, ss / cnt - em * em));
  for (int i = 0; i < 4; ++i) {
    f.coef[i] = c[off + i];
    f.err[i] = f.s * std::sqrt(inv[off + i]);
  }
  f.ok = true;
  return f;
}

Harmonic fit_harmonic_sequential(const Ring& r, double* resid, int order) {
  Harmonic h;
  const int n = r.npoint;
  double M[4] = {}, rhs[2] = {};
  int cnt = 0;
  for (int k = 0; k < n; ++k) {
    if (!std::isfinite(resid[k])) continue;
    double cn, sn;
    multiple_angle(r.c1[k], r.s1[k], order, cn, sn);
    M[0] += sn * sn;
    M[1] += sn * cn;
    M[3] += cn * cn;
    rhs[0] += sn * resid[k];
    rhs[1] += cn * resid[k];
    ++cnt;
  }
  M[2] = M[1];
  double c[2], inv[2], det;
  if (cnt < 3 || !kern::spd_solve(M, rhs, 2, c, inv, &det)) return h;
  double ss = 0;
  for (int k = 0; k < n; ++k) {
    if (!std::isfinite(resid[k])) continue;
    double cn, sn;
    multiple_angle(r.c1[k], r.s1[k], order, cn, sn);
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
    multiple_angle(r.c1[k], r.s1[k], order, cn, sn);
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
    multiple_angle(r.c1[k], r.s1[k], order, cn, sn);
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
