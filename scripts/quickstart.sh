#!/usr/bin/env bash
# Installs missing packages, builds factorysim (Release) and runs the default scenario
# (scenarios/quickstart.json: one GB300 NVL72 scalable unit for a day).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
./build/factorysim run scenarios/quickstart.json
