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

from checks import expect, finish


KEYS = ["case_id", "resolution", "options", "refund_cents", "freight", "evidence_required", "priority",
        "escalation", "deadlines", "script", "matched_rules", "policy"]
RESOLUTIONS = {"refund_only", "return_refund", "exchange", "repair", "reship", "partial_refund", "modify_order",
               "intercept_shipment", "cancel_order", "guide_usage", "explain_policy", "reject", "escalate"}


def run(bin_, args, stdin=None):
    p = subprocess.run([bin_] + args, capture_output=True, text=True, input=stdin, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check_decision(name, d, case):
    expect(f"{name} keys", list(d.keys()) == KEYS, list(d.keys()))
    expect(f"{name} resolution", d.get("resolution") in RESOLUTIONS, d.get("resolution"))
    expect(f"{name} options include resolution", d.get("resolution") in d.get("options", []), d.get("options"))
    f = d.get("freight", {})
    expect(f"{name} freight keys", list(f.keys()) == ["payer", "merchant_cents", "customer_cents", "insurance_cents",
                                                  "to_be_quoted"],
           f)
    parts = f.get("merchant_cents", 0) + f.get("customer_cents", 0) + f.get("insurance_cents", 0)
    if f.get("payer") == "none":
        expect(f"{name} no freight", parts == 0, f)
    elif case is not None:
        ret = nested_get(case, "request.return_shipping_cents", 0)
        expect(f"{name} freight adds up", parts == ret, f"{f} vs {ret}")
    esc = d.get("escalation")
    expect(f"{name} escalation", esc is None or (set(esc) <= {"to", "reply_within_minutes"} and
                                                  esc.get("to") in {"supervisor", "specialist", "carrier"}), esc)
    expect(f"{name} deadlines", isinstance(d.get("deadlines"), dict) and
           set(d["deadlines"]) <= {"first_reply_seconds", "follow_up_hours", "refund_within_hours"}, d.get("deadlines"))
    expect(f"{name} priority", d.get("priority") in {"P1", "P2", "P3", "P4"}, d.get("priority"))
    expect(f"{name} evidence", isinstance(d.get("evidence_required"), list) and
           set(d["evidence_required"]) <= {"photo", "video", "unboxing_video", "courier_note", "screenshot"},
           d.get("evidence_required"))
    expect(f"{name} case_id", case is None or d.get("case_id") == nested_get(case, "case.id"), d.get("case_id"))
    expect(f"{name} matched_rules", isinstance(d.get("matched_rules"), list) and len(d["matched_rules"]) > 0,
           d.get("matched_rules"))
    expect(f"{name} script locale", d.get("script", {}).get("locale") in {"zh-CN", "zh-TW", "en"}, d.get("script"))
    expect(f"{name} digest", d.get("policy", {}).get("digest", "").startswith("sha256:"), d.get("policy"))
    expect(f"{name} script", d.get("script", {}).get("text", "") != "", d.get("script"))
    expect(f"{name} money is int", isinstance(d.get("refund_cents"), int), d.get("refund_cents"))


def load_case(path):
    """The case as a dict (YAML through PyYAML when it is installed), or None."""
    with open(path, encoding="utf-8") as fh:
        if path.endswith(".json"):
            return json.load(fh)
        try:
            import yaml  # optional: only for the freight check of YAML cases
        except ImportError:
            return None
        return yaml.safe_load(fh)


def nested_get(case, dotted, default=None):
    """case['a']['b'] for "a.b", or the flat key itself."""
    if dotted in case:
        return case[dotted]
    cur = case
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


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
                                                       "customer_cents": 762, "insurance_cents": 0,
                                                       "to_be_quoted": False}, d["freight"])

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
    expect("text format has the script", "[zh-CN]" in out and "299.00 元" in out, out)

    # A case with a fact of the wrong type: exit 2, the field named, nothing on stdout.
    bad = json.dumps({"case": {"id": "X"}, "order": {"total_paid_cents": "299"}})
    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "/dev/stdin"], stdin=bad)
    expect("bad case exit", code == 2, f"exit {code}")
    expect("bad case names field", "order.total_paid_cents" in err, err)
    expect("bad case stdout empty", out == "", out)

    # Every trace entry has the vocabulary's shape; rules after a first stage's match are not reached.
    outcomes = {t.get("outcome") for t in trace}
    expect("trace outcomes", outcomes <= {"matched", "not_matched", "error", "not_reached"} and
           {"matched", "not_matched"} <= outcomes, outcomes)
    expect("trace entries", all(set(t) <= {"stage", "rule", "outcome", "detail", "at"} and
                                t.get("at", "").count(":") >= 2 for t in trace), trace[:3])
    expect("trace matched rules", [t["rule"] for t in trace if t.get("outcome") == "matched"] == d["matched_rules"],
           d.get("matched_rules"))

    # Broken input: exit 2, the reason on stderr, nothing on stdout.
    bad_cases = [
        ("unknown enum word", {"case": {"id": "X"}, "issue": {"type": "qualty_defect"}}, "issue.type"),
        ("bad timestamp", {"case": {"id": "X", "opened_at": "2026-11-20 14:00"}}, "case.opened_at"),
        ("fraction for money", {"item": {"paid_cents": 299.5}}, "item.paid_cents"),
        ("broken JSON in an undeclared field", '{"shop": {"x": [1,,2]}, "case": {"id": "X"}}', "not valid JSON"),
    ]
    for name, case, needle in bad_cases:
        text = case if isinstance(case, str) else json.dumps(case)
        code, out, err = run(b, ["decide", "--policy", "rules", "--case", "/dev/stdin"], stdin=text)
        expect(f"{name} exit 2", code == 2, f"exit {code}: {err}")
        expect(f"{name} names it", needle in err, err)
        expect(f"{name} stdout empty", out == "", out)

    # A case that is read but cannot be decided: exit 1, nothing on stdout.
    with open("examples/cases/quality_defect_day3.json", encoding="utf-8") as fh:
        mars = json.load(fh)
    mars["case"]["timezone"] = "Mars/Olympus_Mons"
    code, out, err = run(b, ["decide", "--policy", "rules", "--case", "/dev/stdin"], stdin=json.dumps(mars))
    expect("unknown zone exit 1", code == 1, f"exit {code}: {err}")
    expect("unknown zone names case.timezone", "case.timezone" in err, err)
    expect("unknown zone stdout empty", out == "", out)

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

    return finish()


if __name__ == "__main__":
    sys.exit(main())
