#include "pipeline/galaxy.hpp"

#include <chrono>
#include <cmath>
#include <new>
#include <stdexcept>

#include "io/fits_image.hpp"
#include "io/table_reader.hpp"
#include "isoster/fit.hpp"

namespace isoster::pipeline {

const char* status_name(std::int32_t s) {
  switch (s) {
    case kOk:
      return "ok";
    case kInputError:
      return "input error";
    case kBadValue:
      return "bad value";
    case kOffImage:
      return "off image";
    case kNoData:
      return "no data";
    case kFitFailed:
      return "fit failed";
    case kException:
      return "exception";
    case kDuplicateId:
      return "duplicate id";
  }
  return "unknown";
}

FitConfig row_config(const FitConfig& base, const CatalogRow& row) {
  FitConfig c = base;
  if (!std::isnan(row.x)) c.x0 = row.x;
  if (!std::isnan(row.y)) c.y0 = row.y;
  if (!std::isnan(row.sma0)) c.sma0 = row.sma0;
  if (!std::isnan(row.eps)) c.eps = row.eps;
  if (!std::isnan(row.pa)) c.pa = row.pa;
  if (!std::isnan(row.maxsma)) c.maxsma = row.maxsma;
  return c;
}

namespace {

// The fit on loaded pixels: `img` is the region of a plane of nx x ny pixels at (ox, oy).
void fit_loaded(GalaxyResult& g, const FitConfig& cfg_in, const Image& img, long ox, long oy,
                long nx, long ny, const Image* var = nullptr) {
  FitConfig cfg = cfg_in;
  const double x = is_set(cfg.x0) ? cfg.x0 : (nx - 1) / 2.0;
  const double y = is_set(cfg.y0) ? cfg.y0 : (ny - 1) / 2.0;
  if (!(x >= 0 && x <= nx - 1 && y >= 0 && y <= ny - 1)) {
    g.status = kOffImage;
    g.message = "start centre (" + std::to_string(x) + ", " + std::to_string(y) +
                ") is outside the " + std::to_string(nx) + "x" + std::to_string(ny) + " image";
    return;
  }
  if (!any_valid(img.view())) {
    g.status = kNoData;
    g.message = "the image has no valid pixel (all NaN or masked)";
    return;
  }
  if (ox != 0 || oy != 0) {  // a box: its own coordinates
    cfg.x0 = x - ox;
    cfg.y0 = y - oy;
  }
  const ImageView vview = var != nullptr ? var->view() : ImageView{};
  FitResult r = fit_image(img.view(), cfg, var != nullptr ? &vview : nullptr);
  g.x_start = r.x_start + ox;
  g.y_start = r.y_start + oy;
  if (r.status != FitStatus::Ok) {
    g.status = kFitFailed;
    g.message = r.message;
    return;
  }
  g.rows = std::move(r.rows);
  if (ox != 0 || oy != 0)
    for (auto& row : g.rows) {
      row.x0 += ox;
      row.y0 += oy;
    }
}

// Runs `body` and turns every exception into the galaxy's status.
template <class Body>
GalaxyResult guarded(const CatalogRow& row, std::int64_t index, const FitConfig& base, Body body) {
  GalaxyResult g;
  g.index = index;
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [&](std::int32_t status, const std::string& message) {
    g.status = status;
    g.message = message;
    g.rows.clear();
  };
  try {
    if (!row.problem.empty()) {
      fail(row.problem.rfind("duplicate id", 0) == 0 ? kDuplicateId : kBadValue, row.problem);
    } else {
      const FitConfig cfg = row_config(base, row);
      validate(cfg);
      body(g, cfg, t0);
    }
  } catch (const io::IoError& e) {
    fail(kInputError, e.what());
  } catch (const std::invalid_argument& e) {
    fail(kBadValue, e.what());
  } catch (const std::bad_alloc&) {
    fail(kException, "out of memory");
  } catch (const std::exception& e) {
    fail(kException, e.what());
  } catch (...) {
    fail(kException, "unknown exception");
  }
  if (g.status != kOk) g.rows.clear();
  g.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

// The row's image plane with its mask (if any) applied.
Image read_masked_image(const CatalogRow& row, const io::PlaneRequest& req) {
  Image img = io::read_image(row.image, req);
  if (!row.mask.empty()) {
    const auto mask = io::read_mask(row.mask, img.nx(), img.ny());
    apply_mask(img, mask.data());
  }
  return img;
}

}  // namespace

GalaxyResult fit_galaxy(const CatalogRow& row, std::int64_t index, const FitConfig& base) {
  return guarded(row, index, base, [&](GalaxyResult& g, const FitConfig& cfg, auto t0) {
    io::PlaneRequest req;
    req.plane = row.plane;
    Image img = read_masked_image(row, req);
    Image var;
    if (!row.variance.empty()) {
      var = io::read_variance(row.variance, req, img.nx(), img.ny(), false);
      check_variance(img.view(), cfg, var.view());
    }
    g.read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fit_loaded(g, cfg, img, 0, 0, img.nx(), img.ny(), row.variance.empty() ? nullptr : &var);
  });
}

GalaxyResult fit_galaxy_forced(const CatalogRow& row, std::int64_t index, const FitConfig& base,
                               std::int32_t part, long part_rows) {
  GalaxyResult res = guarded(row, index, base, [&](GalaxyResult& g, const FitConfig& cfg, auto t0) {
    const io::TemplateTable t = io::read_template(row.templ);
    const long n = static_cast<long>(t.geometry.size());
    if (n == 0) throw io::IoError(row.templ + ": the template has no rows");
    g.parts = static_cast<std::int32_t>((n + part_rows - 1) / part_rows);
    io::PlaneRequest req;
    req.plane = row.plane;
    Image img = read_masked_image(row, req);
    if (t.nx > 0 && (t.nx != img.nx() || t.ny != img.ny()))
      throw io::IoError(row.templ + ": template of a " + std::to_string(t.nx) + "x" +
                        std::to_string(t.ny) + " image, but the image is " +
                        std::to_string(img.nx()) + "x" + std::to_string(img.ny()));
    g.read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long lo = std::min(n, part * part_rows), hi = std::min(n, lo + part_rows);
    const std::vector<ForcedGeometry> sub(t.geometry.begin() + lo, t.geometry.begin() + hi);
    Image var;
    if (!row.variance.empty())
      var = io::read_variance(row.variance, req, img.nx(), img.ny(), false);
    const ImageView vview = var.view();
    g.rows = fit_forced(img.view(), sub, cfg, row.variance.empty() ? nullptr : &vview);
  });
  res.part = part;
  return res;
}

GalaxyResult fit_galaxy_box(const CatalogRow& row, std::int64_t index, const FitConfig& base,
                            const Image& box, long ox, long oy, long nx, long ny) {
  return guarded(row, index, base, [&](GalaxyResult& g, const FitConfig& cfg, auto) {
    fit_loaded(g, cfg, box, ox, oy, nx, ny);
  });
}

bool galaxy_box(const CatalogRow& row, const FitConfig& base, long& x0, long& y0, long& x1,
                long& y1) {
  const double maxsma = std::isnan(row.maxsma) ? base.maxsma : row.maxsma;
  if (!(std::fabs(row.x) < 1e9 && std::fabs(row.y) < 1e9 && maxsma > 0 && maxsma < 1e9) ||
      !row.mask.empty() || !row.variance.empty() || !row.problem.empty())
    return false;
  const long r = static_cast<long>(std::ceil(1.3 * maxsma)) + 8;
  const long cx = std::lround(row.x), cy = std::lround(row.y);
  x0 = cx - r;
  y0 = cy - r;
  x1 = cx + r;
  y1 = cy + r;
  return true;
}

}  // namespace isoster::pipeline
