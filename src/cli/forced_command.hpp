#pragma once

namespace isoster::cli {

// `isoster forced`: returns the exit status (0 ok, 1 failure, 2 usage error).
int run_forced(int argc, const char* const* argv);

}  // namespace isoster::cli
