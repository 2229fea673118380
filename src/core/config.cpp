#include "isoster/config.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "isoster/parameters.hpp"

namespace isoster {

namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// "> 0", ">= 1", "in [0, 1)": the interval of `b`, as validate's messages write it.
std::string describe(const Bounds& b) {
  const bool lo = is_set(b.lo), hi = is_set(b.hi);
  if (lo && hi)
    return "in " + std::string(b.lo_open ? "(" : "[") + num(b.lo) + ", " + num(b.hi) +
           (b.hi_open ? ")" : "]");
  if (lo) return std::string(b.lo_open ? "> " : ">= ") + num(b.lo);
  if (hi) return std::string(b.hi_open ? "< " : "<= ") + num(b.hi);
  return "finite";
}

bool inside(const Bounds& b, double v) {
  if (std::isnan(v) || (b.finite && !std::isfinite(v))) return false;
  if (is_set(b.lo) && !(b.lo_open ? v > b.lo : v >= b.lo)) return false;
  if (is_set(b.hi) && !(b.hi_open ? v < b.hi : v <= b.hi)) return false;
  return true;
}

}  // namespace

void validate(const FitConfig& c) {
  // Each parameter against its own bounds (the table's), unset optional ones skipped.
  for (const ParamDesc& p : fit_parameters()) {
    if (p.is_alias() || p.type == ParamType::Flag || p.type == ParamType::Choice) continue;
    const double v = p.type == ParamType::Real ? c.*p.real : c.*p.integer;
    if (p.optional && !is_set(v)) continue;
    const Bounds& b = p.bounds;
    if (!is_set(b.lo) && !is_set(b.hi) && !b.finite) continue;
    if (!inside(b, v)) bad(std::string(p.key) + " must be " + describe(b) + ", got " + num(v));
  }
  // Rules that tie parameters together.
  if (is_set(c.x0) != is_set(c.y0)) bad("x0 and y0 must be given together");
  if (is_set(c.maxsma)) {
    if (c.maxsma < c.minsma)
      bad("maxsma (" + num(c.maxsma) + ") is smaller than minsma (" + num(c.minsma) + ")");
    if (c.sma0 > c.maxsma)
      bad("sma0 (" + num(c.sma0) + ") is larger than maxsma (" + num(c.maxsma) + ")");
  }
  if (c.sma0 < c.minsma)
    bad("sma0 (" + num(c.sma0) + ") is smaller than minsma (" + num(c.minsma) + ")");
  if (c.linear_step && c.step < 0.05) bad("linear step must be >= 0.05 px");
  if (!c.linear_step && c.step < 1e-3) bad("step must be >= 0.001 (geometric growth)");
  if (c.maxit < c.minit) bad("maxit must be >= minit");
  if (c.sampling == Sampling::Eccentric &&
      (c.integrator == Integrator::Mean || c.integrator == Integrator::Median))
    bad("--sampling eccentric needs the bilinear or nearest integrator");
}

namespace {

const char* choice_name(const char* key, int index) {
  return find_parameter(key)->choice->names[static_cast<std::size_t>(index)];
}

}  // namespace

const char* to_string(Compat c) { return choice_name("compat", static_cast<int>(c)); }
const char* to_string(Integrator i) { return choice_name("integrator", static_cast<int>(i)); }
const char* to_string(Sampling s) { return choice_name("sampling", static_cast<int>(s)); }

std::string to_text(const FitConfig& c) {
  std::string o;
  for (const ParamDesc& p : fit_parameters()) {
    if (p.is_alias()) continue;
    o += p.key;
    o += " = ";
    o += param_text(p, c);
    o += '\n';
  }
  return o;
}

}  // namespace isoster
