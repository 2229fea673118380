// Test support: synthetic galaxies with known truth, and small FITS writers for test inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isoster/image.hpp"
#include "isoster/sersic.hpp"

namespace isoster::testing {

using isoster::make_sersic;
using isoster::SersicSpec;
using isoster::sersic_bn;
using isoster::sersic_intensity;

// Writes a float32 image (2-D, or a cube when nz > 1) to `path` (overwritten).
void write_fits_image(const std::string& path, const std::vector<float>& pix, long nx, long ny,
                      long nz = 1);
// Writes a FITS file of given dimensions (any naxis, e.g. 1-D) filled with ones.
void write_fits_dims(const std::string& path, const std::vector<long>& dims);
void write_fits_image(const std::string& path, const Image& img);

// Reads a table column as doubles (for regression tests).
std::vector<double> read_table_column(const std::string& path, int hdu, const std::string& col);

}  // namespace isoster::testing
