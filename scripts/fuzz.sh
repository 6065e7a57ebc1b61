#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/, and runs each for a given time.
# Installs nothing (scripts/install-deps.sh --tests installs clang).
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--timeout SECONDS] [TARGET...]
#
#   --time SECONDS     how long each target runs (default 60)
#   --jobs N           how many targets run at once (default 1)
#   --timeout SECONDS  an input running longer is a failure (default 20;
#                      raise it on a machine busy with other work, where a
#                      starved fuzzer is slow without any input being slow)
#   TARGET             fuzz_policy_loader fuzz_expression fuzz_case_json
#                      fuzz_decide fuzz_lock_file fuzz_snapshot (the "fuzz_" may
#                      be left out);
#                      default all
#
# Each target starts from its working corpus (build-fuzz/corpus/TARGET,
# kept between runs: what one run finds, the next starts from), the seeds
# (build-fuzz/tests/fuzz/seeds/TARGET, built from the repository) and the
# regression inputs (tests/fuzz/regressions/TARGET). Crashing inputs are
# written to build-fuzz/artifacts/TARGET/, the whole output to
# build-fuzz/logs/TARGET.log. Prints, per target, the runs, the coverage,
# the corpus size and the result; exits 1 when any target failed, naming the
# input that makes it fail.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(fuzz_policy_loader fuzz_expression fuzz_case_json fuzz_decide fuzz_lock_file fuzz_snapshot)
seconds=60
jobs=1
timeout=20
targets=()

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="${2:?--time needs a number of seconds}"; shift 2 ;;
    --time=*) seconds="${1#--time=}"; shift ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --jobs=*) jobs="${1#--jobs=}"; shift ;;
    --timeout) timeout="${2:?--timeout needs a number of seconds}"; shift 2 ;;
    --timeout=*) timeout="${1#--timeout=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *)
      t="$1"
      [[ "$t" == fuzz_* ]] || t="fuzz_$t"
      if [[ ! " ${all_targets[*]} " == *" $t "* ]]; then
        echo "fuzz.sh: unknown target $1 (targets: ${all_targets[*]})" >&2
        exit 2
      fi
      targets+=("$t")
      shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: --time must be a positive number of seconds" >&2; exit 2; }
[[ "$jobs" =~ ^[0-9]+$ && "$jobs" -gt 0 ]] || { echo "fuzz.sh: --jobs must be a positive number" >&2; exit 2; }
[[ "$timeout" =~ ^[0-9]+$ && "$timeout" -gt 0 ]] || { echo "fuzz.sh: --timeout must be a positive number of seconds" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/install-deps.sh --tests installs it)" >&2; exit 2; }
done

build=build-fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAFTERSALES_BUILD_FUZZERS=ON -DAFTERSALES_BUILD_TESTS=OFF \
  -DAFTERSALES_BUILD_CLI=OFF -DAFTERSALES_INSTALL=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_seeds "${targets[@]}"

# The longest input each target is given: a policy (the shipped one is
# about 70 kB, so its files are cut), an expression, a case, the bytes a
# generated case is drawn from.
max_len() {
  case "$1" in
    fuzz_policy_loader) echo 32768 ;;
    fuzz_expression) echo 4096 ;;
    fuzz_case_json) echo 16384 ;;
    fuzz_decide) echo 4096 ;;
    fuzz_lock_file) echo 65536 ;;
  esac
}

mkdir -p "$build/logs"
export AFTERSALES_SOURCE_DIR="$PWD"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

run_one() {
  local t="$1"
  local corpus="$build/corpus/$t" artifacts="$build/artifacts/$t/" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$artifacts"
  local args=(
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout="$timeout" -rss_limit_mb=2048
    -artifact_prefix="$artifacts" -print_final_stats=1
  )
  [ -f "tests/fuzz/$t.dict" ] && args+=(-dict="tests/fuzz/$t.dict")
  local dirs=("$corpus" "$build/tests/fuzz/seeds/$t")
  [ -d "tests/fuzz/regressions/$t" ] && dirs+=("tests/fuzz/regressions/$t")
  local status=0
  "$build/tests/fuzz/$t" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || status=$?
  echo "$status" >"$build/logs/$t.status"
}

echo "== fuzzing ${targets[*]}: ${seconds} s each, ${jobs} at a time (logs in $build/logs/)"
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
printf '%-20s %12s %8s %8s %8s %8s  %s\n' target runs exec/s cov ft corpus result
for t in "${targets[@]}"; do
  log="$build/logs/$t.log"
  status=$(cat "$build/logs/$t.status" 2>/dev/null || echo "?")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # The last status line: "#N  KIND  cov: C ft: F corp: U/S ...".
  last=$(grep -a -E '^#[0-9]+.* cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  if [ "$status" = "0" ]; then
    result="ok"
  else
    failed=1
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    what=$(grep -a -m1 -E '^SUMMARY: |^==[0-9]+==ERROR: |\*\*\* fuzz check failed' "$log" | head -c 160 || true)
    result="FAILED (exit $status): ${what:-see $log}${input:+; input: $input}"
  fi
  printf '%-20s %12s %8s %8s %8s %8s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$result"
done

if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: a target failed; reproduce with: $build/tests/fuzz/TARGET INPUT (full output in $build/logs/)" >&2
  exit 1
fi
