// Fit configuration. Every field is described once, in the parameter table
// (isoster/parameters.hpp): its option and INI key, default, help, FITS keyword and valid range.
// Member names are the keys with '-' written '_' (key "grad-ref0": member grad_ref0). Angles are
// degrees counter-clockwise from +x, positions 0-based pixels. NaN means "unset" for optional
// values.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "isoster/modes.hpp"

namespace isoster {

constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();
inline bool is_set(double v) { return !std::isnan(v); }

struct FitConfig {
  Compat compat = Compat::Iraf;
  double x0 = kUnset, y0 = kUnset;  // start centre; unset: image centre, then the object locator
  double sma0 = 10.0;
  double eps = 0.2;     // start ellipticity
  double pa = kUnset;   // start PA; unset: 110 (iraf: IRAF's 20 deg from +y) or 90 (photutils)
  double minsma = 0.0;  // < 0.5 also emits the central row
  double maxsma = kUnset;
  double step = 0.1;
  bool linear_step = false;
  Integrator integrator = Integrator::Bilinear;
  double usclip = 3.0, lsclip = 3.0;  // photutils mode uses usclip symmetrically
  int nclip = 0;
  double fflag = kUnset;  // largest allowed flagged fraction; unset: 0.5 (iraf) or 0.3 (photutils)
  double maxgerr = 0.5;
  double conver = 0.05;
  int minit = 10;
  int maxit = 50;
  double maxrit = kUnset;
  double wander = kUnset;  // iraf only
  bool soft = false;       // iraf only
  bool fix_center = false, fix_pa = false, fix_eps = false;
  double olthresh = 1.0;     // object locator threshold; <= 0 disables it (always off: photutils)
  bool recenter = true;      // move the start centre to the locator's position
  bool keep_center = false;  // keep the given centre when the locator finds no object
  double grad_ref0 = -0.05;
  bool fluxes = true;  // TFLUX/NPIX columns (NaN/null when off)
  // ISOFIT: the 3rd and 4th harmonics fitted together with the first two at every pass.
  bool simultaneous_harmonics = false;
  // Eccentric: points uniform in psi, harmonics fitted against psi; bilinear or nearest
  // integrator only. Not IRAF-comparable.
  Sampling sampling = Sampling::Polar;
  // Forced photometry only: measure the gradient ring (spec 7.1). Off: GRAD, its errors and the
  // harmonic amplitudes (normalised by the gradient) are NaN, and each row samples about half as
  // many points; intensities, their errors, counts and fluxes are unchanged.
  bool forced_gradient = true;

  // Resolved values of the mode-dependent defaults.
  double pa_deg() const { return is_set(pa) ? pa : (compat == Compat::Iraf ? 110.0 : 90.0); }
  double fflag_value() const {
    return is_set(fflag) ? fflag : (compat == Compat::Iraf ? 0.5 : 0.3);
  }
};

// Throws std::invalid_argument with a one-line message naming the first bad parameter.
void validate(const FitConfig& cfg);

// The names the parameter table gives the values ("iraf", "bilinear", "eccentric").
const char* to_string(Compat c);
const char* to_string(Integrator i);
const char* to_string(Sampling s);

// Every parameter, resolved (mode-dependent defaults filled in), one "key = value" line each with
// full precision: for provenance and for the checksum that --resume compares.
std::string to_text(const FitConfig& cfg);

}  // namespace isoster
