#!/usr/bin/env bash
# Builds handoff with profile-guided optimization (GCC) into build/pgo, in three steps:
#   1. build/pgo-train: the library instrumented (HANDOFF_PGO=generate), with the workspace
#      benchmark and the handoff tool;
#   2. the training, which writes profiles to build/pgo-profile: the workspace benchmark's
#      500-project command mix, its tick over 100k open SLA clocks (warnings) and its
#      forecast fan-out, then `handoff run` and `handoff demo` on the bundled scenario;
#   3. build/pgo: everything (library, tool, examples, tests, benchmarks; warnings as errors)
#      with the library optimized by those profiles (HANDOFF_PGO=use).
# The training never runs the 10k-project mix the throughput target is measured on. The profiles
# and the instrumented build start afresh (GCC merges new counts into old profiles). In build/pgo
# the new profiles recompile the library (cmake/HandoffPgo.cmake makes its sources depend on
# them); the tests, benchmarks and tools there are rebuilt only when their sources change.
# Usage: bash scripts/build_pgo.sh [--test]   (--test: then runs the whole test suite on it)
set -euo pipefail
cd "$(dirname "$0")/.."
run_tests=0
case "${1:-}" in
  --test) run_tests=1 ;;
  "") ;;
  *) echo "usage: bash scripts/build_pgo.sh [--test]" >&2; exit 2 ;;
esac
bash scripts/setup.sh
profiles="$PWD/build/pgo-profile"
rm -rf "$profiles" build/pgo-train

cmake -S . -B build/pgo-train -DCMAKE_BUILD_TYPE=Release -DHANDOFF_PGO=generate \
  -DHANDOFF_PGO_DIR="$profiles" -DHANDOFF_BUILD_TESTS=OFF >/dev/null
cmake --build build/pgo-train -j2 --target workspace_benchmark handoff_cli

echo "training: workspace benchmarks (500-project mix, tick, fan-out), handoff run and demo"
build/pgo-train/benchmarks/workspace_benchmark \
  --benchmark_filter='^BM_ApplyMix/projects:500/|^BM_TickOverOpenClocks/projects:10000/items:50000/|^BM_ForecastFanOut/' \
  >/dev/null 2>&1
build/pgo-train/examples/handoff run examples/scenarios/agency.json >/dev/null
build/pgo-train/examples/handoff demo >/dev/null

cmake -S . -B build/pgo -DCMAKE_BUILD_TYPE=Release -DHANDOFF_WERROR=ON -DHANDOFF_PGO=use \
  -DHANDOFF_PGO_DIR="$profiles" >/dev/null
cmake --build build/pgo -j2
if [ "$run_tests" -eq 1 ]; then
  ctest --test-dir build/pgo -j2 --output-on-failure
fi
echo "built build/pgo (benchmarks: build/pgo/benchmarks/)"
