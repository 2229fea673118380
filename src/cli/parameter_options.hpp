// The fit parameters on the command line and in INI --config files: Boost options made from the
// parameter table (isoster/parameters.hpp), the same keys in both places, and the configuration
// they give.
#pragma once

#include <boost/program_options.hpp>

#include "isoster/config.hpp"
#include "isoster/parameters.hpp"

namespace isoster::cli {

// The options of the table's parameters that `command` takes (kFitParam or kForcedParam).
boost::program_options::options_description parameter_options(unsigned command);

// The configuration the given options make (table order: an alias such as --sclip first, the
// parameters it sets may then override it), validated. Throws UsageError.
FitConfig read_parameters(const boost::program_options::variables_map& vm, unsigned command);

}  // namespace isoster::cli
