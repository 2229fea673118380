// What every isoster command line shares: reading argv with an INI --config file, the usage-error
// type, the option helpers and the version line.
#pragma once

#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>

namespace isoster::cli {

// A usage error: one line (log::usage), exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Stores argv into vm (options `all`, positional layout `pos`). Unless it asks for --help or
// --version, then adds the values of the INI file named by --config for the options of `ini`
// (when given; the command line wins) and notifies. Throws UsageError, with "cannot read config
// file FILE" for an unreadable file.
void read_command_line(int argc, const char* const* argv,
                       const boost::program_options::options_description& all,
                       const boost::program_options::positional_options_description& pos,
                       const boost::program_options::options_description* ini,
                       boost::program_options::variables_map& vm);

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

// "isoster 0.1.0 (<git revision>)", with the build flags ("Release native") when asked.
std::string version_line(bool build_flags = false);

// The command line as one string (results files record it).
std::string joined_command_line(const char* command, int argc, const char* const* argv);

}  // namespace isoster::cli
