// Per-sample floor of one pass, single thread (docs/benchmarks.md): one ring of a synth_highsnr
// isophote sampled again and again on its cached walk (bilinear, IRAF bound) with its statistics
// and first/second-harmonic fit; and the exact walk build alone, per point.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/harmonics.hpp"
#include "core/ring.hpp"
#include "io/fits_image.hpp"

namespace {

using namespace isoster;

const Image& synth() {
  static const Image img = io::read_image(
      std::string(ISOSTER_DATA_DIR) + "/tests/data/synth_highsnr.fits", io::PlaneRequest{});
  return img;
}

void BM_RingPass(benchmark::State& state) {
  const double a = static_cast<double>(state.range(0));
  detail::RingSampler s(synth().view(), detail::SamplerSettings{});
  s.reserve(a);
  const detail::Geometry g{256, 256, 0.2, 0.7};
  long n = 0;
  for (auto _ : state) {
    const detail::Ring r = s.sample(0, a, g, detail::RingMode::Bilinear);
    const detail::FirstSecond f = detail::fit_first_second(r, isoster::Compat::Iraf);
    benchmark::DoNotOptimize(f.coef[0]);
    n = r.npoint;
  }
  state.counters["points"] = static_cast<double>(n);
  state.counters["ns_per_sample"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations() * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RingPass)->Arg(20)->Arg(100)->Arg(250);

// Two walks (main ring and first gradient ring, as a fit builds them) from scratch.
void BM_WalkPair(benchmark::State& state) {
  const double a = static_cast<double>(state.range(0));
  detail::Walk w0, w1;
  detail::Walk* w[2] = {&w0, &w1};
  double eps = 0.2;
  long n = 0;
  for (auto _ : state) {
    eps = eps == 0.2 ? 0.2001 : 0.2;  // a different key each time, as after a correction
    const detail::WalkKey k[2] = {{a, eps, 1.0, isoster::Compat::Iraf},
                                  {1.1 * a, eps, 2.0, isoster::Compat::Iraf}};
    detail::build_walks(w, k, 2, 0.1, false);
    benchmark::DoNotOptimize(w0.rc.data());
    n = w0.n;
  }
  state.counters["steps"] = static_cast<double>(n);
  state.counters["ns_per_step"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations() * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_WalkPair)->Arg(30)->Arg(100)->Arg(250);

// The 100 walks of forced photometry at 50 SMAs (1 to 100 px; main rings and first gradient rings,
// nearest-neighbour beyond 20 px), built one pair at a time (as the fitter does) or as one batch.
void BM_ForcedWalks(benchmark::State& state) {
  const bool batch = state.range(0) != 0;
  std::vector<detail::Walk> walks(100);
  std::vector<detail::Walk*> w;
  std::vector<detail::WalkKey> k;
  for (int i = 0; i < 50; ++i) {
    const double a = 1.0 + i * 99.0 / 49;
    k.push_back({a, 0.2, 1.0, isoster::Compat::Iraf});
    k.push_back({1.1 * a, 0.2, a > 20 ? 2.0 : 1.0, isoster::Compat::Iraf});
    w.push_back(&walks[2 * i]);
    w.push_back(&walks[2 * i + 1]);
  }
  long n = 0;
  for (auto _ : state) {
    if (batch) {
      detail::build_walks_batch(w.data(), k.data(), 64, 0.1, false);
      detail::build_walks_batch(w.data() + 64, k.data() + 64, 36, 0.1, false);
    } else {
      for (int i = 0; i < 100; i += 2) detail::build_walks(&w[i], &k[i], 2, 0.1, false);
    }
    benchmark::DoNotOptimize(walks[0].rc.data());
  }
  for (const auto& x : walks) n += x.n;
  state.counters["steps"] = static_cast<double>(n);
  state.counters["ns_per_step"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations() * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ForcedWalks)->ArgName("batch")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// A walk updated for a small change of ellipticity instead of rebuilt.
void BM_WalkPerturb(benchmark::State& state) {
  const double a = static_cast<double>(state.range(0));
  detail::Walk base, out;
  detail::Walk* w = &base;
  const detail::WalkKey k{a, 0.2, 1.0, isoster::Compat::Iraf};
  detail::build_walks(&w, &k, 1, 0.1, false);
  double eps = 0.2;
  for (auto _ : state) {
    eps = eps == 0.2 ? 0.200001 : 0.2;
    if (!detail::perturb_walk(base, eps, out)) state.SkipWithError("not perturbable");
    benchmark::DoNotOptimize(out.rc.data());
  }
  state.counters["ns_per_point"] =
      benchmark::Counter(static_cast<double>(base.n) * state.iterations() * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_WalkPerturb)->Arg(30)->Arg(250);

}  // namespace

BENCHMARK_MAIN();
