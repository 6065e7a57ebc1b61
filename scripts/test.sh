#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the unit suites,
# the malformed-policy suite, the CLI golden runs, and the CEL conformance
# run (which needs ../shared beside the checkout and says so when skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DAFTERSALES_BUILD_TESTS=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
