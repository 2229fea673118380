// The error of the I/O layer: one line, for the user, naming the file and the problem.
#pragma once

#include <stdexcept>

namespace isoster::io {

class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace isoster::io
