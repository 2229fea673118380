#include "harmonics.hpp"

#include <cmath>
#include <cstring>

#include "isoster/kernels.hpp"
#include "lanes.hpp"

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

namespace {

// The general least-squares path: weights 1/variance when the ring has variances (spec 7.6:
// normal equations (A^T W A) c = A^T W y, coefficient errors from (A^T W A)^-1 without residual
// scaling), and with `joint` the 3rd and 4th harmonics as four more terms (ISOFIT; without
// weights the errors are then s sqrt((M^-1)_jj) as for the four-term fit). s and sd0 stay the
// residuals' plain rms, with N - (terms + 1) degrees of freedom for s.
FirstSecond fit_general(const Ring& r, bool iraf, bool joint) {
  FirstSecond f;
  const bool weighted = r.var != nullptr;
  const int nh = joint ? 8 : 4, off = iraf ? 0 : 1, dim = nh + off;
  double M[81] = {}, rhs[9] = {}, diag_scale = 1;
  auto basis = [&](int k, double* b) {  // b[0] constant, then sin, cos of 1..4 phi
    const double s1 = r.s1[k], c1 = r.c1[k], s2 = r.s2[k], c2 = r.c2[k];
    b[0] = 1.0;
    b[1] = s1;
    b[2] = c1;
    b[3] = s2;
    b[4] = c2;
    if (joint) {
      b[5] = s2 * c1 + c2 * s1;  // sin 3
      b[6] = c2 * c1 - s2 * s1;  // cos 3
      b[7] = 2 * s2 * c2;        // sin 4
      b[8] = c2 * c2 - s2 * s2;  // cos 4
    }
  };
  for (int k = 0; k < r.npoint; ++k) {
    if (!std::isfinite(r.val[k])) continue;
    const double w = weighted ? 1.0 / r.var[k] : 1.0, y = r.val[k] - r.mean;
    double b[9];
    basis(k, b);
    for (int a = 0; a < dim; ++a) {
      rhs[a] += w * b[a + 1 - off] * y;
      for (int c = 0; c <= a; ++c) M[a * dim + c] += w * b[a + 1 - off] * b[c + 1 - off];
    }
  }
  for (int a = 0; a < dim; ++a)
    for (int c = a + 1; c < dim; ++c) M[a * dim + c] = M[c * dim + a];
  double c[9], inv[9], det;
  if (!kern::spd_solve(M, rhs, dim, c, inv, &det)) return f;
  // Collinearity test independent of the weights' scale (the unweighted fit tests |det| < 1e-10).
  for (int a = 0; a < dim; ++a) diag_scale *= M[a * dim + a];
  if (iraf && !(det > 1e-10 * diag_scale)) return f;
  double see = 0;
  for (int k = 0; k < r.npoint; ++k) {
    if (!std::isfinite(r.val[k])) continue;
    double b[9];
    basis(k, b);
    double e = r.val[k] - r.mean;
    for (int a = 0; a < dim; ++a) e -= c[a] * b[a + 1 - off];
    see += e * e;
  }
  const int cnt = r.ndata, dof = cnt - (nh + 1);
  f.s = dof > 0 ? std::sqrt(see / dof) : 0.0;
  f.sd0 = std::sqrt(see / cnt);
  f.c0 = iraf ? 0.0 : c[0];
  const double scale = weighted ? 1.0 : f.s;
  for (int i = 0; i < 4; ++i) {
    f.coef[i] = c[off + i];
    f.err[i] = scale * std::sqrt(inv[off + i]);
  }
  if (joint) {
    f.joint = true;
    for (int i = 0; i < 4; ++i) {
      f.hcoef[i] = c[off + 4 + i];
      f.herr[i] = scale * std::sqrt(inv[off + 4 + i]);
    }
  }
  f.ok = true;
  return f;
}

}  // namespace

FirstSecond fit_first_second(const Ring& r, bool iraf, bool joint) {
  FirstSecond f;
  const int n = r.npoint;
  if (n < (joint ? 9 : 5) || r.ndata < 1) return f;
  if (r.var != nullptr || joint) return fit_general(r, iraf, joint);
  const double* v = r.val;
  const double mean = r.mean;
  // Sums over the valid samples of y = I - mean: b y for b = (sin, cos, sin 2, cos 2) and y^2.
  using namespace lanes;
  Vd acc[5] = {};
  auto add = [&acc](Vd y, Vd b0, Vd b1, Vd b2, Vd b3) {
    acc[0] += b0 * y;
    acc[1] += b1 * y;
    acc[2] += b2 * y;
    acc[3] += b3 * y;
    acc[4] += y * y;
  };
  const Vd vmean = splat(mean), zero = splat(0.0);
  int k = 0;
  for (; k + W <= n; k += W) {
    const Vd x = load(v + k);
    const Vd s1 = load(r.s1 + k), c1 = load(r.c1 + k);
    add(select(finite(x), x - vmean, zero), s1, c1, 2.0 * s1 * c1, c1 * c1 - s1 * s1);
  }
  if (k < n) {  // NaN padding: absent samples count as flagged ones
    const int t = n - k;
    const Vd x = load_tail(v + k, t, NAN);
    add(select(finite(x), x - vmean, zero), load_tail(r.s1 + k, t, 0.0),
        load_tail(r.c1 + k, t, 0.0), load_tail(r.s2 + k, t, 0.0), load_tail(r.c2 + k, t, 0.0));
  }
  double sy[4];
  for (int i = 0; i < 4; ++i) sy[i] = sum(acc[i]);
  const double syy = sum(acc[4]);
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
  const bool solved = iraf ? kern::spd_solve_n<4>(M, rhs, c, inv, &det)
                           : kern::spd_solve_n<5>(M, rhs, c, inv, &det);
  if (!solved) return f;
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

namespace {

// The residual of one sample (or W samples: T a lane vector); the same expression for both, so
// that they round alike.
template <class T>
T residual(T v, T mean, T c0, const double* a, T s1, T c1, T s2, T c2) {
  return v - mean - c0 - a[0] * s1 - a[1] * c1 - a[2] * s2 - a[3] * c2;
}

}  // namespace

void residuals(const Ring& r, const FirstSecond& f, double* resid) {
  using namespace lanes;
  const int n = r.npoint, nw = n / W * W;
  const Vd mean = splat(r.mean), c0 = splat(f.c0), nan = splat(NAN);
  for (int k = 0; k < nw; k += W) {
    const Vd v = load(r.val + k);
    const Vd e = residual(v, mean, c0, f.coef, load(r.s1 + k), load(r.c1 + k), load(r.s2 + k),
                          load(r.c2 + k));
    store(resid + k, select(finite(v), e, nan));
  }
  for (int k = nw; k < n; ++k) {
    const double v = r.val[k];
    resid[k] = std::isfinite(v)
                   ? residual(v, r.mean, f.c0, f.coef, r.s1[k], r.c1[k], r.s2[k], r.c2[k])
                   : NAN;
  }
}

namespace {

// cos/sin of 3 phi or 4 phi for W points, from those of phi and 2 phi.
inline void angle_lanes(const Ring& r, int k, int order, lanes::Vd& cn, lanes::Vd& sn) {
  using lanes::load;
  const lanes::Vd c2 = load(r.c2 + k), s2 = load(r.s2 + k);
  if (order == 3) {
    const lanes::Vd c1 = load(r.c1 + k), s1 = load(r.s1 + k);
    cn = c2 * c1 - s2 * s1;
    sn = s2 * c1 + c2 * s1;
  } else {
    cn = c2 * c2 - s2 * s2;
    sn = 2 * s2 * c2;
  }
}

}  // namespace

Harmonic fit_harmonic_sequential(const Ring& r, double* resid, int order) {
  using namespace lanes;
  Harmonic h;
  const int n = r.npoint;
  const bool vec = order == 3 || order == 4;  // W points at a time from the stored 2 phi
  const int nw = vec ? n / W * W : 0;
  const Vd zero = splat(0.0);
  Vd acc[5] = {};
  Mi cnt_lanes = {};
  for (int k = 0; k < nw; k += W) {
    Vd cn, sn;
    angle_lanes(r, k, order, cn, sn);
    const Vd e = load(resid + k);
    const Mi ok = finite(e);
    cn = select(ok, cn, zero);
    sn = select(ok, sn, zero);
    const Vd ez = select(ok, e, zero);
    acc[0] += sn * sn;
    acc[1] += sn * cn;
    acc[2] += cn * cn;
    acc[3] += sn * ez;
    acc[4] += cn * ez;
    cnt_lanes += ok;
  }
  double p[5];
  for (int i = 0; i < 5; ++i) p[i] = sum(acc[i]);
  int cnt = static_cast<int>(count(cnt_lanes));
  for (int k = nw; k < n; ++k) {
    if (!std::isfinite(resid[k])) continue;
    double cn, sn;
    angle_n(r, k, order, cn, sn);
    p[0] += sn * sn;
    p[1] += sn * cn;
    p[2] += cn * cn;
    p[3] += sn * resid[k];
    p[4] += cn * resid[k];
    ++cnt;
  }
  const double M[4] = {p[0], p[1], p[1], p[2]}, rhs[2] = {p[3], p[4]};
  double c[2], inv[2], det;
  if (cnt < 3 || !kern::spd_solve_n<2>(M, rhs, c, inv, &det)) return h;
  const Vd ca = splat(c[0]), cb = splat(c[1]);
  Vd ss_lanes = zero;
  for (int k = 0; k < nw; k += W) {
    Vd cn, sn;
    angle_lanes(r, k, order, cn, sn);
    const Vd e = load(resid + k);
    const Vd en = e - (ca * sn + cb * cn);  // NaN stays NaN
    store(resid + k, en);
    ss_lanes += select(finite(en), en * en, zero);
  }
  double ss = sum(ss_lanes);
  for (int k = nw; k < n; ++k) {
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
  if (cnt < 4 || !kern::spd_solve_n<3>(M, rhs, c, inv, &det)) return h;
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

bool fit_harmonics_joint(const Ring& r, bool iraf, const int* orders, int n_orders, Harmonic* out) {
  constexpr int kMax = 5 + 2 * kMaxJointOrders;
  if (n_orders < 1 || n_orders > kMaxJointOrders) return false;
  // As fit_general: IRAF fits mean-subtracted samples without a constant, photutils with one.
  const int nh = 4 + 2 * n_orders, off = iraf ? 0 : 1, dim = nh + off;
  const bool weighted = r.var != nullptr;
  // Padded to kMax with an identity block: the solver's size is fixed, the unused terms decouple.
  double M[kMax * kMax] = {}, rhs[kMax] = {}, b[kMax];
  auto basis = [&](int k) {  // b[0] constant, then sin, cos of 1, 2 and each order
    b[0] = 1.0;
    b[1] = r.s1[k];
    b[2] = r.c1[k];
    b[3] = r.s2[k];
    b[4] = r.c2[k];
    for (int i = 0; i < n_orders; ++i) angle_n(r, k, orders[i], b[6 + 2 * i], b[5 + 2 * i]);
  };
  int cnt = 0;
  for (int k = 0; k < r.npoint; ++k) {
    if (!std::isfinite(r.val[k])) continue;
    basis(k);
    const double w = weighted ? 1.0 / r.var[k] : 1.0, y = r.val[k] - r.mean;
    for (int a = 0; a < dim; ++a) {
      rhs[a] += w * b[a + 1 - off] * y;
      for (int c = 0; c <= a; ++c) M[a * kMax + c] += w * b[a + 1 - off] * b[c + 1 - off];
    }
    ++cnt;
  }
  const int dof = cnt - (nh + 1);
  if (dof < 1) return false;
  for (int a = 0; a < dim; ++a)
    for (int c = a + 1; c < dim; ++c) M[a * kMax + c] = M[c * kMax + a];
  for (int a = dim; a < kMax; ++a) M[a * kMax + a] = 1.0;
  double c[kMax], inv[kMax], det;
  if (!kern::spd_solve_n<kMax>(M, rhs, c, inv, &det)) return false;
  // Without weights the errors scale with the residuals' rms, N - (terms + 1) degrees of freedom.
  double scale = 1.0;
  if (!weighted) {
    double see = 0;
    for (int k = 0; k < r.npoint; ++k) {
      if (!std::isfinite(r.val[k])) continue;
      basis(k);
      double e = r.val[k] - r.mean;
      for (int a = 0; a < dim; ++a) e -= c[a] * b[a + 1 - off];
      see += e * e;
    }
    scale = std::sqrt(see / dof);
  }
  for (int i = 0; i < n_orders; ++i) {
    out[i].A = c[off + 4 + 2 * i];
    out[i].B = c[off + 5 + 2 * i];
    out[i].eA = scale * std::sqrt(inv[off + 4 + 2 * i]);
    out[i].eB = scale * std::sqrt(inv[off + 5 + 2 * i]);
  }
  return true;
}

}  // namespace isoster::detail
