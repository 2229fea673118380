// Test support: synthetic galaxies with known truth, and small FITS writers for test inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isoster/image.hpp"

namespace isoster::testing {

struct SersicSpec {
  int nx = 256, ny = 256;
  double x0 = 128, y0 = 128;  // true centre (0-based)
  double n = 4, re = 20, ie = 100, sky = 0;
  double eps = 0.2, pa_deg = 30;  // PA from +x
  double b4 = 0;                  // isophote shape r(phi) = a (1 + b4 cos 4 phi) to first order
  int oversample = 1;             // os x os sub-pixels per pixel, centred so that x0 stays exact
  double noise = 0;               // Gaussian sigma
  unsigned seed = 1;
};

// bn with gamma(2n, bn) = Gamma(2n)/2 (Ciotti & Bertin 1999 expansion).
double sersic_bn(double n);
// Noise-free model intensity at elliptical radius R.
double sersic_intensity(const SersicSpec& s, double R);
// Renders the galaxy; a singular central pixel is replaced by the mean of its four neighbours.
Image make_sersic(const SersicSpec& s);

// Writes a float32 image (2-D, or a cube when nz > 1) to `path` (overwritten).
void write_fits_image(const std::string& path, const std::vector<float>& pix, long nx, long ny,
                      long nz = 1);
// Writes a FITS file of given dimensions (any naxis, e.g. 1-D) filled with ones.
void write_fits_dims(const std::string& path, const std::vector<long>& dims);
void write_fits_image(const std::string& path, const Image& img);

// Reads a table column as doubles (for regression tests).
std::vector<double> read_table_column(const std::string& path, int hdu, const std::string& col);

}  // namespace isoster::testing
