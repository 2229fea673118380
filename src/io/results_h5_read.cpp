// Reading a campaign results file back (docs/output-format.md), for `isoster merge`.
#include <hdf5.h>

#include <cstring>
#include <stdexcept>

#include "io/h5_util.hpp"
#include "io/results_h5.hpp"
#include "io/table_writer.hpp"

namespace isoster::io {

namespace {

using h5::check;
using h5::checked;
using h5::Handle;

hsize_t length_of(hid_t d) {
  Handle space(checked(H5Dget_space(d), "space"), H5Sclose);
  if (H5Sget_simple_extent_ndims(space) != 1) throw std::runtime_error("not a 1-D dataset");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  return n;
}

template <class T>
void read_numbers(hid_t file, const std::string& path, hid_t mem_type, std::vector<T>& out,
                  hsize_t expect) {
  Handle d(checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path), H5Dclose);
  if (length_of(d) != expect) throw std::runtime_error(path + " has the wrong length");
  out.resize(expect);
  if (expect > 0)
    check(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + path);
}

int string_width(hid_t file, const std::string& path) {
  Handle d(checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path), H5Dclose);
  Handle t(checked(H5Dget_type(d), "type " + path), H5Tclose);
  if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0)
    throw std::runtime_error(path + " is not a fixed-length string");
  return static_cast<int>(H5Tget_size(t));
}

void read_strings(hid_t file, const std::string& path, std::vector<std::string>& out,
                  hsize_t expect) {
  Handle d(checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path), H5Dclose);
  if (length_of(d) != expect) throw std::runtime_error(path + " has the wrong length");
  Handle t(checked(H5Dget_type(d), "type " + path), H5Tclose);
  const std::size_t w = H5Tget_size(t);
  std::vector<char> buf(expect * w);
  if (expect > 0) check(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + path);
  out.resize(expect);
  for (hsize_t i = 0; i < expect; ++i) {
    const char* s = buf.data() + i * w;
    out[i].assign(s, strnlen(s, w));
  }
}

herr_t collect_attr(hid_t obj, const char* name, const H5A_info_t*, void* data) {
  auto* f = static_cast<ResultsFile*>(data);
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (a < 0) return -1;
  Handle t(H5Aget_type(a), H5Tclose);
  if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) <= 0) {
    std::string v(H5Tget_size(t), '\0');
    if (H5Aread(a, t, v.data()) < 0) return -1;
    v.resize(strnlen(v.data(), v.size()));
    f->text_attrs[name] = v;
  } else if (H5Tget_class(t) == H5T_INTEGER) {
    std::int64_t v = 0;
    if (H5Aread(a, H5T_NATIVE_INT64, &v) < 0) return -1;
    f->int_attrs[name] = v;
  }
  return 0;
}

}  // namespace

ResultsFile read_results(const std::string& path, bool summary_only) {
  ResultsFile r;
  Handle fapl(checked(H5Pcreate(H5P_FILE_ACCESS), "fapl"), H5Pclose);
  H5Pset_file_locking(fapl, 0, 1);
  const h5::Quiet quiet;  // a missing or foreign file is reported in one line
  try {
    const hid_t fid = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
    if (fid < 0) throw std::runtime_error(path + ": not an HDF5 file, or unreadable");
    Handle f(fid, H5Fclose);
    check(H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attr, &r), "attributes");
    for (const char* key : {"galaxies", "isophotes", "schema_version"})
      if (!r.int_attrs.count(key))
        throw std::runtime_error(path + ": not an isoster results file (no attribute " +
                                 std::string(key) + ")");
    r.block.first = r.int_attrs.count("first_row") ? r.int_attrs["first_row"] : 0;
    r.id_width = string_width(f, "/galaxies/ID");
    r.image_width = string_width(f, "/galaxies/IMAGE");
    r.message_width = string_width(f, "/galaxies/MESSAGE");
    if (!summary_only) {
      const hsize_t ng = static_cast<hsize_t>(r.int_attrs["galaxies"]);
      const hsize_t ni = static_cast<hsize_t>(r.int_attrs["isophotes"]);
      ResultsBlock& b = r.block;
      read_strings(f, "/galaxies/ID", b.id, ng);
      read_strings(f, "/galaxies/MESSAGE", b.message, ng);
      read_strings(f, "/galaxies/IMAGE", b.image, ng);
      read_numbers(f, "/galaxies/STATUS", H5T_NATIVE_INT32, b.status, ng);
      read_numbers(f, "/galaxies/COUNT", H5T_NATIVE_INT32, b.count, ng);
      read_numbers(f, "/galaxies/OFFSET", H5T_NATIVE_INT64, b.offset, ng);
      read_numbers(f, "/galaxies/X", H5T_NATIVE_DOUBLE, b.x, ng);
      read_numbers(f, "/galaxies/Y", H5T_NATIVE_DOUBLE, b.y, ng);
      read_numbers(f, "/galaxies/X_START", H5T_NATIVE_DOUBLE, b.x_start, ng);
      read_numbers(f, "/galaxies/Y_START", H5T_NATIVE_DOUBLE, b.y_start, ng);
      read_numbers(f, "/run/READ_TIME", H5T_NATIVE_DOUBLE, b.read_time, ng);
      read_numbers(f, "/run/FIT_TIME", H5T_NATIVE_DOUBLE, b.fit_time, ng);
      read_numbers(f, "/run/RANK", H5T_NATIVE_INT32, b.rank, ng);
      read_numbers(f, "/isophotes/GALAXY", H5T_NATIVE_INT64, b.galaxy, ni);
      b.rows.assign(ni, Isophote{});
      const auto& cols = table_columns();
      std::vector<double> v;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        read_numbers(f, std::string("/isophotes/") + cols[c].name, H5T_NATIVE_DOUBLE, v, ni);
        for (hsize_t i = 0; i < ni; ++i) set_column_value(b.rows[i], static_cast<int>(c), v[i]);
      }
    }
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    if (m.rfind(path, 0) == 0) throw;
    throw std::runtime_error(path + ": " + m);
  }
  return r;
}

}  // namespace isoster::io
