#include "io/collective.hpp"

namespace isoster::io {

std::string bcast_string(std::string s, MPI_Comm comm, int root) {
  long n = static_cast<long>(s.size());
  MPI_Bcast(&n, 1, MPI_LONG, root, comm);
  s.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, root, comm);
  return s;
}

std::string agreed_error(MPI_Comm comm, const std::string& local) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int first = local.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return "";
  return bcast_string(rank == first ? local : std::string(), comm, first);
}

}  // namespace isoster::io
