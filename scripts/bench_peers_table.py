#!/usr/bin/env python3
"""The markdown table of scripts/bench-peers.sh, from the files it wrote.

  bench_peers_table.py --agreeing --sizes 37,3000,30000 --agreement results/aftersales-agreement.json
      (prints the sizes that agree fully with the oracle, one a line)
  bench_peers_table.py --sizes 37,3000,30000 --cli results/cli.tsv
      --agreement results/aftersales-agreement.json
      --bench=results/bench.json [--bench=results/bench-collect.json]
      [--zen-note TEXT] [--clips-note TEXT]

Inputs:
  cli.tsv         our CLI's timed runs: size, kind (one / timed / check / check-snapshot),
                  cases, wall seconds, peak RSS in kB (GNU time), one per run
  agreement.json  peers/agree_aftersales.js --json: per size, `check` and
                  the agreement of the decisions (cases, probes)
  bench.json      peers/bench.js --out: per engine and size, decisions per
                  second (dps, dps_with_parse), load_ms, ...

Each peer cell is the peer's time per case and its ratio to ours (peer time
/ our time: above 1x we are faster). Standard library only.
"""
import argparse
import csv
import json
import statistics
import sys


def per_case_us(dps):
    return 1e6 / dps if dps else None


def fmt_us(us):
    if us is None:
        return "–"
    if us >= 1000:
        return f"{us / 1000:.1f} ms"
    if us >= 10:
        return f"{us:.0f} µs"
    return f"{us:.1f} µs"


def fmt_s(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def fmt_ratio(x):
    if x >= 100:
        return f"{x:,.0f}×"
    if x >= 10:
        return f"{x:.0f}×"
    if x >= 1:
        return f"{x:.1f}×"
    return f"{x:.2g}×"


def cell(value, ours, fmt):
    """'4.7 µs (1.6× ours)'; the ratio only when ours is known."""
    if value is None:
        return "–"
    text = fmt(value)
    if ours:
        text += f" ({fmt_ratio(value / ours)} ours)"
    return text


def agreement(agree, size):
    """(ok, short description) for one size of agree_aftersales.js --json."""
    s = (agree.get("sizes") or {}).get(str(size))
    if s is None:
        return False, "not checked"
    if not s.get("check", {}).get("ok"):
        return False, f"`aftersales check` failed (exit {s.get('check', {}).get('exit')})"
    parts = []
    ok = True
    for kind in ("cases", "probes"):
        k = s.get(kind)
        if k is None:
            continue
        good = k["full"] == k["n"] and k["rule_id"] == k["n"] and not k["missing"] and not k["errors"] and k["exit"] == 0
        ok = ok and good
        parts.append(f"{kind} {k['full']}/{k['n']}" + ("" if good else f" (rule id {k['rule_id']}, missing {k['missing']}, errors {k['errors']})"))
    if "cases" not in s:
        return False, "no cases decided"
    return ok, ", ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--agreeing", action="store_true")
    ap.add_argument("--cli")
    ap.add_argument("--agreement", required=True)
    ap.add_argument("--bench", action="append", default=[])
    ap.add_argument("--zen-note")
    ap.add_argument("--clips-note")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    largest = max(sizes)
    try:
        with open(a.agreement) as f:
            agree = json.load(f)
    except (OSError, ValueError):
        agree = {}
    if a.agreeing:
        for n in sizes:
            if agreement(agree, n)[0]:
                print(n)
        return 0

    # --- ours -------------------------------------------------------------
    runs = {}
    with open(a.cli, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = (int(row["size"]), row["kind"])
            rss = row["maxrss_kb"]
            runs.setdefault(key, []).append((int(row["cases"]), float(row["seconds"]), None if rss in ("", "-") else int(rss)))

    ours = {}      # size -> µs per case, or None
    ours_text = {}
    agreed_all = []
    for n in sizes:
        ok, desc = agreement(agree, n)
        agreed_all.append((n, ok, desc))
        one, timed = runs.get((n, "one")), runs.get((n, "timed"))
        if not ok:
            ours[n] = None
            ours_text[n] = f"no timing: disagrees with the oracle ({desc})"
        elif not one or not timed:
            ours[n] = None
            ours_text[n] = "not timed"
        else:
            m = timed[0][0]
            t1 = statistics.median(x[1] for x in one)
            tm = statistics.median(x[1] for x in timed)
            us = (tm - t1) * 1e6 / max(1, m - 1)
            if us <= 0:
                ours[n] = None
                ours_text[n] = f"lost in noise ({tm:.2f} s for {m} cases, {t1:.2f} s for 1)"
            else:
                ours[n] = us
                ours_text[n] = f"**{fmt_us(us)}** a case"
                # the spread: one estimate per pair of runs (each 1-case run with the full run after it)
                pairs = [(b[1] - o[1]) * 1e6 / max(1, m - 1) for o, b in zip(one, timed)]
                if len(pairs) > 1:
                    lo, hi = fmt_us(min(pairs)), fmt_us(max(pairs))
                    if lo.split()[1:] == hi.split()[1:]:
                        lo = lo.split()[0]
                    ours_text[n] += f" ({lo}–{hi} by run)"

    # --- peers --------------------------------------------------------------
    results = []
    for path in a.bench:
        with open(path) as f:
            results += json.load(f)["results"]

    def get(engine, n):
        for r in results:
            if r.get("engine") == engine and r.get("rules") == n:
                return r
        return None

    def problem(r):
        if r is None:
            return "not run"
        if r.get("error"):
            return "error: " + r["error"][:60]
        if r.get("skipped"):
            return r["skipped"]
        return None

    def peer(engine, n, note=None):
        """(result or None, text if there is no figure)"""
        if note:
            return None, note
        if engine == "clips":
            r = get("clips", n)
            if problem(r) and get("clips-collect", n) is not None:
                r = get("clips-collect", n)
        else:
            r = get(engine, n)
        p = problem(r)
        return (None, p) if p else (r, None)

    columns = [("js-compiled", None), ("zen", a.zen_note), ("clips", a.clips_note)]
    out = []
    out.append("| rules | aftersales (`decide --cases --threads 1`, JSON in and out) | JS if-chain + JSON.parse | ZEN + JSON.parse | CLIPS (Rete, batch, fact text in) |")
    out.append("|---:|---|---|---|---|")
    for n in sizes:
        row = [f"{n:,}", ours_text[n]]
        for engine, note in columns:
            r, why = peer(engine, n, note)
            if r is None:
                row.append(why)
                continue
            text = cell(per_case_us(r.get("dps_with_parse")), ours[n], fmt_us)
            if r["engine"] == "clips-collect":
                text += " [collect]"
            row.append(text)
        out.append("| " + " | ".join(row) + " |")

    # load of the largest policy: from YAML, and from its compiled snapshot
    snapshot_measured = False
    for kind, label in (("check", f"load {largest:,}"), ("check-snapshot", f"load {largest:,} from a snapshot")):
        check = runs.get((largest, kind))
        if kind == "check-snapshot" and not check:
            continue
        snapshot_measured = snapshot_measured or kind == "check-snapshot"
        load_s = statistics.median(x[1] for x in check) if check else None
        rss = [x[2] for x in check or [] if x[2] is not None]
        if load_s is None:
            row = [label, "not measured"]
        else:
            row = [label, f"{fmt_s(load_s)}" + (f", {statistics.median(rss) / 1024:.0f} MB" if rss else "")]
        for engine, note in columns:
            r, why = peer(engine, largest, note)
            if r is None:
                row.append(why)
                continue
            text = cell(r["load_ms"] / 1000, load_s, fmt_s)
            if r["engine"] == "clips-collect":
                text += " [collect]"
            row.append(text)
        out.append("| " + " | ".join(row) + " |")
    print("\n".join(out))

    # --- how to read it -------------------------------------------------------
    settings = next((json.load(open(p)).get("settings") for p in a.bench[:1]), {}) or {}
    timed_m = next((v[0][0] for k, v in runs.items() if k[1] == "timed"), None)
    reps = next((len(v) for k, v in runs.items() if k[1] == "timed"), None)
    print()
    print(f"- Agreement with the peers' oracle (resolution, options, freight payer, priority, evidence, "
          f"escalation and the deciding rule's id), on every generated case and on the harness's absent/null probes: "
          + "; ".join(f"{n:,} rules {'ok' if ok else 'DISAGREES'} ({desc})" for n, ok, desc in agreed_all) + ".")
    print(f"- aftersales: (wall time for {timed_m:,} cases − wall time for 1 case) / {timed_m - 1:,}, "
          f"median of {reps} run{'s' if reps != 1 else ''} each, `decide --policy DIR --cases FILE --format json --threads 1 > /dev/null`; "
          "the 1-case run pays process start and policy load, so they drop out. Parsing each JSON line and "
          "writing each decision as JSON (about 400 bytes) are included."
          if timed_m else "- aftersales: not timed.")
    print(f"- Peers: `bench.js` in one fresh node process per engine and size, median of "
          f"{settings.get('reps', '?')} pass{'es' if settings.get('reps') != 1 else ''} over up to {settings.get('n', '?'):,} cases (or what fits in "
          f"{settings.get('budget_s_per_pass', '?')} s): the JS if-chain and ZEN from `1e6 / dps_with_parse` "
          "(`JSON.parse` of each line, then decide, no output; ZEN awaited one decision at a time); CLIPS "
          "from its batch, `load-facts` of the cases as fact text plus `run`, over the batch "
          "(the JSON → fact text conversion is not timed; [collect] marks the collect-then-select "
          "variant, used above 20,001 rules where salience runs out).")
    print(f"- Load {largest:,}: aftersales `check --policy DIR` (parse, validate and compile the YAML), "
          "wall time and peak RSS, median of the runs; peers: `load_ms` of bench.js, from the engine's "
          "serialized policy (JS source, JDM JSON, .clp text) to a ready evaluator, translation from "
          "reference.json not included."
          + (f" From a snapshot: `aftersales compile` once, then `check --policy FILE` on it, the same way "
             "(a fresh process: most of it is the first touch of the policy's memory)." if snapshot_measured else ""))
    print("- A ratio is the peer's time over ours: 4× means the peer takes four times as long.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
