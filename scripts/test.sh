#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the unit suites,
# the malformed-policy suite, the shipped policy's own tests, the CLI golden
# runs and the CEL conformance run (which needs ../shared beside the
# checkout and says so when it is skipped); then the same suites again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests

jobs=$(nproc 2>/dev/null || echo 2)

echo "== build and test (build/)"
cmake -S . -B build -G Ninja -DAFTERSALES_BUILD_TESTS=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== the same under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAFTERSALES_BUILD_TESTS=ON \
  -DAFTERSALES_SANITIZE=address,undefined
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs"
