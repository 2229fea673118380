#!/usr/bin/env bash
# Configures and builds isoster. Usage: bash scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Default: ./build, Release, ISOSTER_NATIVE=ON (optimised for this CPU) and ISOSTER_STATIC_TOOL=ON
# (a tool that starts in ~1 ms instead of ~8 ms; https inputs unsupported): see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DISOSTER_NATIVE=ON -DISOSTER_STATIC_TOOL=ON "$@" \
  >/dev/null
cmake --build "$build" -j "$(nproc)"
