#!/usr/bin/env bash
# Side by side with the peers (issue 15): runs the peers harness
# (../shared/peers: a JS if-chain, GoRules ZEN, CLIPS) and our CLI on the
# same generated cases and the same policy scaled to each size, checks that
# our CLI agrees with the peers' oracle, and prints one markdown table of
# time per case, with each peer's figure as a ratio to ours, plus a row for
# loading the largest policy (from YAML, and from its `aftersales compile`
# snapshot).
#
#   scripts/bench-peers.sh [--aftersales PATH] [--peers DIR] [--work DIR]
#                          [--sizes 37,3000,30000] [--cases N] [--cli-cases M]
#                          [--reps R] [--quick]
#
#   --aftersales PATH  the CLI to time (default build/aftersales)
#   --peers DIR        the peers harness, only read (default ../shared/peers
#                      beside the checkout); when it is absent the script says
#                      it skipped and exits 0
#   --work DIR         where the harness is copied, npm-installed and run
#                      (kept; node_modules is reused on the next run);
#                      default a temporary folder, removed at the end
#   --sizes LIST       policy sizes in rules (default 37,3000,30000)
#   --cases N          cases generated (seed 42): the peers' bench.js --n, and
#                      every one of them is checked against the oracle
#                      (default 20000; --quick 2000)
#   --cli-cases M      decisions in each timed CLI run: the N cases repeated
#                      (default 200000; --quick 20000)
#   --reps R           timed CLI runs of each kind, the median is kept
#                      (default 3; --quick 1)
#   --quick            bench.js --quick and the smaller defaults above: a
#                      rough table in a few minutes, for trying the script
#
# The table goes to stdout; progress goes to stderr, and each step's full
# output to WORK/logs/. Needs node 20+ and npm (the npm registry, for
# @gorules/zen-engine on the first run); CLIPS runs only when `clips` is on
# PATH (Debian: apt-get install clips). Run it on an otherwise idle machine:
# the figures move with anything else running.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/scripts

aftersales=$root/build/aftersales
peers=$root/../shared/peers
work=
sizes=37,3000,30000
cases=
cli_cases=
reps=
quick=0
cmdline="scripts/bench-peers.sh${*:+ $*}"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "bench-peers.sh: $*" >&2; exit 2; }
say() { echo "== $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --aftersales) aftersales="${2:?--aftersales needs a path}"; shift 2 ;;
    --peers) peers="${2:?--peers needs a folder}"; shift 2 ;;
    --work) work="${2:?--work needs a folder}"; shift 2 ;;
    --sizes) sizes="${2:?--sizes needs a list such as 37,3000}"; shift 2 ;;
    --cases) cases="${2:?--cases needs a number}"; shift 2 ;;
    --cli-cases) cli_cases="${2:?--cli-cases needs a number}"; shift 2 ;;
    --reps) reps="${2:?--reps needs a number}"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench-peers.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$quick" = 1 ]; then
  : "${cases:=2000}" "${cli_cases:=20000}" "${reps:=1}"
else
  : "${cases:=20000}" "${cli_cases:=200000}" "${reps:=3}"
fi
for v in "$cases" "$cli_cases" "$reps"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $v"
done
[[ "$sizes" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--sizes wants numbers separated by commas, not $sizes"
IFS=, read -r -a size_list <<< "$sizes"
largest=$(printf '%s\n' "${size_list[@]}" | sort -n | tail -1)

# --- what we need; a missing harness or node is a skip, not a failure ------
if [ ! -f "$peers/bench.js" ]; then
  echo "bench-peers.sh: SKIPPED: no peers harness at $peers (give --peers DIR)"
  exit 0
fi
for tool in node npm; do
  if ! command -v "$tool" > /dev/null; then
    echo "bench-peers.sh: SKIPPED: $tool is not on PATH (the peers harness needs node 20+ and npm)"
    exit 0
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "node $(node --version) is too old: the peers harness needs node 20+"
case "$aftersales" in /*) ;; *) aftersales=$PWD/$aftersales ;; esac
[ -x "$aftersales" ] || die "no aftersales binary at $aftersales (build it, or give --aftersales PATH)"
peers=$(cd "$peers" && pwd)

kept=" (kept)"
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/bench-peers.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  kept=" (temporary: removed on exit; --work DIR keeps them)"
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
case "$work/" in "$peers"/*) die "--work must not be inside the peers harness ($peers)" ;; esac

# GNU time gives wall seconds and peak memory; without it, bash's clock and no memory.
timed() { # timed OUTFILE CMD... : runs CMD with stdout to /dev/null, writes "seconds maxrss_kb" to OUTFILE
  local out=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M" -o "$out" "$@" > /dev/null
  else
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 ))e-3 -" > "$out"
  fi
}

started=$(date +%s)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
logs=$work/logs
mkdir -p "$logs"

# --- a writable copy of the harness (its sources; generated files and
#     node_modules are not copied, node_modules is installed once) ---------
say "copying $peers to $work/peers"
cp_dir=$work/peers
mkdir -p "$cp_dir"
chmod -R u+w "$cp_dir"
tar -C "$peers" --exclude=./node_modules --exclude=./data --exclude=./build \
    --exclude=./results --exclude=./scratch -cf - . | tar -C "$cp_dir" -xf -
chmod -R u+w "$cp_dir"   # the shared copy may be read-only, and tar keeps modes
cd "$cp_dir"
mkdir -p data results

zen_note=
if [ ! -d node_modules/@gorules/zen-engine ]; then
  say "npm install (log: $logs/npm-install.log)"
  if ! npm install --no-audit --no-fund > "$logs/npm-install.log" 2>&1; then
    echo "bench-peers.sh: npm install failed (see $logs/npm-install.log): ZEN is left out" >&2
    zen_note="npm install failed"
  fi
fi
engines=js-compiled
[ -z "$zen_note" ] && engines+=,zen
clips_note=
if command -v clips > /dev/null; then engines+=,clips; else clips_note="not installed"; fi

# --- the same cases and policies for every engine ------------------------
say "generating $cases cases (seed 42) and the aftersales policies for sizes $sizes"
node gen_cases.js --n "$cases" --seed 42 --out data/cases.jsonl > "$logs/gen.log" 2>&1
node export_aftersales.js --sizes "$sizes" --out build/aftersales > "$logs/export.log" 2>&1

# --- agreement: every generated case, plus the harness's absent/null probes,
#     decided by our CLI and by the oracle (lib/reference_eval.js); a size
#     that does not agree fully gets no timing in the table ---------------
say "agreement with the oracle on all $cases cases at each size (log: $logs/agree.log)"
limits=$(printf "%s:$cases," "${size_list[@]}")
if node agree_aftersales.js --bin "$aftersales" --no-export --sizes "$sizes" \
     --limit "${limits%,}" --json results/aftersales-agreement.json > "$logs/agree.log" 2>&1; then
  say "all sizes agree"
else
  echo "bench-peers.sh: DISAGREEMENT with the oracle, see $logs/agree.log:" >&2
  grep -E 'DISAGREES|FAILED|diff' "$logs/agree.log" | head -20 >&2 || true
fi
mapfile -t agreeing < <(python3 "$here/bench_peers_table.py" --agreeing --sizes "$sizes" \
  --agreement results/aftersales-agreement.json)

# --- our CLI, one deciding thread, JSON in and out, to /dev/null ---------
# Per case: (time for M cases - time for 1 case) / (M - 1); the 1-case run
# pays the process start and the policy load, so they drop out. Each kind
# runs R times, alternating, and the medians are used.
lines=$(wc -l < data/cases.jsonl)
copies=$(( (cli_cases + lines - 1) / lines ))
: > data/timed.jsonl
for _ in $(seq "$copies"); do cat data/cases.jsonl >> data/timed.jsonl; done
head -n "$cli_cases" data/timed.jsonl > data/timed.tmp && mv data/timed.tmp data/timed.jsonl
head -n 1 data/cases.jsonl > data/one.jsonl
m=$(wc -l < data/timed.jsonl)

tsv=results/cli.tsv
printf 'size\tkind\tcases\tseconds\tmaxrss_kb\n' > "$tsv"
t=$work/time.out
for n in "${size_list[@]}"; do
  if [[ ! " ${agreeing[*]} " == *" $n "* ]]; then
    say "aftersales at $n rules: not timed, it does not agree with the oracle"
    continue
  fi
  say "aftersales decide --threads 1, $n rules: $reps x (1 case, $m cases)"
  for _ in $(seq "$reps"); do
    for kind in one timed; do
      timed "$t" "$aftersales" decide --policy "build/aftersales/$n" --cases "data/$kind.jsonl" \
        --format json --threads 1
      [ "$kind" = one ] && c=1 || c=$m
      printf '%s\t%s\t%s\t%s\n' "$n" "$kind" "$c" "$(tr ' ' '\t' < "$t")" >> "$tsv"
    done
  done
  # load alone: `check` parses, validates and compiles the policy, decides nothing
  if [ "$n" = "$largest" ]; then
    say "aftersales check, $n rules: $reps x"
    for _ in $(seq "$reps"); do
      timed "$t" "$aftersales" check --policy "build/aftersales/$n"
      printf '%s\t%s\t%s\t%s\n' "$n" check 0 "$(tr ' ' '\t' < "$t")" >> "$tsv"
    done
    # and from its compiled snapshot (`aftersales compile`): no YAML, nothing compiled
    if "$aftersales" compile --policy "build/aftersales/$n" --out "build/aftersales/$n.snap" > "$logs/compile.log" 2>&1; then
      say "aftersales check, $n rules from a snapshot: $reps x"
      for _ in $(seq "$reps"); do
        timed "$t" "$aftersales" check --policy "build/aftersales/$n.snap"
        printf '%s\t%s\t%s\t%s\n' "$n" check-snapshot 0 "$(tr ' ' '\t' < "$t")" >> "$tsv"
      done
    else
      say "aftersales compile failed (see $logs/compile.log): no snapshot row"
    fi
  fi
done

# --- the peers: bench.js, one fresh node process per engine and size ------
# JS if-chain (js-compiled), ZEN, and CLIPS by salience; CLIPS salience
# stops at 20,001 rules, so above that CLIPS runs in its collect variant.
bench_args=(--n "$cases")
[ "$quick" = 1 ] && bench_args=(--quick --n "$cases" --reps 1)
say "peers bench.js --engines $engines --sizes $sizes (log: $logs/bench.log)"
node bench.js "${bench_args[@]}" --engines "$engines" --sizes "$sizes" \
  --out results/bench.json > "$logs/bench.log" 2>&1 || { cat "$logs/bench.log" >&2; die "bench.js failed"; }
big=$(printf '%s\n' "${size_list[@]}" | awk '$1 > 20001' | paste -sd, -)
bench_files=(results/bench.json)
if [ -z "$clips_note" ] && [ -n "$big" ]; then
  say "peers bench.js --engines clips-collect --sizes $big (log: $logs/bench-collect.log)"
  node bench.js "${bench_args[@]}" --engines clips-collect --sizes "$big" \
    --out results/bench-collect.json > "$logs/bench-collect.log" 2>&1 \
    || { cat "$logs/bench-collect.log" >&2; die "bench.js (clips-collect) failed"; }
  bench_files+=(results/bench-collect.json)
fi

# --- the table -------------------------------------------------------------
elapsed=$(( $(date +%s) - started ))
say "done in ${elapsed} s; results in $work/peers/results, logs in $logs$kept"
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
echo "Command: \`$cmdline\`"
echo
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, ${cpu:-unknown CPU}," \
     "$(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}'), load average $load_at_start at the start," \
     "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the end; node $(node --version);" \
     "aftersales $("$aftersales" --version 2>/dev/null | head -1); whole run ${elapsed} s."
echo
python3 "$here/bench_peers_table.py" --sizes "$sizes" --cli results/cli.tsv \
  --agreement results/aftersales-agreement.json \
  ${zen_note:+--zen-note "$zen_note"} ${clips_note:+--clips-note "$clips_note"} \
  "${bench_files[@]/#/--bench=}"
