#!/usr/bin/env bash
# Configures and builds isoster. Usage: bash scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Default: ./build, Release, ISOSTER_NATIVE=ON (optimised for this CPU: see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DISOSTER_NATIVE=ON "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
