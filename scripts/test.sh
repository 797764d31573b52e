#!/usr/bin/env bash
# The README's test command: builds everything and runs the whole test suite. Integration tests
# start their own throwaway PostgreSQL clusters and servers on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600
