// FITS images and masks through CFITSIO (extended filename syntax allowed: file.fits[1], [SCI]).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/header_item.hpp"
#include "io/io_error.hpp"
#include "isoster/image.hpp"

namespace isoster::io {

struct PlaneRequest {
  int hdu = -1;    // 0-based HDU number (0 = primary); -1: the HDU named in the file name, or the
                   // first HDU that holds an image
  int plane = -1;  // 0-based plane of a 3-D cube; -1: plane 0
  // A region of the plane, 0-based inclusive corners, clipped to the image (x1 < x0: all of it).
  // Read with fits_read_subset: CFITSIO transfers (and decompresses) only what is needed.
  long x0 = 0, y0 = 0, x1 = -1, y1 = -1;
};

struct ImageInfo {
  int hdu = 0;    // 0-based HDU actually read
  int plane = 0;  // 0-based plane read (0 for 2-D images)
  int naxis = 0;
  long nz = 1;                        // planes in the HDU
  std::string bunit;                  // BUNIT keyword, if any
  std::string band;                   // BANDk keyword of the plane read, if any
  long nx = 0, ny = 0;                // the whole plane's size
  long region_x0 = 0, region_y0 = 0;  // 0-based position of the pixels read in the plane
};

// Reads one 2-D plane as float32; BLANK and non-finite pixels become NaN. Throws IoError.
Image read_image(const std::string& path, const PlaneRequest& req, ImageInfo* info = nullptr);

// Reads a mask (non-zero = bad) of exactly nx x ny pixels. Throws IoError.
std::vector<std::uint8_t> read_mask(const std::string& path, int nx, int ny);

// Writes a 2-D float32 image (NaN as IEEE NaN) with optional header keywords under a temporary
// name, then renames it. Throws IoError.
void write_image(const std::string& path, const Image& img,
                 const std::vector<HeaderItem>& cards = {});

// A variance map for an image of nx x ny pixels, from a variance image or, with `weight`, an
// inverse-variance image (V = 1 / w; w <= 0 gives an infinite, hence bad, variance). Throws
// IoError, also when its shape differs.
Image read_variance(const std::string& path, const PlaneRequest& req, int nx, int ny, bool weight);

// Sanity check of the CFITSIO library for multi-threaded use.
bool cfitsio_reentrant();

}  // namespace isoster::io
