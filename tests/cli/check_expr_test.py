#!/usr/bin/env python3
"""Golden runs of `aftersales check` and `aftersales expr` through the real
binary: exit codes, what goes to stdout and what to stderr.
Usage: check_expr_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import subprocess
import sys

from checks import expect, finish


def run(bin_, args, stdin=None):
    p = subprocess.run([bin_] + args, capture_output=True, text=True, input=stdin, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    a = ap.parse_args()
    b = a.aftersales

    code, out, err = run(b, ["check", "--policy", "rules"])
    expect("check rules exit", code == 0, f"exit {code}, stderr {err!r}")
    expect("check rules digest", out.startswith("ok: default ") and "sha256:" in out, repr(out))

    code, out, err = run(b, ["check", "--policy", "no/such/policy"])
    expect("check missing exit", code == 2, f"exit {code}")
    expect("check missing names path", "no/such/policy" in err, repr(err))
    expect("check missing stdout empty", out == "", repr(out))

    code, out, err = run(b, ["check"])
    expect("check without --policy is usage error", code == 2, f"exit {code}")

    cases = [
        (["1 + 2"], 0, "3\n"),
        (["-9223372036854775808"], 0, "-9223372036854775808\n"),
        (["9223372036854775807 + 1"], 1, ""),
        (["1 / 0"], 1, ""),
        (["1 +"], 2, ""),
        (["--let", "x=3u", "x + 4u"], 0, "7u\n"),
        (["--let", 'm={"a=b": "c d"}', "m['a=b']"], 0, '"c d"\n'),
        (["--let", "false=1", "false"], 0, "false\n"),
        (["split(1525, [1, 1])"], 0, "[763, 762]\n"),
        (['calendar_days(timestamp("2026-11-17T23:59:00+08:00"), '
          'timestamp("2026-11-24T00:01:00+08:00"), "Asia/Shanghai")'], 0, "7\n"),
        (['calendar_days(timestamp("2026-11-17T23:59:00+08:00"), '
          'timestamp("2026-11-24T00:01:00+08:00"), "UTC")'], 0, "6\n"),
        (["undeclared_name > 3"], 2, ""),
    ]
    for args, want_code, want_out in cases:
        code, out, err = run(b, ["expr"] + args)
        expect(f"expr {args}", code == want_code and (want_code != 0 or out == want_out),
               f"exit {code} (want {want_code}), stdout {out!r} (want {want_out!r}), stderr {err!r}")
        if want_code != 0:
            expect(f"expr {args} stdout empty", out == "", repr(out))
            expect(f"expr {args} says why", err.strip() != "", "empty stderr")

    return finish()


if __name__ == "__main__":
    sys.exit(main())
