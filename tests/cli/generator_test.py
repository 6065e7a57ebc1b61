#!/usr/bin/env python3
"""The case generator (examples/cases/generate.py): deterministic per seed,
consistent facts, every issue type present, the committed sample is what it
says it is, and every case it writes is read by the shipped policy without a
fact error (a `{"line": N, "error": ...}` object: wrong type, unknown enum
word, unreadable line). Cases the policy cannot decide (`{"errors": [...]}`)
are the policy's business, not the generator's, and are only counted.

Usage: generator_test.py --aftersales BIN   (cwd: the repository root)
Prints `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import json
import subprocess
import sys
from datetime import datetime

GEN = [sys.executable, "examples/cases/generate.py"]
ISSUE_TYPES = {"quality_defect", "not_as_described", "damaged_in_transit", "wrong_item", "missing_item",
               "missing_accessory", "malfunction", "expired", "no_reason", "delivery_delay",
               "lost_in_transit", "address_change", "payment_failed", "duplicate_payment",
               "coupon_problem", "refund_delay", "complaint"}


def generate(*args):
    p = subprocess.run(GEN + list(args), capture_output=True, timeout=300)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    return p.stdout


def consistency_problems(case):
    """Facts that contradict each other (empty list: consistent)."""
    problems = []
    order, item = case["order"], case["item"]
    moments = [datetime.fromisoformat(order[k]) for k in ("paid_at", "shipped_at", "delivered_at") if k in order]
    moments.append(datetime.fromisoformat(case["case"]["opened_at"]))
    if any(a >= b for a, b in zip(moments, moments[1:])):
        problems.append("timestamps out of order")
    if case["issue"]["reported_at"] != case["case"]["opened_at"]:
        problems.append("issue.reported_at != case.opened_at")
    if "paid_cents" in item and item["paid_cents"] > order["total_paid_cents"]:
        problems.append("item.paid_cents > order.total_paid_cents")
    if (order["duplicate_charge_cents"] > 0) != (case["issue"]["type"] == "duplicate_payment"):
        problems.append("duplicate_charge_cents does not match the issue")
    if order["status"] == "paid" and ("shipped_at" in order or case["logistics"]["status"] != "not_shipped"):
        problems.append("a paid, unshipped order with shipping facts")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    binary = ap.parse_args().aftersales
    failures, passed = [], 0

    def expect(name, cond, detail=""):
        nonlocal passed
        if cond:
            passed += 1
        else:
            failures.append(f"{name}: {detail}")

    a = generate("--count", "500", "--seed", "11")
    again = generate("--count", "500", "--seed", "11")
    other = generate("--count", "500", "--seed", "12")
    expect("same seed, same bytes", a == again and len(a) > 0)
    expect("another seed, other cases", a != other)
    lines = a.decode("utf-8").splitlines()
    expect("one line per case", len(lines) == 500, len(lines))
    cases = [json.loads(line) for line in lines]
    types = {c["issue"]["type"] for c in cases}
    expect("every issue type", types == ISSUE_TYPES, sorted(ISSUE_TYPES - types))
    bad = [(c["case"]["id"], p) for c in cases for p in consistency_problems(c)]
    expect("consistent facts", not bad, bad[:3])
    expect("--out writes the same bytes", generate("--count", "50", "--seed", "11", "--out", "/dev/stdout")
           == b"".join(line + b"\n" for line in a.splitlines()[:50]))

    with open("examples/cases/sample.jsonl", "rb") as f:
        sample = f.read()
    expect("examples/cases/sample.jsonl is generate.py --count 300 --seed 1",
           sample == generate("--count", "300", "--seed", "1"))

    p = subprocess.run([binary, "decide", "--policy", "rules", "--cases", "-"], input=a,
                       capture_output=True, timeout=300)
    rows = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    expect("one decision per case", len(rows) == 500, (len(rows), p.stderr[:300]))
    fact_errors = [r for r in rows if "error" in r]
    expect("no fact errors", not fact_errors, fact_errors[:3])
    decided = sum(1 for r in rows if "resolution" in r)
    # Informational only: the policy changes independently of the generator.
    print(f"# {decided} of {len(rows)} cases decided; the rest are cases the policy cannot decide")

    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
