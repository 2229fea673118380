// One row of the isophote table (docs/output-format.md). Floats are NaN when undefined; integer
// columns use kNullInt (IRAF's TNULL) on the central row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace isoster {

constexpr std::int32_t kNullInt = -2147483647;

// The STOP column (spec 3.8). The central row holds kNullInt instead (IRAF's null).
enum class StopCode : std::int32_t {
  Converged = 0,       // converged after at least minit passes; also: every parameter held
  TooManyFlagged = 1,  // more than fflag of the samples flagged; the best pass is reported
  MaxIterations = 2,   // maxit passes without convergence; the best pass is reported
  NoFit = 3,           // no harmonic fit possible: no row (forced photometry: a row with STOP 3)
  NonIterative = 4,  // not iterated: beyond maxrit, divergence, wander, maxsma after a bad gradient
  Replaced = 5,      // photutils: a failed isophote re-extracted on the previous geometry
  Failed = -1,       // photutils, inside a fit only: a gradient or geometry failure (becomes 5)
};
constexpr std::int32_t stop_value(StopCode c) { return static_cast<std::int32_t>(c); }

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

// Whether a whole-image fit produced a profile.
enum class FitStatus {
  Ok = 0,
  NoValidPixel,         // every pixel is NaN or masked
  NoObjectFound,        // the object locator found nothing near the start centre (spec 5.1)
  FirstIsophoteFailed,  // the first isophote has no valid fit (spec 5.3, 5.6)
};
const char* to_string(FitStatus s);

// Outcome of a whole-image fit. Ok: rows hold the profile (ascending SMA); otherwise `message`
// says why there is none.
struct FitResult {
  FitStatus status = FitStatus::Ok;
  std::string message;
  double x_start = 0, y_start = 0;  // centre the fit started from (after the locator)
  bool located = false;             // the object locator moved the start centre
  long samples = 0;                 // pixel samples interpolated (main and gradient rings)
  std::vector<Isophote> rows;
};

}  // namespace isoster
