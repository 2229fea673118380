// Reading isophote tables back: the geometry of a previous fit, for forced photometry.
#pragma once

#include <string>
#include <vector>

#include "isoster/fit.hpp"

namespace isoster::io {

struct TemplateTable {
  std::vector<ForcedGeometry> geometry;  // one per row, in the table's order
  long nx = 0, ny = 0;                   // the fitted image's size (IMNAXIS1/2), 0 if unknown
};

// Reads SMA, X0, Y0, ELLIP and PA of the ISOPHOTES table of a FITS file written by `isoster fit`
// (or any table with those columns). Throws IoError.
TemplateTable read_template(const std::string& path);

}  // namespace isoster::io
