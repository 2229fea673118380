// The image driver (spec section 5): start centre and object locator, the SMA sequence outward then
// inward with IRAF's (or photutils') stopping rules, fluxes per written row, the central row.
#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "fluxes.hpp"
#include "isophote_fitter.hpp"
#include "isoster/fit.hpp"
#include "isoster/kernels.hpp"

namespace isoster {

namespace detail {

RingMode ring_mode(const FitConfig& cfg_, double a, double a_next, double eps) {
  switch (cfg_.integrator) {
    case Integrator::Nearest:
      return RingMode::Nearest;
    case Integrator::Bilinear:
      return RingMode::Bilinear;
    case Integrator::Mean:
    case Integrator::Median:
      break;
  }
  const RingMode area = cfg_.integrator == Integrator::Mean ? RingMode::Mean : RingMode::Median;
  if (cfg_.compat == Compat::Iraf) return std::fabs(a_next - a) < 2 ? RingMode::Bilinear : area;
  // photutils: whole-isophote fallback when the first sector is smaller than 1 px^2.
  double a1, a2;
  detail::annulus(a, cfg_.step, cfg_.linear_step, Compat::Photutils, a1, a2);
  const double q = 1 - eps;
  const double w0 = std::clamp(std::min(a2 - a1, 3.0) / a, 0.05, 0.2);
  const double psi = std::atan2(std::sin(w0), q * std::cos(w0));
  const double first = 0.5 * q * (a2 * a2 - a1 * a1) * psi;
  return first < 1.0 ? RingMode::Bilinear : area;
}

}  // namespace detail

using detail::Geometry;
using detail::GradState;
using detail::IsophoteFitter;
using detail::IsoRequest;
using detail::IsoResult;
using detail::RingMode;

const char* to_string(FitStatus s) {
  switch (s) {
    case FitStatus::Ok:
      return "ok";
    case FitStatus::NoValidPixel:
      return "no valid pixel";
    case FitStatus::NoObjectFound:
      return "no object found";
    case FitStatus::FirstIsophoteFailed:
      return "first isophote failed";
  }
  return "unknown";
}

bool locate_object(const ImageView& image, double x, double y, double step, double olthresh,
                   double& x_out, double& y_out, double& fom_out) {
  detail::SamplerSettings settings;  // IRAF's circular walks, unclipped
  settings.step = step;
  detail::RingSampler sampler(image, settings);
  sampler.reserve(8.0);
  const int fx = static_cast<int>(std::floor(x)), fy = static_cast<int>(std::floor(y));
  double best = 0;
  int bi = -1, bj = -1;
  for (int j = std::max(0, fy - 5); j <= std::min(image.ny - 1, fy + 5); ++j) {
    for (int i = std::max(0, fx - 5); i <= std::min(image.nx - 1, fx + 5); ++i) {
      const Geometry g{static_cast<double>(i), static_cast<double>(j), 0.0, 0.0};
      detail::SampleOptions unclipped;
      unclipped.clip = false;
      const detail::Ring r4 = sampler.sample(0, 4.0, g, RingMode::Bilinear, unclipped);
      const double m4 = r4.mean, s4 = r4.sd;
      const detail::Ring r8 = sampler.sample(1, 8.0, g, RingMode::Bilinear, unclipped);
      const double den = std::sqrt(s4 * s4 + r8.sd * r8.sd);
      if (!(den > 0)) continue;
      const double fom = (m4 - r8.mean) / den;
      if (fom > best) {
        best = fom;
        bi = i;
        bj = j;
      }
    }
  }
  fom_out = best;
  if (bi < 0 || !(best > olthresh)) return false;
  x_out = bi;
  y_out = bj;
  return true;
}

namespace {

class Driver {
 public:
  Driver(const ImageView& img, const FitConfig& cfg)
      : img_(img), cfg_(cfg), iraf_(cfg.compat == Compat::Iraf), fitter_(img, cfg) {}

  void run(FitResult& out, Geometry start);
  void set_variance(const ImageView* var) { fitter_.set_variance(var); }

 private:
  double grow(double a) const { return cfg_.linear_step ? a + cfg_.step : a * (1 + cfg_.step); }
  double shrink(double a) const { return cfg_.linear_step ? a - cfg_.step : a / (1 + cfg_.step); }
  RingMode mode_for(double a, double a_next, double eps) const {
    return detail::ring_mode(cfg_, a, a_next, eps);
  }
  void emit(FitResult& out, const IsoResult& r);
  void run_iraf(FitResult& out, Geometry start);
  void run_photutils(FitResult& out, Geometry start);
  void central_row(FitResult& out);

  ImageView img_;
  const FitConfig& cfg_;
  bool iraf_;
  IsophoteFitter fitter_;
  std::unique_ptr<detail::FluxIntegrator> flux_;
};

void Driver::emit(FitResult& out, const IsoResult& r) {
  Isophote row = r.row;
  if (cfg_.fluxes) {
    if (!flux_) flux_ = std::make_unique<detail::FluxIntegrator>(img_);
    flux_->fill(row, row.sma, r.geom.x0, r.geom.y0, r.geom.eps, r.geom.theta, cfg_.compat);
  }
  out.rows.push_back(row);
}

void Driver::run(FitResult& out, Geometry start) {
  if (iraf_)
    run_iraf(out, start);
  else
    run_photutils(out, start);
  if (out.status == FitStatus::Ok) {
    if (cfg_.minsma < 0.5 && !out.rows.empty()) central_row(out);
    std::stable_sort(out.rows.begin(), out.rows.end(),
                     [](const Isophote& a, const Isophote& b) { return a.sma < b.sma; });
  }
  out.samples = fitter_.samples();
}

void Driver::run_iraf(FitResult& out, Geometry geom) {
  double a = cfg_.sma0;
  bool outward = true, first = true, lexceed = true;
  StopCode code = StopCode::Converged;
  GradState gs;
  Geometry g1 = geom;
  double a0 = a;
  const double amin = std::max(cfg_.minsma, 0.5);
  const double hard_max = 4.0 * std::max(img_.nx, img_.ny);  // far past any image: all flagged
  while (a >= amin) {
    if (code != StopCode::NonIterative) code = StopCode::Converged;
    const double a_next = outward ? grow(a) : shrink(a);
    IsoRequest req;
    req.a = a;
    req.nmin = first ? std::max(8, 2 * cfg_.minit) : cfg_.minit;
    req.noniterative = code == StopCode::NonIterative;
    req.mode = mode_for(a, a_next, geom.eps);
    req.outward = outward;
    const IsoResult r = fitter_.fit(req, geom, gs);
    if (first && !r.valid) {
      out.status = FitStatus::FirstIsophoteFailed;
      std::ostringstream m;
      m << "no meaningful fit: the first isophote (sma0 = " << a << ") has no valid harmonic fit";
      out.message = m.str();
      return;
    }
    if (r.valid) {
      geom = r.geom;
      code = r.code;
      emit(out, r);
    } else {
      code = StopCode::NoFit;
    }
    if (first) {
      g1 = geom;
      a0 = a;
    }
    a = a_next;
    bool turn = code == StopCode::TooManyFlagged;
    const bool bad = !r.valid || !std::isfinite(r.rho) || r.rho > cfg_.maxgerr;
    if (outward && !turn) {
      if (!is_set(cfg_.maxsma)) {
        if (!first && bad && (!cfg_.soft || lexceed)) turn = true;
      } else {
        if (!first && bad && (!cfg_.soft || lexceed)) code = StopCode::NonIterative;
        if (a > cfg_.maxsma) turn = true;
      }
      if (a > hard_max) turn = true;
    }
    if (outward) lexceed = bad;
    if (turn && outward) {
      outward = false;
      code = StopCode::Converged;
      a = shrink(a0);
      geom = g1;
    }
    first = false;
  }
}

void Driver::run_photutils(FitResult& out, Geometry geom) {
  GradState unused;
  const double a0 = cfg_.sma0;
  IsoRequest req;
  req.a = a0;
  req.nmin = 2 * cfg_.minit;
  req.mode = mode_for(a0, grow(a0), geom.eps);
  IsoResult r = fitter_.fit(req, geom, unused);
  if (!r.valid || r.code == StopCode::Failed || r.code == StopCode::TooManyFlagged) {
    out.status = FitStatus::FirstIsophoteFailed;
    out.message = "no meaningful fit was possible at sma0 (photutils mode)";
    return;
  }
  const Geometry g1 = r.geom;
  emit(out, r);
  std::vector<StopCode> codes{r.code};
  Geometry last = g1;
  bool noiter = false;
  double a = a0;
  const double hard_max = 4.0 * std::max(img_.nx, img_.ny);
  for (;;) {
    a = grow(a);
    if ((is_set(cfg_.maxsma) && a >= cfg_.maxsma) || a > hard_max) break;
    req = IsoRequest{};
    req.a = a;
    req.nmin = cfg_.minit;
    req.noniterative = noiter || (is_set(cfg_.maxrit) && a > cfg_.maxrit);
    req.mode = mode_for(a, grow(a), last.eps);
    r = fitter_.fit(req, last, unused);
    if (r.valid && (r.code == StopCode::Failed || r.code == StopCode::TooManyFlagged)) {
      // Replace the geometry by the previous isophote's and extract without iterating.
      const StopCode c = r.code;
      req.noniterative = true;
      r = fitter_.fit(req, last, unused);
      if (r.valid) {
        r.code = c == StopCode::Failed ? StopCode::Replaced : c;
        r.row.stop = stop_value(r.code);
        r.row.niter = 0;
      }
    }
    if (!r.valid) continue;  // code 3: not stored, go on growing
    emit(out, r);
    codes.push_back(r.code);
    last = r.geom;
    const std::size_t n = codes.size();
    if (n > 2 && ((codes[n - 1] == StopCode::Replaced && codes[n - 2] == StopCode::Replaced) ||
                  codes[n - 1] == StopCode::TooManyFlagged)) {
      if (is_set(cfg_.maxsma) && cfg_.maxsma > a)
        noiter = true;
      else
        break;
    }
  }
  last = g1;
  a = a0;
  for (;;) {
    a = shrink(a);
    if (a <= std::max(cfg_.minsma, 0.5)) break;
    req = IsoRequest{};
    req.a = a;
    req.nmin = cfg_.minit;
    req.noniterative = is_set(cfg_.maxrit) && a > cfg_.maxrit;
    req.mode = mode_for(a, shrink(a), last.eps);
    req.outward = false;
    r = fitter_.fit(req, last, unused);
    if (!r.valid) break;  // code 3 ends the inward pass
    if (r.code == StopCode::Failed) {
      req.noniterative = true;
      r = fitter_.fit(req, g1, unused);
      if (!r.valid) break;
      r.code = StopCode::Replaced;
      r.row.stop = stop_value(r.code);
      r.row.niter = 0;
    }
    emit(out, r);
    last = r.geom;
  }
}

void Driver::central_row(FitResult& out) {
  if (iraf_) {
    const Isophote in =
        *std::min_element(out.rows.begin(), out.rows.end(),
                          [](const Isophote& a, const Isophote& b) { return a.sma < b.sma; });
    Isophote c = detail::central_isophote(img_, in.x0, in.y0, Compat::Iraf);
    c.grad = (in.intens - c.intens) / in.sma;
    c.niter = c.stop = kNullInt;
    out.rows.push_back(c);
    return;
  }
  // photutils: bilinear value at the centre of the last stored isophote, zero gradient and errors.
  const Isophote& last = out.rows.back();
  Isophote c = detail::central_isophote(img_, last.x0, last.y0, Compat::Photutils);
  c.grad = 0;
  c.ellip = c.pa = 0;
  c.int_err = c.pix_var = c.rms = c.ellip_err = c.pa_err = c.x0_err = c.y0_err = 0;
  c.niter = 0;
  c.stop = stop_value(StopCode::Converged);
  out.rows.push_back(c);
}

}  // namespace

namespace {

FitResult fit_impl(const ImageView& image, const FitConfig& cfg, const ImageView* variance);

}  // namespace

// A variance map: its bad pixels (not positive and finite) become bad pixels of the image, so that
// every valid sample has valid variances under it (spec 7.6).
Image masked_by_variance(const ImageView& image, const ImageView& var) {
  Image copy(image.nx, image.ny);
  const std::size_t n = static_cast<std::size_t>(image.nx) * image.ny;
  for (std::size_t k = 0; k < n; ++k) {
    const float v = var.data[k];
    copy.data()[k] = (v > 0 && std::isfinite(v)) ? image.data[k] : NAN;
  }
  return copy;
}

void check_variance(const ImageView& image, const FitConfig& cfg, const ImageView& var) {
  if (var.nx != image.nx || var.ny != image.ny)
    throw std::invalid_argument("the variance map (" + std::to_string(var.nx) + "x" +
                                std::to_string(var.ny) + ") has another shape than the image (" +
                                std::to_string(image.nx) + "x" + std::to_string(image.ny) + ")");
  if (cfg.integrator == Integrator::Mean || cfg.integrator == Integrator::Median)
    throw std::invalid_argument(
        "a variance map needs the bilinear or nearest integrator (weighted sector means are not "
        "defined)");
}

ImageView weighted_image(const ImageView& image, const FitConfig& cfg, const ImageView* variance,
                         Image& storage) {
  if (variance == nullptr) return image;
  check_variance(image, cfg, *variance);
  storage = masked_by_variance(image, *variance);
  return storage.view();
}

FitResult fit_image(const ImageView& image, const FitConfig& cfg, const ImageView* variance) {
  if (variance == nullptr) return fit_impl(image, cfg, nullptr);
  validate(cfg);
  Image masked;
  return fit_impl(weighted_image(image, cfg, variance, masked), cfg, variance);
}

namespace {

FitResult fit_impl(const ImageView& image, const FitConfig& cfg, const ImageView* variance) {
  validate(cfg);
  if (image.empty()) throw std::invalid_argument("empty image");
  // Every sample reads a 2x2 cell and IRAF's bound needs x < nx - 2: smaller images hold no sample.
  if (image.nx < 3 || image.ny < 3) {
    std::ostringstream m;
    m << "image too small (" << image.nx << "x" << image.ny << "): at least 3x3 pixels are needed";
    throw std::invalid_argument(m.str());
  }
  FitResult out;
  double x0 = is_set(cfg.x0) ? cfg.x0 : (image.nx - 1) / 2.0;
  double y0 = is_set(cfg.y0) ? cfg.y0 : (image.ny - 1) / 2.0;
  if (!(x0 >= 0 && y0 >= 0 && x0 <= image.nx - 1 && y0 <= image.ny - 1)) {
    std::ostringstream m;
    m << "start centre (" << x0 << ", " << y0 << ") is outside the " << image.nx << "x" << image.ny
      << " image";
    throw std::invalid_argument(m.str());
  }
  if (!is_set(cfg.maxsma) && cfg.sma0 > std::max(image.nx, image.ny)) {
    std::ostringstream m;
    m << "sma0 (" << cfg.sma0 << ") is larger than the image (" << image.nx << "x" << image.ny
      << ")";
    throw std::invalid_argument(m.str());
  }
  if (!any_valid(image)) {
    out.status = FitStatus::NoValidPixel;
    out.message = "the image has no valid pixel (all NaN or masked)";
    return out;
  }
  if (cfg.compat == Compat::Iraf && cfg.olthresh > 0) {
    double xl, yl, fom;
    if (locate_object(image, x0, y0, cfg.step, cfg.olthresh, xl, yl, fom)) {
      if (cfg.recenter && (xl != x0 || yl != y0)) {
        x0 = xl;
        y0 = yl;
        out.located = true;
      }
    } else if (!cfg.keep_center) {
      std::ostringstream m;
      m << "no object found near (" << x0 << ", " << y0 << "): locator figure of merit " << fom
        << " <= olthresh " << cfg.olthresh;
      out.status = FitStatus::NoObjectFound;
      out.message = m.str();
      return out;
    }
  }
  out.x_start = x0;
  out.y_start = y0;
  const double theta = cfg.pa_deg() * kern::kPi / 180.0;
  out.rows.reserve(128);
  Driver d(image, cfg);
  d.set_variance(variance);
  d.run(out, Geometry{x0, y0, cfg.eps == 0 ? 0.05 : cfg.eps, theta});
  return out;
}

}  // namespace

}  // namespace isoster
