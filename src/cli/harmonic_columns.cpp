#include "cli/harmonic_columns.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace isoster::cli {

std::vector<int> parse_harmonic_orders(const std::string& list) {
  std::vector<int> orders = {3, 4};
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    int n = 0;
    try {
      n = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || n < 3 || n > 64)
      throw std::invalid_argument("--harmonics takes orders from 3 to 64, comma-separated (got '" +
                                  list + "')");
    orders.push_back(n);
  }
  if (list.empty() || list.back() == ',')
    throw std::invalid_argument("--harmonics takes orders from 3 to 64, comma-separated (got '" +
                                list + "')");
  std::sort(orders.begin(), orders.end());
  orders.erase(std::unique(orders.begin(), orders.end()), orders.end());
  if (orders.size() > 8)
    throw std::invalid_argument("--harmonics: at most 8 orders in all, 3 and 4 included");
  return orders;
}

void add_harmonic_columns(const ImageView& image, const std::vector<Isophote>& rows,
                          const std::vector<int>& orders, const FitConfig& cfg,
                          const ImageView* variance, io::TableMeta& meta) {
  if (orders.size() <= 2) return;  // 3 and 4 only: the fixed columns
  const std::vector<double> h = measure_harmonics(image, rows, orders, cfg, variance);
  const std::size_t no = orders.size();
  std::string list;
  for (int n : orders) list += (list.empty() ? "" : ",") + std::to_string(n);
  meta.items.push_back(
      io::text_item("HARMONIC", list, "harmonic orders measured (A3..B4 and extra columns)"));
  for (std::size_t i = 0; i < no; ++i) {
    if (orders[i] == 3 || orders[i] == 4) continue;
    const std::string n = std::to_string(orders[i]);
    for (int q = 0; q < 4; ++q) {  // A, A_ERR, B, B_ERR
      io::ExtraColumn c;
      c.name = std::string(q < 2 ? "A" : "B") + n + (q % 2 ? "_ERR" : "");
      c.values.resize(rows.size());
      for (std::size_t k = 0; k < rows.size(); ++k) c.values[k] = h[(k * no + i) * 4 + q];
      meta.extra.push_back(std::move(c));
    }
  }
}

}  // namespace isoster::cli
