#!/usr/bin/env python3
"""The vocabulary's decision invariants on 100,000 generated cases.

Generates 100,000 cases with a fixed seed (examples/cases/generate.py), runs
`aftersales decide --policy rules --cases FILE` on them, and checks every
output line (docs/vocabulary.md, "Reading a decision" and "Invariants"):

* exactly one output line per input line, in input order (a decision's
  case_id is the input's case.id; an error object's "line" is its number);
* each line is a decision or an error object: `{"line": N, "error": ...}`
  for a case that could not be read, `{"case_id", "errors": [...]}` for one
  that could not be decided (docs/cli.md);
* the generator writes only valid cases, so no line may be unreadable; an
  undecided case may only name, as absent, a fact it really lacks and that
  the money of a resolution cannot do without (item.paid_cents,
  order.total_paid_cents, for refund_cents) — never
  request.return_shipping_cents (a missing quote is `to_be_quoted`);
* every decision: the return freight parts add up to
  request.return_shipping_cents when goods go back and the quote is known;
  `payer: none` means all three are 0 (and nothing to quote);
  `to_be_quoted: true` means goods go back, the quote is absent, the three
  are 0; freight insurance pays first, up to its cap, whenever goods go back
  on an insured order; a return_refund sends goods back (payer is not none);
  0 <= refund_cents <= item.paid_cents (+ order.shipping_fee_cents only when
  the item is the whole order) + order.duplicate_charge_cents, and <=
  order.total_paid_cents + order.duplicate_charge_cents; the resolution is
  among the options; an escalate resolution has an escalation with `to` and
  `reply_within_minutes`; evidence already sent is not asked for again; the
  script is in the case's locale when that is one the policy has.

Prints the counts (decisions, errors by message class, failures by class)
and up to --examples failing pairs per class (the case line, then the
output line). Exits 1 on any failure.

Usage: generated_invariants_test.py --aftersales BIN [--count N] [--seed S]
       [--examples K]   (cwd: the repository root)
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time

KEYS = ["case_id", "resolution", "options", "refund_cents", "freight", "evidence_required", "priority",
        "escalation", "deadlines", "script", "matched_rules", "policy"]
FREIGHT_PARTS = ("merchant_cents", "customer_cents", "insurance_cents")
LOCALES = ("zh-CN", "zh-TW", "en")
# Facts without which a decision's money cannot be computed, so a case that
# lacks them may fail (the field must be refund_cents).
NEEDED_FOR_MONEY = {"item.paid_cents", "order.total_paid_cents"}
# "fact 'item.paid_cents' is absent", "script needs 'item.name', which is absent"
ABSENT_FACT = re.compile(r"(?:fact|needs) '([A-Za-z0-9_.]+)',? (?:which )?is absent")


def get(doc, dotted, default=None):
    cur = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


def has(doc, dotted):
    return get(doc, dotted, None) is not None


def message_class(message):
    """An error message with its rule and field names taken out."""
    m = re.sub(r"^.*?:\d+: ", "", message)          # "<file>:N: " of an unreadable line
    m = re.sub(r"rule '[^']*'", "rule R", m)
    m = re.sub(r"cannot set '[^']*'", "cannot set F", m)
    return m[:140]


def check_error(case, row):
    """Failure classes of an error line (empty: an acceptable error)."""
    if "error" in row:
        return ["unreadable case (the generator writes only valid cases): " + message_class(row["error"])]
    problems = []
    for e in row.get("errors") or [{}]:
        msg = e.get("message", "")
        facts = ABSENT_FACT.findall(msg)
        if not facts:
            problems.append("error that names no absent fact: " + message_class(msg))
            continue
        for fact in facts:
            if fact == "request.return_shipping_cents":
                problems.append("error names request.return_shipping_cents (should be freight.to_be_quoted)")
            elif has(case, fact):
                problems.append(f"error names {fact} as absent but the case has it")
            elif fact not in NEEDED_FOR_MONEY or e.get("field") != "refund_cents":
                problems.append(f"error for an absent fact a decision can do without: {fact} "
                                f"(field {e.get('field')})")
    return problems


def check_decision(case, d):
    """Failure classes of a decision (empty: it keeps every invariant)."""
    problems = []
    missing = [k for k in KEYS if k not in d]
    if missing:
        problems.append("decision lacks fields: " + ", ".join(missing))
    f = d.get("freight") or {}
    payer = f.get("payer")
    parts = [f.get(k) for k in FREIGHT_PARTS]
    quoted = f.get("to_be_quoted")
    rs = get(case, "request.return_shipping_cents")
    if not all(isinstance(p, int) for p in parts) or "to_be_quoted" not in f:
        problems.append("freight lacks payer, a part or to_be_quoted")
        return problems
    total_parts = sum(parts)
    if payer == "none":
        if total_parts != 0 or any(parts):
            problems.append("payer none with freight amounts")
        if quoted:
            problems.append("payer none but to_be_quoted")
    elif quoted:
        if any(parts):
            problems.append("to_be_quoted with freight amounts")
        if rs is not None:
            problems.append("to_be_quoted although request.return_shipping_cents is known")
    else:
        if rs is None:
            problems.append("goods go back (payer not none), no quote, to_be_quoted false")
        elif total_parts != rs:
            problems.append("freight parts do not add up to request.return_shipping_cents")
        if any(p < 0 for p in parts):
            problems.append("negative freight part")
        insured = get(case, "order.freight_insurance") is True
        cap = get(case, "order.freight_insurance_cap_cents")
        if insured and cap is not None and rs is not None and f.get("insurance_cents") != min(rs, cap):
            problems.append("insured order: insurance does not pay first up to its cap")
    if d.get("resolution") == "return_refund" and payer == "none":
        problems.append("return_refund with freight payer none (goods go back, nobody pays)")

    refund = d.get("refund_cents")
    dup = get(case, "order.duplicate_charge_cents", 0) or 0
    if not isinstance(refund, int):
        problems.append("refund_cents is not an integer")
    else:
        if refund < 0:
            problems.append("negative refund_cents")
        item_paid = get(case, "item.paid_cents")
        shipping = get(case, "order.shipping_fee_cents", 0) or 0
        total = get(case, "order.total_paid_cents")
        if item_paid is not None:
            if refund > item_paid + shipping + dup:
                problems.append("refund above item.paid_cents + shipping_fee_cents + duplicate charge")
            elif (total is not None and item_paid + shipping < total and refund > item_paid + dup):
                problems.append("refund includes the outbound shipping of a multi-line order "
                                "(above item.paid_cents + duplicate charge)")
        if total is not None and refund > total + dup:
            problems.append("refund above order.total_paid_cents + duplicate charge")

    if d.get("resolution") not in (d.get("options") or []):
        problems.append("resolution not among the options")
    if d.get("resolution") == "escalate":
        esc = d.get("escalation")
        if not isinstance(esc, dict) or "to" not in esc or "reply_within_minutes" not in esc:
            problems.append("escalate without escalation.to and reply_within_minutes")
    sent = set(get(case, "issue.evidence", []) or [])
    again = sent & set(d.get("evidence_required") or [])
    if again:
        problems.append("evidence already sent asked for again")
    locale = get(case, "case.locale")
    if locale in LOCALES and (d.get("script") or {}).get("locale") != locale:
        problems.append("script not in the case's locale")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--examples", type=int, default=3, help="failing pairs printed per class")
    args = ap.parse_args()

    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="aftersales-invariants-")
    cases_path = os.path.join(tmp, "cases.jsonl")
    try:
        gen = subprocess.run([sys.executable, "examples/cases/generate.py", "--count", str(args.count),
                              "--seed", str(args.seed), "--out", cases_path],
                             capture_output=True, text=True, timeout=300)
        if gen.returncode != 0:
            print("FAIL generate.py:", gen.returncode, gen.stderr[-2000:])
            print("0 passed, 1 failed")
            return 1
        with open(cases_path, encoding="utf-8") as fh:
            case_lines = fh.read().splitlines()
        p = subprocess.run([args.aftersales, "decide", "--policy", "rules", "--cases", cases_path],
                           capture_output=True, timeout=600)
    finally:
        for name in os.listdir(tmp):
            os.remove(os.path.join(tmp, name))
        os.rmdir(tmp)
    out_lines = p.stdout.decode("utf-8", "replace").splitlines()
    # --cases exits 1 when some line failed; anything else is a failure of its own.
    failures = collections.Counter()
    examples = collections.defaultdict(list)
    if p.returncode not in (0, 1):
        failures[f"decide exited {p.returncode}: {p.stderr.decode('utf-8', 'replace')[:300]}"] += 1
    if len(out_lines) != len(case_lines):
        failures[f"{len(out_lines)} output lines for {len(case_lines)} cases"] += 1

    decisions = bad_lines = 0
    error_classes = collections.Counter()
    for n, (case_line, out_line) in enumerate(zip(case_lines, out_lines), 1):
        case = json.loads(case_line)
        try:
            row = json.loads(out_line)
        except ValueError:
            row = None
        if not isinstance(row, dict):
            problems = ["output line is not a JSON object"]
        elif "resolution" in row:
            decisions += 1
            problems = []
            if row.get("case_id") != case["case"]["id"]:
                problems.append("out of order: case_id is not the input line's case.id")
            problems += check_decision(case, row)
        elif "error" in row or "errors" in row:
            if "error" in row:
                error_classes["unreadable: " + message_class(str(row["error"]))] += 1
                in_order = row.get("line") == n
            else:
                for e in row["errors"] or [{}]:
                    error_classes[message_class(e.get("message", ""))] += 1
                in_order = row.get("case_id") == case["case"]["id"]
            problems = [] if in_order else ["out of order: error object for another line"]
            problems += check_error(case, row)
        else:
            problems = ["output line is neither a decision nor an error object"]
        bad_lines += bool(problems)
        for cls in dict.fromkeys(problems):  # each class once per line
            failures[cls] += 1
            if len(examples[cls]) < args.examples:
                examples[cls].append((case_line, out_line))

    errors = len(out_lines) - decisions
    print(f"# {len(case_lines)} cases (seed {args.seed}): {decisions} decisions, {errors} error lines "
          f"({time.monotonic() - start:.1f} s)")
    for cls, count in error_classes.most_common():
        print(f"#   error {count:7d}  {cls}")
    for cls, count in failures.most_common():
        print(f"FAIL {count:7d}  {cls}")
    for cls, count in failures.most_common():
        for case_line, out_line in examples[cls]:
            print(f"--- {cls}\ncase:   {case_line}\noutput: {out_line}")
    global_failures = len(failures) and sum(v for k, v in failures.items() if not examples[k])
    print(f"{len(case_lines) - bad_lines} passed, {bad_lines + global_failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
