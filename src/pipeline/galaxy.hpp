// One campaign target: read its image (and mask), fit it with the campaign's configuration and
// the row's overrides, and turn every failure into a recorded status. Same read and fit path as
// `isoster fit`, so that a galaxy's rows equal the table `isoster fit` writes for the same image
// and settings. No MPI here: workers call it from their OpenMP threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isoster/config.hpp"
#include "isoster/image.hpp"
#include "isoster/isophote.hpp"
#include "pipeline/catalog.hpp"

namespace isoster::pipeline {

// Per-galaxy status codes (docs/output-format.md).
enum GalaxyStatus : std::int32_t {
  kOk = 0,
  kInputError = 1,   // image or mask missing, unreadable, corrupt, wrong shape or plane
  kBadValue = 2,     // invalid row or configuration value (eps >= 1, sma0 <= 0, ...)
  kOffImage = 3,     // start centre outside the image
  kNoData = 4,       // no valid pixel
  kFitFailed = 5,    // no profile: no object found, first isophote impossible
  kException = 6,    // unexpected error (out of memory, ...)
  kDuplicateId = 7,  // id already used by an earlier catalog row
};
const char* status_name(std::int32_t s);

struct GalaxyResult {
  std::int64_t index = -1;  // catalog row
  std::int32_t part = 0;    // forced mode: which range of the template's rows (0 otherwise)
  std::int32_t parts = 1;   // forced mode: how many ranges the galaxy's template was split into
  std::int32_t status = kOk;
  std::string message;  // empty when ok
  double x_start = NAN, y_start = NAN;
  double read_seconds = 0;  // reading the image (and mask)
  double fit_seconds = 0;   // read + fit wall time
  std::vector<Isophote> rows;
};

// The configuration for one row: the campaign's, with the row's x, y, sma0, eps, pa, maxsma.
FitConfig row_config(const FitConfig& base, const CatalogRow& row);

// Never throws.
GalaxyResult fit_galaxy(const CatalogRow& row, std::int64_t index, const FitConfig& base);

// Forced mode: the row's image measured on rows [part * part_rows, (part + 1) * part_rows) of its
// template (fit_forced): ranges of one galaxy can go to different workers and are stitched in
// order at the merge. Never throws.
GalaxyResult fit_galaxy_forced(const CatalogRow& row, std::int64_t index, const FitConfig& base,
                               std::int32_t part, long part_rows);

// Tile mode: pixels already read. `box` holds the galaxy's box of a plane of nx x ny pixels, with
// its 0-based origin at (ox, oy); the row must give x and y. Coordinates in the result are the
// plane's. Never throws.
GalaxyResult fit_galaxy_box(const CatalogRow& row, std::int64_t index, const FitConfig& base,
                            const Image& box, long ox, long oy, long nx, long ny);

// The box a tile-mode fit reads around a row's centre: +-(1.3 maxsma + 8) px, enough for the
// gradient rings (1.2 a), the integrators' annuli and the object locator. Returns false when the
// row cannot be boxed (no x, y or maxsma; a mask; a problem): it is then read whole.
bool galaxy_box(const CatalogRow& row, const FitConfig& base, long& x0, long& y0, long& x1,
                long& y1);

}  // namespace isoster::pipeline
