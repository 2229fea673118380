// The unit the master hands out: a catalog row and, in forced mode, one range of its template's
// rows, packed into one integer (the messages carry arrays of them).
#pragma once

#include <cstdint>

namespace isoster::pipeline {

constexpr int kPartBits = 20;  // ranges per galaxy: fewer than 2^20
constexpr std::int64_t work_item(std::int64_t index, std::int32_t part) {
  return (index << kPartBits) | part;
}
constexpr std::int64_t item_index(std::int64_t item) { return item >> kPartBits; }
constexpr std::int32_t item_part(std::int64_t item) {
  return static_cast<std::int32_t>(item & ((1 << kPartBits) - 1));
}

}  // namespace isoster::pipeline
