#include <algorithm>
#include <cmath>

#include "isoster/kernels.hpp"
#include "lanes.hpp"
#include "ring.hpp"

namespace isoster::detail {

using kern::kTwoPi;

void annulus(double a, double step, bool linear, Compat compat, double& a1, double& a2) {
  if (linear) {
    a1 = a - step / 2;
    a2 = a + step / 2;
  } else if (compat == Compat::Iraf) {
    a1 = a * (1.0 - (1.0 - 1.0 / (1.0 + step)) / 2.0);
    a2 = a * (1.0 + step / 2.0);
  } else {
    a1 = a * (1.0 - step / 2.0);
    a2 = a * (1.0 + step / 2.0);
  }
}

int max_points(double a) {
  // Steps are at least min(1/r, 0.5) with r <= a (and sectors at least 0.05 rad wide);
  // eccentric-anomaly rings have at least 64 points whatever their size.
  const double amax = std::max(a, 2.0);
  return std::max(64, static_cast<int>(std::ceil((kTwoPi + 0.1) * amax))) + 16;
}

namespace {

// Two walks run as the two lanes of one SIMD register: each walk is a chain of dependent steps
// (latency-bound), so two lanes cost about as much as one. A single walk uses one lane.
typedef double Lanes __attribute__((vector_size(16)));

// Element-wise min(x, cap) and square root of a vector of doubles of any width (the two-lane
// walks below, the W-lane batch further down).
template <class T>
T vclip(T x, double cap) {
  const T c = T{} + cap;
  // minpd is defined as x < c ? x : c (NaN gives c); the compiler emits a compare and a blend.
#if defined(__AVX__)
  if constexpr (sizeof(T) == 32) return __builtin_ia32_minpd256(x, c);
#endif
#if defined(__SSE2__)
  if constexpr (sizeof(T) == 16) return __builtin_ia32_minpd(x, c);
#endif
  return x < c ? x : c;
}

template <class T>
T vsqrt(T u) {
#if defined(__AVX__)
  if constexpr (sizeof(T) == 32) return __builtin_ia32_sqrtpd256(u);
#endif
#if defined(__SSE2__)
  if constexpr (sizeof(T) == 16) return __builtin_ia32_sqrtpd(u);
#endif
  T r;
  for (std::size_t l = 0; l < sizeof(T) / sizeof(double); ++l) r[l] = std::sqrt(u[l]);
  return r;
}

// What run_lanes records besides the points: the end state of each lane.
struct LaneEnd {
  double phi_last = 0, jac_last = 0, phi_next = 0, jac_next = 0, max_dr = 0;
};

// Runs the two lanes until both walks end, storing dstep / r, cos and sin of every point and the
// sensitivity jac = d phi / d eps. Lanes are addressed with constant indices so that the chain
// stays in registers; the sensitivity is a second, short chain that runs in the first's shadow:
// jac_{k+1} = jac_k (1 + d dr / d phi) + d dr / d eps, with dr = sqrt(A c^2 + B s^2),
// d dr / d phi = c s (B - A) / dr and d dr / d eps = s^2 A / (q^3 dr) (B = A / q^2). IRAF's first
// step (from r = a) depends on neither, so jac_1 = 0.
template <bool Short>
void run_lanes(const kern::WalkStart* st, const double* aq3, double* const* dr_out,
               double* const* c_out, double* const* s_out, double* const* j_out, const int* cap,
               int count, int* n, LaneEnd* end) {
  Lanes phi = {st[0].phi, st[1].phi}, c = {st[0].c, st[1].c}, s = {st[0].s, st[1].s};
  Lanes dr = {st[0].dr, st[1].dr}, jac = {0, 0};
  Lanes P = dr * dr;
  const Lanes A = {st[0].A, st[1].A}, B = {st[0].B, st[1].B}, Aq3 = {aq3[0], aq3[1]};
  const Lanes BmA = B - A;
  bool alive0 = count > 0, alive1 = count > 1;
  int n0 = 0, n1 = 0;
  Lanes maxdr = {0, 0};
  for (;;) {
    const bool next0 = alive0 && phi[0] < st[0].end && n0 < cap[0];
    const bool next1 = alive1 && phi[1] < st[1].end && n1 < cap[1];
    if (alive0 && !next0) {
      end[0].phi_next = phi[0];
      end[0].jac_next = jac[0];
    }
    if (alive1 && !next1) {
      end[1].phi_next = phi[1];
      end[1].jac_next = jac[1];
    }
    alive0 = next0;
    alive1 = next1;
    if (!alive0 && !alive1) break;
    if (alive0) {
      dr_out[0][n0] = dr[0];
      c_out[0][n0] = c[0];
      s_out[0][n0] = s[0];
      j_out[0][n0] = jac[0];
      end[0].phi_last = phi[0];
      end[0].jac_last = jac[0];
      ++n0;
    }
    if (alive1) {
      dr_out[1][n1] = dr[1];
      c_out[1][n1] = c[1];
      s_out[1][n1] = s[1];
      j_out[1][n1] = jac[1];
      end[1].phi_last = phi[1];
      end[1].jac_last = jac[1];
      ++n1;
    }
    maxdr = maxdr > dr ? maxdr : dr;
    const Lanes inv = 1.0 / dr;
    const bool first = n0 + n1 <= count;  // the step from the first point
    const Lanes next_jac = jac + jac * (c * s * BmA * inv) + s * s * Aq3 * inv;
    kern::walk_step<Short>(phi, c, s, P, dr, A, BmA, vclip<Lanes>, vsqrt<Lanes>);
    jac = first ? Lanes{0, 0} : next_jac;
  }
  n[0] = n0;
  n[1] = n1;
  end[0].max_dr = maxdr[0];
  end[1].max_dr = maxdr[1];
}

}  // namespace

namespace {

// Eccentric-anomaly sampling (spec 1.4): N = max(64, floor(2 pi a)) points at psi_k = 2 pi k / N,
// x' = a cos psi, y' = a q sin psi; the harmonic basis is cos/sin psi (harmonics are fitted against
// psi). cos/sin psi_k by rotation from the one trigonometric pair of the step, re-anchored every 64
// points.
void build_eccentric(Walk& wk, const WalkKey& key) {
  const int n = std::max(64, static_cast<int>(std::floor(kTwoPi * key.a)));
  if (static_cast<int>(wk.rc.size()) < n + 1)
    for (auto* v : {&wk.rc, &wk.rs, &wk.c1, &wk.s1, &wk.c2, &wk.s2, &wk.jac}) v->grow(n + 1);
  const double q = 1.0 - key.eps, dpsi = kTwoPi / n;
  const double cd = std::cos(dpsi), sd = std::sin(dpsi);
  double c = 1, s = 0;
  for (int k = 0; k < n; ++k) {
    if ((k & 63) == 0) {
      c = std::cos(k * dpsi);
      s = std::sin(k * dpsi);
    }
    wk.rc[k] = key.a * c;
    wk.rs[k] = key.a * q * s;
    wk.c1[k] = c;
    wk.s1[k] = s;
    const double cn = c * cd - s * sd;
    s = s * cd + c * sd;
    c = cn;
  }
  wk.key = key;
  wk.n = n;
  wk.basis_ready = false;
  wk.perturbable = false;
}

}  // namespace

namespace {

// Sizes the walk's buffers for key k and returns the walk's start state.
kern::WalkStart begin_walk(Walk& wk, const WalkKey& k, double step, bool linear, int slack = 0) {
  wk.key = k;
  const int need = max_points(k.a) + 1 + slack;
  if (static_cast<int>(wk.rc.size()) < need) {
    // Grow geometrically: SMAs grow by a factor each isophote, buffers should not every time.
    const std::size_t grown = std::max<std::size_t>(need, 2 * wk.rc.size());
    for (auto* v : {&wk.rc, &wk.rs, &wk.c1, &wk.s1, &wk.c2, &wk.s2, &wk.jac}) v->grow(grown);
  }
  double a1, a2;
  annulus(k.a, step, linear, k.compat, a1, a2);
  const double w0 = std::clamp(std::min(a2 - a1, 3.0) / k.a, 0.05, 0.2);
  return kern::walk_start(k.a, 1.0 - k.eps, w0 / 2, k.dstep, k.compat);
}

void set_points(Walk& wk, int n) {
  wk.n = n;
  wk.basis_ready = false;
  wk.perturbable = false;
}

// A point (r cos, r sin) from what the chain keeps, dr = dstep / r: r = dstep / dr. T: double or
// a vector of lanes (the batch forms its points with its transposes).
template <class T>
void place_point(double dstep, T dr, T c, T s, T& x, T& y) {
  const T r = dstep / dr;
  x = r * c;
  y = r * s;
}

// The chain stored dstep / r of each of the n points in rc: turns it into r cos, r sin.
void end_walk(Walk& wk, int n) {
  set_points(wk, n);
  const double* cw = wk.c1.data();
  const double* sw = wk.s1.data();
  double* xr = wk.rc.data();
  double* yr = wk.rs.data();
  const double dstep = wk.key.dstep;
  for (int j = 0; j < n; ++j) place_point(dstep, xr[j], cw[j], sw[j], xr[j], yr[j]);
}

}  // namespace

void build_walks(Walk* const* w, const WalkKey* k, int count, double step, bool linear) {
  if (count > 0 && k[0].sampling == Sampling::Eccentric) {  // all rings of a fit share the sampling
    for (int i = 0; i < count; ++i) build_eccentric(*w[i], k[i]);
    return;
  }
  if (count == 2) {
    // Lanes share one series; walks that need different ones are built apart, so that a walk's
    // points never depend on which walk it happened to be paired with.
    auto is_short = [&](int i) {
      return kern::walk_short_series(k[i].a, 1.0 - k[i].eps, k[i].dstep);
    };
    if (is_short(0) != is_short(1)) {
      build_walks(w, k, 1, step, linear);
      build_walks(w + 1, k + 1, 1, step, linear);
      return;
    }
  }
  kern::WalkStart st[2] = {};
  double* root[2] = {nullptr, nullptr};
  double* c1[2] = {nullptr, nullptr};
  double* s1[2] = {nullptr, nullptr};
  double* jac[2] = {nullptr, nullptr};
  double aq3[2] = {0, 0};
  int cap[2] = {0, 0}, n[2] = {0, 0};
  LaneEnd end[2];
  for (int i = 0; i < count; ++i) {
    Walk& wk = *w[i];
    st[i] = begin_walk(wk, k[i], step, linear);
    root[i] = wk.rc.data();  // the chain stores dstep / r; r cos, r sin follow below
    c1[i] = wk.c1.data();
    s1[i] = wk.s1.data();
    jac[i] = wk.jac.data();
    const double q = 1.0 - k[i].eps;
    aq3[i] = st[i].A / (q * q * q);
    cap[i] = static_cast<int>(wk.rc.size());
  }
  if (count < 2) {  // an idle lane, never stored
    st[1] = st[0];
    aq3[1] = aq3[0];
  }
  if (st[0].short_series)
    run_lanes<true>(st, aq3, root, c1, s1, jac, cap, count, n, end);
  else
    run_lanes<false>(st, aq3, root, c1, s1, jac, cap, count, n, end);
  for (int i = 0; i < count; ++i) {
    Walk& wk = *w[i];
    end_walk(wk, n[i]);
    wk.phi_last = end[i].phi_last;
    wk.jac_last = end[i].jac_last;
    wk.phi_next = end[i].phi_next;
    wk.jac_next = end[i].jac_next;
    // Perturbation is first order in smooth steps: no step may come near the 0.5 rad cap, and
    // the walk must have ended on its angle (not on the buffer size).
    wk.perturbable = k[i].compat == Compat::Iraf && end[i].max_dr < 0.4 && n[i] < cap[i];
  }
}

namespace {

// Many walks at once (build_walks_batch): kLanes chains side by side in kRegs SIMD registers, a
// lane taking the next walk of the queue as soon as its own ends. One chain is latency-bound (a
// step waits for the last square root); with a dozen in flight the steps are throughput-bound.
constexpr int kRegs = 3;
constexpr int kLanes = kRegs * lanes::W;

template <bool Short>
void run_queue(Walk* const* w, const WalkKey* k, const int* order, int count, double step,
               bool linear) {
  using lanes::Vd;
  using lanes::W;
  // The steps run in blocks of kBlock with no test, each lane storing its points straight into
  // its walk's buffers (which have kBatchSlack spare points). After a block, each lane counts
  // the points before its walk's end angle (a prefix of the block: the angle only grows). A lane
  // whose walk ended takes the next one; what it wrote past its end is never read. The chain
  // keeps dstep / r; the points (place_point) are formed with the block's transposes, so the
  // divisions run between blocks, not in the chains.
  constexpr int kBlock = kBatchSlack;
  Vd phi[kRegs], c[kRegs], s[kRegs], P[kRegs], dr[kRegs], A[kRegs], BmA[kRegs], E[kRegs];
  int walk[kLanes], n[kLanes], cap[kLanes];
  double* out[4][kLanes];  // r cos, cos, sin, r sin
  double dstep[kLanes];
  int next = 0, live = 0;
  // Lane l is lane l % W of register l / W. An idle lane walks nowhere (its end is below 0) and
  // writes to a scratch block.
  double scratch[4][kBlock];
  auto load_lane = [&](int l) {
    const int r = l / W, j = l % W;
    kern::WalkStart st{};
    st.end = -1.0;
    walk[l] = -1;
    for (int q = 0; q < 4; ++q) out[q][l] = scratch[q];
    dstep[l] = 1.0;
    n[l] = 0;
    if (next < count) {
      const int i = order[next++];
      Walk& wk = *w[i];
      st = begin_walk(wk, k[i], step, linear, kBatchSlack);
      walk[l] = i;
      cap[l] = static_cast<int>(wk.rc.size()) - kBatchSlack;
      out[0][l] = wk.rc.data();
      out[1][l] = wk.c1.data();
      out[2][l] = wk.s1.data();
      out[3][l] = wk.rs.data();
      dstep[l] = k[i].dstep;
      ++live;
    }
    phi[r][j] = st.phi;
    c[r][j] = st.c;
    s[r][j] = st.s;
    dr[r][j] = st.dr;
    P[r][j] = st.dr * st.dr;
    A[r][j] = st.A;
    BmA[r][j] = st.B - st.A;
    E[r][j] = st.end;
  };
  for (int l = 0; l < kLanes; ++l) load_lane(l);
  while (live > 0) {
    Vd phi0[kRegs];  // the block's first angles, from which a lane's end is found
    for (int r = 0; r < kRegs; ++r) phi0[r] = phi[r];
    // The block's points, register by register (whole-vector stores: the lanes' scattered
    // scalar stores were what limited the loop), then transposed into each lane's walk.
    Vd tile[3][kRegs][kBlock];
    for (int t = 0; t < kBlock; ++t) {
      for (int r = 0; r < kRegs; ++r) {
        tile[0][r][t] = dr[r];
        tile[1][r][t] = c[r];
        tile[2][r][t] = s[r];
        kern::walk_step<Short>(phi[r], c[r], s[r], P[r], dr[r], A[r], BmA[r], vclip<Vd>, vsqrt<Vd>);
      }
    }
    for (int r = 0; r < kRegs; ++r)
      for (int t = 0; t < kBlock; t += W) {
        Vd tdr[W], tc[W], ts[W];
        lanes::transpose(&tile[0][r][t], tdr);
        lanes::transpose(&tile[1][r][t], tc);
        lanes::transpose(&tile[2][r][t], ts);
        for (int j = 0; j < W; ++j) {
          const int l = r * W + j;
          Vd x, y;
          place_point(dstep[l], tdr[j], tc[j], ts[j], x, y);
          lanes::store(out[0][l] + n[l] + t, x);
          lanes::store(out[1][l] + n[l] + t, tc[j]);
          lanes::store(out[2][l] + n[l] + t, ts[j]);
          lanes::store(out[3][l] + n[l] + t, y);
        }
      }
    for (int l = 0; l < kLanes; ++l) {
      if (walk[l] < 0) continue;
      const int r = l / W, j = l % W;
      int before_end = kBlock;
      if (!(phi[r][j] < E[r][j])) {
        // The walk ended in this block: its steps before the end angle, replayed from the
        // block's first angle with the chain's own additions.
        before_end = 0;
        for (double p = phi0[r][j]; before_end < kBlock && p < E[r][j]; ++before_end)
          p += vclip(tile[0][r][before_end][j], kern::kMaxWalkStep);
      }
      const int m = std::min(before_end, cap[l] - n[l]);
      n[l] += m;
      if (m < kBlock) {  // the walk ended inside this block (on its angle or its buffer)
        set_points(*w[walk[l]], n[l]);
        --live;
        load_lane(l);
      }
    }
  }
}

}  // namespace

void build_walks_batch(Walk* const* w, const WalkKey* k, int count, double step, bool linear) {
  if (count <= 0) return;
  if (k[0].sampling == Sampling::Eccentric) {
    for (int i = 0; i < count; ++i) build_eccentric(*w[i], k[i]);
    return;
  }
  // Each walk runs with the series its key calls for (as in build_walks): short-series walks in
  // one queue, the others in a second. Longest first, so that the lanes finish together.
  int order[2][kMaxBatchWalks];
  int m[2] = {0, 0};
  for (int i = 0; i < count; ++i) {
    const int q = kern::walk_short_series(k[i].a, 1.0 - k[i].eps, k[i].dstep) ? 0 : 1;
    order[q][m[q]++] = i;
  }
  for (int q = 0; q < 2; ++q)
    std::sort(order[q], order[q] + m[q], [&](int x, int y) {
      return k[x].a / k[x].dstep > k[y].a / k[y].dstep ||
             (k[x].a / k[x].dstep == k[y].a / k[y].dstep && x < y);
    });
  run_queue<true>(w, k, order[0], m[0], step, linear);
  run_queue<false>(w, k, order[1], m[1], step, linear);
}

namespace {

// Rotates each point by delta * jac (two terms of each series: |delta jac| < 1e-4 rad, exact to
// ~1e-20) and recomputes its radius for the new ellipticity. Independent points: vectorised.
void perturb_points(int n, double delta, double aq, double qq, const double* __restrict c,
                    const double* __restrict s, const double* __restrict jac, double* __restrict xr,
                    double* __restrict yr, double* __restrict co, double* __restrict so) {
  for (int k = 0; k < n; ++k) {
    const double t = delta * jac[k];
    const double ct = 1.0 - 0.5 * t * t, st = t - t * t * t * (1.0 / 6);
    const double cn = c[k] * ct - s[k] * st, sn = s[k] * ct + c[k] * st;
    const double r = aq / std::sqrt(qq * cn * cn + sn * sn);
    co[k] = cn;
    so[k] = sn;
    xr[k] = r * cn;
    yr[k] = r * sn;
  }
}

}  // namespace

bool perturb_walk(const Walk& base, double eps, Walk& out) {
  const double delta = eps - base.key.eps;
  if (!base.perturbable || !(std::fabs(delta) <= kMaxWalkPerturbation)) return false;
  // The same points must stay inside [phi0, 2 pi): the last one before, the next one after.
  if (!(base.phi_last + delta * base.jac_last < kTwoPi) ||
      !(base.phi_next + delta * base.jac_next >= kTwoPi))
    return false;
  const int n = base.n;
  if (out.rc.size() < base.rc.size())
    for (auto* v : {&out.rc, &out.rs, &out.c1, &out.s1, &out.c2, &out.s2}) v->grow(base.rc.size());
  const double a = base.key.a, q = 1.0 - eps, qq = q * q, aq = a * q;
  perturb_points(n, delta, aq, qq, base.c1.data(), base.s1.data(), base.jac.data(), out.rc.data(),
                 out.rs.data(), out.c1.data(), out.s1.data());
  if (n > 0) {  // IRAF's first point sits at r = a whatever the ellipticity
    out.rc[0] = a * out.c1[0];
    out.rs[0] = a * out.s1[0];
  }
  out.n = n;
  out.basis_ready = false;
  out.perturbable = false;
  return true;
}

namespace {

// Lanes of the ten products b_i b_j (i >= j) and the four b_i, where b = (sin, cos, sin 2,
// cos 2) of each point. Weighted: points whose value is not finite count zero. Fill: sin 2 and
// cos 2 are derived from sin and cos and stored into s2_out, c2_out in the same pass.
enum class SumMode { Plain, Weighted, Fill };

template <SumMode Mode>
void normal_sums(const double* s1, const double* c1, const double* s2, const double* c2,
                 const double* val, int n, double* m, double* sb, double* s2_out = nullptr,
                 double* c2_out = nullptr) {
  using namespace lanes;
  Vd acc[14] = {};
  auto add = [&acc](Vd b0, Vd b1, Vd b2, Vd b3) {
    acc[0] += b0 * b0;
    acc[1] += b1 * b0;
    acc[2] += b1 * b1;
    acc[3] += b2 * b0;
    acc[4] += b2 * b1;
    acc[5] += b2 * b2;
    acc[6] += b3 * b0;
    acc[7] += b3 * b1;
    acc[8] += b3 * b2;
    acc[9] += b3 * b3;
    acc[10] += b0;
    acc[11] += b1;
    acc[12] += b2;
    acc[13] += b3;
  };
  const Vd zero = splat(0.0);
  int k = 0;
  for (; k + W <= n; k += W) {
    const Vd b0 = load(s1 + k), b1 = load(c1 + k);
    if constexpr (Mode == SumMode::Fill) {
      const Vd b2 = 2.0 * b0 * b1, b3 = b1 * b1 - b0 * b0;
      store(s2_out + k, b2);
      store(c2_out + k, b3);
      add(b0, b1, b2, b3);
    } else if constexpr (Mode == SumMode::Weighted) {
      const Mi ok = finite(load(val + k));
      add(select(ok, b0, zero), select(ok, b1, zero), select(ok, load(s2 + k), zero),
          select(ok, load(c2 + k), zero));
    } else {
      add(b0, b1, load(s2 + k), load(c2 + k));
    }
  }
  if (k < n) {  // padding points are zero and contribute nothing
    const int t = n - k;
    const Vd b0 = load_tail(s1 + k, t, 0.0), b1 = load_tail(c1 + k, t, 0.0);
    if constexpr (Mode == SumMode::Fill) {
      const Vd b2 = 2.0 * b0 * b1, b3 = b1 * b1 - b0 * b0;
      for (int l = 0; l < t; ++l) {
        s2_out[k + l] = b2[l];
        c2_out[k + l] = b3[l];
      }
      add(b0, b1, b2, b3);
    } else if constexpr (Mode == SumMode::Weighted) {
      const Mi ok = finite(load_tail(val + k, t, 0.0));
      add(select(ok, b0, zero), select(ok, b1, zero), select(ok, load_tail(s2 + k, t, 0.0), zero),
          select(ok, load_tail(c2 + k, t, 0.0), zero));
    } else {
      add(b0, b1, load_tail(s2 + k, t, 0.0), load_tail(c2 + k, t, 0.0));
    }
  }
  for (int i = 0; i < 10; ++i) m[i] = sum(acc[i]);
  for (int i = 0; i < 4; ++i) sb[i] = sum(acc[10 + i]);
}

void fill_matrix(const double* m, const double* sb, double* m4, double* sumb) {
  int t = 0;
  for (int r = 0; r < 4; ++r)
    for (int q = 0; q <= r; ++q, ++t) m4[r * 4 + q] = m4[q * 4 + r] = m[t];
  for (int r = 0; r < 4; ++r) sumb[r] = sb[r];
}

}  // namespace

void normal_matrix4(const double* s1, const double* c1, const double* s2, const double* c2,
                    const double* val, int n, double* m4, double* sumb) {
  double m[10] = {}, sb[4] = {};
  if (val != nullptr)
    normal_sums<SumMode::Weighted>(s1, c1, s2, c2, val, n, m, sb);
  else
    normal_sums<SumMode::Plain>(s1, c1, s2, c2, val, n, m, sb);
  fill_matrix(m, sb, m4, sumb);
}

void Walk::ensure_basis() {
  if (basis_ready) return;
  double m[10] = {}, sb[4] = {};
  normal_sums<SumMode::Fill>(s1.data(), c1.data(), nullptr, nullptr, nullptr, n, m, sb, s2.data(),
                             c2.data());
  fill_matrix(m, sb, m4, sumb);
  basis_ready = true;
}

}  // namespace isoster::detail
