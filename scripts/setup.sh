#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and benchmarking handoff needs.
# Idempotent: does nothing (no apt-get update) when everything is already installed.
# Runs as root without sudo; uses sudo only when not root and sudo exists.
set -euo pipefail

packages=(
  g++ cmake make ninja-build pkg-config git
  libboost-dev libboost-graph-dev libboost-date-time-dev
  libabsl-dev
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  libsqlite3-dev
  nlohmann-json3-dev
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup.sh: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
