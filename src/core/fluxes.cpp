#include "fluxes.hpp"

#include <algorithm>
#include <cmath>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace isoster::detail {

bool inside_ellipse(double dx, double dy, double a, double q, double ct, double st) {
  const double xp = dx * ct + dy * st, yp = (-dx * st + dy * ct) / q;
  return xp * xp + yp * yp <= a * a;
}

namespace {

#if defined(__AVX2__)
// Lanes of v holding a finite value (NaN and infinities: false).
inline __m256 finite_lanes(__m256 v) {
  const __m256 abs = _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  return _mm256_cmp_ps(abs, _mm256_set1_ps(INFINITY), _CMP_LT_OQ);
}

// Lanes of the block row[b, b + 8) (v) that are finite and have lo <= i < hi.
inline __m256 valid_lanes(__m256 v, long b, long lo, long hi) {
  const __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(b)),
                                       _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i in_range =
      _mm256_and_si256(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(static_cast<int>(lo) - 1)),
                       _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(hi)), idx));
  return _mm256_and_ps(_mm256_castsi256_ps(in_range), finite_lanes(v));
}

// The eight floats of v where mask m is set, as four double partial sums.
inline __m256d masked_pairs(__m256 v, __m256 m) {
  const __m256 vz = _mm256_and_ps(v, m);
  return _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(vz)),
                       _mm256_cvtps_pd(_mm256_extractf128_ps(vz, 1)));
}

inline double lane_sum(__m256d d) {
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(d), _mm256_extractf128_pd(d, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

// Sum and count of the valid pixels row[i] with lo <= i < hi inside one block [b, b + 8): a fixed,
// branch-free loop over the block (the image row is in cache; the bounds vary row to row).
inline void block_part(const float* row, long b, long lo, long hi, double& f, std::int32_t& n) {
  const __m256 v = _mm256_loadu_ps(row + b);
  const __m256 m = valid_lanes(v, b, lo, hi);
  f += lane_sum(masked_pairs(v, m));
  n += __builtin_popcount(static_cast<unsigned>(_mm256_movemask_ps(m)));
}
#else
inline void block_part(const float* row, long b, long lo, long hi, double& f, std::int32_t& n) {
  double v[8];
  std::int32_t c = 0;
  for (int k = 0; k < 8; ++k) {
    const long i = b + k;
    const bool ok = i >= lo && i < hi && std::isfinite(row[i]);
    v[k] = ok ? row[i] : 0.0;
    c += ok;
  }
  // A tree of additions, not a chain of eight dependent ones.
  f += ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
  n += c;
}
#endif

#if defined(__AVX2__)
// Sums and counts of the valid pixels of four consecutive full blocks starting at row[b]: the four
// block sums are reduced together (one vector per block, then a transposing add tree).
inline void four_blocks(const float* row, long b, double* sums, std::int32_t* counts) {
  __m256d d[4];
  for (int t = 0; t < 4; ++t) {
    const __m256 v = _mm256_loadu_ps(row + b + t * 8);
    const __m256 m = finite_lanes(v);
    d[t] = masked_pairs(v, m);
    counts[t] = __builtin_popcount(static_cast<unsigned>(_mm256_movemask_ps(m)));
  }
  const __m256d h01 = _mm256_hadd_pd(d[0], d[1]), h23 = _mm256_hadd_pd(d[2], d[3]);
  const __m256d lo = _mm256_permute2f128_pd(h01, h23, 0x20);
  const __m256d hi = _mm256_permute2f128_pd(h01, h23, 0x31);
  _mm256_storeu_pd(sums, _mm256_add_pd(lo, hi));
}
#endif

}  // namespace

// Running sum and count of one shape's pixels. With AVX2 the edge blocks accumulate in vector
// lanes, reduced once at the end: reducing each block to a scalar would put a chain of shuffles
// and additions on every row.
struct SpanSums {
  double f = 0;
  std::int32_t n = 0;
#if defined(__AVX2__)
  __m256d fv = _mm256_setzero_pd();
  __m256i nv = _mm256_setzero_si256();
  void block(const float* row, long b, long lo, long hi) {
    const __m256 v = _mm256_loadu_ps(row + b);
    const __m256 m = valid_lanes(v, b, lo, hi);
    fv = _mm256_add_pd(fv, masked_pairs(v, m));
    nv = _mm256_sub_epi32(nv, _mm256_castps_si256(m));  // -1 per counted pixel
  }
  double flux() const { return f + lane_sum(fv); }
  std::int32_t count() const {
    alignas(32) std::int32_t c[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(c), nv);
    return n + ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
  }
#else
  void block(const float* row, long b, long lo, long hi) { block_part(row, b, lo, hi, f, n); }
  double flux() const { return f; }
  std::int32_t count() const { return n; }
#endif
};

FluxIntegrator::FluxIntegrator(const ImageView& img, int threads) : img_(img) {
  const long full = img.nx / kBlock;
  nb_ = full + 1;
  sum_.resize(static_cast<std::size_t>(nb_) * img.ny);
  cnt_.resize(static_cast<std::size_t>(nb_) * img.ny);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int j = 0; j < img.ny; ++j) {
    const float* row = img.row(j);
    double* s = &sum_[static_cast<std::size_t>(j) * nb_];
    std::int32_t* c = &cnt_[static_cast<std::size_t>(j) * nb_];
    s[0] = 0;
    c[0] = 0;
    long b = 0;
#if defined(__AVX2__)
    for (; b + 4 <= full; b += 4) {
      double bs[4];
      std::int32_t bc[4];
      four_blocks(row, b * kBlock, bs, bc);
      for (int t = 0; t < 4; ++t) {
        s[b + t + 1] = s[b + t] + bs[t];
        c[b + t + 1] = c[b + t] + bc[t];
      }
    }
#endif
    for (; b < full; ++b) {
      double bs = 0;
      std::int32_t bc = 0;
      block_part(row, b * kBlock, b * kBlock, (b + 1) * kBlock, bs, bc);
      s[b + 1] = s[b] + bs;
      c[b + 1] = c[b] + bc;
    }
  }
}

// Sum and count of the valid pixels lo..hi of row j, into the caller's accumulator (inlined;
// running totals in memory would chain every row through store-to-load forwarding).
inline void FluxIntegrator::add_span(long j, long lo, long hi, SpanSums& acc) const {
  lo = std::max(lo, 0L);
  hi = std::min(hi, static_cast<long>(img_.nx) - 1);
  if (hi < lo) return;
  const float* row = img_.row(static_cast<int>(j));
  const long end = hi + 1;  // [lo, end)
  const long b0 = (lo + kBlock - 1) / kBlock, b1 = end / kBlock;
  if (b1 <= b0) {  // within one or two partial blocks
    for (long i = lo; i < end; ++i)
      if (std::isfinite(row[i])) {
        acc.f += row[i];
        ++acc.n;
      }
    return;
  }
  // Both edge blocks are summed unconditionally (an empty range adds nothing): branches on where
  // the ends fall would be mispredicted row after row.
  acc.block(row, std::max(b0 - 1, 0L) * kBlock, lo, b0 * kBlock);
  const std::size_t base = static_cast<std::size_t>(j) * nb_;
  acc.f += sum_[base + b1] - sum_[base + b0];
  acc.n += cnt_[base + b1] - cnt_[base + b0];
  if (b1 * kBlock + kBlock <= img_.nx) {
    acc.block(row, b1 * kBlock, b1 * kBlock, end);
  } else {  // the row's last, incomplete block: read nothing past the row
    for (long i = b1 * kBlock; i < end; ++i)
      if (std::isfinite(row[i])) {
        acc.f += row[i];
        ++acc.n;
      }
  }
}

namespace {

// [lo, hi] = the integers in [xl, xr], made to agree exactly with `pred` (the membership rule).
// The roots are accurate to ~1e-12 px unless the row grazes the curve (`grazing`: the square root
// in the root formula is small and amplifies rounding), so the predicate only needs evaluating
// there or when an end lies within 1e-7 px of an integer.
template <class Pred>
void span(double xl, double xr, bool grazing, long& lo, long& hi, Pred pred) {
  // Tested on the doubles: converting the integer ends back would chain every row through the
  // merge of cvtsi2sd into its destination register.
  const double lod = std::ceil(xl), hid = std::floor(xr);
  lo = static_cast<long>(lod);
  hi = static_cast<long>(hid);
  // Both ends at least 1e-7 from an integer, as one test (one well-predicted branch per row).
  const double off = std::max(std::fabs(lod - xl - 0.5), std::fabs(xr - hid - 0.5));
  if (!grazing && off < 0.5 - 1e-7) return;
  while (pred(lo - 1)) --lo;
  while (lo <= hi && !pred(lo)) ++lo;
  while (pred(hi + 1)) ++hi;
  while (hi >= lo && !pred(hi)) --hi;
}

}  // namespace

Enclosed FluxIntegrator::compute(double a, double cx, double cy, double eps, double theta) const {
  SpanSums se, sc;
  const double q = 1.0 - eps, ct = std::cos(theta), st = std::sin(theta);
  const double iq2 = 1.0 / (q * q);
  // Ellipse membership as a quadratic in dx at fixed dy: A dx^2 + B dx + C <= 0.
  const double A = ct * ct + st * st * iq2, inv2a = 0.5 / A;
  const double ext = std::max(a, a * std::sqrt(st * st + q * q * ct * ct)) + 1;
  const long j0 = std::max(0L, static_cast<long>(std::floor(cy - ext)));
  const long j1 = std::min(static_cast<long>(img_.ny) - 1, static_cast<long>(std::ceil(cy + ext)));
  // Rows in chunks, in two phases: the spans of every row of the chunk first, then their sums.
  // Done row by row, each row is one long chain (roots, span ends, loads, sums) and too few rows
  // fit in the out-of-order window; split, both phases are short independent chains.
  constexpr int kChunk = 64;
  long span_c[kChunk][2], span_e[kChunk][2];
  for (long c0 = j0; c0 <= j1; c0 += kChunk) {
    const int m = static_cast<int>(std::min<long>(kChunk, j1 - c0 + 1));
    for (int t = 0; t < m; ++t) {
      const double dy = (c0 + t) - cy;
      const double rc = a * a - dy * dy;
      long lo = 0, hi = -1;
      if (rc >= 0) {
        const double h = std::sqrt(rc);
        span(cx - h, cx + h, h < 1e-4 * (a + 1), lo, hi,
             [&](long i) { return (i - cx) * (i - cx) + dy * dy <= a * a; });
      }
      span_c[t][0] = lo;
      span_c[t][1] = hi;
      const double B = 2 * dy * (ct * st - st * ct * iq2);
      const double C = dy * dy * (st * st + ct * ct * iq2) - a * a;
      const double D = B * B - 4 * A * C;
      lo = 0;
      hi = -1;
      if (D >= 0) {
        const double sq = std::sqrt(D);
        span(cx + (-B - sq) * inv2a, cx + (-B + sq) * inv2a, sq < 1e-4 * (std::fabs(B) + a + 1), lo,
             hi, [&](long i) { return inside_ellipse(i - cx, dy, a, q, ct, st); });
      }
      span_e[t][0] = lo;
      span_e[t][1] = hi;
    }
    for (int t = 0; t < m; ++t) {
      add_span(c0 + t, span_c[t][0], span_c[t][1], sc);
      add_span(c0 + t, span_e[t][0], span_e[t][1], se);
    }
  }
  Enclosed out;
  out.flux_e = se.flux();
  out.flux_c = sc.flux();
  out.npix_e = se.count();
  out.npix_c = sc.count();
  return out;
}

void FluxIntegrator::fill(Isophote& row, double a, double x0, double y0, double eps, double theta,
                          Compat compat) const {
  const bool iraf = compat == Compat::Iraf;
  const double cx = iraf ? std::floor(x0 + 0.5) : x0;
  const double cy = iraf ? std::floor(y0 + 0.5) : y0;
  const Enclosed e = compute(a, cx, cy, eps, theta);
  row.tflux_e = e.flux_e;
  row.tflux_c = e.flux_c;
  row.npix_e = e.npix_e;
  row.npix_c = e.npix_c;
}

}  // namespace isoster::detail
