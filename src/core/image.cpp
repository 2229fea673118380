#include "isoster/image.hpp"

#include <cmath>
#include <limits>

namespace isoster {

std::size_t apply_mask(Image& image, const std::uint8_t* mask) {
  const std::size_t n = static_cast<std::size_t>(image.nx()) * image.ny();
  float* p = image.data();
  std::size_t bad = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if ((mask != nullptr && mask[k] != 0) || !std::isfinite(p[k])) {
      p[k] = std::numeric_limits<float>::quiet_NaN();
      ++bad;
    }
  }
  return bad;
}

std::size_t count_valid(const ImageView& image) {
  const std::size_t n = static_cast<std::size_t>(image.nx) * image.ny;
  std::size_t good = 0;
  for (std::size_t k = 0; k < n; ++k) good += std::isfinite(image.data[k]) ? 1 : 0;
  return good;
}

bool any_valid(const ImageView& image) {
  const std::size_t n = static_cast<std::size_t>(image.nx) * image.ny;
  for (std::size_t k = 0; k < n; ++k)
    if (std::isfinite(image.data[k])) return true;
  return false;
}

}  // namespace isoster
