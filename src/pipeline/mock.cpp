#include "pipeline/mock.hpp"

#include <omp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "io/fits_image.hpp"
#include "isoster/sersic.hpp"

namespace isoster::pipeline {

namespace {

void make_dir(const std::string& d) {
  if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error(d + ": cannot create folder (" + std::strerror(errno) + ")");
}

// Truth of galaxy k, from its own generator (independent of every other galaxy).
SersicSpec draw(unsigned long long seed, long k, int nx, int ny, double cx, double cy) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + static_cast<unsigned long long>(k) + 1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  SersicSpec s;
  s.nx = nx;
  s.ny = ny;
  s.x0 = cx + (u(rng) - 0.5) * 4;
  s.y0 = cy + (u(rng) - 0.5) * 4;
  s.n = 1 + 3 * u(rng);
  s.re = 4 + 8 * u(rng);
  s.ie = 50 + 150 * u(rng);
  s.eps = 0.6 * u(rng);
  s.pa_deg = 180 * u(rng);
  s.noise = 1.0;
  s.seed = seed * 1000003ull + static_cast<unsigned long long>(k);
  return s;
}

std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6f", v);
  return b;
}

}  // namespace

void write_mock(const MockRequest& req) {
  if (req.count <= 0) throw std::runtime_error("--count must be > 0");
  if (req.out_dir.empty()) throw std::runtime_error("--out-dir is required");
  const bool tile = req.tile_w > 0 || req.tile_h > 0;
  if (tile && (req.tile_w < 64 || req.tile_h < 64))
    throw std::runtime_error("--tile WxH needs W, H >= 64");
  if (!tile && (req.size < 16 || req.size > 8192))
    throw std::runtime_error("--size must be in [16, 8192]");
  make_dir(req.out_dir);
  const long n = req.count;
  std::vector<SersicSpec> truth(n);
  std::vector<std::string> image(n);
  if (!tile) {
    make_dir(req.out_dir + "/cutouts");
    const double c = (req.size - 1) / 2.0;
    const int threads = req.threads > 0 ? req.threads : 0;
    std::string error;
#pragma omp parallel for schedule(dynamic, 4) \
    num_threads(threads > 0 ? threads : omp_get_num_procs())
    for (long k = 0; k < n; ++k) {
      truth[k] = draw(req.seed, k, req.size, req.size, c, c);
      char name[64];
      std::snprintf(name, sizeof name, "cutouts/gal-%06ld.fits", k);
      image[k] = name;
      try {
        io::write_image(req.out_dir + "/" + name, make_sersic(truth[k]));
      } catch (const std::exception& e) {
#pragma omp critical
        error = e.what();
      }
    }
    if (!error.empty()) throw std::runtime_error(error);
  } else {
    // Galaxies on a jittered grid, each rendered in its own 96 x 96 box and added to the tile.
    const int W = req.tile_w, H = req.tile_h, box = 96;
    const long cols = std::max<long>(1, W / box), rows = std::max<long>(1, H / box);
    if (n > cols * rows)
      throw std::runtime_error("--tile " + std::to_string(W) + "x" + std::to_string(H) +
                               " holds at most " + std::to_string(cols * rows) + " galaxies");
    Image img(W, H);
    for (long k = 0; k < n; ++k) {
      const double bx = (k % cols) * box, by = (k / cols) * box;
      SersicSpec s = draw(req.seed, k, box, box, (box - 1) / 2.0, (box - 1) / 2.0);
      s.noise = 0;  // tile noise is added once, below
      const Image g = make_sersic(s);
      for (int j = 0; j < box && by + j < H; ++j)
        for (int i = 0; i < box && bx + i < W; ++i)
          img.at(static_cast<int>(bx) + i, static_cast<int>(by) + j) += g.at(i, j);
      s.x0 += bx;
      s.y0 += by;
      s.nx = W;
      s.ny = H;
      s.noise = 1.0;
      truth[k] = s;
      image[k] = "tile.fits";
    }
    std::mt19937_64 rng(req.seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    for (int j = 0; j < H; ++j)
      for (int i = 0; i < W; ++i) img.at(i, j) = static_cast<float>(img.at(i, j) + noise(rng));
    io::write_image(req.out_dir + "/tile.fits", img);
  }
  std::ostringstream cat, tru;
  cat << "id,image,x,y\n";
  tru << "id,x0,y0,n,re,ie,eps,pa,noise\n";
  for (long k = 0; k < n; ++k) {
    const SersicSpec& s = truth[k];
    const std::string id = "mock" + std::to_string(k);
    // Start centre: the nearest pixel to the truth (a catalog position, not the answer).
    cat << id << "," << image[k] << "," << std::lround(s.x0) << "," << std::lround(s.y0) << "\n";
    tru << id << "," << fmt(s.x0) << "," << fmt(s.y0) << "," << fmt(s.n) << "," << fmt(s.re) << ","
        << fmt(s.ie) << "," << fmt(s.eps) << "," << fmt(s.pa_deg) << "," << fmt(s.noise) << "\n";
  }
  std::ofstream(req.out_dir + "/catalog.csv") << cat.str();
  std::ofstream(req.out_dir + "/truth.csv") << tru.str();
}

}  // namespace isoster::pipeline
