#include "io/table_reader.hpp"

#include <fitsio.h>

#include <cmath>

#include "io/fits_image.hpp"

namespace isoster::io {

TemplateTable read_template(const std::string& path) {
  fitsfile* f = nullptr;
  int status = 0;
  const std::string name = path.find('[') == std::string::npos ? path + "[ISOPHOTES]" : path;
  fits_open_table(&f, name.c_str(), READONLY, &status);
  if (status) {
    if (f) {
      int st = 0;
      fits_close_file(f, &st);
    }
    throw IoError(path + ": cannot read the template (not an isoster table with an ISOPHOTES HDU)");
  }
  TemplateTable t;
  long nrow = 0;
  fits_get_num_rows(f, &nrow, &status);
  std::vector<double> col[5];
  const char* names[5] = {"SMA", "X0", "Y0", "ELLIP", "PA"};
  for (int c = 0; c < 5 && !status; ++c) {
    int num = 0;
    fits_get_colnum(f, CASEINSEN, const_cast<char*>(names[c]), &num, &status);
    col[c].resize(static_cast<std::size_t>(nrow));
    double nul = NAN;
    int anynul = 0;
    if (!status && nrow > 0)
      fits_read_col(f, TDOUBLE, num, 1, 1, nrow, &nul, col[c].data(), &anynul, &status);
  }
  int st = 0;
  fits_read_key(f, TLONG, "IMNAXIS1", &t.nx, nullptr, &st);
  st = 0;
  fits_read_key(f, TLONG, "IMNAXIS2", &t.ny, nullptr, &st);
  st = 0;
  fits_close_file(f, &st);
  if (status) throw IoError(path + ": the template lacks SMA, X0, Y0, ELLIP or PA");
  for (long r = 0; r < nrow; ++r) {
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

}  // namespace isoster::io
