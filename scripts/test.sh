#!/usr/bin/env bash
# Installs what is missing, builds everything (library, tool, examples, tests, benchmarks) with
# warnings as errors, and runs the whole test suite. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release
cmake --build --preset release
ctest --preset release
