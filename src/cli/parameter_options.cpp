#include "cli/parameter_options.hpp"

#include <stdexcept>
#include <string>

#include "cli/command_line.hpp"

namespace po = boost::program_options;

namespace isoster::cli {

namespace {

// The typed Boost value of a parameter, with the table's default (shown by --help).
const po::value_semantic* semantic(const ParamDesc& p) {
  const std::string dflt = param_default_text(p);
  const FitConfig d;
  switch (p.type) {
    case ParamType::Flag:
      return flag();
    case ParamType::Choice:
      return po::value<std::string>()->default_value(dflt);
    case ParamType::Integer:
      return po::value<int>()->default_value(d.*p.integer, dflt);
    case ParamType::Real:
      if (dflt.empty()) return po::value<double>();
      return po::value<double>()->default_value(d.*p.real, dflt);
  }
  throw std::logic_error("unknown parameter type");
}

}  // namespace

po::options_description parameter_options(unsigned command) {
  po::options_description d("Fit parameters (also valid as keys of an INI --config file)");
  for (const ParamDesc& p : fit_parameters())
    if (p.scope & command) d.add_options()(p.option, semantic(p), p.help);
  return d;
}

FitConfig read_parameters(const po::variables_map& vm, unsigned command) {
  FitConfig c;
  for (const ParamDesc& p : fit_parameters()) {
    if (!(p.scope & command) || !vm.count(p.option)) continue;
    const po::variable_value& v = vm[p.option];
    // A default only shows the member's own default: leaving it keeps what an alias set.
    if (v.defaulted()) continue;
    switch (p.type) {
      case ParamType::Choice:
        if (!set_param_choice(p, c, v.as<std::string>()))
          throw UsageError(std::string("--") + p.option + " must be " + choice_list(p));
        break;
      case ParamType::Flag:
        set_param_number(p, c, v.as<bool>() ? 1 : 0);
        break;
      case ParamType::Integer:
        set_param_number(p, c, v.as<int>());
        break;
      case ParamType::Real:
        set_param_number(p, c, v.as<double>());
        break;
    }
  }
  try {
    validate(c);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return c;
}

}  // namespace isoster::cli
