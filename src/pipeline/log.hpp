// One way to report, for every isoster executable: lines on stderr that begin with the program's
// name ("isoster fit: ...", "isoster campaign: ..."). In an MPI program a line that all ranks
// agree on is printed once, by rank 0; a line that one rank reports about itself carries its
// rank ("isoster campaign: rank 3: error: ..."). Each line is written whole, so that the threads of
// a rank and the ranks of a job never interleave within a line.
#pragma once

#include <string>

namespace isoster::log {

// Names the program and, in an MPI program, this process's rank among `ranks`. Until it is
// called the program is "isoster", a single process.
void init(const std::string& program, int rank = 0, int ranks = 1);

const std::string& program();

// "<program>: error: <message>": a failure the command exits with (rank 0 only).
void error(const std::string& message);
// "<program>: <message> (<program> --help)": a usage error, exit status 2 (rank 0 only).
void usage(const std::string& message);
// "<program>: warning: <message>" (rank 0 only).
void warning(const std::string& message);
// "<program>: <message>": progress and summaries (rank 0 only).
void note(const std::string& message);
// "<program>: rank <r>: error: <message>" (without the rank part in a single process): a failure
// this rank alone has seen, printed whatever its rank.
void rank_error(const std::string& message);

}  // namespace isoster::log
