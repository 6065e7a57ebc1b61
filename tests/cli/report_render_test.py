#!/usr/bin/env python3
"""Opens a diff report in headless Chromium and checks that the page it
renders shows the figures the JSON summary holds, and that a screenshot of
it is a real picture. Chromium comes from Debian's `chromium` package, which
`scripts/install-deps.sh --tests` installs; without it this test says so and
is skipped (exit 77).
Usage: report_render_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = os.path.abspath(ap.parse_args().aftersales)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIPPED: chromium is not installed (scripts/install-deps.sh --tests installs it)")
        return SKIP
    failures, passed = [], 0
    tmp = tempfile.mkdtemp(prefix="aftersales-render-")
    try:
        new = os.path.join(tmp, "new")
        shutil.copytree("rules", new, ignore=shutil.ignore_patterns("tests"))
        path = os.path.join(new, "policy.yaml")
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"(- id: quality_7d_return\n(?:.*\n)*?\s+refund_cents: )item\.paid_cents",
                      r"\1item.paid_cents - 100", text, count=1)
        open(path, "w", encoding="utf-8").write(text)
        cases = os.path.join(tmp, "cases.jsonl")
        with open(cases, "w", encoding="utf-8") as out:
            for name in ["quality_defect_day3.json", "no_reason_exchange_odd_cent.json", "no_reason_insured_en.json"]:
                case = json.load(open(os.path.join("examples/cases", name), encoding="utf-8"))
                for i in range(7):
                    case["case"]["id"] = f"{name}-{i}"
                    out.write(json.dumps(case, ensure_ascii=False) + "\n")
        summary, report = os.path.join(tmp, "s.json"), os.path.join(tmp, "report.html")
        p = subprocess.run([b, "diff", "--policy", new, "--baseline", "rules", "--cases", cases,
                            "--json", summary, "--report", report], capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            print("FAIL diff:", p.returncode, p.stderr)
            print("0 passed, 1 failed")
            return 1
        s = json.load(open(summary, encoding="utf-8"))
        profile = os.path.join(tmp, "profile")
        dom = subprocess.run([chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile, "--dump-dom",
                                                            "file://" + report],
                             capture_output=True, text=True, timeout=120).stdout

        def shown(id_):
            m = re.search(r'id="%s">([^<]*)<' % id_, dom)
            return html.unescape(m.group(1)) if m else None

        def money(cents):
            sign = "-" if cents < 0 else ""
            return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"

        checks = {
            "cases": str(s["cases"]),
            "changed": str(s["changed"]),
            "unreadable": str(s["unreadable"]),
            "refund_baseline": money(s["money"]["refund_cents"]["baseline"]),
            "refund_candidate": money(s["money"]["refund_cents"]["candidate"]),
            "refund_difference": money(s["money"]["refund_cents"]["difference"]),
            "freight_difference": money(s["money"]["merchant_freight_cents"]["difference"]),
        }
        for id_, want in checks.items():
            got = shown(id_)
            if got == want:
                passed += 1
            else:
                failures.append(f"rendered {id_}: {got!r}, the JSON says {want!r}")
        for chart in ["chart-fields", "chart-money", "chart-rules"]:
            if f'id="{chart}"' in dom:
                passed += 1
            else:
                failures.append(f"chart {chart} not rendered")
        png = os.path.join(tmp, "shot.png")
        subprocess.run([chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile, "--screenshot=" + png,
                                                      "--window-size=1200,1600", "file://" + report],
                       capture_output=True, timeout=120)
        ok = os.path.exists(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(png) > 20000
        if ok:
            passed += 1
        else:
            failures.append("no screenshot, or an empty one")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
