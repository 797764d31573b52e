#!/usr/bin/env bash
# Installs missing packages, then configures and builds the project into build/: everything, or
# only the CMake targets given as arguments (scripts/build.sh news-server newsctl).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build build -j"$(nproc)" ${1:+--target "$@"}
