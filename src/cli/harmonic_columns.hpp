// `--harmonics LIST` of `isoster fit` and `isoster forced`: harmonic orders beyond the table's
// fixed A3..B4, measured on each row's ellipse (measure_harmonics) into extra columns.
#pragma once

#include <string>
#include <vector>

#include "io/table_writer.hpp"
#include "isoster/fit.hpp"

namespace isoster::cli {

// Parses "3,4,5,6": integers from 3 to 64. Returns the orders to measure, ascending, 3 and 4
// always included (they fix the residuals the others are fitted to); throws std::invalid_argument
// for anything else or more than 8 orders in all.
std::vector<int> parse_harmonic_orders(const std::string& list);

// Measures `orders` on `rows` and appends the columns A<n>, A<n>_ERR, B<n>, B<n>_ERR of every
// order other than 3 and 4 (those are A3..B4) to `meta`, and the keyword HARMONIC (the orders).
// Nothing when only 3 and 4 are asked.
void add_harmonic_columns(const ImageView& image, const std::vector<Isophote>& rows,
                          const std::vector<int>& orders, const FitConfig& cfg,
                          const ImageView* variance, io::TableMeta& meta);

}  // namespace isoster::cli
