// The recurring step of the MPI programs: try something on every rank (or on rank 0), agree on
// the outcome, and fail on every rank together, so that no rank waits in a collective that the
// others have left. One error type for it.
#pragma once

#include <mpi.h>

#include <exception>
#include <stdexcept>
#include <string>

namespace isoster::io {

// A failure every rank of the communicator has agreed on: each rank throws it, with the same
// message, and all of them can return. Any other exception may be local to one rank.
class CollectiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Rank `root`'s `s` on every rank of `comm` (collective).
std::string bcast_string(std::string s, MPI_Comm comm, int root = 0);

// The message of the lowest rank whose `local` is not empty, on every rank; "" when every rank's
// is empty (collective: one allreduce, and one broadcast on failure).
std::string agreed_error(MPI_Comm comm, const std::string& local);

// Runs `step` on this rank. If it throws on any rank, every rank throws CollectiveError with the
// message of the lowest rank that failed (collective).
template <class Step>
void on_every_rank(MPI_Comm comm, Step&& step) {
  std::string local;
  try {
    step();
  } catch (const std::exception& e) {
    local = *e.what() ? e.what() : "unknown error";
  }
  const std::string agreed = agreed_error(comm, local);
  if (!agreed.empty()) throw CollectiveError(agreed);
}

}  // namespace isoster::io
