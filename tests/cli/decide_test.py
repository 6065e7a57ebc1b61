#!/usr/bin/env python3
"""Golden runs of `aftersales decide` through the real binary on the shipped
policy: the vocabulary's JSON shape and invariants for every example case,
--explain, --format text, JSON Lines with a bad line, and bad input.
Usage: decide_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import glob
import json
import subprocess
import sys

failures = []
passed = 0

KEYS = ["case_id", "resolution", "options", "refund_cents", "freight", "evidence_required", "priority",
        "escalation", "deadlines", "script", "matched_rules", "policy"]
RESOLUTIONS = {"refund_only", "return_refund", "exchange", "repair", "reship", "partial_refund", "modify_order",
               "intercept_shipment", "cancel_order", "guide_usage", "explain_policy", "reject", "escalate"}


def run(bin_, args, stdin=None):
    p = subprocess.run([bin_] + args, capture_output=True, text=True, input=stdin, timeout=60)
    return p.returncode, p.stdout, p.stderr


def expect(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def check_decision(name, d, case):
    expect(f"{name} keys", list(d.keys()) == KEYS, list(d.keys()))
    expect(f"{name} resolution", d.get("resolution") in RESOLUTIONS, d.get("resolution"))
    expect(f"{name} options include resolution", d.get("resolution") in d.get("options", []), d.get("options"))
    f = d.get("freight", {})
    parts = f.get("merchant_cents", 0) + f.get("customer_cents", 0) + f.get("insurance_cents", 0)
    ret = case.get("request", {}).get("return_shipping_cents", 0)
    if f.get("payer") == "none":
        expect(f"{name} no freight", parts == 0, f)
    else:
        expect(f"{name} freight adds up", parts == ret, f"{f} vs {ret}")
    expect(f"{name} digest", d.get("policy", {}).get("digest", "").startswith("sha256:"), d.get("policy"))
    expect(f"{name} script", d.get("script", {}).get("text", "") != "", d.get("script"))
    expect(f"{name} money is int", isinstance(d.get("refund_cents"), int), d.get("refund_cents"))


def load_case(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    return {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = ap.parse_args().aftersales

    cases = sorted(glob.glob("examples/cases/*.json")) + sorted(glob.glob("examples/cases/*.yaml"))
    expect("example cases exist", len(cases) >= 4, cases)
    for path in cases:
        code, out, err = run(b, ["decide", "--policy", "rules", "--case", path, "--format", "json"])
        expect(f"{path} exit", code == 0, f"exit {code}: {err}")
        if code == 0:
            check_decision(path, json.loads(out), load_case(path))

    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "examples/cases/quality_defect_day3.json"])
    d = json.loads(out)
    expect("day3 decision", (d["resolution"], d["refund_cents"], d["freight"]["payer"], d["priority"]) ==
           ("return_refund", 29900, "merchant", "P2"), d)

    code, out, err = run(b, ["decide", "--policy", "rules", "--case",
                             "examples/cases/no_reason_exchange_odd_cent.json"])
    d = json.loads(out)
    expect("odd fen to the merchant", d["freight"] == {"payer": "split", "merchant_cents": 763,
                                                       "customer_cents": 762, "insurance_cents": 0}, d["freight"])

    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "examples/cases/quality_defect_day3.json",
                             "--explain"])
    d = json.loads(out)
    trace = d.get("trace", [])
    expect("explain has a trace", len(trace) > 5, trace)
    first = next((t for t in trace if t.get("rule") == "safety_hazard"), {})
    expect("trace says why safety_hazard did not match",
           first.get("rule") == "safety_hazard" and first.get("outcome") == "not_matched" and
           "item.safety_hazard" in first.get("detail", "") and first.get("at", "").startswith("rules/policy.yaml:"),
           first)

    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "examples/cases/quality_defect_day3.json",
                             "--format", "text"])
    expect("text format", code == 0 and "299.00" in out and "return_refund" in out, out)

    # A case with a fact of the wrong type: exit 2, the field named, nothing on stdout.
    bad = json.dumps({"case": {"id": "X"}, "order": {"total_paid_cents": "299"}})
    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "/dev/stdin"], stdin=bad)
    expect("bad case exit", code == 2, f"exit {code}")
    expect("bad case names field", "order.total_paid_cents" in err, err)
    expect("bad case stdout empty", out == "", out)

    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "no/such/case.json"])
    expect("missing case exit", code == 2 and "no/such/case.json" in err, f"{code} {err}")

    # JSON Lines: a bad line yields an error object; the others are decided in order.
    with open("examples/cases/quality_defect_day3.json", encoding="utf-8") as fh:
        good = json.dumps(json.load(fh))
    lines = "\n".join([good, "{not json", good.replace("C-20261120-0001", "C-2"),
                       json.dumps({"case": {"id": "C-3"}, "issue": {"type": "bogus"}})]) + "\n"
    code, out, err = run(b, ["decide", "--policy", "rules", "--cases", "-"], stdin=lines)
    rows = [json.loads(x) for x in out.splitlines()]
    expect("jsonl exit 1", code == 1, code)
    expect("jsonl one row per line", len(rows) == 4, out)
    if len(rows) == 4:
        expect("jsonl row 1", rows[0].get("case_id") == "C-20261120-0001", rows[0])
        expect("jsonl row 2 error", rows[1].get("line") == 2 and "JSON" in rows[1].get("error", ""), rows[1])
        expect("jsonl row 3", rows[2].get("case_id") == "C-2", rows[2])
        expect("jsonl row 4 names field", rows[3].get("line") == 4 and "issue.type" in rows[3].get("error", ""),
               rows[3])

    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
