// Reading a subcommand's command line: one place for the store, --config and notify sequence
// that every isoster parser shares.
#pragma once

#include <boost/program_options.hpp>

namespace isoster::cli {

// Stores argv into vm (options `all`, positional layout `pos`). Unless it asks for --help or
// --version, then adds the values of the INI file named by --config for the options of `ini`
// (when given; the command line wins) and notifies. Throws boost::program_options::error, with
// "cannot read config file FILE" for an unreadable file.
void read_command_line(int argc, const char* const* argv,
                       const boost::program_options::options_description& all,
                       const boost::program_options::positional_options_description& pos,
                       const boost::program_options::options_description* ini,
                       boost::program_options::variables_map& vm);

}  // namespace isoster::cli
