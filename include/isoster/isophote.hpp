// One row of the isophote table (docs/output-format.md). Floats are NaN when undefined; integer
// columns use kNullInt (IRAF's TNULL) on the central row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace isoster {

constexpr std::int32_t kNullInt = -2147483647;

struct Isophote {
  double sma = 0, intens = 0, int_err = 0, pix_var = 0, rms = 0;
  double ellip = 0, ellip_err = 0, pa = 0, pa_err = 0;  // pa: degrees from +x in [0, 180)
  double x0 = 0, x0_err = 0, y0 = 0, y0_err = 0;
  double grad = 0, grad_err = 0, grad_r_err = 0;
  double tflux_e = 0, tflux_c = 0;
  std::int32_t npix_e = 0, npix_c = 0;
  double a3 = 0, a3_err = 0, b3 = 0, b3_err = 0, a4 = 0, a4_err = 0, b4 = 0, b4_err = 0;
  std::int32_t ndata = 0, nflag = 0, niter = 0, stop = 0;
  double a_big = 0, sarea = 0;
};

// Outcome of a whole-image fit. status 0: rows hold the profile (ascending SMA); otherwise
// `message` says why there is none (e.g. no object found, first isophote impossible).
struct FitResult {
  int status = 0;
  std::string message;
  double x_start = 0, y_start = 0;  // centre the fit started from (after the locator)
  bool located = false;             // the object locator moved the start centre
  long samples = 0;                 // pixel samples interpolated (main and gradient rings)
  std::vector<Isophote> rows;
};

}  // namespace isoster
