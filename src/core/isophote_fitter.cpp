#include "isophote_fitter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "isoster/kernels.hpp"

namespace isoster::detail {

using kern::kPi;

struct IsophoteFitter::Pass {
  Geometry geom{};
  int npoint = 0, ndata = 0;
  double mean = NAN, rms = NAN, sarea = 0;
  double sumvar = -1;  // sum of the valid samples' variances; < 0: no variance map
  FirstSecond fs;      // fs.ok: a first/second-harmonic fit exists for this pass
  double g = NAN, sg = NAN, rho = NAN;
  double sg_var = NAN;  // with a variance map: the gradient error from the variances (reported)
  double x0e = NAN, y0e = NAN, ee = NAN, pae = NAN;
  double abig = NAN;
  int k = -1;
  long sampling = 0;  // id of the main-ring sampling that produced it

  void take(const Ring& r) {
    npoint = r.npoint;
    ndata = r.ndata;
    mean = r.mean;
    rms = r.sd;
    sarea = r.sarea;
    sumvar = r.var != nullptr ? r.sumvar : -1;
  }
};

namespace {

// Code 3: no harmonic fit possible; the isophote is not written.
IsoResult impossible() {
  IsoResult r;
  r.code = StopCode::NoFit;
  return r;
}

template <class P>
void geometry_errors(P& p, double a) {
  kern::geometry_errors(p.fs.err, p.g, a, p.geom.eps, p.geom.theta, p.x0e, p.y0e, p.ee, p.pae);
  p.pae *= 180.0 / kPi;
}

}  // namespace

void IsophoteFitter::set_variance(const ImageView* var) { sampler_.set_variance(var); }

IsophoteFitter::IsophoteFitter(const ImageView& img, const FitConfig& cfg)
    : img_(img),
      cfg_(cfg),
      iraf_(cfg.compat == Compat::Iraf),
      sampler_(img, SamplerSettings::of(cfg)) {}

int IsophoteFitter::choose(const FirstSecond& f) const {
  const bool free[4] = {!cfg_.fix_center, !cfg_.fix_center, !cfg_.fix_pa, !cfg_.fix_eps};
  int k = -1;
  for (int j = 0; j < 4; ++j)
    if (free[j] && (k < 0 || std::fabs(f.coef[j]) > std::fabs(f.coef[k]))) k = j;
  return k;
}

void IsophoteFitter::correct(Geometry& g, int k, double amp, double grad, double a) const {
  kern::apply_correction(g.x0, g.y0, g.eps, g.theta, k, amp, grad, a, cfg_.compat);
}

IsoResult IsophoteFitter::fit(const IsoRequest& req, const Geometry& start, GradState& gs) {
  sampler_.reserve(req.a);
  return iraf_ ? fit_iraf(req, start, gs) : fit_photutils(req, start);
}

void IsophoteFitter::gradient_iraf(Pass& p, const IsoRequest& req, GradState& gs) {
  const double a = req.a;
  const Ring r1 = sampler_.sample(1, 1.1 * a, p.geom, first_gradient_mode(a, gs, req.mode));
  double g = (r1.mean - p.mean) / (0.1 * a), sd = r1.sd, f = 0.1;
  int n = r1.ndata;
  if (!gs.valid) gs.g_prev = cfg_.grad_ref0;
  if (!(g < gs.g_prev / 3)) {  // too shallow, positive or undefined
    const Ring r2 = sampler_.sample(2, 1.2 * a, p.geom, req.mode);
    g = (r2.mean - p.mean) / (0.2 * a);
    sd = r2.sd;
    n = r2.ndata;
    f = 0.2;
  }
  if (!(g < gs.g_prev / 3)) {
    p.g = 0.8 * gs.g_prev;
    p.sg = NAN;
    p.rho = NAN;
  } else {
    p.g = g;
    p.sg = std::sqrt(p.rms * p.rms / p.ndata + sd * sd / n) / (f * a);
    // With a variance map, the error reported is the exact one from the variances of the two
    // means (spec 7.6); the decisions (gradient ring mode, maxgerr) keep the scatter-based one.
    // The weighted coefficients still drive the corrections, so a map that is not constant can
    // change the course of the fit.
    if (p.sumvar >= 0) {
      const double grad_var = (f == 0.1 ? r1 : sampler_.last(2)).sumvar;
      p.sg_var =
          std::sqrt(p.sumvar / (double(p.ndata) * p.ndata) + grad_var / (double(n) * n)) / (f * a);
    }
    p.rho = p.sg / std::fabs(g);
  }
  gs.g_prev = p.g;
  gs.rho_prev = p.rho;
}

IsoResult IsophoteFitter::fit_iraf(const IsoRequest& req, const Geometry& start, GradState& gs) {
  const double a = req.a;
  const double fflag = cfg_.fflag_value();
  const bool all_held = cfg_.fix_center && cfg_.fix_pa && cfg_.fix_eps;
  Geometry geom = start;
  StopCode code = req.noniterative ? StopCode::NonIterative : StopCode::Converged;
  int niter = 1;
  long sampling = 0;
  Pass cur, best;
  bool have_best = false;
  for (;;) {
    cur = Pass{};
    cur.geom = geom;
    cur.sampling = ++sampling;
    if (walk_based(req.mode)) {
      // Build the main and first gradient walks together when the ellipticity changed.
      sampler_.prepare(walk_key(a, geom.eps, req.mode, Compat::Iraf, cfg_.sampling),
                       walk_key(1.1 * a, geom.eps, first_gradient_mode(a, gs, req.mode),
                                Compat::Iraf, cfg_.sampling));
    }
    const Ring ring = sampler_.sample(0, a, geom, req.mode);
    cur.take(ring);
    if (code != StopCode::NonIterative) {
      cur.fs = fit_first_second(ring, Compat::Iraf, cfg_.simultaneous_harmonics);
      if (!cur.fs.ok) {
        gs.valid = false;
        return impossible();
      }
    }
    gradient_iraf(cur, req, gs);
    bool go = false;
    if (code != StopCode::NonIterative) {
      geometry_errors(cur, a);
      cur.k = choose(cur.fs);
      if (cur.k >= 0) {
        cur.abig = std::fabs(cur.fs.coef[cur.k]);
        go = !(cur.abig <= cfg_.conver * std::sqrt(cur.sarea) * cur.fs.s);
      }
    }
    if (cur.ndata < cur.npoint * (1.0 - fflag)) {
      code = StopCode::TooManyFlagged;
      go = false;
    } else if (niter >= cfg_.maxit) {
      code = StopCode::MaxIterations;
      go = false;
    }
    if (code == StopCode::Converged && niter < req.nmin) go = true;
    if (!have_best || cur.abig < best.abig) {
      best = cur;
      have_best = true;
    }
    if (all_held) go = false;
    const double px = geom.x0, py = geom.y0;
    if (go && code != StopCode::NonIterative) {
      ++niter;
      correct(geom, cur.k, cur.fs.coef[cur.k], cur.g, a);
    }
    // Checks after each correction, in IRAF's order (spec 3.4).
    bool stop = false;
    if (is_set(cfg_.wander) &&
        (std::fabs(geom.x0 - px) > cfg_.wander || std::fabs(geom.y0 - py) > cfg_.wander)) {
      geom.x0 = px;
      geom.y0 = py;
      code = StopCode::NonIterative;
      stop = true;
    }
    if (!stop && code != StopCode::TooManyFlagged && code != StopCode::MaxIterations &&
        code != StopCode::NonIterative) {
      // Negated tests: a NaN geometry (from a NaN gradient) diverges as well.
      const bool inside = geom.x0 >= 0 && geom.x0 <= img_.nx - 1 && geom.y0 >= 0 &&
                          geom.y0 <= img_.ny - 1 && std::isfinite(geom.theta);
      if (!(std::fabs(geom.eps) <= 0.95) || !inside || (is_set(cfg_.maxrit) && a >= cfg_.maxrit)) {
        code = StopCode::NonIterative;
        stop = true;
      }
    }
    if (geom.eps < 0) {
      geom.eps = -geom.eps;
      geom.theta += geom.theta >= 0 ? -kPi / 2 : kPi / 2;
    }
    if (geom.eps == 0) geom.eps = 0.05;
    if (stop || !go) break;
  }
  const Pass& rep = (code != StopCode::Converged) ? best : cur;
  if (rep.sampling != sampling) {
    // The reported pass is an earlier one: sample it again (same values) for its residuals.
    sampler_.sample(0, a, rep.geom, req.mode);
  }
  if (code != StopCode::Converged) {
    gs.g_prev = rep.g;
    gs.rho_prev = rep.rho;
  }
  gs.valid = true;
  // IRAF: no geometry errors on code 4; no A_BIG without a harmonic fit or with nothing free.
  return finish(rep, a, code, niter, code == StopCode::NonIterative, req.noniterative || all_held);
}

IsoResult IsophoteFitter::finish(const Pass& p, double a, StopCode code, int niter,
                                 bool no_geom_errors, bool no_abig) {
  IsoResult res;
  fill_row(p, a, code, niter, res.row);
  if (no_geom_errors) res.row.x0_err = res.row.y0_err = res.row.ellip_err = res.row.pa_err = NAN;
  if (no_abig) res.row.a_big = NAN;
  res.code = code;
  res.valid = true;
  res.geom = p.geom;
  res.rho = p.rho;
  return res;
}

// photutils' EllipseSample.update (spec 3.2): the gradient reference is the gradient already stored
// on the same sample object, or g + sigma_g on a fresh sample; std0 throughout.
void IsophoteFitter::gradient_photutils(Pass& p, const IsoRequest& req, bool& stored) {
  const double a = req.a, step = 0.1;
  const Ring r1 = sampler_.sample(1, (1 + step) * a, p.geom, req.mode);
  double g = (r1.mean - p.mean) / (a * step);
  auto err = [&](const Ring& r, double da) {
    if (p.sumvar >= 0)  // reported only (see gradient_iraf)
      p.sg_var = std::sqrt(p.sumvar / (double(p.ndata) * p.ndata) +
                           r.sumvar / (double(r.ndata) * r.ndata)) /
                 da;
    return std::sqrt(p.rms * p.rms / p.ndata + r.sd * r.sd / r.ndata) / da;
  };
  double sg = err(r1, a * step);
  const double ref = (stored && p.g != 0) ? p.g : g + sg;
  if (g >= ref / 3) {
    const Ring r2 = sampler_.sample(2, (1 + 2 * step) * a, p.geom, req.mode);
    g = (r2.mean - p.mean) / (a * 2 * step);
    sg = err(r2, a * 2 * step);
  }
  if (g >= ref / 3) {
    g = 0.8 * ref;
    sg = NAN;
  }
  p.g = g;
  p.sg = sg;
  p.rho = (std::isfinite(sg) && sg != 0 && g < 0) ? sg / std::fabs(g) : NAN;
  stored = true;
}

void IsophoteFitter::measure(Pass& p, double a, RingMode mode, long id) {
  p.sampling = id;
  const Ring ring = sampler_.sample(0, a, p.geom, mode);
  p.take(ring);
  p.fs = fit_first_second(ring, cfg_.compat, cfg_.simultaneous_harmonics);
  p.k = choose(p.fs);
  p.abig = (p.fs.ok && p.k >= 0) ? std::fabs(p.fs.coef[p.k]) : NAN;
}

IsoResult IsophoteFitter::fit_photutils(const IsoRequest& req, const Geometry& start) {
  const double a = req.a;
  const double fflag_ph = 1.0 - cfg_.fflag_value();
  const bool all_held = cfg_.fix_center && cfg_.fix_pa && cfg_.fix_eps;
  long sampling = 0;
  Pass cur, best;
  bool cur_stored = false, best_stored = false;
  cur.geom = start;
  measure(cur, a, req.mode, ++sampling);
  StopCode code = StopCode::Converged;
  int niter = 0;
  const Pass* rep = &cur;
  bool* rep_stored = &cur_stored;
  if (req.noniterative) {
    code = StopCode::NonIterative;
  } else {
    double min_amp = std::numeric_limits<double>::infinity();
    bool lexceed = false, done = false;
    for (int i = 0; i < cfg_.maxit && !done; ++i) {
      gradient_photutils(cur, req, cur_stored);
      if (cur.ndata < 1 || !cur.fs.ok) return impossible();
      niter = i + 1;
      if (all_held) {
        code = cur.ndata < fflag_ph * cur.npoint ? StopCode::TooManyFlagged : StopCode::Converged;
        break;
      }
      const double amp = std::fabs(cur.fs.coef[cur.k]);
      if (amp < min_amp) {
        min_amp = amp;
        best = cur;
        best_stored = cur_stored;
      }
      if (cfg_.conver * cur.sarea * cur.fs.sd0 > amp && i >= req.nmin - 1) {
        code = StopCode::Converged;
        break;
      }
      if (cur.ndata < fflag_ph * cur.npoint) {
        code = StopCode::TooManyFlagged;
        rep = &best;
        rep_stored = &best_stored;
        break;
      }
      Geometry g = cur.geom;
      correct(g, cur.k, cur.fs.coef[cur.k], cur.g, a);
      if (g.eps < 0) {
        g.eps = std::min(-g.eps, 0.95);
        g.theta += g.theta < kPi / 2 ? kPi / 2 : -kPi / 2;
      }
      cur = Pass{};
      cur.geom = g;
      cur_stored = false;
      measure(cur, a, req.mode, ++sampling);
      gradient_photutils(cur, req, cur_stored);
      // photutils' _check_conditions (spec 3.4 and 3.6).
      bool proceed = g.x0 >= 1 && g.x0 <= img_.nx && g.y0 >= 1 && g.y0 <= img_.ny &&
                     g.eps <= 0.95 && std::isfinite(g.theta);  // NaN geometry fails
      if (std::isfinite(cur.sg) && cur.sg != 0 && std::isfinite(cur.rho) && cur.rho != 0) {
        if (req.outward && (cur.rho > cfg_.maxgerr || cur.g >= 0)) {
          if (lexceed) proceed = false;
          lexceed = true;
        }
      } else {
        proceed = false;
      }
      if (!proceed) {
        code = StopCode::Failed;
        done = true;
      }
      if (i == cfg_.maxit - 1 && !done) {
        code = StopCode::MaxIterations;
        rep = &best;
        rep_stored = &best_stored;
      }
    }
  }
  Pass p = *rep;
  if (p.sampling != sampling) measure(p, a, req.mode, ++sampling);
  bool stored = *rep_stored;
  gradient_photutils(p, req, stored);
  if (p.ndata < 1) return impossible();
  if (p.fs.ok) geometry_errors(p, a);
  // photutils computes geometry errors for every returned sample, code 4 included.
  return finish(p, a, code, niter, false, code == StopCode::NonIterative || all_held);
}

RingMode forced_ring_mode(const FitConfig& cfg, double a, double eps) {
  const double a_next = cfg.linear_step ? a + cfg.step : a * (1 + cfg.step);
  return ring_mode(cfg, a, a_next, eps);
}

void IsophoteFitter::lend_walks(Walk* main, Walk* gradient) {
  if (main != nullptr) sampler_.adopt(0, *main);
  if (gradient != nullptr) sampler_.adopt(1, *gradient);
}

void IsophoteFitter::return_walks() { sampler_.drop_adopted(); }

Isophote IsophoteFitter::measure_forced(double a, double x0, double y0, double eps, double pa_deg) {
  const Geometry g{x0, y0, eps, pa_deg * kern::kPi / 180.0};
  const RingMode mode = forced_ring_mode(cfg_, a, eps);
  sampler_.reserve(a);
  Pass cur;
  cur.geom = g;
  IsoRequest req;
  req.a = a;
  req.mode = mode;
  req.noniterative = true;
  // One pass of sums serves the first/second-harmonic fit and A3..B4 (unweighted, not joint):
  // the walk's basis and normal matrix, which only repeated fits of one ring repay, are not made.
  // Weighted and joint fits take the general path (and higher_harmonics makes its own sums).
  const bool from_sums = !sampler_.has_variance() && !cfg_.simultaneous_harmonics;
  SampleOptions opt;
  opt.basis = !from_sums;
  const Ring ring = sampler_.sample(0, a, g, mode, opt);
  cur.take(ring);
  if (from_sums && !cfg_.forced_gradient) {
    // Without the gradient nothing of the fit is reported (A3..B4 need the gradient): only
    // whether it is possible (STOP 3). A walk with no sample flagged always admits it
    // (kFitSafeGap); otherwise the angle sums decide.
    if (walk_based(mode) && ring.ndata == ring.npoint && ring.npoint >= 5) {
      cur.fs.ok = true;
    } else {
      ring_angle_sums(ring, sums_);
      cur.fs.ok = first_second_possible(sums_, cfg_.compat);
    }
  } else if (from_sums) {
    ring_sums(ring, 4, sums_);
    cur.fs = fit_first_second(sums_, cfg_.compat);
  } else {
    cur.fs = fit_first_second(ring, cfg_.compat, cfg_.simultaneous_harmonics);
  }
  last_fs_ = cur.fs;
  if (!cfg_.forced_gradient) {
    cur.g = cur.sg = cur.rho = NAN;
  } else if (iraf_) {
    GradState gs;  // fresh: a forced row depends on its own geometry only
    gradient_iraf(cur, req, gs);
  } else {
    bool stored = false;
    gradient_photutils(cur, req, stored);
  }
  cur.x0e = cur.y0e = cur.ee = cur.pae = 0;
  cur.abig = NAN;
  StopCode code = StopCode::Converged;
  if (!cur.fs.ok)
    code = StopCode::NoFit;
  else if (cur.ndata < cur.npoint * (1.0 - cfg_.fflag_value()))
    code = StopCode::TooManyFlagged;
  Isophote row;
  fill_row(cur, a, code, 0, row, from_sums ? &sums_ : nullptr);
  if (ring.var != nullptr) {
    // Forced photometry with a variance map: the weighted mean and its error (spec 7.6).
    double sw = 0, swv = 0;
    for (int k = 0; k < ring.npoint; ++k)
      if (std::isfinite(ring.val[k])) {
        sw += 1.0 / ring.var[k];
        swv += ring.val[k] / ring.var[k];
      }
    row.intens = sw > 0 ? swv / sw : NAN;
    row.int_err = sw > 0 ? 1.0 / std::sqrt(sw) : NAN;
  }
  return row;
}

void IsophoteFitter::fill_row(const Pass& p, double a, StopCode code, int niter, Isophote& row,
                              const RingSums* sums) {
  row.sma = a;
  row.intens = p.mean;
  row.rms = p.rms;
  row.int_err = p.sumvar >= 0 ? std::sqrt(p.sumvar) / p.ndata  // spec 7.6
                              : p.rms / std::sqrt(static_cast<double>(p.ndata));
  row.pix_var = p.rms * std::sqrt(p.sarea);
  row.ellip = p.geom.eps;
  row.pa = kern::reduce_pi(p.geom.theta) * 180.0 / kPi;
  if (row.pa >= 180.0) row.pa = 0.0;
  row.x0 = p.geom.x0;
  row.y0 = p.geom.y0;
  row.x0_err = p.x0e;
  row.y0_err = p.y0e;
  row.ellip_err = p.ee;
  row.pa_err = p.pae;
  row.grad = p.g;
  row.grad_err = p.sg;
  row.grad_r_err = p.rho;
  if (std::isfinite(p.sg_var)) {
    row.grad_err = p.sg_var;
    row.grad_r_err = p.sg_var / std::fabs(p.g);
  }
  row.ndata = p.ndata;
  row.nflag = p.npoint - p.ndata;
  row.niter = niter;
  row.stop = stop_value(code);
  row.a_big = p.abig;
  row.sarea = p.sarea;
  row.tflux_e = row.tflux_c = NAN;
  row.npix_e = row.npix_c = kNullInt;
  higher_harmonics(p, a, row, sums);
}

namespace {

// a_n = A_n / (a |grad|); the errors add rho' = the row's GRAD_R_ERR, 0.8 when it is undefined
// (spec 4.4).
void normalise(const Harmonic& h, double norm, double grad_r_err, double* out) {
  const double rho = std::isfinite(grad_r_err) ? grad_r_err : 0.8;
  const double an = h.A / norm, bn = h.B / norm;
  out[0] = an;
  out[2] = bn;
  if (h.eA > 0 && h.A != 0 && h.eB > 0 && h.B != 0) {
    // sqrt rather than hypot, whose guard against overflow is not needed: from float32 pixels
    // the terms stay below ~1e90, their squares far from overflow.
    const double ea = h.eA / norm, ar = an * rho, eb = h.eB / norm, br = bn * rho;
    out[1] = std::sqrt(ea * ea + ar * ar);
    out[3] = std::sqrt(eb * eb + br * br);
  } else {
    out[1] = out[3] = NAN;
  }
}

}  // namespace

void IsophoteFitter::harmonics_of_last(double a, double grad, double rho, const int* orders,
                                       int n_orders, double* out) {
  const Ring& ring = sampler_.last(0);
  const double norm = a * std::fabs(grad);
  Harmonic h[kMaxJointOrders];
  for (int i = 0; i < n_orders; ++i) h[i] = Harmonic{};
  if (cfg_.simultaneous_harmonics) {
    fit_harmonics_joint(ring, cfg_.compat, orders, n_orders, h);
  } else {
    // IRAF: each order fitted to what measure_forced's first/second fit (weighted with a variance
    // map) and the lower orders left, 3 and 4 first as in the fit; photutils: independent fits.
    // Without the gradient and a variance map, measure_forced only decided whether that fit was
    // possible: it is made here.
    FirstSecond fs = last_fs_;
    if (!cfg_.forced_gradient && !sampler_.has_variance()) {
      ring_sums(ring, 2, sums_);
      fs = fit_first_second(sums_, cfg_.compat);
    }
    ring_sums(ring, std::max(4, orders[n_orders - 1]), sums_);
    fit_higher(sums_, fs, cfg_.compat, orders, n_orders, h);
  }
  for (int i = 0; i < n_orders; ++i) normalise(h[i], norm, rho, out + 4 * i);
}

void IsophoteFitter::higher_harmonics(const Pass& p, double a, Isophote& row,
                                      const RingSums* sums) {
  // The main-ring buffers (slot 0) hold this pass's samples.
  const Ring& ring = sampler_.last(0);
  Harmonic h[2];
  if (std::isnan(p.g)) {
    // No gradient (forced photometry without it): the amplitudes cannot be normalised, and
    // normalise() below makes them NaN whatever the fits would give; they are not made.
  } else if (p.fs.ok && p.fs.joint) {  // ISOFIT: from the simultaneous fit
    for (int i = 0; i < 2; ++i) {
      h[i].A = p.fs.hcoef[2 * i];
      h[i].B = p.fs.hcoef[2 * i + 1];
      h[i].eA = p.fs.herr[2 * i];
      h[i].eB = p.fs.herr[2 * i + 1];
    }
  } else {
    // IRAF: sequential on what the pass's own first/second fit left; photutils: independent.
    if (sums == nullptr || sums->top < 4) {
      ring_sums(ring, 4, sums_);
      sums = &sums_;
    }
    const int orders[2] = {3, 4};
    fit_higher(*sums, p.fs, cfg_.compat, orders, 2, h);
  }
  // The row's GRAD_R_ERR, from the variances when there is a map (spec 7.6): the errors of A3..B4
  // and of --harmonics' orders follow the same column.
  const double norm = a * std::fabs(p.g);
  double out[2][4];
  for (int i = 0; i < 2; ++i) normalise(h[i], norm, row.grad_r_err, out[i]);
  row.a3 = out[0][0];
  row.a3_err = out[0][1];
  row.b3 = out[0][2];
  row.b3_err = out[0][3];
  row.a4 = out[1][0];
  row.a4_err = out[1][1];
  row.b4 = out[1][2];
  row.b4_err = out[1][3];
}

Isophote central_isophote(const ImageView& img, double x0, double y0, Compat compat) {
  Isophote c;
  const double nan = NAN;
  c.sma = 0;
  c.int_err = c.pix_var = c.rms = c.ellip = c.ellip_err = c.pa = c.pa_err = nan;
  c.x0_err = c.y0_err = c.grad = c.grad_err = c.grad_r_err = c.tflux_e = c.tflux_c = nan;
  c.a3 = c.a3_err = c.b3 = c.b3_err = c.a4 = c.a4_err = c.b4 = c.b4_err = nan;
  c.a_big = c.sarea = nan;
  c.npix_e = c.npix_c = kNullInt;
  c.x0 = x0;
  c.y0 = y0;
  if (compat == Compat::Iraf) {
    const long i = static_cast<long>(std::floor(x0 + 0.5)),
               j = static_cast<long>(std::floor(y0 + 0.5));
    const bool inside = i >= 0 && j >= 0 && i < img.nx && j < img.ny;
    c.intens = inside ? img.at(static_cast<int>(i), static_cast<int>(j)) : nan;
  } else {
    c.intens = kern::bilinear_photutils(img.data, img.nx, img.ny, x0, y0);
  }
  c.ndata = std::isfinite(c.intens) ? 1 : 0;
  c.nflag = 1 - c.ndata;
  return c;
}

}  // namespace isoster::detail
