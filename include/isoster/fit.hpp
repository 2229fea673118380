// Public entry points of the fitting core. Pure computation on in-memory images: no I/O, no
// globals; safe to call concurrently from many threads on different (or the same, read-only)
// images.
#pragma once

#include <cmath>
#include <vector>

#include "isoster/config.hpp"
#include "isoster/image.hpp"
#include "isoster/isophote.hpp"

namespace isoster {

// Fits the whole profile of the galaxy in `image` (NaN pixels are bad) with `cfg`.
// Throws std::invalid_argument for an invalid configuration or a start outside the image;
// a galaxy that cannot be fitted returns a status other than FitStatus::Ok, with a message.
// With `variance` (same shape; pixels whose variance is not positive and finite are bad): weighted
// harmonic fits and exact errors (docs/algorithm.md, variance maps); bilinear or nearest
// integrator only. Without it the unweighted path, unchanged.
FitResult fit_image(const ImageView& image, const FitConfig& cfg,
                    const ImageView* variance = nullptr);

// Internal helpers shared by fit_image and fit_forced for variance maps.
Image masked_by_variance(const ImageView& image, const ImageView& var);
void check_variance(const ImageView& image, const FitConfig& cfg, const ImageView& var);
// The image a measurement samples: `image` itself without a variance map; with one, checked
// (check_variance) and masked (masked_by_variance) into `storage`, which must outlive the view.
ImageView weighted_image(const ImageView& image, const FitConfig& cfg, const ImageView* variance,
                         Image& storage);

// One fixed geometry for forced photometry: SMA (px), centre (0-based px), ellipticity, PA
// (degrees from +x).
struct ForcedGeometry {
  double sma = 0, x0 = 0, y0 = 0, eps = 0, pa = 0;
};

// Forced photometry: `image` measured on each geometry, independently (a row depends on its own
// geometry only, so any subset gives the same rows), in the given order. Same columns as a fit;
// geometry as given, geometry errors 0, NITER 0, A_BIG NaN; STOP 0 (measured), 1 (more than fflag
// of the samples flagged) or 3 (no harmonic fit possible). SMA 0: the central pixel (IRAF) or the
// bilinear value at the centre (photutils), as a fit's central row. Throws std::invalid_argument
// for an invalid configuration or geometry.
// With `variance`: the weighted mean intensity and its error 1 / sqrt(sum of weights).
// `threads` OpenMP threads share the rows (0: one per core); the rows do not depend on it. Inside
// another parallel region (a campaign's threads over galaxies) leave it at 1.
std::vector<Isophote> fit_forced(const ImageView& image, const std::vector<ForcedGeometry>& geoms,
                                 const FitConfig& cfg, const ImageView* variance = nullptr,
                                 int threads = 1);

// Harmonic deviations of any orders on the geometry of each row of a fit or forced table
// (`--harmonics 3,4,5,6`). Each row's ellipse is sampled again, as forced photometry does, and
// the orders are fitted as A3..B4 are: IRAF sequentially on the residuals of the first and second
// harmonics (3 and 4 first, then the others in ascending order), photutils independently, or all
// in one joint fit with simultaneous_harmonics (ISOFIT). Normalised by sma |GRAD| of the row, the
// errors with its GRAD_R_ERR. `orders`: 3 <= n <= 64, at most 8, ascending, no repeats (throws
// std::invalid_argument otherwise). Returns rows.size() x orders.size() x {A, A_ERR, B, B_ERR};
// NaN for the central row and rows without a gradient or with too few samples.
std::vector<double> measure_harmonics(const ImageView& image, const std::vector<Isophote>& rows,
                                      const std::vector<int>& orders, const FitConfig& cfg,
                                      const ImageView* variance = nullptr);

// The 2-D model of a profile on an nx x ny grid: each pixel lies between two fitted ellipses
// (found by its elliptical radius in each one's own geometry) and gets the intensity interpolated
// linearly between them; inside the innermost one it goes towards the central row's intensity;
// beyond the outermost it is 0. With `harmonics`, the A3..B4 deviations (times sma |grad|, the
// intensity amplitudes measured) are added at the pixel's eccentric anomaly in each ring's frame
// (spec 7.3). `threads` OpenMP threads
// share the image rows (0: one per core; negative: std::invalid_argument); the model does not
// depend on it.
Image build_model(const std::vector<Isophote>& rows, int nx, int ny, bool harmonics,
                  int threads = 1);

// Curve-of-growth summary of a profile: TFLUX_E is the flux inside each fitted ellipse. The total
// is TFLUX_E of the outermost row with a finite value; the half-light SMA is where TFLUX_E crosses
// half of it, linearly interpolated between rows (NaN when undefined: no fluxes, or a total <= 0).
struct GrowthSummary {
  double total_flux = NAN;
  double half_light_sma = NAN;
};
GrowthSummary growth_summary(const std::vector<Isophote>& rows);

// IRAF-style object locator (spec 5.1): best integer centre within +-5 px of (x, y) and its figure
// of merit. Returns false when no position beats `olthresh`.
bool locate_object(const ImageView& image, double x, double y, double step, double olthresh,
                   double& x_out, double& y_out, double& fom_out);

}  // namespace isoster
