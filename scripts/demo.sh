#!/usr/bin/env bash
# Installs what is missing, builds the `handoff` tool and runs the demo on the bundled scenario
# (examples/scenarios/agency.json). Usage: bash scripts/demo.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target handoff_cli >/dev/null
exec build/release/examples/handoff demo "$@"
