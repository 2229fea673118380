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

// The rows of an isophote table with the columns a model needs (SMA, INTENS, X0, Y0, ELLIP, PA,
// GRAD, A3, B3, A4, B4; missing harmonic columns read as 0), and the fitted image's size (nx, ny:
// 0 when the table does not say). Throws IoError.
std::vector<Isophote> read_isophotes(const std::string& path, long& nx, long& ny);

}  // namespace isoster::io
