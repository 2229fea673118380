#pragma once

namespace isoster::cli {

// `isoster fit`: returns the process exit status (0 ok, 1 some image failed, 2 usage error).
int run_fit(int argc, const char* const* argv);

}  // namespace isoster::cli
