#!/usr/bin/env bash
# Installs, builds and runs every test (ctest). With --sanitize: a separate build under
# -fsanitize=address,undefined with portable flags, and the same tests again (except the SLURM
# templates' tests, label slurm: shell scripts driving the same binaries).
# Usage: bash scripts/test.sh [--sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
if [ "${1:-}" = "--sanitize" ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISOSTER_SANITIZE=ON \
    -DISOSTER_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j "$(nproc)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)" --label-exclude 'install|slurm'
else
  bash scripts/build.sh build
  ctest --test-dir build --output-on-failure -j "$(nproc)"
fi
