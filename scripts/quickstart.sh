#!/usr/bin/env bash
# Installs missing packages, builds factorysim (Release) and runs the default demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
./build/factorysim demo
