#!/usr/bin/env python3
"""Golden runs of `aftersales diff`: a copy of the shipped policy with one
rule changed is compared with the original on a set of cases; the JSON
summary must count exactly the cases and money that change, the HTML report
must show the same figures, and --baseline git:REV must compare with a
committed version.
Usage: diff_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from checks import expect, finish


def run(args, cwd=None):
    p = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = os.path.abspath(ap.parse_args().aftersales)
    root = os.getcwd()
    tmp = tempfile.mkdtemp(prefix="aftersales-diff-")
    try:
        # Cases: the quality example 30 times (refund 29900 each) and the
        # odd-cent exchange 20 times.
        with open("examples/cases/quality_defect_day3.json", encoding="utf-8") as f:
            quality = json.load(f)
        with open("examples/cases/no_reason_exchange_odd_cent.json", encoding="utf-8") as f:
            exchange = json.load(f)
        cases = os.path.join(tmp, "cases.jsonl")
        with open(cases, "w", encoding="utf-8") as f:
            for i in range(30):
                quality["case"]["id"] = f"Q-{i}"
                f.write(json.dumps(quality, ensure_ascii=False) + "\n")
            for i in range(20):
                exchange["case"]["id"] = f"E-{i}"
                f.write(json.dumps(exchange, ensure_ascii=False) + "\n")

        # The candidate: a quality return within 7 days refunds 1.00 less.
        new = os.path.join(tmp, "new")
        shutil.copytree("rules", new, ignore=shutil.ignore_patterns("tests"))
        policy_file = os.path.join(new, "policy.yaml")
        with open(policy_file, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"(- id: quality_7d_return_repairable\n(?:.*\n)*?\s+refund_cents: >-\n\s+)(item\.paid_cents)", text)
        expect("found the rule to change", m is not None)
        if m:
            text = text[:m.start(2)] + "item.paid_cents - 100" + text[m.end(2):]
        with open(policy_file, "w", encoding="utf-8") as f:
            f.write(text)

        summary, report = os.path.join(tmp, "s.json"), os.path.join(tmp, "r.html")
        code, out, err = run([b, "diff", "--policy", new, "--baseline", "rules", "--cases", cases,
                              "--json", summary, "--report", report])
        expect("diff exit", code == 0, f"{code} {err}")
        s = json.load(open(summary, encoding="utf-8"))
        expect("cases", s["cases"] == 50, s["cases"])
        expect("changed", s["changed"] == 30, s["changed"])
        expect("changed refund", s["changed_by_field"].get("refund_cents") == 30, s["changed_by_field"])
        expect("money moved", s["money"]["refund_cents"]["difference"] == -3000, s["money"])
        expect("freight unchanged", s["money"]["merchant_freight_cents"]["difference"] == 0, s["money"])
        expect("no resolution change", s["resolution_transitions"] == [], s["resolution_transitions"])
        hits = {r["rule"]: (r["baseline"], r["candidate"]) for r in s["rules"]}
        expect("rule hits", hits.get("quality_7d_return_repairable") == (30, 30) and hits.get("no_reason_exchange") == (20, 20),
               hits)
        expect("top cases", len(s["most_changed"]) > 0 and s["most_changed"][0]["case_id"].startswith("Q-") and
               s["most_changed"][0]["baseline"]["refund_cents"] == 29900 and
               s["most_changed"][0]["candidate"]["refund_cents"] == 29800, s["most_changed"][:1])

        html = open(report, encoding="utf-8").read()
        def fig(id_):
            m = re.search(r'id="%s">([^<]*)<' % id_, html)
            return m.group(1) if m else None
        expect("html cases", fig("cases") == "50", fig("cases"))
        expect("html changed", fig("changed") == str(s["changed"]), fig("changed"))
        expect("html refund difference", fig("refund_difference") == "-30.00", fig("refund_difference"))
        expect("html self-contained", "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and
               "https://" not in html and "<script" not in html, "external reference")
        expect("html charts", html.count("<svg") >= 3, html.count("<svg"))

        # git:REV: commit the original, change it, compare with the commit.
        repo = os.path.join(tmp, "repo")
        shutil.copytree("rules", os.path.join(repo, "rules"), ignore=shutil.ignore_patterns("tests"))
        env_git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
        run(["git", "init", "-q"], cwd=repo)
        run(env_git + ["add", "-A"], cwd=repo)
        run(env_git + ["commit", "-qm", "v1"], cwd=repo)
        shutil.copy(policy_file, os.path.join(repo, "rules", "policy.yaml"))
        code, out, err = run([b, "diff", "--policy", "rules", "--baseline", "git:HEAD", "--cases", cases,
                              "--json", summary], cwd=repo)
        expect("git diff exit", code == 0, f"{code} {err}")
        if code == 0:
            s = json.load(open(summary, encoding="utf-8"))
            expect("git diff money", s["money"]["refund_cents"]["difference"] == -3000, s["money"])
        code, out, err = run([b, "diff", "--policy", "rules", "--baseline", "git:no-such-rev", "--cases", cases],
                             cwd=repo)
        expect("bad rev exit 2", code == 2 and "no-such-rev" in err, f"{code} {err}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return finish()


if __name__ == "__main__":
    sys.exit(main())
