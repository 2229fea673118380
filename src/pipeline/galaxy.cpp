#include "pipeline/galaxy.hpp"

#include <chrono>
#include <cmath>
#include <new>
#include <stdexcept>

#include "io/fits_image.hpp"
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
  if (!std::isnan(row.eps)) c.eps0 = row.eps;
  if (!std::isnan(row.pa)) c.pa0 = row.pa;
  if (!std::isnan(row.maxsma)) c.maxsma = row.maxsma;
  return c;
}

GalaxyResult fit_galaxy(const CatalogRow& row, std::int64_t index, const FitConfig& base) {
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
      try {
        validate(cfg);
      } catch (const std::invalid_argument& e) {
        fail(kBadValue, e.what());
      }
      if (g.status == kOk) {
        io::PlaneRequest req;
        req.plane = row.plane;
        Image img = io::read_image(row.image, req);
        if (!row.mask.empty()) {
          const auto mask = io::read_mask(row.mask, img.nx(), img.ny());
          apply_mask(img, mask.data());
        }
        g.read_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double x = is_set(cfg.x0) ? cfg.x0 : (img.nx() - 1) / 2.0;
        const double y = is_set(cfg.y0) ? cfg.y0 : (img.ny() - 1) / 2.0;
        if (!(x >= 0 && x <= img.nx() - 1 && y >= 0 && y <= img.ny() - 1)) {
          fail(kOffImage, "start centre (" + std::to_string(x) + ", " + std::to_string(y) +
                              ") is outside the " + std::to_string(img.nx()) + "x" +
                              std::to_string(img.ny()) + " image");
        } else if (!any_valid(img.view())) {
          fail(kNoData, "the image has no valid pixel (all NaN or masked)");
        } else {
          FitResult r = fit_image(img.view(), cfg);
          g.x_start = r.x_start;
          g.y_start = r.y_start;
          if (r.status != 0)
            fail(kFitFailed, r.message);
          else
            g.rows = std::move(r.rows);
        }
      }
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
  g.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

}  // namespace isoster::pipeline
