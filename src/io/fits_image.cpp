#include "io/fits_image.hpp"

#include <fitsio.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "io/atomic_file.hpp"

namespace isoster::io {

namespace {

std::string fits_message(int status) {
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  return text;
}

struct FitsCloser {
  void operator()(fitsfile* f) const {
    int st = 0;
    fits_close_file(f, &st);
  }
};
using FitsPtr = std::unique_ptr<fitsfile, FitsCloser>;

FitsPtr open_image(const std::string& path, const PlaneRequest& req, int& hdu0) {
  fitsfile* f = nullptr;
  int status = 0;
  if (req.hdu >= 0) {
    fits_open_file(&f, path.c_str(), READONLY, &status);
  } else {
    fits_open_image(&f, path.c_str(), READONLY, &status);
  }
  if (status) {
    if (f) {
      int st = 0;
      fits_close_file(f, &st);
    }
    if (status == FILE_NOT_OPENED)
      throw IoError(path + ": cannot open file (missing or unreadable)");
    if (status == URL_PARSE_ERROR || status == BAD_HDU_NUM || status == END_OF_FILE)
      throw IoError(path + ": no such HDU or not a valid FITS file (" + fits_message(status) + ")");
    throw IoError(path + ": not a readable FITS file (" + fits_message(status) + ")");
  }
  FitsPtr fp(f);
  if (req.hdu >= 0) {
    int type = 0;
    fits_movabs_hdu(f, req.hdu + 1, &type, &status);
    if (status) throw IoError(path + ": has no HDU " + std::to_string(req.hdu));
    if (type != IMAGE_HDU)
      throw IoError(path + ": HDU " + std::to_string(req.hdu) + " is not an image");
  }
  int num = 0;
  fits_get_hdu_num(f, &num);
  hdu0 = num - 1;
  return fp;
}

}  // namespace

Image read_image(const std::string& path, const PlaneRequest& req, ImageInfo* info) {
  int hdu0 = 0;
  FitsPtr fp = open_image(path, req, hdu0);
  fitsfile* f = fp.get();
  int status = 0, naxis = 0;
  fits_get_img_dim(f, &naxis, &status);
  long naxes[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (!status && naxis > 0) fits_get_img_size(f, std::min(naxis, 9), naxes, &status);
  if (status) throw IoError(path + ": cannot read the image header (" + fits_message(status) + ")");
  const std::string where = path + " (HDU " + std::to_string(hdu0) + ")";
  if (naxis == 0) throw IoError(where + ": the HDU holds no image (NAXIS = 0)");
  if (naxis == 1) throw IoError(where + ": the image is 1-D; a 2-D image is required");
  for (int k = 0; k < std::min(naxis, 9); ++k)
    if (naxes[k] <= 0) throw IoError(where + ": the image is empty (an axis has length 0)");
  for (int k = 3; k < std::min(naxis, 9); ++k)
    if (naxes[k] != 1)
      throw IoError(where + ": images of more than 3 dimensions are not supported");
  const long nz = naxis >= 3 ? naxes[2] : 1;
  const int plane = req.plane < 0 ? 0 : req.plane;
  if (plane >= nz)
    throw IoError(where + ": plane " + std::to_string(plane) + " requested but the image has " +
                  std::to_string(nz) + (nz == 1 ? " plane" : " planes"));
  if (naxes[0] > std::numeric_limits<int>::max() / 2 ||
      naxes[1] > std::numeric_limits<int>::max() / 2)
    throw IoError(where + ": image too large");
  float nul = std::numeric_limits<float>::quiet_NaN();
  int anynul = 0;
  Image img;
  long rx0 = 0, ry0 = 0;
  if (req.x1 >= req.x0 && req.y1 >= req.y0) {
    rx0 = std::clamp(req.x0, 0L, naxes[0] - 1);
    ry0 = std::clamp(req.y0, 0L, naxes[1] - 1);
    const long rx1 = std::clamp(req.x1, rx0, naxes[0] - 1);
    const long ry1 = std::clamp(req.y1, ry0, naxes[1] - 1);
    img = Image(static_cast<int>(rx1 - rx0 + 1), static_cast<int>(ry1 - ry0 + 1));
    long fpixel[3] = {rx0 + 1, ry0 + 1, plane + 1}, lpixel[3] = {rx1 + 1, ry1 + 1, plane + 1};
    long inc[3] = {1, 1, 1};
    fits_read_subset(f, TFLOAT, fpixel, lpixel, inc, &nul, img.data(), &anynul, &status);
  } else {
    img = Image(static_cast<int>(naxes[0]), static_cast<int>(naxes[1]));
    long fpixel[9] = {1, 1, plane + 1, 1, 1, 1, 1, 1, 1};
    fits_read_pix(f, TFLOAT, fpixel, naxes[0] * naxes[1], &nul, img.data(), &anynul, &status);
  }
  if (status)
    throw IoError(where + ": cannot read the pixels, file truncated or corrupt (" +
                  fits_message(status) + ")");
  if (info) {
    info->hdu = hdu0;
    info->plane = plane;
    info->nx = naxes[0];
    info->ny = naxes[1];
    info->region_x0 = rx0;
    info->region_y0 = ry0;
    info->naxis = naxis;
    info->nz = nz;
    char value[FLEN_VALUE] = {};
    int st = 0;
    if (fits_read_key(f, TSTRING, "BUNIT", value, nullptr, &st) == 0) info->bunit = value;
    st = 0;
    const std::string key = "BAND" + std::to_string(plane);
    if (naxis >= 3 && fits_read_key(f, TSTRING, key.c_str(), value, nullptr, &st) == 0)
      info->band = value;
    fits_clear_errmsg();
  }
  apply_mask(img, nullptr);  // non-finite -> NaN
  return img;
}

std::vector<std::uint8_t> read_mask(const std::string& path, int nx, int ny) {
  ImageInfo info;
  const Image m = read_image(path, PlaneRequest{}, &info);
  if (m.nx() != nx || m.ny() != ny)
    throw IoError(path + ": mask is " + std::to_string(m.nx()) + "x" + std::to_string(m.ny()) +
                  " but the image is " + std::to_string(nx) + "x" + std::to_string(ny));
  std::vector<std::uint8_t> out(static_cast<std::size_t>(nx) * ny);
  const float* p = m.data();
  // Non-zero or undefined mask values flag the pixel.
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = (p[k] != 0.0f || std::isnan(p[k])) ? 1 : 0;
  return out;
}

Image read_variance(const std::string& path, const PlaneRequest& req, int nx, int ny, bool weight) {
  Image v = read_image(path, req);
  if (v.nx() != nx || v.ny() != ny)
    throw IoError(path + ": " + (weight ? "weight" : "variance") + " map of " +
                  std::to_string(v.nx()) + "x" + std::to_string(v.ny()) +
                  " pixels, but the image is " + std::to_string(nx) + "x" + std::to_string(ny));
  if (weight) {
    float* p = v.data();
    const std::size_t n = static_cast<std::size_t>(nx) * ny;
    for (std::size_t k = 0; k < n; ++k) p[k] = p[k] > 0 ? 1.0f / p[k] : INFINITY;
  }
  return v;
}

void write_image(const std::string& path, const Image& img, const std::vector<HeaderItem>& cards) {
  const std::string tmp = temp_path(path);
  fitsfile* f = nullptr;
  int status = 0;
  // "!": replace a temporary file a crashed run of an earlier process of this pid left.
  fits_create_file(&f, ("!" + tmp).c_str(), &status);
  long naxes[2] = {img.nx(), img.ny()};
  fits_create_img(f, FLOAT_IMG, 2, naxes, &status);
  for (const auto& c : cards) {
    if (c.numeric) {
      double v = std::stod(c.value);
      fits_write_key(f, TDOUBLE, c.key.c_str(), &v, c.comment.c_str(), &status);
    } else {
      fits_write_key(f, TSTRING, c.key.c_str(), const_cast<char*>(c.value.c_str()),
                     c.comment.c_str(), &status);
    }
  }
  long fpixel[2] = {1, 1};
  fits_write_pix(f, TFLOAT, fpixel, static_cast<long>(img.nx()) * img.ny(),
                 const_cast<float*>(img.data()), &status);
  int st = 0;
  if (f) fits_close_file(f, &st);
  if (status || st) {
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot write image (" + fits_message(status ? status : st) + ")");
  }
  commit_file(tmp, path, Durability::Atomic);  // a rerun recreates it
}

bool cfitsio_reentrant() { return fits_is_reentrant() != 0; }

}  // namespace isoster::io
