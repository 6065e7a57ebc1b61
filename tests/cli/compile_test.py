#!/usr/bin/env python3
"""`aftersales compile` through the binary: it writes a snapshot of the
shipped policy that every command taking --policy loads (check, decide one
case and a batch, diff against the YAML, test, lint) with the same digest
and the same decisions; and a policy with errors, a damaged snapshot, a
snapshot of another version and an unwritable --out each fail with exit 2
and a message that says which.
Usage: compile_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import os
import subprocess
import tempfile

from checks import expect, finish


def run(bin_, args):
    p = subprocess.run([bin_] + args, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = ap.parse_args().aftersales

    with tempfile.TemporaryDirectory(prefix="aftersales-compile-") as tmp:
        snap = os.path.join(tmp, "rules.snap")
        code, out, err = run(b, ["compile", "--policy", "rules", "--out", snap])
        expect("compile exit 0", code == 0, f"{code} {err}")
        expect("compile says what it wrote", out.startswith("wrote " + snap + ": default ") and "rules" in out, out)
        expect("no temporary file is left", not os.path.exists(snap + ".tmp"), os.listdir(tmp))

        code, yaml_check, _ = run(b, ["check", "--policy", "rules"])
        code2, snap_check, err = run(b, ["check", "--policy", snap])
        expect("check on the snapshot exit 0", code == 0 and code2 == 0, err)
        digest = yaml_check.split()[3] if len(yaml_check.split()) > 3 else "?"
        expect("check shows the same digest", digest.startswith("sha256:") and digest in snap_check,
               yaml_check + "\n" + snap_check)
        expect("check lists the same overlays", yaml_check.count("platforms/") == snap_check.count("platforms/")
               and yaml_check.count("platforms/") > 0, snap_check)

        # One case and a batch decide alike (with the trace).
        code, a, _ = run(b, ["decide", "--policy", "rules", "--case", "examples/cases/quality_defect_day3.json",
                             "--explain"])
        code2, s, err = run(b, ["decide", "--policy", snap, "--case", "examples/cases/quality_defect_day3.json",
                                "--explain"])
        expect("decide one case from the snapshot", code == 0 and code2 == 0 and a == s and a, err)
        code, a, _ = run(b, ["decide", "--policy", "rules", "--cases", "examples/cases/sample.jsonl"])
        code2, s, err = run(b, ["decide", "--policy", snap, "--cases", "examples/cases/sample.jsonl"])
        expect("decide a batch from the snapshot", code == code2 and a == s and a.count("\n") > 10, err)
        names = {json.loads(l)["policy"]["name"] for l in s.splitlines() if '"policy"' in l}
        expect("the batch is decided by the overlays too", "default" in names and len(names) > 2, names)

        code, out, err = run(b, ["diff", "--policy", snap, "--baseline", "rules", "--cases",
                                 "examples/cases/sample.jsonl"])
        expect("diff snapshot against YAML: nothing changed", code == 0 and " 0 decisions changed" in out,
               f"{code} {out} {err}")
        code, out, err = run(b, ["test", "--policy", snap, "--tests", "rules/tests"])
        expect("the policy's tests pass on the snapshot", code == 0 and " 0 failed" in out, out[-400:] + err)
        code, a, _ = run(b, ["lint", "--policy", "rules"])
        code2, s, err = run(b, ["lint", "--policy", snap])
        expect("lint finds the same on the snapshot", code == code2 and a.replace("rules", "") == s.replace("rules", "")
               .replace(snap, ""), s[:400] + err)

        # What is refused, with exit 2.
        bad = os.path.join(tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("policy: {name: x, version: '1'}\nstages: [{id: s, rules: [{id: r, when: 'nope ==', then: {}}]}]\n")
        code, out, err = run(b, ["compile", "--policy", bad, "--out", os.path.join(tmp, "bad.snap")])
        expect("a policy with errors is not compiled", code == 2 and not os.path.exists(os.path.join(tmp, "bad.snap"))
               and "bad.yaml:" in err, f"{code} {err}")

        data = open(snap, "rb").read()
        damaged = os.path.join(tmp, "damaged.snap")
        with open(damaged, "wb") as f:
            f.write(data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1:])
        code, out, err = run(b, ["decide", "--policy", damaged, "--case", "examples/cases/quality_defect_day3.json"])
        expect("a damaged snapshot is refused", code == 2 and "damaged policy snapshot" in err and not out,
               f"{code} {err}")
        other = os.path.join(tmp, "other.snap")
        marker = data.index(b"\n") + 2  # magic, then the format (one byte), then the version's length
        length = data[marker]
        with open(other, "wb") as f:
            f.write(data[:marker + 1] + b"9" * length + data[marker + 1 + length:])
        code, out, err = run(b, ["check", "--policy", other])
        expect("a snapshot of another version is refused", code == 2 and "written by aftersales 9" in err
               and "compile the policy again" in err, f"{code} {err}")
        code, out, err = run(b, ["compile", "--policy", "rules", "--out", os.path.join(tmp, "no", "such", "x.snap")])
        expect("an unwritable --out: exit 2", code == 2 and "compile:" in err, f"{code} {err}")
    finish()


if __name__ == "__main__":
    main()
