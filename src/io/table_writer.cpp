#include "io/table_writer.hpp"

#include <fitsio.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/fits_image.hpp"

namespace isoster::io {

bool parse_format(const std::string& s, TableFormat& out) {
  if (s == "fits")
    out = TableFormat::Fits;
  else if (s == "ecsv")
    out = TableFormat::Ecsv;
  else if (s == "csv")
    out = TableFormat::Csv;
  else
    return false;
  return true;
}

HeaderItem numeric_item(const std::string& key, double value, const std::string& comment) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return {key, std::string(buf, r.ptr), comment, true};
}

const std::vector<ColumnDef>& table_columns() {
  // clang-format off
  static const std::vector<ColumnDef> cols = {
      {"SMA", "pix", false, &Isophote::sma, nullptr},
      {"INTENS", "@", false, &Isophote::intens, nullptr},
      {"INT_ERR", "@", false, &Isophote::int_err, nullptr},
      {"PIX_VAR", "@", false, &Isophote::pix_var, nullptr},
      {"RMS", "@", false, &Isophote::rms, nullptr},
      {"ELLIP", "", false, &Isophote::ellip, nullptr},
      {"ELLIP_ERR", "", false, &Isophote::ellip_err, nullptr},
      {"PA", "deg", false, &Isophote::pa, nullptr},
      {"PA_ERR", "deg", false, &Isophote::pa_err, nullptr},
      {"X0", "pix", false, &Isophote::x0, nullptr},
      {"X0_ERR", "pix", false, &Isophote::x0_err, nullptr},
      {"Y0", "pix", false, &Isophote::y0, nullptr},
      {"Y0_ERR", "pix", false, &Isophote::y0_err, nullptr},
      {"GRAD", "@/pix", false, &Isophote::grad, nullptr},
      {"GRAD_ERR", "@/pix", false, &Isophote::grad_err, nullptr},
      {"GRAD_R_ERR", "", false, &Isophote::grad_r_err, nullptr},
      {"TFLUX_E", "@", false, &Isophote::tflux_e, nullptr},
      {"TFLUX_C", "@", false, &Isophote::tflux_c, nullptr},
      {"NPIX_E", "", true, nullptr, &Isophote::npix_e},
      {"NPIX_C", "", true, nullptr, &Isophote::npix_c},
      {"A3", "", false, &Isophote::a3, nullptr},
      {"A3_ERR", "", false, &Isophote::a3_err, nullptr},
      {"B3", "", false, &Isophote::b3, nullptr},
      {"B3_ERR", "", false, &Isophote::b3_err, nullptr},
      {"A4", "", false, &Isophote::a4, nullptr},
      {"A4_ERR", "", false, &Isophote::a4_err, nullptr},
      {"B4", "", false, &Isophote::b4, nullptr},
      {"B4_ERR", "", false, &Isophote::b4_err, nullptr},
      {"NDATA", "", true, nullptr, &Isophote::ndata},
      {"NFLAG", "", true, nullptr, &Isophote::nflag},
      {"NITER", "", true, nullptr, &Isophote::niter},
      {"STOP", "", true, nullptr, &Isophote::stop},
      {"A_BIG", "@", false, &Isophote::a_big, nullptr},
      {"SAREA", "pix2", false, &Isophote::sarea, nullptr},
  };
  // clang-format on
  return cols;
}

double column_value(const Isophote& r, int col) {
  const ColumnDef& c = table_columns()[static_cast<std::size_t>(col)];
  return c.integer ? static_cast<double>(r.*c.count) : r.*c.real;
}

void set_column_value(Isophote& r, int col, double v) {
  const ColumnDef& c = table_columns()[static_cast<std::size_t>(col)];
  if (c.integer)
    r.*c.count = static_cast<std::int32_t>(v);
  else
    r.*c.real = v;
}

namespace {

std::string unit_of(const ColumnDef& c, const std::string& bunit) {
  const std::string u = c.unit;
  if (u == "@") return bunit;
  if (u == "@/pix") return bunit.empty() ? "" : bunit + "/pix";
  return u;
}

std::string fits_message(int status) {
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  return text;
}

// Appends one isophote table HDU named `extname` to an open file; status as CFITSIO's.
void append_table(fitsfile* f, const std::vector<Isophote>& rows, const TableMeta& meta,
                  const std::string& extname, int& status) {
  const auto& cols = table_columns();
  const int nfixed = static_cast<int>(cols.size());
  const int ncol = nfixed + static_cast<int>(meta.extra.size());
  std::vector<std::string> names, forms, units;
  for (const auto& c : cols) {
    names.emplace_back(c.name);
    forms.emplace_back(c.integer ? "1J" : "1D");
    units.push_back(unit_of(c, meta.bunit));
  }
  for (const auto& e : meta.extra) {
    names.push_back(e.name);
    forms.emplace_back("1D");
    units.push_back(e.unit);
  }
  std::vector<char*> ttype, tform, tunit;
  for (int i = 0; i < ncol; ++i) {
    ttype.push_back(names[i].data());
    tform.push_back(forms[i].data());
    tunit.push_back(units[i].data());
  }
  std::string ext = extname;
  fits_create_tbl(f, BINARY_TBL, 0, ncol, ttype.data(), tform.data(), tunit.data(), ext.data(),
                  &status);
  for (int i = 0; i < nfixed && !status; ++i) {
    if (!cols[i].integer) continue;
    const std::string key = "TNULL" + std::to_string(i + 1);
    long tnull = kNullInt;
    fits_update_key(f, TLONG, key.c_str(), &tnull, "undefined value", &status);
  }
  for (const auto& m : meta.items) {
    if (status) break;
    if (m.numeric) {
      double v = std::stod(m.value);
      if (std::isfinite(v))
        fits_update_key(f, TDOUBLE, m.key.c_str(), &v, m.comment.c_str(), &status);
      else
        fits_update_key_null(f, m.key.c_str(), m.comment.c_str(), &status);
    } else {
      std::string v = m.value;
      fits_update_key_longstr(f, m.key.c_str(), v.data(), m.comment.c_str(), &status);
    }
  }
  const long n = static_cast<long>(rows.size());
  std::vector<double> dcol(n);
  std::vector<int> icol(n);
  for (int c = 0; c < nfixed && !status; ++c) {
    if (n == 0) break;
    if (cols[c].integer) {
      for (long r = 0; r < n; ++r) icol[r] = static_cast<int>(column_value(rows[r], c));
      fits_write_col(f, TINT, c + 1, 1, 1, n, icol.data(), &status);
    } else {
      for (long r = 0; r < n; ++r) dcol[r] = column_value(rows[r], c);
      fits_write_col(f, TDOUBLE, c + 1, 1, 1, n, dcol.data(), &status);
    }
  }
  for (std::size_t e = 0; e < meta.extra.size() && n > 0 && !status; ++e) {
    std::vector<double> v = meta.extra[e].values;  // CFITSIO takes a non-const buffer
    fits_write_col(f, TDOUBLE, nfixed + static_cast<int>(e) + 1, 1, 1, n, v.data(), &status);
  }
  if (!status) fits_write_chksum(f, &status);
}

void write_fits(const std::string& tmp, const std::string& path, const std::vector<BandTable>& t) {
  fitsfile* f = nullptr;
  int status = 0;
  const std::string create = "!" + tmp;
  fits_create_file(&f, create.c_str(), &status);
  if (status) throw IoError(path + ": cannot create output file (" + fits_message(status) + ")");
  for (const auto& b : t) {
    if (status) break;
    append_table(f, *b.rows, *b.meta, b.extname, status);
  }
  int cst = 0;
  fits_close_file(f, &cst);
  if (status || cst) {
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot write output (" + fits_message(status ? status : cst) + ")");
  }
}

std::string format_value(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(v));
  if (std::isnan(v)) return "nan";
  std::ostringstream s;
  s << std::setprecision(17) << v;
  return s.str();
}

void write_text(const std::string& tmp, const std::string& path, const std::vector<Isophote>& rows,
                const TableMeta& meta, bool ecsv) {
  std::ofstream out(tmp);
  if (!out) throw IoError(path + ": cannot create output file (folder missing or not writable)");
  const auto& cols = table_columns();
  const char sep = ecsv ? ' ' : ',';
  if (ecsv) {
    out << "# %ECSV 1.0\n# ---\n# datatype:\n";
    for (const auto& c : cols) {
      out << "# - {name: " << c.name;
      const std::string u = unit_of(c, meta.bunit);
      if (!u.empty()) out << ", unit: " << u;
      out << ", datatype: " << (c.integer ? "int32" : "float64") << "}\n";
    }
    for (const auto& e : meta.extra) {
      out << "# - {name: " << e.name;
      if (!e.unit.empty()) out << ", unit: " << e.unit;
      out << ", datatype: float64}\n";
    }
    out << "# meta: !!omap\n";
    for (const auto& m : meta.items) {
      std::string v = m.value;
      std::string esc;
      for (char ch : v) esc += (ch == '\'') ? std::string("''") : std::string(1, ch);
      out << "# - {" << m.key << ": " << (m.numeric ? v : "'" + esc + "'") << "}\n";
    }
    out << "# schema: astropy-2.0\n";
  }
  for (std::size_t i = 0; i < cols.size(); ++i)
    out << (i ? std::string(1, sep) : "") << cols[i].name;
  for (const auto& e : meta.extra) out << sep << e.name;
  out << '\n';
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out << sep;
      out << format_value(column_value(rows[k], static_cast<int>(i)), cols[i].integer);
    }
    for (const auto& e : meta.extra) out << sep << format_value(e.values[k], false);
    out << '\n';
  }
  out.flush();
  if (!out) {
    out.close();
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot write output (disk full or not writable)");
  }
}

}  // namespace

static void check_extra(const std::string& path, std::size_t nrows, const TableMeta& meta) {
  for (const auto& e : meta.extra)
    if (e.values.size() != nrows)
      throw IoError(path + ": column " + e.name + " has " + std::to_string(e.values.size()) +
                    " values for " + std::to_string(nrows) + " rows");
}

void write_table(const std::string& path, const std::vector<Isophote>& rows, const TableMeta& meta,
                 TableFormat fmt) {
  check_extra(path, rows.size(), meta);
  // A table is an output a rerun recreates: atomic, not fsynced (io/atomic_file.hpp).
  const std::string tmp = temp_path(path);
  if (fmt == TableFormat::Fits)
    write_fits(tmp, path, {BandTable{"ISOPHOTES", &rows, &meta}});
  else
    write_text(tmp, path, rows, meta, fmt == TableFormat::Ecsv);
  commit_file(tmp, path, Durability::Atomic);
}

void write_tables(const std::string& path, const std::vector<BandTable>& tables) {
  for (const auto& t : tables) check_extra(path, t.rows->size(), *t.meta);
  const std::string tmp = temp_path(path);
  write_fits(tmp, path, tables);
  commit_file(tmp, path, Durability::Atomic);
}

}  // namespace isoster::io
