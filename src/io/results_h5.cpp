#include "io/results_h5.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "io/collective.hpp"
#include "io/h5_util.hpp"
#include "io/table_writer.hpp"

namespace isoster::io {

namespace {

using h5::check;
using h5::checked;
using h5::Handle;
using h5::string_type;

constexpr hsize_t kChunkRows = 65536;

// A column of the schema: where it lives, its file type, and this rank's values.
struct Column {
  std::string path;
  hid_t file_type;  // also the memory type (no conversion: filters need collective, unconverted)
  hsize_t length;   // global
  hsize_t first;    // this rank's first element
  hsize_t count;    // this rank's elements
  const void* data;
  bool owns_type = false;
};

void create_dataset(hid_t file, const Column& c) {
  Handle space(checked(H5Screate_simple(1, &c.length, nullptr), "dataspace"), H5Sclose);
  Handle dcpl(checked(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose);
  if (c.length > 0) {
    const hsize_t chunk = std::min(c.length, kChunkRows);
    check(H5Pset_chunk(dcpl, 1, &chunk), "chunk " + c.path);
    check(H5Pset_shuffle(dcpl), "shuffle");
    check(H5Pset_deflate(dcpl, 1), "deflate");
  }
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "fill time");
  check(H5Pset_obj_track_times(dcpl, 0), "track times");
  Handle d(
      checked(H5Dcreate2(file, c.path.c_str(), c.file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              "create " + c.path),
      H5Dclose);
}

void write_column(hid_t file, hid_t dxpl, const Column& c) {
  if (c.length == 0) return;  // nothing anywhere: every rank skips alike
  Handle d(checked(H5Dopen2(file, c.path.c_str(), H5P_DEFAULT), "open " + c.path), H5Dclose);
  Handle fspace(checked(H5Dget_space(d), "space"), H5Sclose);
  const hsize_t n = std::max<hsize_t>(c.count, 1);
  Handle mspace(checked(H5Screate_simple(1, &n, nullptr), "mspace"), H5Sclose);
  if (c.count > 0) {
    check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &c.first, nullptr, &c.count, nullptr),
          "select " + c.path);
  } else {
    // Every rank takes part in the collective write, with an empty selection if need be.
    H5Sselect_none(fspace);
    H5Sselect_none(mspace);
  }
  check(H5Dwrite(d, c.file_type, mspace, fspace, dxpl, c.data), "write " + c.path);
}

std::vector<char> pack_strings(const std::vector<std::string>& v, int width) {
  std::vector<char> out(v.size() * static_cast<std::size_t>(width), '\0');
  for (std::size_t i = 0; i < v.size(); ++i)
    std::memcpy(out.data() + i * width, v[i].data(), std::min<std::size_t>(v[i].size(), width));
  return out;
}

void attr_text(hid_t obj, const std::string& name, const std::string& value) {
  Handle t(string_type(static_cast<int>(std::max<std::size_t>(value.size(), 1))), H5Tclose);
  Handle s(checked(H5Screate(H5S_SCALAR), "scalar"), H5Sclose);
  Handle a(checked(H5Acreate2(obj, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT), "attr " + name),
           H5Aclose);
  std::string v = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(a, t, v.data()), "attr " + name);
}

void attr_int(hid_t obj, const std::string& name, std::int64_t value) {
  Handle s(checked(H5Screate(H5S_SCALAR), "scalar"), H5Sclose);
  Handle a(checked(H5Acreate2(obj, name.c_str(), H5T_NATIVE_INT64, s, H5P_DEFAULT, H5P_DEFAULT),
                   "attr " + name),
           H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_INT64, &value), "attr " + name);
}

}  // namespace

void write_results(const std::string& path, MPI_Comm comm, const ResultsBlock& b,
                   const ResultsLayout& L) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const auto& tcols = table_columns();
  const hsize_t ng = static_cast<hsize_t>(L.galaxies), ni = static_cast<hsize_t>(L.isophotes);
  const hsize_t g0 = static_cast<hsize_t>(b.first), gn = b.status.size();
  const hsize_t i0 = static_cast<hsize_t>(L.iso_first), in = b.rows.size();

  Handle id_t(string_type(L.id_width), H5Tclose), msg_t(string_type(L.message_width), H5Tclose),
      img_t(string_type(L.image_width), H5Tclose);
  const std::vector<char> ids = pack_strings(b.id, L.id_width);
  const std::vector<char> msgs = pack_strings(b.message, L.message_width);
  const std::vector<char> imgs = pack_strings(b.image, L.image_width);
  // Isophote columns, column-major from this rank's rows.
  std::vector<std::vector<double>> dcols(tcols.size());
  std::vector<std::vector<std::int32_t>> icols(tcols.size());
  for (std::size_t c = 0; c < tcols.size(); ++c) {
    if (tcols[c].integer) {
      icols[c].resize(in);
      for (hsize_t r = 0; r < in; ++r)
        icols[c][r] = static_cast<std::int32_t>(column_value(b.rows[r], static_cast<int>(c)));
    } else {
      dcols[c].resize(in);
      for (hsize_t r = 0; r < in; ++r) dcols[c][r] = column_value(b.rows[r], static_cast<int>(c));
    }
  }
  std::vector<Column> cols = {
      {"/galaxies/ID", id_t, ng, g0, gn, ids.data()},
      {"/galaxies/STATUS", H5T_NATIVE_INT32, ng, g0, gn, b.status.data()},
      {"/galaxies/MESSAGE", msg_t, ng, g0, gn, msgs.data()},
      {"/galaxies/OFFSET", H5T_NATIVE_INT64, ng, g0, gn, b.offset.data()},
      {"/galaxies/COUNT", H5T_NATIVE_INT32, ng, g0, gn, b.count.data()},
      {"/galaxies/IMAGE", img_t, ng, g0, gn, imgs.data()},
      {"/galaxies/X", H5T_NATIVE_DOUBLE, ng, g0, gn, b.x.data()},
      {"/galaxies/Y", H5T_NATIVE_DOUBLE, ng, g0, gn, b.y.data()},
      {"/galaxies/X_START", H5T_NATIVE_DOUBLE, ng, g0, gn, b.x_start.data()},
      {"/galaxies/Y_START", H5T_NATIVE_DOUBLE, ng, g0, gn, b.y_start.data()},
      {"/isophotes/GALAXY", H5T_NATIVE_INT64, ni, i0, in, b.galaxy.data()},
  };
  for (std::size_t c = 0; c < tcols.size(); ++c)
    cols.push_back({std::string("/isophotes/") + tcols[c].name,
                    tcols[c].integer ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, ni, i0, in,
                    tcols[c].integer ? static_cast<const void*>(icols[c].data())
                                     : static_cast<const void*>(dcols[c].data())});
  cols.push_back({"/run/READ_TIME", H5T_NATIVE_DOUBLE, ng, g0, gn, b.read_time.data()});
  cols.push_back({"/run/FIT_TIME", H5T_NATIVE_DOUBLE, ng, g0, gn, b.fit_time.data()});
  cols.push_back({"/run/RANK", H5T_NATIVE_INT32, ng, g0, gn, b.rank.data()});

  // 1. Rank 0 builds the schema with the serial driver.
  const h5::Quiet quiet;  // failures become one-line errors
  // Every rank learns whether rank 0 could, and all fail together if it could not.
  io::on_every_rank(comm, [&] {
    if (rank != 0) return;
    Handle f(
        checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create " + path),
        H5Fclose);
    for (const char* g : {"/galaxies", "/isophotes", "/run"})
      Handle(checked(H5Gcreate2(f, g, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), g), H5Gclose);
    for (const auto& c : cols) create_dataset(f, c);
    for (const auto& [k, v] : L.text_attrs) attr_text(f, k, v);
    for (const auto& [k, v] : L.int_attrs) attr_int(f, k, v);
    for (std::size_t c = 0; c < tcols.size(); ++c) {
      Handle d(
          checked(H5Dopen2(f, (std::string("/isophotes/") + tcols[c].name).c_str(), H5P_DEFAULT),
                  "open"),
          H5Dclose);
      // "@": the input image's unit (BUNIT), which may differ from galaxy to galaxy.
      const std::string u = tcols[c].unit;
      attr_text(d, "unit", u == "@" ? "image unit" : u == "@/pix" ? "image unit/pix" : u);
    }
  });

  // 2. Every rank writes its block, collectively, column by column in the same order.
  Handle fapl(checked(H5Pcreate(H5P_FILE_ACCESS), "fapl"), H5Pclose);
  check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "mpio");
  H5Pset_all_coll_metadata_ops(fapl, 1);
  H5Pset_coll_metadata_write(fapl, 1);
  H5Pset_file_locking(fapl, 0, 1);
  Handle f(checked(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl), "open " + path), H5Fclose);
  Handle dxpl(checked(H5Pcreate(H5P_DATASET_XFER), "dxpl"), H5Pclose);
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "collective");
  for (const auto& c : cols) write_column(f, dxpl, c);
}

}  // namespace isoster::io
