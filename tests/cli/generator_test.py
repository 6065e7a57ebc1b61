#!/usr/bin/env python3
"""The case generator (examples/cases/generate.py): deterministic per seed,
consistent facts, every issue type, logistics status and signing kind
present, the second edition's facts in realistic shares (case.country with a
matching zone, first contacts without a freight quote, multi-line orders,
charges taken twice outside duplicate_payment...), the committed sample is
what it says it is, and every case it writes is read by the shipped policy
without a fact error (a `{"line": N, "error": ...}` object: wrong type,
unknown enum word, unreadable line). Cases the policy cannot decide
(`{"errors": [...]}`) are the policy's business, not the generator's, and are
only counted (tests/cli/generated_invariants_test.py judges them).

Usage: generator_test.py --aftersales BIN   (cwd: the repository root)
Prints `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import collections
import json
import subprocess
import sys
from datetime import datetime

GEN = [sys.executable, "examples/cases/generate.py"]
ISSUE_TYPES = {"quality_defect", "not_as_described", "damaged_in_transit", "wrong_item", "missing_item",
               "missing_accessory", "malfunction", "expired", "no_reason", "delivery_delay",
               "lost_in_transit", "address_change", "payment_failed", "duplicate_payment",
               "coupon_problem", "refund_delay", "complaint", "not_received", "counterfeit", "price_drop",
               "invoice"}
STATUSES = {"not_shipped", "in_transit", "out_for_delivery", "delivered", "lost", "refused"}
SIGNED_BY = {"recipient", "proxy", "locker", "station", "unknown"}
# case.timezone -> the countries it may go with
ZONE_COUNTRIES = {"Asia/Shanghai": {"CN"}, "Asia/Taipei": {"TW"}, "Asia/Hong_Kong": {"HK"}, "Asia/Macau": {"MO"},
                  "Asia/Singapore": {"SG"}, "Europe/London": {"GB"}, "Europe/Berlin": {"DE"},
                  "Europe/Paris": {"FR"}, "Europe/Amsterdam": {"NL"}, "Europe/Dublin": {"IE"},
                  "America/New_York": {"US"}, "America/Los_Angeles": {"US"}, "Australia/Sydney": {"AU"}}
GOES_BACK = {"return_refund", "exchange", "repair"}


def generate(*args):
    p = subprocess.run(GEN + list(args), capture_output=True, timeout=300)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    return p.stdout


def consistency_problems(case):
    """Facts that contradict each other (empty list: consistent)."""
    problems = []
    c, order, item, issue, logistics = case["case"], case["order"], case["item"], case["issue"], case["logistics"]
    moments = [datetime.fromisoformat(order[k]) for k in ("paid_at", "shipped_at", "delivered_at") if k in order]
    moments.append(datetime.fromisoformat(c["opened_at"]))
    if any(a >= b for a, b in zip(moments, moments[1:])):
        problems.append("timestamps out of order")
    if issue["reported_at"] != c["opened_at"]:
        problems.append("issue.reported_at != case.opened_at")
    if "paid_cents" in item and item["paid_cents"] + order["shipping_fee_cents"] > order["total_paid_cents"]:
        problems.append("item.paid_cents + order.shipping_fee_cents > order.total_paid_cents")
    if order["duplicate_charge_cents"] not in (0, order["total_paid_cents"]):
        problems.append("a duplicate charge that is not the order's total")
    if order["status"] == "paid" and ("shipped_at" in order or logistics["status"] != "not_shipped"):
        problems.append("a paid, unshipped order with shipping facts")
    zone, country = c.get("timezone", "Asia/Shanghai"), c.get("country", "CN")
    if country not in ZONE_COUNTRIES.get(zone, ()):
        problems.append(f"case.timezone {zone} outside case.country {country}")
    if "signed_by" in logistics and logistics["status"] != "delivered":
        problems.append("logistics.signed_by on a parcel not delivered")
    if logistics["status"] == "refused" and (order["status"] != "shipped" or "delivered_at" in order):
        problems.append("a refused parcel on an order that is not shipped-and-undelivered")
    if issue["type"] == "not_received" and logistics["status"] != "delivered":
        problems.append("not_received on a parcel that does not say delivered")
    if c.get("platform_intervention") is not None and c["platform"] == "own":
        problems.append("platform_intervention on the own shop")
    pct = issue.get("affected_percent")
    if pct is not None and not (1 <= pct <= 100 and (
            issue["type"] in ("missing_item", "damaged_in_transit") or item["category"] == "food_fresh")):
        problems.append("issue.affected_percent out of range or on the wrong goods")
    if ("current_price_cents" in item or "price_protection_days" in item) and issue["type"] != "price_drop":
        problems.append("price-drop facts on another issue")
    if issue["type"] == "price_drop" and "current_price_cents" not in item:
        problems.append("price_drop without item.current_price_cents")
    if item.get("price_protection_days", 0) not in (0, 7, 15, 30):
        problems.append("item.price_protection_days not 0/7/15/30")
    if "repairs" in item and not (0 <= item["repairs"] <= 3 and "warranty_days" in item):
        problems.append("item.repairs out of range or without a warranty")
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

    # Shares, on more cases (the rare facts need them).
    many = [json.loads(line) for line in generate("--count", "4000", "--seed", "13").decode("utf-8").splitlines()]
    bad = [(c["case"]["id"], p) for c in many for p in consistency_problems(c)]
    expect("consistent facts (4000 cases)", not bad, bad[:3])
    expect("every issue type (4000 cases)", {c["issue"]["type"] for c in many} == ISSUE_TYPES)
    expect("every logistics status", {c["logistics"]["status"] for c in many} == STATUSES)
    expect("every signing kind", {c["logistics"].get("signed_by") for c in many} - {None} == SIGNED_BY)
    not_received = {c["logistics"].get("signed_by") for c in many if c["issue"]["type"] == "not_received"}
    expect("not_received signed by several kinds", len(not_received - {None}) >= 4, not_received)

    def share(cases, cond):
        return sum(1 for c in cases if cond(c)) / max(1, len(cases))

    back = [c for c in many if c["request"]["type"] in GOES_BACK]
    no_quote = share(back, lambda c: "return_shipping_cents" not in c["request"])
    expect("first contacts without a freight quote: 30-40% of returns", 0.28 <= no_quote <= 0.42, no_quote)
    paid = [c for c in many if "paid_cents" in c["item"] and c["order"]["total_paid_cents"] > 0]
    multi = share(paid, lambda c: c["item"]["paid_cents"] + c["order"]["shipping_fee_cents"]
                  < c["order"]["total_paid_cents"])
    expect("a real share of multi-line orders", 0.25 <= multi <= 0.45, multi)
    dup_other = sum(1 for c in many if c["order"]["duplicate_charge_cents"] > 0
                    and c["issue"]["type"] != "duplicate_payment")
    expect("charges taken twice outside duplicate_payment", dup_other >= 5, dup_other)
    dup = [c for c in many if c["issue"]["type"] == "duplicate_payment"]
    expect("most duplicate_payment cases carry the charge",
           share(dup, lambda c: c["order"]["duplicate_charge_cents"] > 0) >= 0.75)
    countries = {c["case"].get("country") for c in many}
    expect("countries: CN, Europe, the US", {"CN", "GB", "DE", "FR", "US"} <= countries, countries)
    expect("mostly CN", share(many, lambda c: c["case"].get("country", "CN") == "CN") >= 0.8)
    pi = [c for c in many if c["case"].get("platform_intervention")]
    expect("platform intervention rare, mostly complaints and disputes",
           0 < len(pi) <= 0.03 * len(many) and
           share(pi, lambda c: c["issue"]["type"] in ("complaint", "refund_delay", "counterfeit",
                                                      "not_received")) >= 0.5, len(pi))
    repairs = [c["item"]["repairs"] for c in many if "repairs" in c["item"]]
    expect("item.repairs mostly 0, sometimes 1-3", repairs and repairs.count(0) / len(repairs) >= 0.8
           and set(repairs) - {0}, collections.Counter(repairs))
    drops = [c for c in many if c["issue"]["type"] == "price_drop"]
    expect("price drops: mostly cheaper today, protection days vary",
           share(drops, lambda c: c["item"]["current_price_cents"] < c["item"]["paid_cents"]) >= 0.7 and
           {c["item"].get("price_protection_days") for c in drops} == {None, 0, 7, 15, 30})
    affected = [c for c in many if "affected_percent" in c["issue"]]
    expect("issue.affected_percent on some fresh food, missing and broken pieces",
           {c["item"]["category"] == "food_fresh" for c in affected} == {True, False})
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
