#!/usr/bin/env python3
"""Input and output through the real binary (issue 12).

* A batch's memory stays flat whatever the input: one endless line, and
  many 1 MB lines, streamed in (50 MB each here; docs/security.md has the
  larger measurement), peak RSS measured with /usr/bin/time -v. The long
  line gets its own error line naming the line and max_case_bytes.
* Every input line gets exactly one output line, in order; error lines
  carry "line" (and "case_id" when known); a byte-order mark is skipped in
  --case and --cases.
* A failed write to stdout (`> /dev/full`, a pipe closed by `head -1`) is
  exit 2 with a message on stderr, for every command.
* `aftersales lock` writes the lock; a policy that no longer matches it is
  refused by check and decide, the file named.

Usage: io_bounds_test.py --aftersales BIN [--mib N]   (cwd: the repository root)"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

from checks import expect, finish


GOOD = {"case": {"id": "C-1", "locale": "en", "opened_at": "2026-11-20T14:03:00+08:00"},
        "order": {"id": "O-1", "delivered_at": "2026-11-17T10:25:00+08:00", "total_paid_cents": 29900},
        "item": {"name": "kettle", "paid_cents": 29900}, "issue": {"type": "quality_defect"},
        "request": {"type": "return_refund", "return_shipping_cents": 1200}}
MB = 1 << 20


def run(bin_, args, stdin=None, stdout=subprocess.PIPE):
    p = subprocess.run([bin_] + args, stdout=stdout, stderr=subprocess.PIPE, input=stdin, timeout=120)
    out = p.stdout.decode("utf-8", "replace") if p.stdout is not None else ""
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def streamed(bin_, args, chunks):
    """Runs BIN under /usr/bin/time -v with `chunks` (an iterable of bytes)
    streamed to its stdin; returns (exit code, stdout lines, peak RSS in KiB)."""
    p = subprocess.Popen(["/usr/bin/time", "-v", bin_] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out = []

    def reader():
        out.append(p.stdout.read())

    t = threading.Thread(target=reader)
    t.start()
    try:
        for c in chunks:
            p.stdin.write(c)
        p.stdin.close()
    except BrokenPipeError:
        pass
    t.join(timeout=120)
    err = p.stderr.read().decode("utf-8", "replace")
    code = p.wait(timeout=120)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    rss = int(m.group(1)) if m else -1
    return code, out[0].decode("utf-8", "replace").splitlines(), rss, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    ap.add_argument("--mib", type=int, default=50,
                    help="size of each stream in MiB (docs/security.md measured 4096)")
    a = ap.parse_args()
    b = a.aftersales
    good = json.dumps(GOOD)

    # Memory: a 50 MB endless line between two cases, then 50 lines of 1 MB.
    # Under a sanitizer (ASan keeps freed memory in quarantine) peak RSS says
    # nothing about the program: the rows are still checked, the memory not.
    sanitized = os.environ.get("AFTERSALES_SANITIZED", "")
    if sanitized:
        print(f"skipped: the peak-memory checks (built with -fsanitize={sanitized})")
    if os.path.exists("/usr/bin/time"):
        base_code, base_lines, base_rss, err = streamed(b, ["decide", "--policy", "rules", "--cases", "-",
                                                           "--threads", "2"], [(good + "\n").encode()])
        expect("baseline run", base_code == 0 and base_rss > 0, f"{base_code} {base_rss} {err[-300:]}")

        def endless():
            yield (good + "\n").encode()
            block = b"[" + b"1," * (MB // 2 - 1)
            for _ in range(a.mib):
                yield block
            yield b"1]\n" + (good + "\n").encode()

        code, lines, rss, err = streamed(b, ["decide", "--policy", "rules", "--cases", "-", "--threads", "2"],
                                         endless())
        endless_rss = rss
        expect("endless line exit", code == 1, f"{code} {err[-300:]}")
        expect("endless line rows", len(lines) == 3, len(lines))
        if len(lines) == 3:
            row = json.loads(lines[1])
            expect("endless line error", row.get("line") == 2 and re.search(
                r"^<stdin>:2: the line is \d+ bytes; the limit is 4194304 \(max_case_bytes\)$", row.get("error", "")),
                row)
            expect("endless line neighbours", json.loads(lines[0]).get("case_id") == "C-1" and
                   json.loads(lines[2]).get("case_id") == "C-1", lines[2][:200])
        # The line is never held: memory stays within a few max_case_bytes of the baseline.
        expect("endless line memory", bool(sanitized) or 0 < rss < base_rss + 48 * 1024, f"peak {rss} KiB, baseline {base_rss} KiB")

        def many():
            pad = "x" * (MB - 200)
            for i in range(a.mib):
                case = dict(GOOD, case=dict(GOOD["case"], id=f"C-{i}"), note=pad)
                yield (json.dumps(case) + "\n").encode()

        code, lines, rss, err = streamed(b, ["decide", "--policy", "rules", "--cases", "-", "--threads", "2"], many())
        expect("1 MB lines exit", code == 0, f"{code} {err[-300:]}")
        expect("1 MB lines rows", len(lines) == a.mib and all(
            json.loads(l).get("case_id") == f"C-{i}" for i, l in enumerate(lines)), len(lines))
        expect("1 MB lines memory", bool(sanitized) or 0 < rss < base_rss + 64 * 1024, f"peak {rss} KiB, baseline {base_rss} KiB")
        print(f"peak RSS: one case {base_rss} KiB, a {a.mib} MiB line {endless_rss} KiB, "
              f"{a.mib} lines of 1 MiB {rss} KiB")

    with tempfile.TemporaryDirectory() as tmp:
        def write(name, data):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
            return path

        # One line out per line in; blank lines say so; "line" and the case id on error lines.
        bad = json.dumps({"case": {"id": "C-9"}, "issue": {"type": "bogus"}})
        undecidable = json.dumps(dict(GOOD, case=dict(GOOD["case"], id="C-8", timezone="Mars/Olympus")))
        text = "\ufeff" + good + "\n\n  \n" + bad + "\n" + undecidable + "\n\t\n" + good + "\n"
        cases = write("cases.jsonl", text)
        code, out, err = run(b, ["decide", "--policy", "rules", "--cases", cases])
        rows = [json.loads(x) for x in out.splitlines()]
        expect("blank exit", code == 1, f"{code} {err}")
        expect("blank rows", len(rows) == 7, out[:500])
        if len(rows) == 7:
            expect("bom skipped", rows[0].get("case_id") == "C-1", rows[0])
            for i in (1, 2, 5):
                expect(f"blank {i + 1}", rows[i] == {"line": i + 1, "error": f"{cases}:{i + 1}: the line is blank "
                                                                           "(expected one case, a JSON object)"},
                       rows[i])
            expect("unreadable carries id", rows[3].get("line") == 4 and rows[3].get("case_id") == "C-9", rows[3])
            expect("undecided carries line", list(rows[4])[:2] == ["line", "case_id"] and rows[4]["line"] == 5 and
                   rows[4]["case_id"] == "C-8" and rows[4].get("errors"), rows[4])
            expect("last", rows[6].get("case_id") == "C-1", rows[6])
        code, out, err = run(b, ["decide", "--policy", "rules", "--case", write("bom.json", "\ufeff" + good)])
        expect("bom case", code == 0 and json.loads(out).get("case_id") == "C-1", f"{code} {err}")

        # Writes to a full disk: exit 2, a message, for every command.
        one = write("one.json", good)
        commands = [
            ["decide", "--policy", "rules", "--case", one],
            ["decide", "--policy", "rules", "--case", one, "--format", "text"],
            ["decide", "--policy", "rules", "--cases", cases],
            ["check", "--policy", "rules"],
            ["test", "--policy", "tests/policies/platforms_base"],
            ["expr", "1 + 2"],
            ["diff", "--policy", "rules", "--baseline", "rules", "--cases", cases],
            ["--help"],
            ["--version"],
        ]
        if os.path.exists("/dev/full"):
            for args in commands:
                with open("/dev/full", "wb") as full:
                    code, _, err = run(b, args, stdout=full)
                expect(f"/dev/full {' '.join(args)}", code == 2 and "cannot write to standard output" in err,
                       f"{code} {err[-300:]}")

        # A pipe closed after one line (`| head -1`): exit 2, a message.
        many_cases = write("many.jsonl", (good + "\n") * 20000)
        p = subprocess.Popen([b, "decide", "--policy", "rules", "--cases", many_cases, "--threads", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = p.stdout.readline()
        p.stdout.close()
        err = p.stderr.read().decode()
        code = p.wait(timeout=120)
        expect("head -1 first line", json.loads(first).get("case_id") == "C-1", first[:200])
        expect("head -1 exit", code == 2 and "cannot write to standard output: Broken pipe" in err, f"{code} {err}")

        # The lock: written, checked, and a partial copy refused with the file named.
        policy = os.path.join(tmp, "set")
        shutil.copytree("tests/policies/platforms_base", policy)
        code, out, err = run(b, ["lock", "--policy", policy])
        expect("lock exit", code == 0 and out == f"wrote {policy}/aftersales.lock: 4 files\n", f"{code} {out} {err}")
        with open(os.path.join(policy, "aftersales.lock"), encoding="utf-8") as f:
            lock_lines = f.read().splitlines()
        expect("lock format", [l[66:] for l in lock_lines] ==
               ["jd/policy.yaml", "policy.yaml", "schema.yaml", "taobao/policy.yaml"] and
               all(re.match(r"^[0-9a-f]{64}  ", l) for l in lock_lines), lock_lines)
        if shutil.which("sha256sum"):
            s = subprocess.run(["sha256sum", "--quiet", "-c", "aftersales.lock"], cwd=policy, capture_output=True)
            expect("sha256sum -c", s.returncode == 0, s.stdout + s.stderr)
        code, out, err = run(b, ["check", "--policy", policy])
        expect("locked check", code == 0 and out.startswith("ok: "), f"{code} {err}")
        jd = os.path.join(policy, "jd", "policy.yaml")
        with open(jd, encoding="utf-8") as f:
            whole = f.read()
        with open(jd, "w", encoding="utf-8") as f:
            f.write(whole[:whole.rstrip("\n").rfind("\n") + 1])  # cut at a line end: still YAML
        for args in (["check", "--policy", policy], ["decide", "--policy", policy, "--case", one]):
            code, out, err = run(b, args)
            expect(f"partial {args[0]}", code == 2 and f"{policy}/jd/policy.yaml: the file's SHA-256 is " in err and
                   out == "", f"{code} {err}")
        os.remove(os.path.join(policy, "taobao", "policy.yaml"))
        code, out, err = run(b, ["check", "--policy", policy])
        expect("missing file", code == 2 and f"'{policy}/taobao/policy.yaml' is in the lock" in err, f"{code} {err}")
        code, out, err = run(b, ["lock", "--policy", policy])
        expect("no lock for a broken policy", code == 2 and err, f"{code} {err}")

    return finish()


if __name__ == "__main__":
    sys.exit(main())
