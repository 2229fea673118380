#include "io/table_reader.hpp"

#include <fitsio.h>

#include <cmath>

#include "io/fits_image.hpp"

namespace isoster::io {

namespace {

// Reads the named columns of a file's ISOPHOTES HDU (the first `required` must exist; absent
// optional ones stay zero) and the image size it records; throws the caller's messages.
std::vector<std::vector<double>> read_columns(const std::string& path,
                                              const std::vector<const char*>& names,
                                              std::size_t required, const std::string& no_hdu,
                                              const std::string& no_column, long& nx, long& ny) {
  fitsfile* f = nullptr;
  int status = 0;
  const std::string name = path.find('[') == std::string::npos ? path + "[ISOPHOTES]" : path;
  fits_open_table(&f, name.c_str(), READONLY, &status);
  if (status) {
    if (f) {
      int st = 0;
      fits_close_file(f, &st);
    }
    throw IoError(path + ": " + no_hdu);
  }
  long nrow = 0;
  fits_get_num_rows(f, &nrow, &status);
  std::vector<std::vector<double>> col(names.size());
  for (std::size_t c = 0; c < names.size() && !status; ++c) {
    int num = 0, st = 0;
    col[c].assign(static_cast<std::size_t>(nrow), c >= required ? 0.0 : NAN);
    fits_get_colnum(f, CASEINSEN, const_cast<char*>(names[c]), &num, &st);
    if (st) {
      if (c < required) status = st;
      continue;
    }
    double nul = NAN;
    int anynul = 0;
    if (nrow > 0) fits_read_col(f, TDOUBLE, num, 1, 1, nrow, &nul, col[c].data(), &anynul, &status);
  }
  int st = 0;
  nx = ny = 0;
  fits_read_key(f, TLONG, "IMNAXIS1", &nx, nullptr, &st);
  st = 0;
  fits_read_key(f, TLONG, "IMNAXIS2", &ny, nullptr, &st);
  st = 0;
  fits_close_file(f, &st);
  if (status) throw IoError(path + ": " + no_column);
  return col;
}

}  // namespace

TemplateTable read_template(const std::string& path) {
  TemplateTable t;
  const auto col =
      read_columns(path, {"SMA", "X0", "Y0", "ELLIP", "PA"}, 5,
                   "cannot read the template (not an isoster table with an ISOPHOTES HDU)",
                   "the template lacks SMA, X0, Y0, ELLIP or PA", t.nx, t.ny);
  for (std::size_t r = 0; r < col[0].size(); ++r) {
    ForcedGeometry g;
    g.sma = col[0][r];
    g.x0 = col[1][r];
    g.y0 = col[2][r];
    // The central row has no ellipse: any valid value serves.
    g.eps = g.sma > 0 ? col[3][r] : 0;
    g.pa = g.sma > 0 ? col[4][r] : 0;
    t.geometry.push_back(g);
  }
  return t;
}

std::vector<Isophote> read_isophotes(const std::string& path, long& nx, long& ny) {
  const auto col = read_columns(
      path, {"SMA", "INTENS", "X0", "Y0", "ELLIP", "PA", "GRAD", "A3", "B3", "A4", "B4"}, 7,
      "cannot read the isophote table (no ISOPHOTES HDU)",
      "the table lacks SMA, INTENS, X0, Y0, ELLIP, PA or GRAD", nx, ny);
  std::vector<Isophote> rows(col[0].size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    Isophote& o = rows[r];
    o.sma = col[0][r];
    o.intens = col[1][r];
    o.x0 = col[2][r];
    o.y0 = col[3][r];
    o.ellip = col[4][r];
    o.pa = col[5][r];
    o.grad = col[6][r];
    o.a3 = col[7][r];
    o.b3 = col[8][r];
    o.a4 = col[9][r];
    o.b4 = col[10][r];
  }
  return rows;
}

}  // namespace isoster::io
