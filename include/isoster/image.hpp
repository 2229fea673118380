// In-memory images for the core: row-major float32 pixels, x = column, y = row, 0-based; at least
// 3x3 pixels (fit_image refuses smaller ones: every sample reads a 2x2 cell).
// A pixel is bad when it is NaN: masks and non-finite values are folded into NaN once, on load,
// so every kernel tests validity with a single isfinite on its interpolated value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace isoster {

struct ImageView {
  const float* data = nullptr;
  int nx = 0;
  int ny = 0;
  const float* row(int j) const { return data + static_cast<std::ptrdiff_t>(j) * nx; }
  float at(int i, int j) const { return data[static_cast<std::ptrdiff_t>(j) * nx + i]; }
  bool empty() const { return data == nullptr || nx <= 0 || ny <= 0; }
};

class Image {
 public:
  Image() = default;
  Image(int nx, int ny, float fill = 0.0f)
      : nx_(nx), ny_(ny), pix_(static_cast<std::size_t>(nx) * ny, fill) {}
  int nx() const { return nx_; }
  int ny() const { return ny_; }
  float* data() { return pix_.data(); }
  const float* data() const { return pix_.data(); }
  float& at(int i, int j) { return pix_[static_cast<std::size_t>(j) * nx_ + i]; }
  float at(int i, int j) const { return pix_[static_cast<std::size_t>(j) * nx_ + i]; }
  ImageView view() const { return ImageView{pix_.data(), nx_, ny_}; }

 private:
  int nx_ = 0;
  int ny_ = 0;
  std::vector<float> pix_;
};

// Marks bad pixels as NaN: mask values != 0 and non-finite pixels (±Inf). Returns the number of bad
// pixels. `mask` may be null; otherwise it has nx*ny entries in the same layout as the image.
std::size_t apply_mask(Image& image, const std::uint8_t* mask);

// Number of finite pixels.
std::size_t count_valid(const ImageView& image);
// True when at least one pixel is finite (stops at the first).
bool any_valid(const ImageView& image);

}  // namespace isoster
