#include <cmath>
#include <stdexcept>
#include <string>

#include "harmonics.hpp"
#include "isophote_fitter.hpp"
#include "isoster/fit.hpp"

namespace isoster {

std::vector<double> measure_harmonics(const ImageView& image_in, const std::vector<Isophote>& rows,
                                      const std::vector<int>& orders, const FitConfig& cfg,
                                      const ImageView* variance) {
  validate(cfg);
  const int n = static_cast<int>(orders.size());
  if (n < 1 || n > detail::kMaxJointOrders)
    throw std::invalid_argument("harmonics: between 1 and " +
                                std::to_string(detail::kMaxJointOrders) + " orders");
  for (int i = 0; i < n; ++i)
    if (orders[i] < 3 || orders[i] > 64 || (i > 0 && orders[i] <= orders[i - 1]))
      throw std::invalid_argument(
          "harmonics: orders must be ascending, without repeats, from 3 to 64");
  Image masked;
  const ImageView image = weighted_image(image_in, cfg, variance, masked);
  std::vector<double> out(rows.size() * 4 * static_cast<std::size_t>(n), NAN);
  if (image.empty() || image.nx < 3 || image.ny < 3) return out;
  detail::IsophoteFitter fitter(image, cfg);
  fitter.set_variance(variance);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Isophote& r = rows[k];
    if (!(r.sma > 0 && r.sma < 1e7 && std::isfinite(r.x0) && std::isfinite(r.y0) && r.ellip >= 0 &&
          r.ellip < 1 && std::isfinite(r.pa) && std::isfinite(r.grad) && r.grad != 0))
      continue;
    fitter.measure_forced(r.sma, r.x0, r.y0, r.ellip, r.pa);
    fitter.harmonics_of_last(r.sma, r.grad, r.grad_r_err, orders.data(), n,
                             out.data() + k * 4 * static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace isoster
