#pragma once

namespace isoster::cli {

// `isoster model`: returns the exit status (0 ok, 1 failure, 2 usage error).
int run_model(int argc, const char* const* argv);

}  // namespace isoster::cli
