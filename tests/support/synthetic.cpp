#include "support/synthetic.hpp"

#include <fitsio.h>

#include <cmath>
#include <random>
#include <stdexcept>

namespace isoster::testing {

double sersic_bn(double n) {
  return 2 * n - 1.0 / 3 + 4 / (405 * n) + 46 / (25515 * n * n) + 131 / (1148175 * n * n * n);
}

double sersic_intensity(const SersicSpec& s, double R) {
  return s.ie * std::exp(-sersic_bn(s.n) * (std::pow(R / s.re, 1.0 / s.n) - 1)) + s.sky;
}

Image make_sersic(const SersicSpec& s) {
  Image img(s.nx, s.ny);
  const double th = s.pa_deg * M_PI / 180, ct = std::cos(th), st = std::sin(th);
  const double q = 1 - s.eps;
  const int os = std::max(1, s.oversample);
  for (int j = 0; j < s.ny; ++j) {
    for (int i = 0; i < s.nx; ++i) {
      double acc = 0;
      for (int v = 0; v < os; ++v)
        for (int u = 0; u < os; ++u) {
          const double x = i - 0.5 + (u + 0.5) / os, y = j - 0.5 + (v + 0.5) / os;
          const double dx = x - s.x0, dy = y - s.y0;
          const double xp = dx * ct + dy * st, yp = -dx * st + dy * ct;
          double R = std::sqrt(xp * xp + yp * yp / (q * q));
          if (s.b4 != 0 && R > 0) {
            const double phi = std::atan2(yp, xp);
            R *= 1 - s.b4 * std::cos(4 * phi);
          }
          acc += sersic_intensity(s, R);
        }
      img.at(i, j) = static_cast<float>(acc / (os * os));
    }
  }
  const int ic = static_cast<int>(std::lround(s.x0)), jc = static_cast<int>(std::lround(s.y0));
  if (ic == s.x0 && jc == s.y0 && os == 1 && ic > 0 && jc > 0 && ic < s.nx - 1 && jc < s.ny - 1)
    img.at(ic, jc) =
        0.25f * (img.at(ic - 1, jc) + img.at(ic + 1, jc) + img.at(ic, jc - 1) + img.at(ic, jc + 1));
  if (s.noise > 0) {
    std::mt19937_64 rng(s.seed);
    std::normal_distribution<double> g(0.0, s.noise);
    for (int j = 0; j < s.ny; ++j)
      for (int i = 0; i < s.nx; ++i) img.at(i, j) = static_cast<float>(img.at(i, j) + g(rng));
  }
  return img;
}

namespace {
void check(int status, const std::string& what) {
  if (status) throw std::runtime_error("CFITSIO error " + std::to_string(status) + " in " + what);
}
}  // namespace

void write_fits_image(const std::string& path, const std::vector<float>& pix, long nx, long ny,
                      long nz) {
  fitsfile* f = nullptr;
  int status = 0;
  const std::string name = "!" + path;
  fits_create_file(&f, name.c_str(), &status);
  check(status, path);
  long naxes[3] = {nx, ny, nz};
  fits_create_img(f, FLOAT_IMG, nz > 1 ? 3 : 2, naxes, &status);
  long fpixel[3] = {1, 1, 1};
  fits_write_pix(f, TFLOAT, fpixel, nx * ny * nz, const_cast<float*>(pix.data()), &status);
  fits_close_file(f, &status);
  check(status, path);
}

void write_fits_image(const std::string& path, const Image& img) {
  std::vector<float> pix(img.data(), img.data() + static_cast<std::size_t>(img.nx()) * img.ny());
  write_fits_image(path, pix, img.nx(), img.ny());
}

void write_fits_dims(const std::string& path, const std::vector<long>& dims) {
  fitsfile* f = nullptr;
  int status = 0;
  const std::string name = "!" + path;
  fits_create_file(&f, name.c_str(), &status);
  std::vector<long> d = dims;
  fits_create_img(f, FLOAT_IMG, static_cast<int>(d.size()), d.data(), &status);
  long n = 1;
  for (long v : d) n *= v;
  if (n > 0 && !d.empty()) {
    std::vector<float> ones(n, 1.0f);
    std::vector<long> fp(d.size(), 1);
    fits_write_pix(f, TFLOAT, fp.data(), n, ones.data(), &status);
  }
  fits_close_file(f, &status);
  check(status, path);
}

std::vector<double> read_table_column(const std::string& path, int hdu, const std::string& col) {
  fitsfile* f = nullptr;
  int status = 0, type = 0, colnum = 0;
  fits_open_file(&f, path.c_str(), READONLY, &status);
  fits_movabs_hdu(f, hdu + 1, &type, &status);
  fits_get_colnum(f, CASEINSEN, const_cast<char*>(col.c_str()), &colnum, &status);
  long nrows = 0;
  fits_get_num_rows(f, &nrows, &status);
  std::vector<double> out(nrows);
  double nul = NAN;
  int anynul = 0;
  if (nrows > 0) fits_read_col(f, TDOUBLE, colnum, 1, 1, nrows, &nul, out.data(), &anynul, &status);
  int st = 0;
  fits_close_file(f, &st);
  check(status, path + ":" + col);
  return out;
}

}  // namespace isoster::testing
