#!/usr/bin/env bash
# Installs missing packages, builds factorysim (Release) and runs the whole test suite,
# then builds the unit tests again with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs them. Benchmarks are built (so they stay compilable) but never run here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DFACTORYSIM_WARNINGS_AS_ERRORS=ON
cmake --build build
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== sanitizers (ASan + UBSan) =="
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFACTORYSIM_SANITIZE=ON \
  -DFACTORYSIM_BUILD_BENCHMARKS=OFF -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
cmake --build build-sanitize
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure -j "$jobs" --label-exclude consumer
