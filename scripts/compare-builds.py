#!/usr/bin/env python3
"""Checks that two builds of aftersales write the same bytes.

  scripts/compare-builds.py --base BUILD_DIR --new BUILD_DIR [--count N]

Meant for refactors that must not change behaviour: build the revision
before the change in one folder (for example a `git worktree` at the old
commit) and the revision after it in another, then run this from the new
checkout. It decides the same generated cases (with broken lines mixed in)
through every way out of the library and compares the output byte for byte:

  decide --cases       JSON, text, and --explain on the first 2,000 lines
  decide --case        one case per run, JSON, text and --explain
  diff                 the shipped policy against a changed copy of it:
                       stdout, --json and --report
  the C API            aftersales_decide_json with flags 0, TEXT, EXPLAIN
                       (through ctypes, each library in its own process)

Prints one line per output with both SHA-256 digests; exits 1 naming the
first differing line of any output that differs. Needs each build folder
to hold `aftersales` and `src/libaftersales.so`. Uses the new checkout's
policy (rules/) and generator for both builds, so only the code differs.
"""
import argparse
import hashlib
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The C API driver, run once per library: reads JSON Lines, writes for each
# line and each flag set "status<TAB>decision-or-error" with the newlines
# escaped, so outputs compare line by line.
CAPI_DRIVER = r'''
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.aftersales_policy_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
lib.aftersales_decide_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
                                       ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
lib.aftersales_free.argtypes = [ctypes.c_void_p]
lib.aftersales_policy_free.argtypes = [ctypes.c_void_p]
def take(p):
    if not p.value:
        return b""
    s = ctypes.string_at(p.value)
    lib.aftersales_free(p)
    return s
policy, error = ctypes.c_void_p(), ctypes.c_void_p()
code = lib.aftersales_policy_load(sys.argv[2].encode(), ctypes.byref(policy), ctypes.byref(error))
out = open(sys.argv[4], "wb")
if code != 0:
    out.write(b"load %d %s\n" % (code, take(error)))
    sys.exit(0)
explain_lines = int(sys.argv[5])
with open(sys.argv[3], "rb") as f:
    for n, line in enumerate(f):
        line = line.rstrip(b"\n")
        for flags in ((0, 2, 1, 3) if n < explain_lines else (0, 2)):
            d, e = ctypes.c_void_p(), ctypes.c_void_p()
            code = lib.aftersales_decide_json(policy, line, len(line), flags, ctypes.byref(d), ctypes.byref(e))
            text = take(d) + take(e)
            out.write(b"%d\t%d\t%s\n" % (flags, code, text.replace(b"\\", b"\\\\").replace(b"\n", b"\\n")))
lib.aftersales_policy_free(policy)
'''


def broken_lines(cases, rng):
    """Lines a backend might send by mistake, made from real cases."""
    out = []
    for line in rng.sample(cases, min(300, len(cases))):
        case = json.loads(line)
        kind = rng.randrange(8)
        if kind == 0:
            out.append(line[: rng.randrange(1, len(line))])  # cut short
        elif kind == 1:
            case.setdefault("item", {})["paid_cents"] = -rng.randrange(1, 100000)
        elif kind == 2:
            case.setdefault("order", {})["paid_at"] = "yesterday"
        elif kind == 3:
            case.setdefault("case", {})["timezone"] = "Mars/Olympus_Mons"
        elif kind == 4:
            case.setdefault("item", {})["paid_cents"] = "12.50"
        elif kind == 5:
            case["request"] = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]
        elif kind == 6:
            out.append("")  # a blank line
            continue
        else:
            case.setdefault("customer", {})["sentiment"] = "livid"
        if kind not in (0, 6):
            out.append(json.dumps(case, ensure_ascii=False))
    return out


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def first_difference(a, b):
    la = pathlib.Path(a).read_bytes().split(b"\n")
    lb = pathlib.Path(b).read_bytes().split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}:\n  base: {x[:300]!r}\n  new:  {y[:300]!r}"
    return f"lengths differ: {len(la)} lines against {len(lb)}"


def run_to(cmd, out_path, cwd):
    """Runs cmd; its stdout, stderr and exit code go to out_path."""
    p = subprocess.run(cmd, cwd=cwd, capture_output=True)
    with open(out_path, "wb") as f:
        f.write(p.stdout)
        f.write(b"\n--- stderr ---\n")
        f.write(p.stderr)
        f.write(b"\n--- exit %d ---\n" % p.returncode)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="build folder of the revision before")
    ap.add_argument("--new", required=True, help="build folder of the revision after")
    ap.add_argument("--count", type=int, default=100000, help="generated cases (default 100000)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--single", type=int, default=60, help="cases decided one per run (default 60)")
    ap.add_argument("--keep", help="keep the outputs in this folder")
    args = ap.parse_args()

    builds = {"base": pathlib.Path(args.base).resolve(), "new": pathlib.Path(args.new).resolve()}
    for name, b in builds.items():
        for f in ("aftersales", "src/libaftersales.so"):
            if not (b / f).exists():
                sys.exit(f"compare-builds: {name} build {b} has no {f}")

    work = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="aftersales-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    cases_path = work / "cases.jsonl"
    subprocess.run([sys.executable, str(ROOT / "examples/cases/generate.py"), "--count", str(args.count),
                    "--seed", str(args.seed), "--out", str(cases_path)], check=True)
    cases = cases_path.read_text(encoding="utf-8").splitlines()
    mixed = cases + broken_lines(cases, rng)
    rng.shuffle(mixed)
    mixed_path = work / "mixed.jsonl"
    mixed_path.write_text("\n".join(mixed) + "\n", encoding="utf-8")
    explain_path = work / "explain.jsonl"
    explain_path.write_text("\n".join(mixed[:2000]) + "\n", encoding="utf-8")

    # A changed copy of the shipped policy for diff: a lower no-return floor
    # and one more repeat claim allowed change some decisions, not all.
    changed = work / "changed-rules"
    if changed.exists():
        shutil.rmtree(changed)
    shutil.copytree(ROOT / "rules", changed, symlinks=True)
    (changed / "aftersales.lock").unlink(missing_ok=True)
    shop = changed / "shop_facts.yaml"
    text = shop.read_text(encoding="utf-8")
    text = text.replace("3000", "2000", 1)
    shop.write_text(text, encoding="utf-8")

    singles = []
    for i, line in enumerate(mixed[: args.single]):
        p = work / f"single-{i}.json"
        p.write_text(line, encoding="utf-8")
        singles.append(p)

    rules = str(ROOT / "rules")
    outputs = []  # (label, {build: path})
    def add(label, fn):
        paths = {}
        for name, b in builds.items():
            out = work / f"{name}.{label}.out"
            fn(b, out)
            paths[name] = out
        outputs.append((label, paths))

    exe = lambda b: str(b / "aftersales")
    add("batch-json", lambda b, o: run_to([exe(b), "decide", "--policy", rules, "--cases", str(mixed_path),
                                            "--threads", "2"], o, work))
    add("batch-text", lambda b, o: run_to([exe(b), "decide", "--policy", rules, "--cases", str(mixed_path),
                                            "--format", "text", "--threads", "2"], o, work))
    add("batch-explain", lambda b, o: run_to([exe(b), "decide", "--policy", rules, "--cases", str(explain_path),
                                               "--explain"], o, work))

    def singles_run(b, o):
        with open(o, "wb") as f:
            for p in singles:
                for extra in ([], ["--format", "text"], ["--explain"]):
                    tmp = work / "single.tmp"
                    run_to([exe(b), "decide", "--policy", rules, "--case", str(p)] + extra, tmp, work)
                    f.write(tmp.read_bytes())
    add("single", singles_run)

    def diff_run(b, o):
        report, summary = work / "diff.html", work / "diff.json"
        run_to([exe(b), "diff", "--baseline", rules, "--policy", str(changed), "--cases", str(mixed_path),
                "--report", str(report), "--json", str(summary)], o, work)
        with open(o, "ab") as f:
            f.write(b"\n--- json ---\n" + summary.read_bytes() if summary.exists() else b"\n(no json)\n")
            f.write(b"\n--- report ---\n" + report.read_bytes() if report.exists() else b"\n(no report)\n")
        report.unlink(missing_ok=True)
        summary.unlink(missing_ok=True)
    add("diff", diff_run)

    driver = work / "capi_driver.py"
    driver.write_text(CAPI_DRIVER, encoding="utf-8")
    add("capi", lambda b, o: subprocess.run([sys.executable, str(driver), str(b / "src/libaftersales.so"), rules,
                                             str(mixed_path), str(o), "2000"], check=True))

    different = 0
    print(f"{len(mixed)} lines ({len(cases)} generated cases, {len(mixed) - len(cases)} broken or blank); "
          f"outputs in {work}")
    for label, paths in outputs:
        a, b = digest(paths["base"]), digest(paths["new"])
        same = a == b
        print(f"{label:14} {'same' if same else 'DIFFERENT':9} {a[:16]} {b[:16]} "
              f"({paths['new'].stat().st_size} bytes)")
        if not same:
            different += 1
            print("  " + first_difference(paths["base"], paths["new"]))
    if not args.keep:
        shutil.rmtree(work)
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
