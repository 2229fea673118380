// The parameter table (isoster/parameters.hpp) is the one description of FitConfig: every field
// has a row, every row reaches the configuration text that --resume compares, and validate()
// enforces each row's bounds.
#include "isoster/parameters.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "isoster/config.hpp"

namespace {

using isoster::FitConfig;
using isoster::ParamDesc;
using isoster::ParamType;

// The number of fields of an aggregate: the most initialisers its braces accept.
struct AnyField {
  template <class T>
  constexpr operator T() const {
    return T{};
  }
};
template <class T, class... A>
constexpr auto accepts(int) -> decltype(T{A{}...}, true) {
  return true;
}
template <class T, class... A>
constexpr bool accepts(...) {
  return false;
}
template <class T, class... A>
constexpr std::size_t field_count() {
  if constexpr (accepts<T, A..., AnyField>(0))
    return field_count<T, A..., AnyField>();
  else
    return sizeof...(A);
}

TEST(Parameters, EveryFieldHasOneRow) {
  std::set<std::string> keys;
  std::size_t members = 0;
  std::set<const void*> seen;
  const FitConfig c;
  for (const ParamDesc& p : isoster::fit_parameters()) {
    EXPECT_TRUE(keys.insert(p.key).second) << "duplicate key " << p.key;
    if (p.is_alias()) continue;
    ++members;
    const void* field = p.real      ? static_cast<const void*>(&(c.*p.real))
                        : p.integer ? static_cast<const void*>(&(c.*p.integer))
                        : p.flag    ? static_cast<const void*>(&(c.*p.flag))
                                    : nullptr;
    if (p.type == ParamType::Choice) {
      EXPECT_EQ(field, nullptr) << p.key;
      continue;
    }
    ASSERT_NE(field, nullptr) << p.key << " has no member";
    EXPECT_TRUE(seen.insert(field).second) << p.key << " shares a member with another row";
  }
  EXPECT_EQ(members, field_count<FitConfig>())
      << "a FitConfig field without a row of the parameter table (or a row too many)";
}

// The text of the defaults, byte for byte as journals and results files written so far hold it:
// a change here makes every earlier campaign refuse --resume.
TEST(Parameters, DefaultTextIsUnchanged) {
  EXPECT_EQ(isoster::to_text(FitConfig{}),
            "compat = iraf\nx0 = nan\ny0 = nan\nsma0 = 10\neps = 0.20000000000000001\npa = 110\n"
            "minsma = 0\nmaxsma = nan\nstep = 0.10000000000000001\nlinear-step = false\n"
            "integrator = bilinear\nusclip = 3\nlsclip = 3\nnclip = 0\nfflag = 0.5\n"
            "maxgerr = 0.5\nconver = 0.050000000000000003\nminit = 10\nmaxit = 50\n"
            "maxrit = nan\nwander = nan\nsoft = false\nfix-center = false\nfix-pa = false\n"
            "fix-eps = false\nolthresh = 1\nrecenter = true\nkeep-center = false\n"
            "grad-ref0 = -0.050000000000000003\nfluxes = true\n"
            "simultaneous-harmonics = false\nsampling = polar\nforced-gradient = true\n");
}

// Changing any one parameter changes the configuration text, hence the checksum --resume
// compares, and that parameter's line only.
TEST(Parameters, EveryParameterReachesTheConfigurationText) {
  const std::string base = isoster::to_text(FitConfig{});
  for (const ParamDesc& p : isoster::fit_parameters()) {
    if (p.is_alias()) continue;
    FitConfig c;
    switch (p.type) {
      case ParamType::Choice:
        isoster::set_param_number(p, c, 1);
        break;
      case ParamType::Flag:
        c.*p.flag = !(c.*p.flag);
        break;
      case ParamType::Integer:
        c.*p.integer += 1;
        break;
      case ParamType::Real:
        c.*p.real = std::isnan(c.*p.real) ? 0.25 : c.*p.real * 0.5 - 0.125;
        break;
    }
    const std::string text = isoster::to_text(c);
    EXPECT_NE(text, base) << p.key;
    const std::string line = std::string(p.key) + " = " + isoster::param_text(p, c) + "\n";
    EXPECT_NE(text.find(line), std::string::npos) << p.key << ": " << text;
  }
}

// validate() refuses a value outside a row's bounds, naming the parameter by its key.
TEST(Parameters, BoundsAreEnforcedByName) {
  int checked = 0;
  for (const ParamDesc& p : isoster::fit_parameters()) {
    if (p.is_alias() || (p.type != ParamType::Real && p.type != ParamType::Integer)) continue;
    const isoster::Bounds& b = p.bounds;
    double outside;
    if (isoster::is_set(b.lo))
      outside = b.lo - 1;
    else if (isoster::is_set(b.hi))
      outside = b.hi + 1;
    else if (b.finite)
      outside = INFINITY;
    else
      continue;
    if (p.type == ParamType::Integer && !std::isfinite(outside)) continue;
    FitConfig c;
    c.x0 = c.y0 = 5;  // given together, as validate() requires
    isoster::set_param_number(p, c, outside);
    try {
      isoster::validate(c);
      ADD_FAILURE() << p.key << " = " << outside << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind(std::string(p.key) + " must be ", 0), 0u) << e.what();
    }
    ++checked;
  }
  EXPECT_GE(checked, 15);
  EXPECT_NO_THROW(isoster::validate(FitConfig{}));
}

TEST(Parameters, ChoicesNameTheEnumerators) {
  EXPECT_STREQ(isoster::to_string(isoster::Compat::Photutils), "photutils");
  EXPECT_STREQ(isoster::to_string(isoster::Integrator::Median), "median");
  EXPECT_STREQ(isoster::to_string(isoster::Sampling::Eccentric), "eccentric");
  const ParamDesc* p = isoster::find_parameter("integrator");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(isoster::choice_list(*p), "bilinear, nearest, mean or median");
  FitConfig c;
  EXPECT_TRUE(isoster::set_param_choice(*p, c, "mean"));
  EXPECT_EQ(c.integrator, isoster::Integrator::Mean);
  EXPECT_FALSE(isoster::set_param_choice(*p, c, "average"));
  // A negated flag is found by its option and clears its member.
  const ParamDesc* r = isoster::find_parameter("no-recenter");
  ASSERT_NE(r, nullptr);
  EXPECT_STREQ(r->key, "recenter");
  isoster::set_param_number(*r, c, 1);
  EXPECT_FALSE(c.recenter);
}

}  // namespace
