// The fit parameters, described once. Every consumer derives from this table: the command-line
// options and INI keys (src/cli/parameter_options.cpp), validate(), the configuration text whose
// checksum --resume compares (to_text), the FITS header keywords of the tables, and keyword
// arguments of language bindings. Adding a FitConfig field means adding its row here; nothing
// else lists the fields.
#pragma once

#include <string>
#include <vector>

#include "isoster/config.hpp"

namespace isoster {

enum class ParamType {
  Real,     // double
  Integer,  // int
  Flag,     // bool, set by naming the option (a negated flag clears it: --no-recenter)
  Choice,   // an enumeration, given by name
};

// Which commands take a parameter, and which tables record it in their header.
enum ParamScope : unsigned {
  kFitParam = 1u << 0,     // isoster fit and isoster campaign
  kForcedParam = 1u << 1,  // isoster forced
  kAllCommands = kFitParam | kForcedParam,
  kFitHeader = 1u << 2,     // the FITS keyword is written to fit tables
  kForcedHeader = 1u << 3,  // ... and to forced tables
};

// The names of an enumeration's values, in the order of its enumerators (0, 1, ...).
struct ChoiceDesc {
  std::vector<const char*> names;
  int (*get)(const FitConfig&);
  void (*set)(FitConfig&, int);
};

// The values a number may take: an interval with open or closed ends (an absent end is NaN).
struct Bounds {
  double lo = kUnset, hi = kUnset;
  bool lo_open = false, hi_open = false;
  bool finite = false;  // also refuses +-inf where no end does
};

struct ParamDesc {
  const char* key = "";     // configuration text name; bindings use it with '_' for '-'
  const char* option = "";  // command-line option and INI key; differs from key only for negated
                            // flags (key "recenter", option "no-recenter")
  ParamType type = ParamType::Real;
  unsigned scope = kAllCommands;
  const char* help = "";
  double FitConfig::*real = nullptr;
  int FitConfig::*integer = nullptr;
  bool FitConfig::*flag = nullptr;
  bool negated = false;                            // a Flag whose option sets the member to false
  const ChoiceDesc* choice = nullptr;              // a Choice's names and accessors
  bool optional = false;                           // a Real that may stay unset (NaN): no default
  Bounds bounds;                                   // checked by validate() when the value is set
  double (*resolved)(const FitConfig&) = nullptr;  // the value text and FITS record (mode default)
  void (*alias)(FitConfig&, double) = nullptr;     // an option that sets other fields (no member)
  const char* fits_key = nullptr;  // FITS header keyword (<= 8 characters); null: none
  const char* fits_comment = nullptr;

  bool is_alias() const { return alias != nullptr; }
};

// Every parameter, in the order of the configuration text and of the FITS keywords.
const std::vector<ParamDesc>& fit_parameters();

// The row whose key or option is `name`; null when there is none.
const ParamDesc* find_parameter(const std::string& name);

// The value of `p` in `cfg` as a number (reals, integers, flags as 0/1, choices as their index),
// resolved when the parameter has a mode-dependent default. Not for aliases.
double param_number(const ParamDesc& p, const FitConfig& cfg);

// The value as the configuration text writes it: %.17g for numbers, true/false, a choice's name.
std::string param_text(const ParamDesc& p, const FitConfig& cfg);

// The default as help texts show it (shortest round-trip form, a choice's name, "" when the
// parameter has no default).
std::string param_default_text(const ParamDesc& p);

// Sets a Real, Integer or Flag parameter (or applies an alias) from a number; for a Choice, from
// the index of its name. The value is checked by validate(), not here.
void set_param_number(const ParamDesc& p, FitConfig& cfg, double value);

// Sets a Choice from its name. Returns false when `name` is none of its names.
bool set_param_choice(const ParamDesc& p, FitConfig& cfg, const std::string& name);

// "iraf or photutils", "bilinear, nearest, mean or median": a Choice's names for messages.
std::string choice_list(const ParamDesc& p);

}  // namespace isoster
