#!/usr/bin/env python3
"""Runs the public CEL conformance cases (../shared/conformance beside the
checkout) through `aftersales expr` and fails under a minimum pass rate.

The cases exist only beside the CI checkout; without them this test says so
and is skipped (exit 77, which CTest reports as skipped).

Usage: run_conformance.py --aftersales BIN [--min-pass-rate 0.95]"""
import argparse
import os
import re
import subprocess
import sys

SKIP = 77


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    ap.add_argument("--min-pass-rate", type=float, default=0.95)
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cases_dir = os.path.join(os.path.dirname(root), "shared", "conformance")
    runner = os.path.join(cases_dir, "run.py")
    cases = os.path.join(cases_dir, "cel-public.jsonl")
    if not (os.path.isfile(runner) and os.path.isfile(cases)):
        print("SKIPPED: ../shared/conformance not found (it exists only beside the CI checkout)")
        return SKIP

    proc = subprocess.run(
        [sys.executable, runner, "--cases", cases, "--cmd", args.aftersales + " expr", "--jobs", "2", "-v"],
        capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    m = None
    for line in proc.stdout.splitlines():
        mm = re.fullmatch(r"\s*(\d+) passed, (\d+) failed\s*", line)
        if mm:
            m = mm
    if not m:
        print("conformance: the runner printed no 'N passed, M failed' line")
        return 1
    passed, failed = int(m.group(1)), int(m.group(2))
    total = passed + failed
    rate = passed / total if total else 0.0
    print(f"conformance: {passed}/{total} = {rate:.1%} (minimum {args.min_pass_rate:.0%})")
    return 0 if total and rate >= args.min_pass_rate else 1


if __name__ == "__main__":
    sys.exit(main())
