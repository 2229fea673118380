// Public entry points of the fitting core. Pure computation on in-memory images: no I/O, no
// globals; safe to call concurrently from many threads on different (or the same, read-only)
// images.
#pragma once

#include "isoster/config.hpp"
#include "isoster/image.hpp"
#include "isoster/isophote.hpp"

namespace isoster {

// Fits the whole profile of the galaxy in `image` (NaN pixels are bad) with `cfg`.
// Throws std::invalid_argument for an invalid configuration or a start outside the image;
// a galaxy that cannot be fitted returns status != 0 with a message.
FitResult fit_image(const ImageView& image, const FitConfig& cfg);

// IRAF-style object locator (spec 5.1): best integer centre within +-5 px of (x, y) and its figure
// of merit. Returns false when no position beats `olthresh`.
bool locate_object(const ImageView& image, double x, double y, double step, double olthresh,
                   double& x_out, double& y_out, double& fom_out);

}  // namespace isoster
