// Internal: short double vectors for the reductions over a ring's samples, in GCC's vector
// extension: four lanes (one AVX register) when the build targets AVX, two (one SSE2 register)
// otherwise, so that one source serves both builds without passing vectors wider than the
// target's registers. Sums are accumulated per lane and the lanes added in a fixed order at the
// end: a result depends on the data and the build, never on the thread count.
#pragma once

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace isoster::detail::lanes {

#if defined(__AVX__)
constexpr int W = 4;
#else
constexpr int W = 2;
#endif

typedef double Vd __attribute__((vector_size(W * sizeof(double))));
typedef long long Mi __attribute__((vector_size(W * sizeof(long long))));

inline Vd load(const double* p) {
  Vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store(double* p, Vd v) { std::memcpy(p, &v, sizeof v); }

// The first `count` (<= W) values of p, padded with `pad` (a NaN pad marks absent samples).
// With AVX, one masked load (which reads nothing past the count) instead of a vector assembled on
// the stack, whose load waits for the scalar stores it cannot be forwarded from.
inline Vd load_tail(const double* p, int count, double pad) {
#if defined(__AVX__)
  const Mi lane = {0, 1, 2, 3};
  const Mi take = lane < count;
  return take ? __builtin_ia32_maskloadpd256(reinterpret_cast<const Vd*>(p), take) : Vd{} + pad;
#else
  double t[W];
  for (int l = 0; l < W; ++l) t[l] = l < count ? p[l] : pad;
  return load(t);
#endif
}

inline Vd splat(double x) { return Vd{} + x; }

// v, opaque to the compiler: a product passed through it is rounded before it is added, never
// contracted into an fma. GCC tuned for some cores fuses such a product into an fma in
// straight-line code but not in a loop's accumulation chain, so the same sum would round
// differently in a reduction's loop and in its tail.
inline Vd rounded(Vd v) {
#if defined(__x86_64__) || defined(__i386__)
  asm("" : "+x"(v));
#endif
  return v;
}

inline Mi all_set() { return Mi{} - 1; }

// All bits set in the lanes holding a finite value (false for NaN and infinities).
inline Mi finite(Vd x) { return (x <= DBL_MAX) & (x >= -DBL_MAX); }

inline Vd select(Mi m, Vd a, Vd b) { return m ? a : b; }

// Transposes the W x W block in[0..W-1] (in[t][l]: row t, lane l) into out[l][t], so that a lane's
// values over W rows can be stored with one vector store instead of W scalar ones.
inline void transpose(const Vd* in, Vd* out) {
#if defined(__AVX__)
  const Mi lo = {0, 4, 2, 6}, hi = {1, 5, 3, 7}, first = {0, 1, 4, 5}, second = {2, 3, 6, 7};
  const Vd t0 = __builtin_shuffle(in[0], in[1], lo), t1 = __builtin_shuffle(in[0], in[1], hi);
  const Vd t2 = __builtin_shuffle(in[2], in[3], lo), t3 = __builtin_shuffle(in[2], in[3], hi);
  out[0] = __builtin_shuffle(t0, t2, first);
  out[1] = __builtin_shuffle(t1, t3, first);
  out[2] = __builtin_shuffle(t0, t2, second);
  out[3] = __builtin_shuffle(t1, t3, second);
#else
  const Mi lo = {0, 2}, hi = {1, 3};
  out[0] = __builtin_shuffle(in[0], in[1], lo);
  out[1] = __builtin_shuffle(in[0], in[1], hi);
#endif
}

// Pairwise: (v0 + v1) + (v2 + v3) with four lanes.
inline double sum(Vd v) {
  double t[W];
  std::memcpy(t, &v, sizeof t);
  for (int w = W / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) t[l] = t[2 * l] + t[2 * l + 1];
  return t[0];
}

// out[i] = sum(v[i]) for i < count, bitwise, W sums at a time: W vectors transposed, then their
// lanes added pairwise in the order of sum().
inline void sums(const Vd* v, int count, double* out) {
  int i = 0;
  for (; i + W <= count; i += W) {
    Vd t[W];
    transpose(v + i, t);
    for (int w = W / 2; w >= 1; w /= 2)
      for (int l = 0; l < w; ++l) t[l] = t[2 * l] + t[2 * l + 1];
    store(out + i, t[0]);
  }
  for (; i < count; ++i) out[i] = sum(v[i]);
}

// Number of set lanes accumulated in m (each set lane adds -1).
inline long long count(Mi m) {
  long long c = 0;
  for (int l = 0; l < W; ++l) c -= m[l];
  return c;
}

// Count, mean and sum of squared deviations of the finite values fed to it, in one pass. The sums
// are taken about a shift K within the spread of the values (the first one, say), so that the
// variance does not suffer the cancellation of the plain one-pass formula.
class Moments {
 public:
  explicit Moments(double shift) : shift_(splat(shift)), k_(shift) {}
  void add(Vd x) {
    const Mi ok = finite(x);
    const Vd d = select(ok, x - shift_, splat(0.0));
    s_ += d;
    q_ += rounded(d * d);
    c_ += ok;
  }
  void finish(int& cnt, double& mean, double& ssdev) const {
    cnt = static_cast<int>(count(c_));
    const double sd = sum(s_), sq = sum(q_);
    mean = cnt > 0 ? k_ + sd / cnt : NAN;
    ssdev = cnt > 0 ? std::max(0.0, sq - sd * sd / cnt) : 0.0;
  }

 private:
  Vd shift_, s_ = {}, q_ = {};
  Mi c_ = {};
  double k_;
};

}  // namespace isoster::detail::lanes
