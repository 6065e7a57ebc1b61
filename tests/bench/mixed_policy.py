#!/usr/bin/env python3
"""Generates a large policy of mixed rule shapes, and cases for it, to
measure how deciding scales with the number of rules (docs/performance.md,
"Indexed dispatch").

  tests/bench/mixed_policy.py --rules 30000 --out DIR [--cases N] [--seed S]

writes DIR/policy.yaml (the built-in vocabulary schema; one `first` stage)
and, with --cases, DIR/cases.jsonl. Each rule mixes, in one condition and
in a shuffled order, a string equality (item.sku, or case.id's shop
prefix), an enum set (item.category in [...], issue.type in [...]) and a
numeric interval (item.paid_cents in [a, b), item.quantity >= n), over
several facts; one rule in five has no string equality at all (an enum set
and intervals only). The last rule catches everything else. The cases use
SKUs that some rules name and many that none does."""
import argparse
import json
import os
import random

CATEGORIES = ["apparel", "shoes", "electronics", "small_appliance", "large_appliance", "food_fresh",
              "food_packaged", "cosmetics", "custom_made", "digital_download", "books", "furniture", "other"]
ISSUES = ["quality_defect", "not_as_described", "damaged_in_transit", "wrong_item", "missing_item",
          "malfunction", "expired", "no_reason"]
RESOLUTIONS = ["refund_only", "return_refund", "exchange", "repair", "reship", "partial_refund"]
SKU_SPACE = 100000


def sku(n):
    return f"SKU-{n:06d}"


def rule(i, rng):
    parts = []
    if i % 5:
        parts.append(f"item.sku == '{sku((i * 7919) % SKU_SPACE)}'")
    cats = rng.sample(CATEGORIES, rng.randint(1, 4))
    parts.append("item.category in [" + ", ".join(f"'{c}'" for c in cats) + "]")
    if rng.random() < 0.5:
        issues = rng.sample(ISSUES, rng.randint(1, 3))
        parts.append("issue.type in [" + ", ".join(f"'{t}'" for t in issues) + "]")
    lo = rng.randrange(0, 50000, 100)
    parts.append(f"item.paid_cents >= {lo} && item.paid_cents < {lo + rng.randrange(100, 20000, 100)}")
    if rng.random() < 0.3:
        parts.append(f"item.quantity >= {rng.randint(1, 3)}")
    rng.shuffle(parts)
    return (f"      - id: m{i:05d}\n        when: \"{' && '.join(parts)}\"\n"
            f"        then: {{resolution: {rng.choice(RESOLUTIONS)}}}\n")


def case(i, rng, rules):
    named = rng.random() < 0.5
    n = ((rng.randrange(rules) * 7919) % SKU_SPACE) if named else rng.randrange(SKU_SPACE)
    return {"case": {"id": f"M-{i:07d}"},
            "item": {"sku": sku(n), "category": rng.choice(CATEGORIES),
                     "paid_cents": rng.randrange(0, 70000), "quantity": rng.randint(1, 4)},
            "issue": {"type": rng.choice(ISSUES)}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "policy.yaml"), "w") as f:
        f.write(f"policy:\n  name: mixed-{a.rules}\n  version: \"1\"\n  locales: [en]\n"
                "stages:\n  - id: resolution\n    hit: first\n    rules:\n")
        for i in range(a.rules - 1):
            f.write(rule(i, rng))
        f.write("      - {id: rest, then: {resolution: escalate}}\n")
    if a.cases:
        with open(os.path.join(a.out, "cases.jsonl"), "w") as f:
            for i in range(a.cases):
                f.write(json.dumps(case(i, rng, a.rules - 1)) + "\n")


if __name__ == "__main__":
    main()
