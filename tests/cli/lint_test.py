#!/usr/bin/env python3
"""`aftersales lint` and `check --strict` through the binary, as a policy
author uses them: every finding of a policy with one of each mistake, in
text and JSON, with the exit codes (1 on an error finding, 0 on warnings
only or none, 2 for a policy that does not load), and every counterexample
decided with `aftersales decide`, which must show what the finding says.
Usage: lint_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from checks import expect, finish


def run(bin_, args):
    p = subprocess.run([bin_] + args, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


HEADER = """policy: {name: lint-cli, version: "1", locales: [en, zh-CN], default_locale: en}
variables:
  days: calendar_days(order.delivered_at, case.opened_at, case.timezone)
  spare: customer.complaints_90d > 9
"""

# The resolution stage's rules, in order, as (id, line of YAML).
RESOLUTION = [
    ("defect", "{id: defect, when: \"issue.type in ['quality_defect', 'malfunction']\", then: {resolution: return_refund}, script: {en: 'Send it back.', zh-CN: '请寄回。'}}"),
    ("late_defect", "{id: late_defect, when: \"issue.type == 'malfunction' && days > 7\", then: {resolution: repair}, script: {en: 'We will repair it.'}}"),
    ("never", "{id: never, when: \"item.paid_cents < 100 && item.paid_cents > 200\", then: {resolution: reject}}"),
    ("wrong", "{id: wrong, when: \"issue.type == 'wrong_item'\", then: {resolution: exchange}}"),
]

TABLES = """  - id: priority
    hit: unique
    table:
      inputs: [customer.tier, customer.emotion]
      outputs: [priority]
      rows:
        - {id: p_vip, when: [vip, "-"], then: [P2]}
        - {id: p_angry, when: ["-", [angry, abusive]], then: [P1]}
  - id: escalation
    hit: any
    table:
      inputs: [customer.complaints_90d]
      outputs: [escalation.to]
      rows:
        - {id: e_many, when: [">= 3"], then: [supervisor]}
        - {id: e_some, when: ["[2..5]"], then: [specialist]}
"""


def policy_text(resolution):
    lines = [HEADER, "stages:\n  - id: resolution\n    hit: first\n    rules:\n"]
    for _, rule in resolution:
        lines.append("      - " + rule + "\n")
    return "".join(lines) + TABLES


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = ap.parse_args().aftersales

    with tempfile.TemporaryDirectory(prefix="aftersales-lint-") as tmp:
        def write(name, text):
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path

        bad = write("bad.yaml", policy_text(RESOLUTION))
        code, out, err = run(b, ["lint", "--policy", bad, "--format", "json"])
        expect("lint json: exit 1 on errors", code == 1, f"{code} {err}")
        try:
            findings = json.loads(out)["findings"]
        except (ValueError, KeyError) as e:
            findings = []
            expect("lint json parses", False, f"{e}: {out[:300]}")
        codes = sorted(f["code"] for f in findings)
        expect("lint: one of each finding", codes == sorted(
            ["shadowed", "unsatisfiable", "overlap", "disagree", "gap", "unused", "missing_locale"]),
            f"{codes}\n{out}")
        for f in findings:
            expect(f"{f['code']}: fields", set(f) == {"severity", "code", "file", "line", "column", "message",
                                                      "rules", "counterexample"}, f)
            expect(f"{f['code']}: located", f["file"].endswith("bad.yaml") and f["line"] > 0 and f["column"] > 0, f)
            want = "warning" if f["code"] in ("unused", "missing_locale") else "error"
            expect(f"{f['code']}: severity", f["severity"] == want, f)
            has_case = f["code"] in ("shadowed", "overlap", "disagree", "gap")
            expect(f"{f['code']}: counterexample iff it claims a case",
                   (f["counterexample"] is not None) == has_case, f)
        by_code = {f["code"]: f for f in findings}

        def decide(policy_path, case, explain=False):
            path = write("case.json", json.dumps(case))
            args = ["decide", "--policy", policy_path, "--case", path] + (["--explain"] if explain else [])
            code, out, err = run(b, args)
            try:
                return code, json.loads(out), err
            except ValueError:
                return code, {}, err

        # shadowed: the case goes to an earlier rule; without those rules, it
        # goes to the shadowed one.
        f = by_code.get("shadowed")
        if f:
            expect("shadowed: rules", f["rules"] == ["late_defect", "defect"], f["rules"])
            code, d, err = decide(bad, f["counterexample"], explain=True)
            expect("shadowed: decided by the cover", "defect" in d.get("matched_rules", []), f"{code} {d} {err}")
            steps = {(t["stage"], t["rule"]): t["outcome"] for t in d.get("trace", [])}
            expect("shadowed: the rule is not reached", steps.get(("resolution", "late_defect")) == "not_reached",
                   steps)
            cover = set(f["rules"][1:])
            alone = write("alone.yaml", policy_text([r for r in RESOLUTION if r[0] not in cover]))
            code, d, err = decide(alone, f["counterexample"])
            expect("shadowed: the rule matches the case once alone", "late_defect" in d.get("matched_rules", []),
                   f"{code} {d.get('matched_rules')} {err}")
        f = by_code.get("overlap")
        if f:
            code, d, err = decide(bad, f["counterexample"])
            expect("overlap: decide fails naming both rows",
                   code == 1 and "rows 'p_vip' and 'p_angry' both match" in err, f"{code} {err}")
        f = by_code.get("disagree")
        if f:
            code, d, err = decide(bad, f["counterexample"])
            expect("disagree: decide fails naming the field", code == 1 and "differently" in err, f"{code} {err}")
        f = by_code.get("gap")
        if f:
            code, d, err = decide(bad, f["counterexample"])
            expect("gap: decide finds no resolution", code == 1 and "no rule decided 'resolution'" in err,
                   f"{code} {err}")
        f = by_code.get("unsatisfiable")
        if f:
            expect("unsatisfiable: names the rule", f["rules"] == ["never"], f)

        # Text: file:line:column: severity: message [code], the case below.
        code, text, err = run(b, ["lint", "--policy", bad])
        expect("lint text: exit 1", code == 1, err)
        expect("lint text: located lines", any(line.startswith(bad + ":") and ": error: " in line and
                                               line.endswith("[shadowed]") for line in text.splitlines()), text)
        expect("lint text: counterexamples", "  counterexample: {" in text, text)
        expect("lint text: tally", text.rstrip().endswith("lint: 5 errors, 2 warnings"), text[-200:])

        # Warnings only: exit 0; check --strict fails on them.
        clean_rules = [RESOLUTION[0], RESOLUTION[3], ("otherwise", "{id: otherwise, then: {resolution: escalate}}")]
        warn = write("warn.yaml", policy_text(clean_rules).split("  - id: priority")[0])
        code, text, err = run(b, ["lint", "--policy", warn])
        expect("warnings only: exit 0", code == 0, f"{code} {text} {err}")
        expect("warnings only: the unused variables", text.count("[unused]") == 2, text)
        code, out, err = run(b, ["check", "--policy", warn])
        expect("check: ok without --strict", code == 0 and out.startswith("ok:"), f"{code} {out} {err}")
        code, out, err = run(b, ["check", "--strict", "--policy", warn])
        expect("check --strict: exit 1 on any finding", code == 1 and "[unused]" in err and
               "check --strict: 2 lint findings" in err, f"{code} {out} {err}")

        # A policy that does not load: exit 2 with its errors.
        broken = write("broken.yaml", HEADER + "stages:\n  - id: s\n    rules:\n      - {id: r, wen: x}\n")
        code, out, err = run(b, ["lint", "--policy", broken])
        expect("broken policy: exit 2", code == 2 and "broken.yaml:" in err, f"{code} {err}")

        # The shipped policy and its overlays are lint clean, and --strict passes.
        code, out, err = run(b, ["lint", "--policy", "rules"])
        expect("shipped policy: no findings", code == 0 and out.strip() == "lint: no findings", f"{code} {out} {err}")
        code, out, err = run(b, ["check", "--strict", "--policy", "rules"])
        expect("shipped policy: check --strict", code == 0, f"{code} {err}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
