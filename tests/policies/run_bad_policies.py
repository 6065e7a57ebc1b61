#!/usr/bin/env python3
"""The malformed-policy suite: every NAME.yaml in --dir is a policy with one
family of problems, and NAME.expected holds the exact lines
`aftersales check --policy NAME.yaml` must print to stderr (exit code 2).
Runs from the repository root, so paths read tests/policies/bad/NAME.yaml.

Usage: run_bad_policies.py --aftersales BIN [--dir DIR] [--update] [NAME...]
--update rewrites the .expected files from what the binary prints (check
the diff by hand: every line:column must be right).
"""
import argparse
import difflib
import os
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True, help="the aftersales binary")
    ap.add_argument("--dir", default=os.path.join(REPO_ROOT, "tests", "policies", "bad"))
    ap.add_argument("--update", action="store_true", help="rewrite the .expected files")
    ap.add_argument("names", nargs="*", help="only these cases (file names without .yaml)")
    a = ap.parse_args()

    binary = os.path.abspath(a.aftersales)
    directory = os.path.abspath(a.dir)
    names = sorted(f[:-5] for f in os.listdir(directory) if f.endswith(".yaml"))
    if a.names:
        names = [n for n in names if n in a.names]
    passed, failed = 0, []
    for name in names:
        yaml_path = os.path.join(directory, name + ".yaml")
        rel = os.path.relpath(yaml_path, REPO_ROOT)
        expected_path = os.path.join(directory, name + ".expected")
        try:
            p = subprocess.run([binary, "check", "--policy", rel], cwd=REPO_ROOT,
                               capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            failed.append(name)
            print(f"FAIL {name}: timed out")
            continue
        stderr = p.stderr.decode("utf-8", errors="replace")
        if a.update:
            with open(expected_path, "w", encoding="utf-8", newline="") as f:
                f.write(stderr)
        try:
            with open(expected_path, encoding="utf-8", newline="") as f:
                expected = f.read()
        except FileNotFoundError:
            expected = None
        problems = []
        if p.returncode != 2:
            problems.append(f"exit code {p.returncode}, want 2")
        if p.stdout:
            problems.append(f"stdout not empty: {p.stdout[:200]!r}")
        if expected is None:
            problems.append(f"no {name}.expected (run with --update, then check it)")
        elif stderr != expected:
            diff = difflib.unified_diff(expected.splitlines(keepends=True),
                                        stderr.splitlines(keepends=True),
                                        fromfile=name + ".expected", tofile="stderr")
            problems.append("stderr differs:\n" + "".join(diff))
        if problems:
            failed.append(name)
            print(f"FAIL {name}: " + "\n  ".join(problems))
        else:
            passed += 1
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
