// Small helpers over the HDF5 C API shared by the results writer and reader: error checks that
// throw, and an owner that closes an identifier on every path out.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace isoster::io::h5 {

inline void check(herr_t r, const std::string& what) {
  if (r < 0) throw std::runtime_error("HDF5: " + what + " failed");
}

inline hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5: " + what + " failed");
  return id;
}

// Owns an HDF5 identifier.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Silences HDF5's printed error stack while alive: failures are reported by the caller in one line.
class Quiet {
 public:
  Quiet() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

inline hid_t string_type(int width) {
  const hid_t t = checked(H5Tcopy(H5T_C_S1), "string type");
  H5Tset_size(t, static_cast<size_t>(std::max(1, width)));
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  return t;
}

}  // namespace isoster::io::h5
