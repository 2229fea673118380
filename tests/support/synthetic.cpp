#include "support/synthetic.hpp"

#include <fitsio.h>

#include <cmath>
#include <random>
#include <stdexcept>

namespace isoster::testing {

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
