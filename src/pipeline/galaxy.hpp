// One campaign target: read its image (and mask), fit it with the campaign's configuration and
// the row's overrides, and turn every failure into a recorded status. Same read and fit path as
// `isoster fit`, so that a galaxy's rows equal the table `isoster fit` writes for the same image
// and settings. No MPI here: workers call it from their OpenMP threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isoster/config.hpp"
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

}  // namespace isoster::pipeline
