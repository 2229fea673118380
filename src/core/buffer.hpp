// Internal: a growable array of doubles for per-ring scratch data. Growth discards the contents
// and leaves the new storage uninitialised: ring buffers are rewritten before they are read, and
// a std::vector would copy the old contents and zero the rest on every growth.
#pragma once

#include <cstddef>
#include <memory>

namespace isoster::detail {

class Buffer {
 public:
  double* data() { return view_ != nullptr ? view_ : p_.get(); }
  const double* data() const { return view_ != nullptr ? view_ : p_.get(); }
  std::size_t size() const { return n_; }
  double& operator[](std::size_t i) { return data()[i]; }
  double operator[](std::size_t i) const { return data()[i]; }
  // At least n elements; the old contents are lost when it grows.
  void grow(std::size_t n) {
    if (n <= n_) return;
    p_.reset(new double[n]);
    view_ = nullptr;
    n_ = n;
  }
  // Uses n elements of someone else's storage (an arena that outlives the use) until the next
  // attach or a growth past n: many small buffers then cost one allocation.
  void attach(double* p, std::size_t n) {
    p_.reset();
    view_ = p;
    n_ = n;
  }

 private:
  std::unique_ptr<double[]> p_;
  double* view_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace isoster::detail
