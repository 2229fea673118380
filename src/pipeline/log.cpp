#include "pipeline/log.hpp"

#include <cstdio>
#include <mutex>

namespace isoster::log {

namespace {

struct State {
  std::string program = "isoster";
  int rank = 0, ranks = 1;
  std::mutex m;
};

State& state() {
  static State s;
  return s;
}

void put(const std::string& line) {
  State& s = state();
  std::lock_guard<std::mutex> l(s.m);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

bool speaks() { return state().rank == 0; }

}  // namespace

void init(const std::string& program, int rank, int ranks) {
  State& s = state();
  s.program = program;
  s.rank = rank;
  s.ranks = ranks;
}

const std::string& program() { return state().program; }

void error(const std::string& message) {
  if (speaks()) put(program() + ": error: " + message + "\n");
}

void usage(const std::string& message) {
  if (speaks()) put(program() + ": " + message + " (" + program() + " --help)\n");
}

void warning(const std::string& message) {
  if (speaks()) put(program() + ": warning: " + message + "\n");
}

void note(const std::string& message) {
  if (speaks()) put(program() + ": " + message + "\n");
}

void rank_error(const std::string& message) {
  const State& s = state();
  put(s.ranks > 1 ? program() + ": rank " + std::to_string(s.rank) + ": error: " + message + "\n"
                  : program() + ": error: " + message + "\n");
}

}  // namespace isoster::log
