// The fit parameters shared by `isoster fit` and `isoster campaign`: the same option names on
// the command line and as keys of an INI --config file.
#pragma once

#include <boost/program_options.hpp>

#include "isoster/config.hpp"

namespace isoster::cli {

boost::program_options::options_description fit_parameters();

// Copies the given parameters into `c` (except compat and integrator, which the caller parses to
// report its own usage error).
void apply_fit_parameters(const boost::program_options::variables_map& vm, FitConfig& c);

}  // namespace isoster::cli
