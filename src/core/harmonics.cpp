#include "harmonics.hpp"

#include <algorithm>
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
FirstSecond fit_general(const Ring& r, Compat compat, bool joint) {
  const bool iraf = compat == Compat::Iraf;
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

// The normal matrix M of the first/second-harmonic fit, 4 x 4 (IRAF) or 5 x 5 (photutils),
// factored into L: false when the fit is impossible (M not positive definite, or IRAF's
// collinearity test, |det| < 1e-10). Both the fit and first_second_possible decide here.
template <int Dim>
bool factor_first_second(const double* M, double (&L)[Dim][Dim]) {
  double det;
  if (!kern::spd_factor_n<Dim>(M, L, &det)) return false;
  return Dim == 5 || !(std::fabs(det) < 1e-10);
}

template <int Dim>
bool solve_first_second_n(const double* M, const double* rhs, double* c, double* inv) {
  double L[Dim][Dim] = {};
  if (!factor_first_second<Dim>(M, L)) return false;
  kern::spd_solve_factored_n<Dim>(L, rhs, c, inv);
  return true;
}

// Solves the 4-term (IRAF) or 5-term (photutils, constant first) normal equations M c = rhs of
// the first/second-harmonic fit over cnt samples with sum y^2 = syy, and fills f (f.ok on success).
void solve_first_second(const double* M, const double* rhs, double syy, int cnt, Compat compat,
                        FirstSecond& f) {
  const bool iraf = compat == Compat::Iraf;
  const int dim = iraf ? 4 : 5, off = iraf ? 0 : 1;
  double c[5], inv[5];
  const bool solved =
      iraf ? solve_first_second_n<4>(M, rhs, c, inv) : solve_first_second_n<5>(M, rhs, c, inv);
  if (!solved) return;
  // Residual sum of squares of the least-squares solution: sum e^2 = sum y^2 - c . rhs.
  double ctr = 0;
  for (int a = 0; a < dim; ++a) ctr += c[a] * rhs[a];
  const double see = std::max(0.0, syy - ctr);
  f.s = cnt > 5 ? std::sqrt(see / (cnt - 5)) : 0.0;
  f.sd0 = std::sqrt(see / cnt);  // residual mean is zero with a constant term (photutils)
  f.c0 = iraf ? 0.0 : c[0];
  for (int i = 0; i < 4; ++i) {
    f.coef[i] = c[off + i];
    f.err[i] = f.s * std::sqrt(inv[off + i]);
  }
  f.ok = true;
}

}  // namespace

FirstSecond fit_first_second(const Ring& r, Compat compat, bool joint) {
  const bool iraf = compat == Compat::Iraf;
  FirstSecond f;
  const int n = r.npoint;
  if (n < (joint ? 9 : 5) || r.ndata < 1) return f;
  if (r.var != nullptr || joint) return fit_general(r, compat, joint);
  if (r.s2 == nullptr || r.c2 == nullptr) {  // sampled without its basis
    RingSums s;
    ring_sums(r, 2, s);
    return fit_first_second(s, compat);
  }
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
  solve_first_second(M, rhs, syy, r.ndata, compat, f);
  return f;
}

namespace {

// The sum lanes of ring_sums: orders up to Top (a constant, so that the loops unroll) or, with
// Top = 0, up to `top`.
// - Multiple angles by Chebyshev's recurrence, cos (k+1) phi = 2 cos phi cos k phi - cos (k-1) phi
//   (the same for sin): one fma per term where the rotation takes two. Its rounding error grows
//   as k^2 eps (~1e-14 at k = 8, ~2e-12 at k = 128), far below any harmonic's noise.
// - Two vectors of samples per step, their terms added before they reach the accumulators: the
//   27 accumulators of Top = 4 outnumber the 16 AVX registers, and each spilled one is then
//   loaded and stored once per 2 W samples instead of once per W (its store-to-load latency
//   bounds the loop). The alternatives measured are in docs/performance-log.md.
// WithY = false: the angle sums C, S and the count only (the y sums are left NaN), for a row that
// needs to know whether its fit is possible but not the fit.
template <int Top, bool WithY = true>
void sum_lanes(const Ring& r, int top, RingSums& out) {
  using namespace lanes;
  constexpr int M = Top > 0 ? Top : kMaxSumOrder;
  const int T = Top > 0 ? Top : top;
  Vd C[2 * M + 1] = {}, S[2 * M + 1] = {}, YC[M + 1] = {}, YS[M + 1] = {}, Y = {}, YY = {};
  const Vd mean = splat(r.mean), zero = splat(0.0), one = splat(1.0);
  // A flagged sample gets y = 0, cos phi = sin phi = 0 and cos 0 = 0, so that every multiple of
  // its angle is 0 through the recurrence: it adds nothing anywhere.
  auto add = [&](Vd va, Vd c1a, Vd s1a, Vd vb, Vd c1b, Vd s1b) {
    const Mi oka = finite(va), okb = finite(vb);
    const Vd ya = select(oka, va - mean, zero), yb = select(okb, vb - mean, zero);
    Vd ca = select(oka, c1a, zero), sa = select(oka, s1a, zero);
    Vd cb = select(okb, c1b, zero), sb = select(okb, s1b, zero);
    Vd cpa = select(oka, one, zero), spa = zero, cpb = select(okb, one, zero), spb = zero;
    const Vd ta = ca + ca, tb = cb + cb;
    C[0] += cpa + cpb;
    if constexpr (WithY) {
      Y += ya + yb;
      YY += ya * ya + yb * yb;
    }
    for (int k = 1; k <= 2 * T; ++k) {
      if (k > 1) {
        const Vd cna = ta * ca - cpa, sna = ta * sa - spa;
        const Vd cnb = tb * cb - cpb, snb = tb * sb - spb;
        cpa = ca;
        spa = sa;
        ca = cna;
        sa = sna;
        cpb = cb;
        spb = sb;
        cb = cnb;
        sb = snb;
      }
      C[k] += ca + cb;
      S[k] += sa + sb;
      if (WithY && k <= T) {
        YC[k] += ya * ca + yb * cb;
        YS[k] += ya * sa + yb * sb;
      }
    }
  };
  const int n = r.npoint;
  int k = 0;
  for (; k + 2 * W <= n; k += 2 * W)
    add(load(r.val + k), load(r.c1 + k), load(r.s1 + k), load(r.val + k + W), load(r.c1 + k + W),
        load(r.s1 + k + W));
  if (k < n) {  // NaN padding: absent samples count as flagged ones
    const int na = std::min(n - k, W), nb = n - k - na;
    add(load_tail(r.val + k, na, NAN), load_tail(r.c1 + k, na, 0.0), load_tail(r.s1 + k, na, 0.0),
        load_tail(r.val + k + na, nb, NAN), load_tail(r.c1 + k + na, nb, 0.0),
        load_tail(r.s1 + k + na, nb, 0.0));
  }
  out.top = T;
  out.npoint = n;
  out.cnt = static_cast<int>(sum(C[0]));
  sums(C, 2 * T + 1, out.C);
  sums(S, 2 * T + 1, out.S);
  out.S[0] = 0;
  if constexpr (WithY) {
    out.y = sum(Y);
    out.yy = sum(YY);
    sums(YC + 1, T, out.YC + 1);
    sums(YS + 1, T, out.YS + 1);
    out.YC[0] = out.y;
    out.YS[0] = 0;
  } else {
    out.y = out.yy = NAN;
    for (int i = 0; i <= T; ++i) out.YC[i] = out.YS[i] = NAN;
  }
}

// A basis function of the harmonic fits: cos n phi (n = 0: the constant) or sin n phi.
struct Term {
  int n;
  bool sine;
};

// Sum over the valid samples of the product of two terms, by product-to-sum. Inlined: its form
// is then known at most call sites.
[[gnu::always_inline]] inline double gram(const RingSums& s, Term a, Term b) {
  const int p = a.n + b.n, d = a.n - b.n;
  auto C = [&](int k) { return s.C[k < 0 ? -k : k]; };
  auto S = [&](int k) { return k < 0 ? -s.S[-k] : s.S[k]; };
  if (a.sine && b.sine) return 0.5 * (C(d) - C(p));
  if (!a.sine && !b.sine) return 0.5 * (C(d) + C(p));
  if (a.sine) return 0.5 * (S(p) + S(d));  // sin n cos m
  return 0.5 * (S(p) - S(d));              // cos n sin m
}

// Sum of y times a term.
[[gnu::always_inline]] inline double moment(const RingSums& s, Term a) {
  return a.sine ? s.YS[a.n] : s.YC[a.n];
}

}  // namespace

void ring_sums(const Ring& r, int top, RingSums& out) {
  if (top == 4)
    sum_lanes<4>(r, top, out);
  else if (top == 2)
    sum_lanes<2>(r, top, out);
  else
    sum_lanes<0>(r, std::clamp(top, 1, kMaxSumOrder), out);
}

void ring_angle_sums(const Ring& r, RingSums& out) { sum_lanes<2, false>(r, 2, out); }

namespace {

// The normal matrix of the first/second-harmonic fit from the sums (IRAF: 4 terms without a
// constant; photutils: a constant first, spec 3.1) and, with `rhs`, its right-hand side.
[[gnu::always_inline]] inline void first_second_system(const RingSums& s, Compat compat, double* M,
                                                       double* rhs) {
  const bool iraf = compat == Compat::Iraf;
  const Term terms[5] = {{0, false}, {1, true}, {1, false}, {2, true}, {2, false}};
  const Term* t = iraf ? terms + 1 : terms;
  const int dim = iraf ? 4 : 5;
  for (int a = 0; a < dim; ++a) {
    if (rhs != nullptr) rhs[a] = moment(s, t[a]);
    for (int b = 0; b < dim; ++b) M[a * dim + b] = gram(s, t[a], t[b]);
  }
}

// Whether the sums can carry the first/second fit at all: 5 points, a valid one, orders to 2.
bool sums_admit_first_second(const RingSums& s) {
  return s.npoint >= 5 && s.cnt >= 1 && s.top >= 2;
}

}  // namespace

FirstSecond fit_first_second(const RingSums& s, Compat compat) {
  FirstSecond f;
  if (!sums_admit_first_second(s)) return f;
  double M[25], rhs[5];
  first_second_system(s, compat, M, rhs);
  solve_first_second(M, rhs, s.yy, s.cnt, compat, f);
  return f;
}

bool first_second_possible(const RingSums& s, Compat compat) {
  if (!sums_admit_first_second(s)) return false;
  double M[25], L4[4][4], L5[5][5];
  first_second_system(s, compat, M, nullptr);
  return compat == Compat::Iraf ? factor_first_second<4>(M, L4) : factor_first_second<5>(M, L5);
}

namespace {

// One least-squares fit of a (sin n, cos n) pair, with a constant (photutils) or on what the
// fitted orders m[0..nfit-1] left (IRAF; coefficients coef[2 k] of sin m_k, coef[2 k + 1] of
// cos m_k): right-hand side sum b (y - sum coef t) = moment(b) - sum_j coef_j gram(b, t_j); the
// residual sum of squares falls by c . rhs from `see` (the least-squares identity). Updates see.
// Fewer than (terms + 1) samples or a singular system: no fit. The fitted terms come in (sin,
// cos) pairs so that each gram's form is known where it is inlined.
template <int Dim>
Harmonic pair_fit(const RingSums& s, int n, const int* m, const double* coef, int nfit,
                  double& see) {
  Harmonic h;
  constexpr int off = Dim - 2;
  const Term t[3] = {{0, false}, {n, true}, {n, false}};
  const Term* b = t + (off == 0 ? 1 : 0);
  double M[Dim * Dim], rhs[Dim];
  for (int i = 0; i < Dim; ++i) {
    rhs[i] = moment(s, b[i]);
    for (int k = 0; k < nfit; ++k) {
      rhs[i] -= coef[2 * k] * gram(s, b[i], Term{m[k], true});
      rhs[i] -= coef[2 * k + 1] * gram(s, b[i], Term{m[k], false});
    }
    for (int j = 0; j < Dim; ++j) M[i * Dim + j] = gram(s, b[i], b[j]);
  }
  double c[Dim], inv[Dim], det;
  if (s.cnt < Dim + 1) return h;
  if constexpr (Dim == 2) {
    // 2 x 2 in closed form: one division instead of the Cholesky's chain of square roots and
    // divisions (forced rows make two of these each). Positive definite: M00 > 0 and det > 0.
    det = M[0] * M[3] - M[1] * M[2];
    if (!(M[0] > 0 && det > 0)) return h;
    const double r = 1.0 / det;
    c[0] = (M[3] * rhs[0] - M[1] * rhs[1]) * r;
    c[1] = (M[0] * rhs[1] - M[2] * rhs[0]) * r;
    inv[0] = M[3] * r;
    inv[1] = M[0] * r;
  } else if (!kern::spd_solve_n<Dim>(M, rhs, c, inv, &det)) {
    return h;
  }
  double ctr = 0;
  for (int i = 0; i < Dim; ++i) ctr += c[i] * rhs[i];
  see = std::max(0.0, see - ctr);
  const double sd = s.cnt > 3 ? std::sqrt(see / (s.cnt - 3)) : 0.0;
  h.A = c[off];
  h.B = c[off + 1];
  h.eA = sd * std::sqrt(inv[off]);
  h.eB = sd * std::sqrt(inv[off + 1]);
  return h;
}

}  // namespace

void fit_higher(const RingSums& s, const FirstSecond& fs, Compat compat, const int* orders,
                int n_orders, Harmonic* out) {
  for (int i = 0; i < n_orders; ++i) out[i] = Harmonic{};
  if (compat == Compat::Photutils) {
    for (int i = 0; i < n_orders; ++i) {
      double see = s.yy;  // about the constant: sum e^2 = sum y^2 - c . rhs
      if (orders[i] <= s.top) out[i] = pair_fit<3>(s, orders[i], nullptr, nullptr, 0, see);
    }
    return;
  }
  // The orders fitted so far and their (sin, cos) coefficients: the first and second harmonics,
  // then each order fitted. The residual sum of squares of y - sum coef t is y^2 - 2 coef . rhs +
  // coef' G coef, whichever fit gave the coefficients (a weighted first/second fit too).
  constexpr int kMaxFitted = 2 + kMaxJointOrders + 2;
  int m[kMaxFitted] = {1, 2};
  double coef[2 * kMaxFitted] = {};
  if (fs.ok)
    for (int i = 0; i < 4; ++i) coef[i] = fs.coef[i];
  int nfit = 2;
  double see = s.yy;
  for (int i = 0; i < 4; ++i) {
    const Term ti{m[i / 2], i % 2 == 0};
    see -= 2 * coef[i] * moment(s, ti);
    for (int k = 0; k < 2; ++k) {
      see += coef[i] * coef[2 * k] * gram(s, ti, Term{m[k], true});
      see += coef[i] * coef[2 * k + 1] * gram(s, ti, Term{m[k], false});
    }
  }
  see = std::max(0.0, see);
  int i = 0;
  for (int n = 3; i < n_orders && n <= s.top && nfit < kMaxFitted; ++n) {
    const Harmonic h = pair_fit<2>(s, n, m, coef, nfit, see);
    if (n == orders[i]) out[i++] = h;
    if (std::isfinite(h.A)) {  // a failed order leaves the residuals as they were
      m[nfit] = n;
      coef[2 * nfit] = h.A;
      coef[2 * nfit + 1] = h.B;
      ++nfit;
    }
    if (n >= 4 && i < n_orders) n = std::max(n, orders[i] - 1);
  }
}

bool fit_harmonics_joint(const Ring& r, Compat compat, const int* orders, int n_orders,
                         Harmonic* out) {
  const bool iraf = compat == Compat::Iraf;
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
