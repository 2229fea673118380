// One full fit per iteration, single thread, on the bundled images (docs/benchmarks.md).
// Counters: samples per fit (main and gradient rings) and ns per sample.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "io/fits_image.hpp"
#include "isoster/fit.hpp"

namespace {

struct Case {
  const char* file;
  int plane;
  double x0, y0;
  bool fluxes = true;
};

void BM_FullFit(benchmark::State& state, Case c) {
  isoster::io::PlaneRequest req;
  req.plane = c.plane;
  const isoster::Image img =
      isoster::io::read_image(std::string(ISOSTER_DATA_DIR) + "/" + c.file, req);
  isoster::FitConfig cfg;
  cfg.x0 = c.x0;
  cfg.y0 = c.y0;
  cfg.sma0 = 10;
  cfg.eps = 0.2;
  cfg.pa = 90;
  cfg.fluxes = c.fluxes;
  long samples = 0;
  std::size_t rows = 0;
  for (auto _ : state) {
    const isoster::FitResult r = isoster::fit_image(img.view(), cfg);
    samples = r.samples;
    rows = r.rows.size();
    benchmark::DoNotOptimize(r.rows.data());
  }
  state.counters["samples"] = static_cast<double>(samples);
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["ns_per_sample"] =
      benchmark::Counter(static_cast<double>(samples) * state.iterations() * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(BM_FullFit, synth_highsnr, Case{"tests/data/synth_highsnr.fits", -1, 256, 256})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FullFit, synth_highsnr_no_fluxes,
                  Case{"tests/data/synth_highsnr.fits", -1, 256, 256, false})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FullFit, synth, Case{"tests/data/synth.fits", -1, 256, 256})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FullFit, ngc3610_r, Case{"examples/data/ngc3610.fits", 1, 128, 128})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FullFit, M51, Case{"examples/data/M51.fits", -1, 256, 256})
    ->Unit(benchmark::kMillisecond);

// Forced photometry at 50 SMAs (1 to 100 px, linear) on synth_highsnr, fixed geometry, on
// `threads` threads.
void BM_Forced50(benchmark::State& state, bool fluxes, bool eccentric, bool gradient, int threads) {
  const isoster::Image img =
      isoster::io::read_image(std::string(ISOSTER_DATA_DIR) + "/tests/data/synth_highsnr.fits",
                              isoster::io::PlaneRequest{});
  isoster::FitConfig cfg;
  cfg.fluxes = fluxes;
  cfg.sampling = eccentric ? isoster::Sampling::Eccentric : isoster::Sampling::Polar;
  cfg.forced_gradient = gradient;
  std::vector<isoster::ForcedGeometry> g;
  for (int k = 0; k < 50; ++k) g.push_back({1.0 + k * 99.0 / 49, 256, 256, 0.2, 45});
  for (auto _ : state) {
    const auto rows = isoster::fit_forced(img.view(), g, cfg, nullptr, threads);
    benchmark::DoNotOptimize(rows.data());
  }
}
BENCHMARK_CAPTURE(BM_Forced50, with_fluxes, true, false, true, 1)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Forced50, no_fluxes, false, false, true, 1)->Unit(benchmark::kMicrosecond);
// Eccentric-anomaly sampling: points in closed form, no IRAF walk (not IRAF-comparable).
BENCHMARK_CAPTURE(BM_Forced50, eccentric_no_fluxes, false, true, true, 1)
    ->Unit(benchmark::kMicrosecond);
// --no-gradient (spec 7.1's switch): intensities only, as Python ISOSTER's forced mode.
BENCHMARK_CAPTURE(BM_Forced50, no_gradient_no_fluxes, false, false, false, 1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Forced50, no_gradient_with_fluxes, true, false, false, 1)
    ->Unit(benchmark::kMicrosecond);
// The rows shared by two threads (spec 7.1: rows are independent); UseRealTime: wall clock, as
// the CPU time of the calling thread alone would flatter it.
BENCHMARK_CAPTURE(BM_Forced50, with_fluxes_2threads, true, false, true, 2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Forced50, no_fluxes_2threads, false, false, true, 2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Forced50, no_gradient_no_fluxes_2threads, false, false, false, 2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// The fixed cost of a forced row: 50 rows at SMA 1 to 1.5 px (rings of ~10 samples), where the
// fits, walk set-up and bookkeeping outweigh the sampling. Args: threads, gradient.
void BM_ForcedTinyRings(benchmark::State& state) {
  const isoster::Image img =
      isoster::io::read_image(std::string(ISOSTER_DATA_DIR) + "/tests/data/synth_highsnr.fits",
                              isoster::io::PlaneRequest{});
  isoster::FitConfig cfg;
  cfg.fluxes = false;
  cfg.forced_gradient = state.range(1) != 0;
  std::vector<isoster::ForcedGeometry> g;
  for (int k = 0; k < 50; ++k) g.push_back({1.0 + 0.01 * k, 256, 256, 0.2, 45});
  for (auto _ : state) {
    const auto rows = isoster::fit_forced(img.view(), g, cfg, nullptr, state.range(0));
    benchmark::DoNotOptimize(rows.data());
  }
}
BENCHMARK(BM_ForcedTinyRings)
    ->ArgNames({"threads", "gradient"})
    ->Args({1, 1})
    ->Args({1, 0})
    ->Args({2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Model image 512 x 512 from the 69 isophotes of synth_highsnr's fit, on `threads` threads.
void BM_Model(benchmark::State& state, bool harmonics, int threads) {
  const isoster::Image img =
      isoster::io::read_image(std::string(ISOSTER_DATA_DIR) + "/tests/data/synth_highsnr.fits",
                              isoster::io::PlaneRequest{});
  isoster::FitConfig cfg;
  cfg.x0 = 256;
  cfg.y0 = 256;
  cfg.pa = 90;
  const auto fit = isoster::fit_image(img.view(), cfg);
  for (auto _ : state) {
    const isoster::Image m = isoster::build_model(fit.rows, img.nx(), img.ny(), harmonics, threads);
    benchmark::DoNotOptimize(m.data());
  }
  state.counters["rows"] = static_cast<double>(fit.rows.size());
}
BENCHMARK_CAPTURE(BM_Model, plain, false, 1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Model, harmonics, true, 1)->Unit(benchmark::kMillisecond);
// The image rows shared by two threads (wall clock, as for the forced rows).
BENCHMARK_CAPTURE(BM_Model, plain_2threads, false, 2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Model, harmonics_2threads, true, 2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
