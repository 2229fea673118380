// Shared fixtures of the Sérsic physical-truth tests (sersic_*_test.cpp): one galaxy geometry,
// start configurations and small statistics helpers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "isoster/config.hpp"
#include "isoster/fit.hpp"
#include "isoster/image.hpp"
#include "isoster/isophote.hpp"
#include "support/synthetic.hpp"

namespace isoster::sersic_test {

using isoster::FitConfig;
using isoster::FitResult;
using isoster::Image;
using isoster::Isophote;
using isoster::testing::make_sersic;
using isoster::testing::sersic_intensity;
using isoster::testing::SersicSpec;

constexpr double kPi = 3.14159265358979323846;
constexpr double kX0 = 120, kY0 = 133;  // true centre: an integer pixel, off the image centre
constexpr double kRe = 40;              // as in the spec's reference image

// PA difference wrapped into (-90, 90] degrees (PAs are only defined modulo 180).
inline double wrap_pa(double d) {
  d = std::fmod(d, 180.0);
  if (d <= -90) d += 180;
  if (d > 90) d -= 180;
  return d;
}

inline SersicSpec spec(double n, double eps, double pa) {
  SersicSpec s;
  s.nx = s.ny = 256;
  s.x0 = kX0;
  s.y0 = kY0;
  s.n = n;
  s.re = kRe;
  s.ie = 100;
  s.eps = eps;
  s.pa_deg = pa;
  return s;
}

// Starts 2 px off the true centre in x and y, so that the object locator (or, with it off, the
// centre correction) has to find the galaxy. maxsma = 100 px = 2.5 Re keeps every ellipse used here
// inside the image; the galaxy is still at >= 8 % of Ie there (noise-free, so well above zero).
inline FitConfig start_config(const SersicSpec& s, double eps0, double pa0) {
  FitConfig c;
  c.x0 = s.x0 + 2;
  c.y0 = s.y0 - 2;
  c.eps = eps0;
  c.pa = pa0;
  c.maxsma = 100;
  return c;
}

inline const Isophote* row_at(const FitResult& r, double sma) {
  for (const auto& w : r.rows)
    if (std::fabs(w.sma - sma) < 1e-6 * std::max(1.0, sma)) return &w;
  return nullptr;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline double stddev(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

inline double max_harmonic(const Isophote& w) {
  return std::max({std::fabs(w.a3), std::fabs(w.b3), std::fabs(w.a4), std::fabs(w.b4)});
}

inline std::string stop_codes(const FitResult& r, double amin) {
  std::string s;
  for (const auto& w : r.rows)
    if (w.sma >= amin) s += std::to_string(w.stop);
  return s;
}

}  // namespace isoster::sersic_test
