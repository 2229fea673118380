#include "isoster/config.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace isoster {

namespace {
[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }
std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

void validate(const FitConfig& c) {
  if (is_set(c.x0) != is_set(c.y0)) bad("x0 and y0 must be given together");
  if (c.sampling_eccentric &&
      (c.integrator == Integrator::Mean || c.integrator == Integrator::Median))
    bad("--sampling eccentric needs the bilinear or nearest integrator");
  if ((is_set(c.x0) && !std::isfinite(c.x0)) || (is_set(c.y0) && !std::isfinite(c.y0)))
    bad("x0/y0 must be finite");
  if (!(c.eps0 >= 0.0 && c.eps0 < 1.0)) bad("eps must be in [0, 1), got " + num(c.eps0));
  if (is_set(c.pa0) && !std::isfinite(c.pa0)) bad("pa must be finite");
  if (!(c.sma0 > 0.0) || !std::isfinite(c.sma0)) bad("sma0 must be > 0, got " + num(c.sma0));
  if (!(c.minsma >= 0.0)) bad("minsma must be >= 0, got " + num(c.minsma));
  if (is_set(c.maxsma)) {
    if (!(c.maxsma > 0.0)) bad("maxsma must be > 0, got " + num(c.maxsma));
    if (c.maxsma < c.minsma)
      bad("maxsma (" + num(c.maxsma) + ") is smaller than minsma (" + num(c.minsma) + ")");
    if (c.sma0 > c.maxsma)
      bad("sma0 (" + num(c.sma0) + ") is larger than maxsma (" + num(c.maxsma) + ")");
  }
  if (c.sma0 < c.minsma)
    bad("sma0 (" + num(c.sma0) + ") is smaller than minsma (" + num(c.minsma) + ")");
  if (!(c.step > 0.0) || !std::isfinite(c.step)) bad("step must be > 0, got " + num(c.step));
  if (c.linear_step && c.step < 0.05) bad("linear step must be >= 0.05 px");
  if (!c.linear_step && c.step < 1e-3) bad("step must be >= 0.001 (geometric growth)");
  if (!(c.conver > 0.0)) bad("conver must be > 0, got " + num(c.conver));
  if (c.minit < 1) bad("minit must be >= 1");
  if (c.maxit < c.minit) bad("maxit must be >= minit");
  if (c.maxit > 100000) bad("maxit must be <= 100000");
  if (is_set(c.fflag) && !(c.fflag >= 0.0 && c.fflag <= 1.0)) bad("fflag must be in [0, 1]");
  if (!(c.maxgerr > 0.0)) bad("maxgerr must be > 0");
  if (c.nclip < 0 || c.nclip > 1000) bad("nclip must be in [0, 1000]");
  if (!(c.usclip > 0.0) || !(c.lsclip > 0.0)) bad("sclip thresholds must be > 0");
  if (is_set(c.maxrit) && !(c.maxrit > 0.0)) bad("maxrit must be > 0");
  if (is_set(c.wander) && !(c.wander > 0.0)) bad("wander must be > 0");
  if (!(c.grad_ref0 < 0.0)) bad("grad_ref0 must be < 0");
}

const char* to_string(Compat c) { return c == Compat::Iraf ? "iraf" : "photutils"; }

const char* to_string(Integrator i) {
  switch (i) {
    case Integrator::Bilinear:
      return "bilinear";
    case Integrator::Nearest:
      return "nearest";
    case Integrator::Mean:
      return "mean";
    case Integrator::Median:
      return "median";
  }
  return "?";
}

bool parse_compat(const std::string& s, Compat& out) {
  if (s == "iraf")
    out = Compat::Iraf;
  else if (s == "photutils")
    out = Compat::Photutils;
  else
    return false;
  return true;
}

bool parse_integrator(const std::string& s, Integrator& out) {
  if (s == "bilinear")
    out = Integrator::Bilinear;
  else if (s == "nearest")
    out = Integrator::Nearest;
  else if (s == "mean")
    out = Integrator::Mean;
  else if (s == "median")
    out = Integrator::Median;
  else
    return false;
  return true;
}

std::string to_text(const FitConfig& c) {
  std::ostringstream o;
  o.precision(17);
  auto b = [](bool v) { return v ? "true" : "false"; };
  o << "compat = " << to_string(c.compat) << "\n"
    << "x0 = " << c.x0 << "\n"
    << "y0 = " << c.y0 << "\n"
    << "sma0 = " << c.sma0 << "\n"
    << "eps = " << c.eps0 << "\n"
    << "pa = " << c.pa0_deg() << "\n"
    << "minsma = " << c.minsma << "\n"
    << "maxsma = " << c.maxsma << "\n"
    << "step = " << c.step << "\n"
    << "linear-step = " << b(c.linear_step) << "\n"
    << "integrator = " << to_string(c.integrator) << "\n"
    << "usclip = " << c.usclip << "\n"
    << "lsclip = " << c.lsclip << "\n"
    << "nclip = " << c.nclip << "\n"
    << "fflag = " << c.fflag_value() << "\n"
    << "maxgerr = " << c.maxgerr << "\n"
    << "conver = " << c.conver << "\n"
    << "minit = " << c.minit << "\n"
    << "maxit = " << c.maxit << "\n"
    << "maxrit = " << c.maxrit << "\n"
    << "wander = " << c.wander << "\n"
    << "soft = " << b(c.soft) << "\n"
    << "fix-center = " << b(c.fix_center) << "\n"
    << "fix-pa = " << b(c.fix_pa) << "\n"
    << "fix-eps = " << b(c.fix_eps) << "\n"
    << "olthresh = " << c.olthresh << "\n"
    << "recenter = " << b(c.recenter) << "\n"
    << "keep-center = " << b(c.keep_center_if_not_found) << "\n"
    << "grad-ref0 = " << c.grad_ref0 << "\n"
    << "fluxes = " << b(c.fluxes) << "\n"
    << "simultaneous-harmonics = " << b(c.simultaneous_harmonics) << "\n"
    << "sampling = " << (c.sampling_eccentric ? "eccentric" : "polar") << "\n"
    << "forced-gradient = " << b(c.forced_gradient) << "\n";
  return o.str();
}

}  // namespace isoster
