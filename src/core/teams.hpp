// Internal: the thread count of a call that shares independent pieces of work (forced rows, model
// image rows) among OpenMP threads.
#pragma once

#include <omp.h>

#include <algorithm>
#include <stdexcept>

namespace isoster::detail {

// `threads` as the public calls take it: 0 for one per core, negative refused.
inline void check_threads(int threads) {
  if (threads < 0) throw std::invalid_argument("threads must be >= 0");
}

// The threads to start for `items` pieces: at least 1 and no more than there are pieces.
inline int team_size(int threads, int items) {
  return std::clamp(threads == 0 ? omp_get_num_procs() : threads, 1, std::max(items, 1));
}

}  // namespace isoster::detail
