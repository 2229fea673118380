#!/usr/bin/env bash
# Configures and builds isoster with one of the CMake presets (CMakePresets.json).
# Usage: bash scripts/build.sh [PRESET] [extra cmake configure args...]
#   release-native (default, into ./build): optimised for this CPU, static tool (starts in ~1 ms;
#                  https inputs unsupported); see docs/benchmarks.md
#   portable       (./build-portable): the same without -march=native
#   asan           (./build-asan): AddressSanitizer and UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release-native}
shift || true
cmake --preset "$preset" "$@" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
