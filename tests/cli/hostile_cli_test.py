#!/usr/bin/env python3
"""Hostile input through the real binary: the exit code (0 decided, 1 read
but not decided, 2 bad usage, a bad policy or unreadable input), the error
on stderr naming the field or the place, and nothing half-written to
stdout. Also that a batch keeps going past hostile lines, and that nothing
hangs (every run has a time limit).
Usage: hostile_cli_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from checks import expect, finish


GOOD = {"case": {"id": "C-1", "locale": "en", "opened_at": "2026-11-20T14:03:00+08:00"},
        "order": {"id": "O-1", "delivered_at": "2026-11-17T10:25:00+08:00", "total_paid_cents": 29900},
        "item": {"name": "kettle", "paid_cents": 29900}, "issue": {"type": "quality_defect"},
        "request": {"type": "return_refund", "return_shipping_cents": 1200}}


def run(bin_, args, stdin=None):
    p = subprocess.run([bin_] + args, capture_output=True, input=stdin, timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def write(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    a = ap.parse_args()
    bin_ = a.aftersales

    with tempfile.TemporaryDirectory() as tmp:
        # Cases that cannot be read: exit 2, the field or the limit named, stdout empty.
        bad_cases = [
            ("nul.json", '{"case": {"id": "a\\u0000b"}}', "case.id: contains a NUL character"),
            ("utf8.json", b'{"case": {"id": "a\xffb"}}', "not valid UTF-8"),
            ("deep.json", '{"x": ' + "[" * 10000 + "]" * 10000 + "}", "case nested more than 32 deep"),
            ("money.json", '{"order": {"total_paid_cents": 1e400}}',
             "order.total_paid_cents: expected money (integer minor units), got the floating-point number 1e400"),
            ("twice.json", '{"order": {"id": "a", "id": "b"}}', "order.id: given twice in the case"),
            ("leap.json", '{"order": {"delivered_at": "2016-12-31T23:59:60Z"}}', "leap second"),
            ("nan.yaml", "order:\n  total_paid_cents: .nan\n",
             "order.total_paid_cents (line 2, column 21): expected money (integer minor units), got '.nan'"),
            ("merge.yaml", "base: &b {total_paid_cents: 100}\norder:\n  <<: *b\n", "merge keys"),
            ("tag.yaml", "order: !!python/object:os.system {}\n", "YAML tag '!!python/object:os.system'"),
            ("big.json", '{"case": {"id": "' + "a" * (4 << 20) + '"}}', "the limit is 4194304 (max_case_bytes)"),
        ]
        for name, data, want in bad_cases:
            path = write(tmp, name, data)
            code, out, err = run(bin_, ["decide", "--policy", "rules", "--case", path])
            expect(f"decide {name} exit", code == 2, f"{code} {err!r}")
            expect(f"decide {name} error", want in err, err[:300])
            expect(f"decide {name} stdout", out == "", out[:200])

        # A hostile time zone is refused when the case is read (exit 2), never
        # opened as a file; a zone-shaped unknown one is read, then not decided.
        zone = dict(GOOD)
        zone["case"] = dict(GOOD["case"], timezone="file:/dev/stdin")
        path = write(tmp, "zone.json", json.dumps(zone))
        code, out, err = run(bin_, ["decide", "--policy", "rules", "--case", path], stdin=b"")
        expect("decide zone exit", code == 2, f"{code} {err!r}")
        expect("decide zone error", "case.timezone: 'file:/dev/stdin' is not a time zone name" in err, err)
        expect("decide zone stdout", out == "", out[:200])
        zone["case"] = dict(GOOD["case"], timezone="Mars/Olympus")
        path = write(tmp, "zone2.json", json.dumps(zone))
        code, out, err = run(bin_, ["decide", "--policy", "rules", "--case", path], stdin=b"")
        expect("decide unknown zone exit", code == 1, f"{code} {err!r}")
        expect("decide unknown zone error", "case.timezone: unknown time zone 'Mars/Olympus'" in err, err)

        # Money overflow in a policy's arithmetic: exit 1, the rule and field named.
        policy = write(tmp, "overflow.yaml", """policy: {name: t, version: "1"}
facts: {a: money, b: money}
decisions: {resolution: {type: string, required: true}, total_cents: {type: money, default: 0}}
stages:
  - {id: s, hit: first, rules: [{id: add, then: {resolution: "'x'", total_cents: "a + b"}}]}
""")
        path = write(tmp, "max.json", '{"a": 9223372036854775807, "b": 1}')
        code, out, err = run(bin_, ["decide", "--policy", policy, "--case", path])
        expect("overflow exit", code == 1, f"{code} {err!r}")
        expect("overflow error", "rule 'add' cannot set 'total_cents': int overflow in '+'" in err, err)
        expect("overflow stdout", out == "", out[:200])

        # A refund over what was paid, on the built-in schema: exit 1.
        policy = write(tmp, "refund.yaml", """policy: {name: t, version: "1"}
stages:
  - {id: s, hit: first, rules: [{id: double, then: {resolution: refund_only, options: [refund_only], refund_cents: "item.paid_cents * 2"}}]}
""")
        code, out, err = run(bin_, ["decide", "--policy", policy, "--case", write(tmp, "g.json", json.dumps(GOOD))])
        expect("refund cap exit", code == 1, f"{code} {err!r}")
        expect("refund cap error", "'refund_cents' would be 598.00, more than order.total_paid_cents" in err, err)

        # A batch: hostile lines get their own error objects, the others are decided.
        lines = [json.dumps(GOOD), '{"x": ' + "[" * 5000 + "]" * 5000 + "}", '{"case": {"id": "a\\u0000"}}',
                 "{not json", json.dumps(GOOD)]
        code, out, err = run(bin_, ["decide", "--policy", "rules", "--cases", "-"],
                             stdin=("\n".join(lines) + "\n").encode())
        rows = [json.loads(l) for l in out.splitlines()]
        expect("batch exit", code == 1, f"{code} {err!r}")
        expect("batch rows", len(rows) == 5, out[:300])
        if len(rows) == 5:
            expect("batch first decided", rows[0].get("resolution") == "return_refund", rows[0])
            expect("batch deep", rows[1].get("line") == 2 and "nested more than 32 deep" in rows[1].get("error", ""),
                   rows[1])
            expect("batch nul", rows[2].get("line") == 3 and "case.id: contains a NUL" in rows[2].get("error", ""),
                   rows[2])
            expect("batch not json", rows[3].get("line") == 4 and "not valid JSON" in rows[3].get("error", ""), rows[3])
            expect("batch last decided", rows[4].get("resolution") == "return_refund", rows[4])

        # Bad policies: exit 2, every problem as file:line:column.
        code, out, err = run(bin_, ["check", "--policy", "tests/policies/bad/alias_bomb.yaml"])
        expect("check alias bomb", code == 2 and err.startswith("tests/policies/bad/alias_bomb.yaml:11:42: more than "
                                                                "1000000 YAML nodes"), f"{code} {err!r}")
        code, out, err = run(bin_, ["check", "--policy", "tests/policies/bad/yaml_merge_key.yaml"])
        expect("check merge key", code == 2 and "yaml_merge_key.yaml:9:5: YAML merge keys" in err, f"{code} {err!r}")
        deep = write(tmp, "deep.yaml", 'policy: {name: t, version: "1"}\nstages: ' + "[" * 10000 + "]" * 10000 + "\n")
        code, out, err = run(bin_, ["check", "--policy", deep])
        expect("check deep", code == 2 and err == deep + ":2:72: YAML nesting deeper than 64 levels\n",
               f"{code} {err!r}")
        bad_utf8 = write(tmp, "utf8.yaml", b'policy: {name: "t\xff", version: "1"}\n')
        code, out, err = run(bin_, ["check", "--policy", bad_utf8])
        expect("check utf8", code == 2 and err == bad_utf8 + ":1:18: invalid UTF-8 (byte 0xFF); policy and case "
                                                             "files must be UTF-8\n", f"{code} {err!r}")

        # Expressions: a bad literal is exit 2, an overflow exit 1.
        for expr, want_code, want in [("1e400", 2, "1:1: double literal out of range"),
                                      ("9223372036854775807 + 1", 1, "int overflow in '+'"),
                                      ("-(-9223372036854775807 - 1)", 1, "int overflow in '-'"),
                                      ("(" * 100 + "1" + ")" * 100, 2, "expression nested too deeply (limit 64)"),
                                      ("timestamp('2026-02-30T00:00:00Z')", 1, "impossible date")]:
            code, out, err = run(bin_, ["expr", expr])
            expect(f"expr {expr[:20]} exit", code == want_code, f"{code} {err!r}")
            expect(f"expr {expr[:20]} error", want in err, err)
            expect(f"expr {expr[:20]} stdout", out == "", out)

        # Issue 12: a decision is bounded, and its money checked, whatever the policy.
        # The freight invariant holds for a policy without invariants of its own.
        policy = write(tmp, "freight.yaml", """policy: {name: t, version: "1"}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: return_refund, options: [return_refund], freight.payer: merchant, freight.customer_cents: request.return_shipping_cents}}]}
""")
        code, out, err = run(bin_, ["decide", "--policy", policy, "--case", write(tmp, "g.json", json.dumps(GOOD))])
        expect("freight invariant exit", code == 1, f"{code} {err!r}")
        expect("freight invariant error", "freight.payer is merchant but pays nothing of a freight of 12.00" in err, err)
        # The refund cap fails closed when the order's total is absent.
        no_total = json.loads(json.dumps(GOOD))
        del no_total["order"]["total_paid_cents"]
        policy = write(tmp, "refund_all.yaml", """policy: {name: t, version: "1"}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: refund_only, options: [refund_only], refund_cents: item.paid_cents}}]}
""")
        code, out, err = run(bin_, ["decide", "--policy", policy, "--case", write(tmp, "nt.json", json.dumps(no_total))])
        expect("cap fails closed exit", code == 1, f"{code} {err!r}")
        expect("cap fails closed error", "fact 'order.total_paid_cents' is absent" in err, err)
        # A list field repeating a 1 MiB text: stopped at max_decision_bytes.
        policy = write(tmp, "huge.yaml", """policy: {name: t, version: "1"}
facts: {s: string, l: list<int>}
decisions: {resolution: {type: string, required: true}, out: {type: list<string>}}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'", out: "l.map(i, s)"}}]}
""")
        huge = write(tmp, "huge.json", json.dumps({"s": "x" * ((1 << 20) - 16), "l": list(range(10000))}))
        code, out, err = run(bin_, ["decide", "--policy", policy, "--case", huge])
        expect("decision bytes exit", code == 1, f"{code} {err[:300]!r}")
        expect("decision bytes error", "limit max_decision_bytes" in err, err[:300])
        expect("decision bytes stdout", out == "", out[:200])
        # --explain on 1,000 rules skipped by their guard: explained within its own budget.
        rules = "".join(f'      - {{id: r{i}, when: "l.all(x, x >= 0) && n == {i}", then: {{resolution: "\'x\'"}}}}\n'
                        for i in range(1000))
        policy = write(tmp, "explain.yaml", 'policy: {name: t, version: "1"}\nfacts: {n: int, l: list<int>}\n'
                       'decisions: {resolution: {type: string, required: true}}\nstages:\n  - id: s\n    rules:\n'
                       + rules + '      - {id: last, then: {resolution: "\'y\'"}}\n')
        many = write(tmp, "many.json", json.dumps({"n": -1, "l": list(range(10000))}))
        code, out, err = run(bin_, ["decide", "--policy", policy, "--case", many, "--explain"])
        expect("explain exit", code == 0, f"{code} {err[:300]!r}")
        expect("explain budget", "not explained: explaining this decision took its budget" in out, out[-300:])

    return finish()


if __name__ == "__main__":
    sys.exit(main())
