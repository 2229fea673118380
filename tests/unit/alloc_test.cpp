// No allocation inside the pass loop: counts every operator new during whole fits and compares
// with the number of passes. Its own executable, because it replaces the global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "io/fits_image.hpp"
#include "isoster/fit.hpp"

namespace {
std::atomic<long> g_allocs{0};
}

// Every replaceable form the library may use counts; all of them pair with free().
namespace {
void* counted(std::size_t n) {
  ++g_allocs;
  return std::malloc(n ? n : 1);
}
}  // namespace

void* operator new(std::size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

struct Count {
  long allocs = 0, passes = 0;
};

Count fit_counting(const isoster::Image& img, isoster::FitConfig cfg) {
  const long before = g_allocs.load();
  const isoster::FitResult r = isoster::fit_image(img.view(), cfg);
  Count c;
  c.allocs = g_allocs.load() - before;
  for (const auto& row : r.rows)
    if (row.niter > 0) c.passes += row.niter;
  EXPECT_EQ(r.status, isoster::FitStatus::Ok);
  return c;
}

// Doubling the passes (minit 10 -> 25) must not add a single allocation: buffers only grow with
// the SMA (geometrically), never per pass.
TEST(Allocation, IndependentOfThePassCount) {
  const isoster::Image img =
      isoster::io::read_image(std::string(ISOSTER_TEST_DATA) + "/synth_highsnr.fits", {});
  // The parameter table is built once per process, at its first use: not by the fits counted.
  isoster::validate(isoster::FitConfig{});
  for (auto mode : {isoster::Integrator::Bilinear, isoster::Integrator::Median}) {
    isoster::FitConfig cfg;
    cfg.x0 = cfg.y0 = 256;
    cfg.pa = 90;
    cfg.integrator = mode;
    const Count a = fit_counting(img, cfg);
    cfg.minit = 25;
    cfg.maxit = 60;
    const Count b = fit_counting(img, cfg);
    std::printf("%s: %ld allocations for %ld passes, %ld for %ld passes\n",
                isoster::to_string(mode), a.allocs, a.passes, b.allocs, b.passes);
    EXPECT_GT(b.passes, a.passes + 500);
    EXPECT_EQ(a.allocs, b.allocs);
    EXPECT_LT(a.allocs, 500);
  }
}

}  // namespace
