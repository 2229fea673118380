// Internal: sampling one ellipse ("ring") of the image. A ring is sampled either along a cached
// walk (bilinear and nearest modes; the walk depends on (a, eps) only) or by elliptical-annulus
// sectors (mean and median modes). The result is an SoA buffer of sample values (NaN = flagged) and
// the cos/sin of each sample's polar angle for the harmonic fits.
#pragma once

#include <cmath>
#include <vector>

#include "buffer.hpp"
#include "isoster/config.hpp"
#include "isoster/image.hpp"

namespace isoster::detail {

struct Geometry {
  double x0, y0, eps, theta;  // theta: radians from +x
};

// Which points the walk visits: compat decides the annulus, the first radius and the end test.
struct WalkKey {
  double a = -1, eps = -1, dstep = 0;
  Compat compat = Compat::Iraf;
  Sampling sampling = Sampling::Polar;  // eccentric: uniform in eccentric anomaly (spec 1.4)
  bool operator==(const WalkKey& o) const {
    return a == o.a && eps == o.eps && dstep == o.dstep && compat == o.compat &&
           sampling == o.sampling;
  }
};

// Cached walk: r cos(phi), r sin(phi) and the harmonic basis cos/sin(phi), cos/sin(2 phi) per
// point, plus the no-flag normal matrix of the 4-term basis (sin phi, cos phi, sin 2phi, cos 2phi)
// and its column sums.
struct Walk {
  WalkKey key;
  int n = 0;
  Buffer rc, rs, c1, s1, c2, s2;
  double m4[16] = {};
  double sumb[4] = {};
  bool basis_ready = false;
  // Sensitivity of an exactly built IRAF walk to the ellipticity: jac[k] = d phi_k / d eps, and the
  // angle and sensitivity of the last point and of the first point past the end (point count).
  Buffer jac;
  double phi_last = 0, jac_last = 0, phi_next = 0, jac_next = 0;
  bool perturbable = false;  // exact IRAF walk whose steps all stay clear of the 0.5 rad cap
  // Fills c2, s2, m4 and sumb: only rings that are fitted need them (not the gradient rings).
  void ensure_basis();
};

// Normal matrix of the 4-term basis (sin, cos, sin 2, cos 2) and its column sums over n points;
// with `val`, only the points whose value is finite count.
void normal_matrix4(const double* s1, const double* c1, const double* s2, const double* c2,
                    const double* val, int n, double* m4, double* sumb);

// Builds the walks for keys k[0..count-1] (count <= 2) in one interleaved loop: each walk is a
// sequential chain of dependent steps, so two chains side by side take about the time of one.
void build_walks(Walk* const* w, const WalkKey* k, int count, double step, bool linear);

// Builds up to kMaxBatchWalks walks of independent rings (forced photometry) a dozen at a time in
// SIMD lanes. Each walk's points are bitwise those build_walks gives it; the walks are not
// perturbable (no ellipticity sensitivity is kept).
constexpr int kMaxBatchWalks = 64;
// Spare points a batch-built walk's buffers need past max_points (written, never read).
constexpr int kBatchSlack = 16;
void build_walks_batch(Walk* const* w, const WalkKey* k, int count, double step, bool linear);

// Largest ellipticity change served by perturbing an exact walk instead of rebuilding it: the
// first-order update errs by ~(d eps)^2 rad, below 1e-9 rad (3e-7 px at a = 300).
constexpr double kMaxWalkPerturbation = 1e-5;

// The walk of `base` (built exactly) for ellipticity `eps`, to first order in eps - base eps:
// phi_k + (eps - base eps) jac_k. Fails (returns false) when the change is too large, the base is
// not perturbable or the point count would change; the caller then builds the walk exactly.
bool perturb_walk(const Walk& base, double eps, Walk& out);

// Bounding radii of the annulus around `a` (spec 1.1).
void annulus(double a, double step, bool linear, Compat compat, double& a1, double& a2);

// Largest number of points a walk or sector sweep can emit at SMA `a` (buffer sizing).
int max_points(double a);

// NearestGrad: IRAF's nearest-neighbour gradient ring, which steps 2/r (spec 3.2).
enum class RingMode { Bilinear, Nearest, NearestGrad, Mean, Median };

// Key of the walk a walk-based ring of this mode follows.
inline WalkKey walk_key(double a, double eps, RingMode m, Compat compat,
                        Sampling sampling = Sampling::Polar) {
  return WalkKey{a, eps, m == RingMode::NearestGrad ? 2.0 : 1.0, compat, sampling};
}

// Samples of one ring, in workspace-owned buffers.
struct Ring {
  int npoint = 0;
  int ndata = 0;
  double mean = 0, sd = 0;  // sd: std1 (iraf) or std0 (photutils); NaN if undefined
  double sarea = 0;
  const double* c1 = nullptr;  // cos/sin of each sample's polar angle
  const double* s1 = nullptr;
  const double* c2 = nullptr;  // cos/sin of twice the angle (null when not computed)
  const double* s2 = nullptr;
  const Walk* walk = nullptr;  // the cached walk, for bilinear/nearest rings
  double* val = nullptr;       // sample values, NaN when flagged
  // With a variance map: each sample's variance (valid where val is) and their sum over the
  // valid samples; null and 0 otherwise.
  const double* var = nullptr;
  double sumvar = 0;
};

// How a sampler measures rings. The defaults are IRAF's, without clipping.
struct SamplerSettings {
  Compat compat = Compat::Iraf;
  double step = 0.1;  // growth step: sets the annulus and the first angle
  bool linear = false;
  double usclip = 3, lsclip = 3;
  int nclip = 0;
  Sampling sampling = Sampling::Polar;  // eccentric: uniform in psi, harmonics in it (spec 1.4)

  // The settings of a fit with `cfg`.
  static SamplerSettings of(const FitConfig& cfg) {
    SamplerSettings s;
    s.compat = cfg.compat;
    s.step = cfg.step;
    s.linear = cfg.linear_step;
    s.usclip = cfg.usclip;
    s.lsclip = cfg.lsclip;
    s.nclip = cfg.nclip;
    s.sampling = cfg.sampling;
    return s;
  }
};

// What one sampling of a ring does besides measuring it.
struct SampleOptions {
  bool clip = true;   // sigma-clip the samples (with the settings' nclip)
  bool basis = true;  // complete the walk's basis (c2, s2, normal matrix) for the fits
};

// Owns the buffers for rings of one thread; reused across isophotes, passes and galaxies.
class RingSampler {
 public:
  RingSampler(const ImageView& img, const SamplerSettings& s)
      : img_(img), s_(s), iraf_(s.compat == Compat::Iraf) {}
  // Makes every buffer large enough for rings up to SMA `a` (call outside the pass loop).
  void reserve(double a);
  // Builds, together, the walks slots 0 and 1 will need for keys k0 and k1 if not cached.
  void prepare(const WalkKey& k0, const WalkKey& k1);
  // Makes `w`, already built for its key, the walk of slot `slot` until the slot needs another
  // one. `w` must outlive that use; the sampler may complete its basis (Walk::ensure_basis).
  void adopt(int slot, Walk& w);
  // Forgets every adopted walk (before their storage goes away).
  void drop_adopted();
  // Samples slot `slot` (0: main ring, 1, 2: gradient rings) and computes its clipped statistics.
  // basis: the main ring's walk completes its basis (c2, s2, normal matrix), which the fits of the
  // iteration and the weighted and joint fits use; without it (and without a variance map) the
  // ring's c2 and s2 are null: only fits from its ring_sums are possible.
  Ring sample(int slot, double a, const Geometry& g, RingMode mode, SampleOptions opt = {});
  // The last ring sampled into `slot`.
  const Ring& last(int slot) const { return last_ring_[slot]; }
  long samples_taken() const { return samples_; }
  // A variance map of the image's shape whose bad pixels are already NaN in the image (walk-based
  // rings only); null: none. It must outlive its use.
  void set_variance(const ImageView* var) { var_img_ = var; }
  bool has_variance() const { return var_img_ != nullptr; }

 private:
  void sample_sectors(int slot, double a, const Geometry& g, bool median, Ring& r);
  double sector_value(const Geometry& g, double q, double a1, double a2, double phi, double phi1,
                      double phi2, bool median, double& area, bool& fell_back);
  void statistics(Ring& r, bool clip) const;

  ImageView img_;
  SamplerSettings s_;
  bool iraf_;                                    // s_.compat == Compat::Iraf
  Walk* walk_for(int slot, const WalkKey& key);  // cached, perturbed or built exactly

  Walk base_[3];  // exactly built walks
  Walk pert_[3];  // walks perturbed from base_ for a slightly different ellipticity
  Walk* active_[3] = {nullptr, nullptr, nullptr};
  Ring last_ring_[3];
  Buffer val_[3], c1_[3], s1_[3], c2_[3], s2_[3], var_[3];
  const ImageView* var_img_ = nullptr;
  std::vector<float> scratch_;
  int capacity_ = 0;
  long samples_ = 0;
  double theta_ = NAN, cos_theta_ = NAN, sin_theta_ = NAN;  // last position angle sampled
};

}  // namespace isoster::detail
