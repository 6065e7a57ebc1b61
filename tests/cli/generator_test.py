#!/usr/bin/env python3
"""The case generator (examples/cases/generate.py): deterministic per seed,
every issue type present, and every case it writes is read by the shipped
policy without a fact error.
Usage: generator_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import subprocess
import sys

GEN = [sys.executable, "examples/cases/generate.py"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = ap.parse_args().aftersales
    failures, passed = [], 0

    def expect(name, cond, detail=""):
        nonlocal passed
        if cond:
            passed += 1
        else:
            failures.append(f"{name}: {detail}")

    a = subprocess.run(GEN + ["--count", "500", "--seed", "11"], capture_output=True, timeout=120).stdout
    again = subprocess.run(GEN + ["--count", "500", "--seed", "11"], capture_output=True, timeout=120).stdout
    other = subprocess.run(GEN + ["--count", "500", "--seed", "12"], capture_output=True, timeout=120).stdout
    expect("same seed, same bytes", a == again and len(a) > 0)
    expect("another seed, other cases", a != other)
    lines = a.decode("utf-8").splitlines()
    expect("count", len(lines) == 500, len(lines))
    types = {json.loads(l)["issue"]["type"] for l in lines}
    expect("every issue type", len(types) == 17, sorted(types))
    with open("examples/cases/sample.jsonl", "rb") as f:
        sample = f.read()
    committed = subprocess.run(GEN + ["--count", "300", "--seed", "1"], capture_output=True, timeout=120).stdout
    expect("the committed sample is generate.py --count 300 --seed 1", sample == committed)

    p = subprocess.run([b, "decide", "--policy", "rules", "--cases", "-"], input=a, capture_output=True, timeout=300)
    rows = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines()]
    expect("one decision per case", len(rows) == 500, len(rows))
    fact_errors = [r for r in rows if "error" in r]
    expect("no fact errors", not fact_errors, fact_errors[:3])
    decided = sum(1 for r in rows if "resolution" in r)
    expect("nearly all decided", decided >= 490, decided)

    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
