// Synthetic Sérsic galaxies with known truth: the mock cutouts of `isoster mock` and the
// physical-truth tests. Pure computation on in-memory images.
#pragma once

#include "isoster/image.hpp"

namespace isoster {

struct SersicSpec {
  int nx = 256, ny = 256;
  double x0 = 128, y0 = 128;  // true centre (0-based)
  double n = 4, re = 20, ie = 100, sky = 0;
  double eps = 0.2, pa_deg = 30;  // PA from +x
  double b4 = 0;                  // isophote shape r(phi) = a (1 + b4 cos 4 phi) to first order
  double bn = 0;                  // another shape term: r(phi) = a (1 + bn cos(bn_order phi))
  int bn_order = 6;
  int oversample = 1;           // os x os sub-pixels per pixel, centred so that x0 stays exact
  double noise = 0;             // Gaussian sigma
  unsigned long long seed = 1;  // noise seed: the same spec always renders the same pixels
};

// bn with gamma(2n, bn) = Gamma(2n)/2 (Ciotti & Bertin 1999 expansion).
double sersic_bn(double n);
// Noise-free model intensity at elliptical radius R.
double sersic_intensity(const SersicSpec& s, double R);
// Renders the galaxy; a singular central pixel is replaced by the mean of its four neighbours.
Image make_sersic(const SersicSpec& s);

}  // namespace isoster
