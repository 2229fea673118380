#include "isoster/parameters.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace isoster {

namespace {

// A table row under construction: each modifier fills one aspect and returns the row.
struct Row : ParamDesc {
  Row(const char* k, ParamType t, const char* h) {
    key = option = k;
    type = t;
    help = h;
  }
  Row& fits(const char* k, const char* comment, unsigned tables = kFitHeader) {
    fits_key = k;
    fits_comment = comment;
    scope |= tables;
    return *this;
  }
  Row& only(unsigned commands) {
    scope = (scope & ~kAllCommands) | commands;
    return *this;
  }
  Row& above(double lo) { return bound(lo, true, kUnset, false); }
  Row& at_least(double lo) { return bound(lo, false, kUnset, false); }
  Row& below(double hi) { return bound(kUnset, false, hi, true); }
  Row& within(double lo, double hi, bool hi_open = false) { return bound(lo, false, hi, hi_open); }
  Row& finite() {
    bounds.finite = true;
    return *this;
  }
  Row& unset_by_default() {
    optional = true;
    return *this;
  }
  Row& resolve(double (*f)(const FitConfig&)) {
    resolved = f;
    return *this;
  }

 private:
  Row& bound(double lo, bool lo_o, double hi, bool hi_o) {
    bounds.lo = lo;
    bounds.lo_open = lo_o;
    bounds.hi = hi;
    bounds.hi_open = hi_o;
    return *this;
  }
};

Row real(const char* k, double FitConfig::*m, const char* h) {
  Row r(k, ParamType::Real, h);
  r.real = m;
  return r;
}
Row integer(const char* k, int FitConfig::*m, const char* h) {
  Row r(k, ParamType::Integer, h);
  r.integer = m;
  return r;
}
Row flag(const char* k, bool FitConfig::*m, const char* h) {
  Row r(k, ParamType::Flag, h);
  r.flag = m;
  return r;
}
// A flag whose option (`option`, e.g. "no-recenter") clears the member that `key` names.
Row negated_flag(const char* k, const char* option, bool FitConfig::*m, const char* h) {
  Row r = flag(k, m, h);
  r.option = option;
  r.negated = true;
  return r;
}
Row choice(const char* k, const ChoiceDesc& c, const char* h) {
  Row r(k, ParamType::Choice, h);
  r.choice = &c;
  return r;
}

template <class E, E FitConfig::*M>
const ChoiceDesc& choice_of(std::initializer_list<const char*> names) {
  static const ChoiceDesc d{names, [](const FitConfig& c) { return static_cast<int>(c.*M); },
                            [](FitConfig& c, int v) { c.*M = static_cast<E>(v); }};
  return d;
}

const ChoiceDesc& compat_names() {
  return choice_of<Compat, &FitConfig::compat>({"iraf", "photutils"});
}
const ChoiceDesc& integrator_names() {
  return choice_of<Integrator, &FitConfig::integrator>({"bilinear", "nearest", "mean", "median"});
}
const ChoiceDesc& sampling_names() {
  return choice_of<Sampling, &FitConfig::sampling>({"polar", "eccentric"});
}

std::vector<ParamDesc> make_table() {
  // clang-format off
  std::vector<ParamDesc> t = {
    choice("compat", compat_names(), "iraf|photutils behaviour")
        .fits("COMPAT", "behaviour family", kFitHeader | kForcedHeader),
    real("x0", &FitConfig::x0,
         "start centre x, 0-based pixels (default: image centre, then the object locator)")
        .unset_by_default().finite().fits("X0IN", "x0 given (NaN: image centre)"),
    real("y0", &FitConfig::y0, "start centre y, 0-based pixels")
        .unset_by_default().finite().fits("Y0IN", "y0 given (NaN: image centre)"),
    real("sma0", &FitConfig::sma0, "semi-major axis of the first isophote (px)")
        .above(0).finite().fits("SMA0", "first SMA"),
    real("eps", &FitConfig::eps, "start ellipticity, in [0, 1)")
        .within(0, 1, true).fits("EPS0", "start ellipticity"),
    real("pa", &FitConfig::pa,
         "start position angle, degrees counter-clockwise from +x (default 110 iraf, 90 photutils)")
        .unset_by_default().finite()
        .resolve([](const FitConfig& c) { return c.pa_deg(); })
        .fits("PA0", "start PA, deg from +x"),
    real("minsma", &FitConfig::minsma, "smallest SMA; < 0.5 adds the central row")
        .at_least(0).fits("MINSMA", "smallest SMA"),
    real("maxsma", &FitConfig::maxsma,
         "largest SMA (default: until the gradient or fflag stops growth)")
        .unset_by_default().above(0).fits("MAXSMA", "largest SMA (NaN: unset)"),
    real("step", &FitConfig::step, "SMA growth: a*(1+step), or a+step with --linear-step")
        .above(0).finite().fits("STEP", "SMA step"),
    flag("linear-step", &FitConfig::linear_step, "grow the SMA linearly")
        .fits("LINEAR", "linear SMA step"),
    choice("integrator", integrator_names(), "bilinear|nearest|mean|median")
        .fits("INTEGR", "integration mode", kFitHeader | kForcedHeader),
    [] {
      Row r = real("sclip", nullptr, "sigma-clipping threshold, both sides (sets usclip and lsclip)");
      r.alias = [](FitConfig& c, double v) { c.usclip = c.lsclip = v; };
      return r;
    }(),
    real("usclip", &FitConfig::usclip, "upper clipping threshold")
        .above(0).fits("USCLIP", "upper clipping threshold"),
    real("lsclip", &FitConfig::lsclip, "lower clipping threshold")
        .above(0).fits("LSCLIP", "lower clipping threshold"),
    integer("nclip", &FitConfig::nclip, "clipping passes (0: none)")
        .within(0, 1000).fits("NCLIP", "clipping passes"),
    real("fflag", &FitConfig::fflag,
         "largest flagged fraction of samples (default 0.5 iraf, 0.3 photutils)")
        .unset_by_default().within(0, 1)
        .resolve([](const FitConfig& c) { return c.fflag_value(); })
        .fits("FFLAG", "largest flagged fraction", kFitHeader | kForcedHeader),
    real("maxgerr", &FitConfig::maxgerr, "largest relative gradient error")
        .above(0).fits("MAXGERR", "largest relative gradient error"),
    real("conver", &FitConfig::conver, "convergence factor")
        .above(0).fits("CONVER", "convergence factor"),
    integer("minit", &FitConfig::minit, "minimum passes per isophote")
        .at_least(1).fits("MINIT", "minimum passes"),
    integer("maxit", &FitConfig::maxit, "maximum passes per isophote")
        .within(1, 100000).fits("MAXIT", "maximum passes"),
    real("maxrit", &FitConfig::maxrit, "SMA beyond which isophotes are not iterated")
        .unset_by_default().above(0).fits("MAXRIT", "no iteration beyond (NaN: unset)"),
    real("wander", &FitConfig::wander, "largest centre move per pass (iraf)")
        .unset_by_default().above(0).fits("WANDER", "largest centre move (NaN: unset)"),
    flag("soft", &FitConfig::soft,
         "two consecutive gradient failures needed to stop growth (iraf)")
        .fits("SOFT", "soft gradient test"),
    flag("fix-center", &FitConfig::fix_center, "hold the centre").fits("FIXCEN", "centre held"),
    flag("fix-pa", &FitConfig::fix_pa, "hold the position angle").fits("FIXPA", "PA held"),
    flag("fix-eps", &FitConfig::fix_eps, "hold the ellipticity").fits("FIXEPS", "ellipticity held"),
    real("olthresh", &FitConfig::olthresh, "object locator threshold (<= 0: locator off)")
        .fits("OLTHRESH", "object locator threshold"),
    negated_flag("recenter", "no-recenter", &FitConfig::recenter,
                 "run the locator but keep the given centre")
        .fits("RECENTER", "locator moves the centre"),
    flag("keep-center", &FitConfig::keep_center,
         "keep the given centre when the locator finds no object"),
    real("grad-ref0", &FitConfig::grad_ref0, "initial gradient reference (image units/px)")
        .below(0).fits("GRADREF0", "initial gradient reference"),
    negated_flag("fluxes", "no-fluxes", &FitConfig::fluxes, "skip TFLUX/NPIX (faster)")
        .fits("FLUXES", "TFLUX/NPIX computed"),
    flag("simultaneous-harmonics", &FitConfig::simultaneous_harmonics,
         "fit the 3rd and 4th harmonics together with the first two (ISOFIT)")
        .fits("SIMHARM", "3rd/4th harmonics fitted jointly (ISOFIT)"),
    choice("sampling", sampling_names(),
           "polar (IRAF's walk) | eccentric (uniform in eccentric anomaly, harmonics in it)")
        .fits("SAMPLING", "sampling variable"),
    negated_flag("forced-gradient", "no-gradient", &FitConfig::forced_gradient,
                 "skip the gradient ring: about half the samples; GRAD and A3..B4 NaN")
        .only(kForcedParam).fits("GRADIENT", "gradient ring measured (GRAD, A3..B4)",
                                 kForcedHeader),
  };
  // clang-format on
  return t;
}

// Shortest text that reads back as the same double.
std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

const std::vector<ParamDesc>& fit_parameters() {
  static const std::vector<ParamDesc> table = make_table();
  return table;
}

const ParamDesc* find_parameter(const std::string& name) {
  for (const ParamDesc& p : fit_parameters())
    if (name == p.key || name == p.option) return &p;
  return nullptr;
}

double param_number(const ParamDesc& p, const FitConfig& c) {
  if (p.resolved) return p.resolved(c);
  switch (p.type) {
    case ParamType::Real:
      return c.*p.real;
    case ParamType::Integer:
      return c.*p.integer;
    case ParamType::Flag:
      return c.*p.flag ? 1 : 0;
    case ParamType::Choice:
      return p.choice->get(c);
  }
  throw std::logic_error("unknown parameter type");
}

std::string param_text(const ParamDesc& p, const FitConfig& c) {
  switch (p.type) {
    case ParamType::Flag:
      return c.*p.flag ? "true" : "false";
    case ParamType::Choice:
      return p.choice->names[static_cast<std::size_t>(p.choice->get(c))];
    case ParamType::Integer:
      return std::to_string(c.*p.integer);
    case ParamType::Real:
      break;
  }
  // %.17g, as an ostream with precision 17 writes it: the checksum --resume compares reads this.
  const double v = param_number(p, c);
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string param_default_text(const ParamDesc& p) {
  if (p.is_alias() || p.optional) return "";
  const FitConfig d;
  switch (p.type) {
    case ParamType::Flag:
      return "";  // absent: the member's default
    case ParamType::Choice:
      return p.choice->names[static_cast<std::size_t>(p.choice->get(d))];
    case ParamType::Integer:
      return std::to_string(d.*p.integer);
    case ParamType::Real:
      break;
  }
  return shortest(d.*p.real);
}

void set_param_number(const ParamDesc& p, FitConfig& c, double v) {
  if (p.alias) {
    p.alias(c, v);
    return;
  }
  switch (p.type) {
    case ParamType::Real:
      c.*p.real = v;
      return;
    case ParamType::Integer:
      c.*p.integer = static_cast<int>(v);
      return;
    case ParamType::Flag:
      c.*p.flag = (v != 0) != p.negated;
      return;
    case ParamType::Choice:
      p.choice->set(c, static_cast<int>(v));
      return;
  }
}

bool set_param_choice(const ParamDesc& p, FitConfig& c, const std::string& name) {
  const auto& names = p.choice->names;
  for (std::size_t k = 0; k < names.size(); ++k)
    if (name == names[k]) {
      p.choice->set(c, static_cast<int>(k));
      return true;
    }
  return false;
}

std::string choice_list(const ParamDesc& p) {
  const auto& names = p.choice->names;
  std::string s;
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (k > 0) s += k + 1 == names.size() ? " or " : ", ";
    s += names[k];
  }
  return s;
}

}  // namespace isoster
