#!/usr/bin/env python3
"""One policy for every platform, through the binary: `decide --policy rules`
decides each case under its platform's overlay (case.platform), `--policy
rules/platforms/jd` forces the jd overlay whatever the case says, batches
dispatch line by line, `check` lists the overlays, and `test` runs each
overlay's tests. Also: case.locale is negotiated (en-US is en).
Usage: platforms_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from checks import expect, finish


def run(bin_, args, stdin=None):
    p = subprocess.run([bin_] + args, capture_output=True, text=True, input=stdin, timeout=120)
    return p.returncode, p.stdout, p.stderr


def case(platform, locale="zh-CN"):
    c = {"case": {"id": "P-" + (platform or "none"), "channel": "chat", "locale": locale,
                  "opened_at": "2026-11-20T14:00:00+08:00", "timezone": "Asia/Shanghai"},
         "order": {"id": "O-1", "status": "delivered", "delivered_at": "2026-11-17T10:00:00+08:00",
                   "total_paid_cents": 29900},
         "item": {"name": "kettle", "category": "small_appliance", "quantity": 1, "paid_cents": 29900},
         "issue": {"type": "quality_defect", "evidence": ["photo"]},
         "request": {"type": "return_refund", "return_shipping_cents": 1200}}
    if platform:
        c["case"]["platform"] = platform
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = ap.parse_args().aftersales

    with tempfile.TemporaryDirectory(prefix="aftersales-platforms-") as tmp:
        def decide(policy, c):
            path = os.path.join(tmp, "case.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(c, f, ensure_ascii=False)
            code, out, err = run(b, ["decide", "--policy", policy, "--case", path])
            try:
                return code, json.loads(out), err
            except ValueError:
                return code, {}, err

        # One policy, dispatched by case.platform.
        names = {}
        for platform in ["jd", "own", "taobao", ""]:
            code, d, err = decide("rules", case(platform))
            expect(f"decide rules {platform or 'no platform'} exit", code == 0, f"{code} {err}")
            names[platform] = d.get("policy", {}).get("name")
        expect("jd case decided by the jd overlay", names["jd"] == "jd", names)
        expect("taobao case decided by the taobao overlay", names["taobao"] == "taobao", names)
        expect("own case decided by the shop's policy", names["own"] == "default", names)
        expect("no platform: the shop's policy", names[""] == "default", names)
        expect("jd and own differ", names["jd"] != names["own"], names)

        # The jd overlay on its own decides every case, whatever its platform.
        for platform in ["own", "taobao", "jd"]:
            code, d, err = decide("rules/platforms/jd", case(platform))
            expect(f"--policy rules/platforms/jd forces jd ({platform})",
                   code == 0 and d.get("policy", {}).get("name") == "jd", f"{code} {d.get('policy')} {err}")

        # The digest a decision names is that of the rules that decided.
        code, out, err = run(b, ["check", "--policy", "rules/platforms/jd"])
        jd_digest = out.split()[3] if code == 0 and len(out.split()) > 3 else None
        code, d, err = decide("rules", case("jd"))
        expect("jd decision names the jd overlay's digest", d.get("policy", {}).get("digest") == jd_digest,
               f"{d.get('policy')} vs {jd_digest}")

        # Batches dispatch line by line, in input order.
        lines = "".join(json.dumps(case(p), ensure_ascii=False) + "\n" for p in ["jd", "own", "taobao", "jd"])
        code, out, err = run(b, ["decide", "--policy", "rules", "--cases", "-", "--threads", "2"], stdin=lines)
        got = [json.loads(l).get("policy", {}).get("name") for l in out.splitlines() if l.strip()]
        expect("batch dispatch", code == 0 and got == ["jd", "default", "taobao", "jd"], f"{code} {got} {err}")

        # Locale negotiation: en-US is en, zh-HK is zh-TW, nonsense falls back.
        for locale, want in [("en-US", "en"), ("zh_HK", "zh-TW"), ("fr-CH, en;q=0.8", "en"), ("xx-klingon", "zh-CN")]:
            code, d, err = decide("rules", case("own", locale))
            expect(f"locale {locale!r}", code == 0 and d.get("script", {}).get("locale") == want,
                   f"{code} {d.get('script', {}).get('locale')} {err}")

    # check lists the overlays; test reports each policy's tests.
    code, out, err = run(b, ["check", "--policy", "rules"])
    expect("check rules lists overlays", code == 0 and "platform overlays: " in out and "jd: jd " in out,
           f"{code} {out!r} {err!r}")
    code, out, err = run(b, ["check", "--policy", "rules/platforms/jd"])
    expect("check an overlay alone lists none", code == 0 and "platform overlays" not in out, repr(out))

    code, out, err = run(b, ["test", "--policy", "tests/policies/platforms_base"])
    expect("test with overlays exit", code == 0, f"{code} {out!r} {err!r}")
    expect("test per policy", "base: 4 passed, 0 failed (tests/policies/platforms_base/tests)\n" in out and
           "jd: 1 passed, 0 failed (tests/policies/platforms_base/jd/tests)\n" in out and
           out.endswith("5 passed, 0 failed\n"), repr(out))
    expect("test warns of an overlay without tests", "taobao has no tests folder" in err, repr(err))
    code, out, err = run(b, ["test", "--policy", "tests/policies/platforms_base/jd"])
    expect("test of an overlay alone", code == 1 and out.endswith("1 passed, 0 failed\n") and
           "UNREACHED" in out and "jd:" not in out, f"{code} {out!r}")

    return finish()


if __name__ == "__main__":
    sys.exit(main())
