// Internal: fitting one isophote at fixed SMA (spec section 3): the pass loop with its gradient,
// correction, convergence and stop codes, in IRAF or photutils flavour.
#pragma once

#include <cmath>
#include <vector>

#include "harmonics.hpp"
#include "isoster/config.hpp"
#include "isoster/fit.hpp"
#include "isoster/isophote.hpp"
#include "ring.hpp"

namespace isoster::detail {

// Gradient state carried from pass to pass and isophote to isophote (IRAF, spec 3.2 and 5.4).
struct GradState {
  double g_prev = 0;
  double rho_prev = 0;  // NaN = undefined; initialised to 0 at start-up
  bool valid = false;   // false until the first isophote finished, and after a code-3 failure
};

struct IsoRequest {
  double a = 0;
  int nmin = 10;
  bool noniterative = false;
  RingMode mode = RingMode::Bilinear;
  bool outward = true;  // photutils' per-pass gradient test only applies outwards
};

struct IsoResult {
  StopCode code = StopCode::Converged;
  bool valid = false;  // false: code 3, no row
  Geometry geom{};     // geometry reported in the row (the next isophote starts from it)
  double rho = NAN;    // relative gradient error of the reported pass
  Isophote row;
};

// The ring mode for an isophote at SMA a whose successor is at a_next (IRAF samples small
// isophotes of the area integrators bilinearly; photutils falls back on small first sectors).
RingMode ring_mode(const FitConfig& cfg, double a, double a_next, double eps);

// The ring mode of a forced row at SMA a: as a fit's isophote followed by the next SMA.
RingMode forced_ring_mode(const FitConfig& cfg, double a, double eps);

inline bool walk_based(RingMode m) { return m != RingMode::Mean && m != RingMode::Median; }

// IRAF samples the first gradient ring by nearest neighbour beyond 20 px once the gradient is
// known to 20 % (spec 3.2).
inline RingMode first_gradient_mode(double a, const GradState& gs, RingMode mode) {
  const bool nn = a > 20 && std::isfinite(gs.rho_prev) && gs.rho_prev <= 0.2;
  return nn ? RingMode::NearestGrad : mode;
}

class IsophoteFitter {
 public:
  IsophoteFitter(const ImageView& img, const FitConfig& cfg);
  IsoResult fit(const IsoRequest& req, const Geometry& start, GradState& gs);
  // Forced photometry: one measurement at a fixed geometry, independent of any other (a fresh
  // gradient state). NITER 0, geometry errors 0; STOP 0 (measured), 1 (more than fflag of the
  // samples flagged) or 3 (no harmonic fit possible: INTENS may still be defined).
  // The geometry as given (PA in degrees from +x); the ring mode follows from the SMA step.
  Isophote measure_forced(double a, double x0, double y0, double eps, double pa_deg);
  // The walks the next measure_forced samples its main and first gradient rings along, built
  // beforehand (ForcedWalks); null: built as usual. They must outlive their use, until
  // return_walks().
  void lend_walks(Walk* main, Walk* gradient);
  void return_walks();
  // Makes the ring buffers large enough for SMAs up to `a` at once (forced rows of growing SMA
  // would otherwise grow them several times).
  void reserve(double a) { sampler_.reserve(a); }
  // Harmonics of any orders (each >= 3, ascending) on the samples of the last measure_forced:
  // IRAF sequential on the residuals (3 and 4 subtracted first), photutils independent, or one
  // joint fit with --simultaneous-harmonics. Normalised as A3..B4 by a |grad|, errors with the
  // relative gradient error rho (the row's GRAD_R_ERR; NaN counts 0.8). out: per order A, A_ERR, B,
  // B_ERR.
  void harmonics_of_last(double a, double grad, double rho, const int* orders, int n_orders,
                         double* out);
  long samples() const { return sampler_.samples_taken(); }
  // Weighted fits with this variance map (RingSampler::set_variance); null: none.
  void set_variance(const ImageView* var);

 private:
  struct Pass;
  IsoResult fit_iraf(const IsoRequest& req, const Geometry& start, GradState& gs);
  IsoResult fit_photutils(const IsoRequest& req, const Geometry& start);
  void gradient_iraf(Pass& p, const IsoRequest& req, GradState& gs);
  void gradient_photutils(Pass& p, const IsoRequest& req, bool& stored);
  void measure(Pass& p, double a, RingMode mode, long id);
  int choose(const FirstSecond& f) const;
  void correct(Geometry& g, int k, double amp, double grad, double a) const;
  IsoResult finish(const Pass& p, double a, StopCode code, int niter, bool no_geom_errors,
                   bool no_abig);
  void fill_row(const Pass& p, double a, StopCode code, int niter, Isophote& row,
                const RingSums* sums = nullptr);
  // A3..B4 of the main ring last sampled, into a row whose GRAD and GRAD_R_ERR are already filled
  // (the errors take GRAD_R_ERR); `sums`: its ring_sums to order 4, if already made.
  void higher_harmonics(const Pass& p, double a, Isophote& row, const RingSums* sums = nullptr);

  ImageView img_;
  const FitConfig& cfg_;
  bool iraf_;
  RingSampler sampler_;
  RingSums sums_;        // of the main ring, for the final harmonic fits
  FirstSecond last_fs_;  // measure_forced's first/second fit, for harmonics_of_last
};

// The SMA = 0 row at (x0, y0): the nearest pixel (IRAF) or the bilinear value (photutils), every
// ellipse quantity NaN and the integer counts null; callers set GRAD, NITER and STOP.
Isophote central_isophote(const ImageView& img, double x0, double y0, Compat compat);

}  // namespace isoster::detail
