#!/usr/bin/env bash
# Installs, builds and runs every test (ctest). With --sanitize: the asan preset (a separate build
# under -fsanitize=address,undefined with portable flags) and the same tests again, except the
# SLURM templates' tests (label slurm: shell scripts driving the same binaries).
# Usage: bash scripts/test.sh [--sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
preset=release-native
if [ "${1:-}" = "--sanitize" ]; then
  preset=asan
fi
bash scripts/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
