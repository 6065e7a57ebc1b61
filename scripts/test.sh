#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the unit suites,
# the malformed-policy suite, the shipped policy's own tests, the CLI golden
# runs and the CEL conformance run (which needs ../shared beside the
# checkout and says so when it is skipped), the packaging test; then the
# same suites again in an AddressSanitizer + UndefinedBehaviorSanitizer
# build, the unit suites in a ThreadSanitizer build, and each libFuzzer
# target for a short while (scripts/fuzz.sh; the seeds and the regression
# inputs of the fuzz targets are also replayed in every build, as ctest
# fuzz.replay.*).
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
  -DAFTERSALES_INSTALL=OFF -DAFTERSALES_SANITIZE=address,undefined
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== the unit suites under ThreadSanitizer (build-tsan/): shared policies, reloads"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAFTERSALES_BUILD_TESTS=ON \
  -DAFTERSALES_BUILD_CLI=OFF -DAFTERSALES_INSTALL=OFF -DAFTERSALES_SANITIZE=thread
cmake --build build-tsan -j "$jobs"
ctest --test-dir build-tsan --output-on-failure -j "$jobs" -L unit

fuzz_seconds=30
echo "== fuzzers, ${fuzz_seconds} s each (build-fuzz/)"
scripts/fuzz.sh --time "$fuzz_seconds" --jobs "$jobs"
