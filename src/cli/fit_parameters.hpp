// The fit parameters shared by `isoster fit` and `isoster campaign`: the same option names on
// the command line and as keys of an INI --config file; and the option helpers of both parsers.
#pragma once

#include <boost/program_options.hpp>

#include "isoster/config.hpp"

namespace isoster::cli {

// A switch: absent false, present (no value) true.
inline boost::program_options::typed_value<bool>* flag() {
  return boost::program_options::value<bool>()
      ->default_value(false)
      ->implicit_value(true)
      ->zero_tokens();
}

// Copies option `key` into `out` when it was given (or has a default).
template <class T>
void take(const boost::program_options::variables_map& vm, const char* key, T& out) {
  if (vm.count(key)) out = vm[key].as<T>();
}

boost::program_options::options_description fit_parameters();

// Copies the given parameters into `c` (except compat and integrator, which the caller parses to
// report its own usage error).
void apply_fit_parameters(const boost::program_options::variables_map& vm, FitConfig& c);

}  // namespace isoster::cli
