// Internal: a growable array of doubles for per-ring scratch data. Growth discards the contents
// and leaves the new storage uninitialised: ring buffers are rewritten before they are read, and
// a std::vector would copy the old contents and zero the rest on every growth.
#pragma once

#include <cstddef>
#include <memory>

namespace isoster::detail {

class Buffer {
 public:
  double* data() { return p_.get(); }
  const double* data() const { return p_.get(); }
  std::size_t size() const { return n_; }
  double& operator[](std::size_t i) { return p_[i]; }
  double operator[](std::size_t i) const { return p_[i]; }
  // At least n elements; the old contents are lost when it grows.
  void grow(std::size_t n) {
    if (n <= n_) return;
    p_.reset(new double[n]);
    n_ = n;
  }

 private:
  std::unique_ptr<double[]> p_;
  std::size_t n_ = 0;
};

}  // namespace isoster::detail
