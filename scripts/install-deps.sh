#!/usr/bin/env bash
# Installs what aftersales needs to build, from Debian 12's packages only;
# with --tests also what the tests need (Chromium, which renders the diff
# report; clang with libFuzzer's runtime and llvm-symbolizer, for the fuzz
# targets of scripts/fuzz.sh; GNU time, which the batch memory test reads
# peak memory with; python3-yaml and python3-jsonschema, which check the
# policy files against docs/schemas). Run as root (or through sudo). Safe
# to run again: it only installs what is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache python3 tzdata
  libyaml-cpp-dev libfmt-dev nlohmann-json3-dev libsimdjson-dev libre2-dev libssl-dev
  libcctz-dev libcli11-dev libboost-test-dev libbenchmark-dev
)

if [ "${1:-}" = "--tests" ]; then
  # libclang-rt-14-dev (libFuzzer, the sanitizer runtimes) is only a
  # recommendation of clang's, which --no-install-recommends leaves out.
  packages+=(chromium git clang libclang-rt-14-dev llvm time python3-jsonschema python3-yaml)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
