#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the repository's own
policies, cases and expressions (nothing is downloaded; nothing large is
committed). One folder per target under --out, one input per file:

  fuzz_policy_loader  rules/*.yaml, the platform overlays over the shipped
                      policy ("#@shipped"), the whole shipped policy as one
                      input ("#@file"), tests/policies/bad/*.yaml (the
                      table_*.yaml ones: every malformed table cell), the
                      decision-table example examples/tables/policy.yaml
                      (every cell form), and the bad overlays over
                      tests/policies/extends_base
  fuzz_expression     every `when:`, `check:` and computed `then:` value in
                      those policies, and expressions that use each builtin
  fuzz_case_json      examples/cases/*.json and *.yaml, each line of
                      examples/cases/sample.jsonl, and the YAML cases of the
                      policy tests (rules/**/tests/*.yaml)
  fuzz_decide         byte strings of several lengths (the target reads them
                      through FuzzedDataProvider)
  fuzz_lock_file      lock files for the repository's policy folders (the
                      SHA-256 of each YAML file, as `aftersales lock` writes
                      them), in both sha256sum modes, and malformed lines
  fuzz_snapshot       edits of the payloads of three real policies (the
                      target makes the payloads itself: a byte picks the
                      policy, groups of four bytes edit it), short raw
                      payloads, and snapshot headers

  make_seeds.py --source CHECKOUT --out DIR [--stamp FILE]

Standard library only. The folders are rewritten on every run.
"""
import argparse
import hashlib
import json
import pathlib
import re
import shutil

TARGETS = ["fuzz_policy_loader", "fuzz_expression", "fuzz_case_json", "fuzz_decide", "fuzz_lock_file",
           "fuzz_snapshot"]

# Expressions that use what the policies do not (yet): each builtin, macro,
# operator and literal form once at least.
EXTRA_EXPRESSIONS = [
    "1 + 2 * 3 - 4 / 2 % 3",
    "-9223372036854775808",
    "9223372036854775807 + 1",
    "18446744073709551615u",
    "1.5e300 * 1e300",
    "0x7fffffffffffffff",
    "'a' + \"b\" + '''c''' + r'\\d'",
    "b'bytes'",
    "'\\u00e9\\x41\\101\\n'",
    "size('héllo') == 5 && 'abc'.size() == 3",
    "'kettle'.contains('tt') && 'kettle'.startsWith('ke') && 'kettle'.endsWith('le')",
    "'2025-03-01'.matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}$')",
    "'a,b,c'.split(',')",
    "int('42') + int(3.9) + int(7u)",
    "uint(42) + uint('7')",
    "double('1.5') + double(2)",
    "string(1.0) + string(2u) + string(true) + string(duration('1h'))",
    "bool('true') || bool('FALSE')",
    "dyn(1) == 1.0 && 1 == 1u",
    "type(1) == int",
    "null == null",
    "[1, 2, 3].all(x, x > 0)",
    "[1, 2, 3].exists(x, x == 2)",
    "[1, 2, 3].exists_one(x, x == 2)",
    "[1, 2, 3].map(x, x * 2)",
    "[1, 2, 3].map(x, x > 1, x * 2)",
    "[1, 2, 3].filter(x, x % 2 == 1)",
    "{'a': 1, 'b': 2}.all(k, k != '')",
    "{'a': 1}['a'] + {1: 2}[1]",
    "'a' in ['a', 'b'] && 'k' in {'k': 1}",
    "[[1], [2, [3]]][1][1][0]",
    "size([1, 2]) + size({'a': 1}) + size('ab')",
    "has(order.delivered_at) ? order.delivered_at : case.opened_at",
    "case.opened_at - order.delivered_at > duration('168h')",
    "calendar_days(order.delivered_at, case.opened_at, case.timezone) <= 7",
    "timestamp('2026-11-20T14:03:00+08:00').getFullYear(case.timezone)",
    "timestamp('2026-11-20T14:03:00Z').getMonth() + timestamp('2026-11-20T14:03:00Z').getDayOfMonth('Asia/Shanghai')",
    "timestamp('2026-11-20T14:03:00Z').getDayOfWeek() + timestamp('2026-11-20T14:03:00Z').getDayOfYear()",
    "timestamp('2026-11-20T14:03:00Z').getHours() + timestamp('2026-11-20T14:03:00Z').getMinutes()",
    "timestamp('2026-11-20T14:03:00.5Z').getSeconds() + timestamp('2026-11-20T14:03:00.5Z').getMilliseconds()",
    "timestamp('2026-11-20T14:03:00Z').getDate('+08:00')",
    "timestamp('0001-01-01T00:00:00Z') - duration('1s')",
    "timestamp('9999-12-31T23:59:59Z') + duration('1s')",
    "duration('315576000000s') + duration('1s')",
    "duration('1h30m') - duration('-2.5s')",
    "share(item.paid_cents, 3, 1)",
    "share(10001, 2, 0) + share(10001, 2, 1)",
    "item.paid_cents / 0",
    "item.paid_cents % 0",
    "issue.evidence.exists(e, e == 'photo')",
    "issue.type in ['quality_defect', 'malfunction'] && item.category != 'food_fresh'",
    "decision.refund_cents + decision.freight.merchant_cents",
    "decision.options.filter(o, o != 'reject')",
    "!(customer.emotion == 'angry') || customer.contacts_on_case >= 2",
    "order.total_paid_cents > 0 ? 'merchant' : 'customer'",
    "((((((((((1))))))))))",
    "[].all(x, x)",
    "{}.size() == 0",
]


# Some bad policies are not UTF-8 on purpose: their bytes are kept as they are.
def read(path):
    return path.read_bytes().decode("utf-8", "surrogateescape")


def write(folder, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    (folder / name).write_bytes(data)


def short_hash(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return hashlib.sha1(data).hexdigest()[:12]


def policy_files(src):
    """The policy YAML files of the checkout (not the policy tests)."""
    files = sorted((src / "rules").glob("*.yaml"))
    files += sorted((src / "rules" / "platforms").glob("*/*.yaml"))
    files += sorted((src / "tests" / "policies" / "bad").glob("*.yaml"))
    files += sorted((src / "tests" / "policies" / "extends_base").glob("*.yaml"))
    files += sorted((src / "examples" / "tables").glob("*.yaml"))
    return files


def block_values(text, keys):
    """Values of `key:` entries (single line, quoted, or block scalars)."""
    lines = text.splitlines()
    out = []
    key_re = re.compile(r"^(\s*)(?:- )?(%s):\s*(.*)$" % "|".join(keys))
    i = 0
    while i < len(lines):
        m = key_re.match(lines[i])
        i += 1
        if not m:
            continue
        indent, value = len(m.group(1)), m.group(3).strip()
        if value in (">", ">-", "|", "|-", ">+", "|+"):
            body = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                body.append(lines[i].strip())
                i += 1
            joiner = " " if value.startswith(">") else "\n"
            out.append(joiner.join(b for b in body if b))
        elif value:
            out.append(unquote(value))
    return [v for v in out if v]


def unquote(value):
    value = re.sub(r"\s+#.*$", "", value) if not value.startswith(("'", '"')) else value
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def then_values(text):
    """Computed values of `then:` blocks (not bare words or constant lists)."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)then:\s*$", lines[i])
        i += 1
        if not m:
            continue
        indent = len(m.group(1))
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            kv = re.match(r"^\s*[\w.]+:\s*(.+)$", lines[i])
            i += 1
            if kv:
                v = unquote(kv.group(1).strip())
                if re.search(r"[()+\-*/?<>=!&|]", v) and not re.fullmatch(r"\[[\w\s,-]*\]", v):
                    out.append(v)
    return out


def yaml_blocks(text, key):
    """The blocks under `key:` (top-level or in a list item), dedented."""
    lines = text.splitlines()
    out = []
    key_re = re.compile(r"^(\s*)(?:- )?%s:\s*(.*)$" % key)
    i = 0
    while i < len(lines):
        m = key_re.match(lines[i])
        i += 1
        if not m:
            continue
        indent = len(m.group(1))
        if lines[i - 1].lstrip().startswith("- "):
            indent += 2
        inline = m.group(2).strip()
        if inline:
            if inline.startswith("{"):
                out.append(inline + "\n")  # a flow map is a YAML case too
            continue
        body = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        body = [b for b in body if b.strip()]
        if body:
            cut = min(len(b) - len(b.lstrip()) for b in body)
            out.append("\n".join(b[cut:] for b in body) + "\n")
    return out


def policy_loader(src, out):
    for f in policy_files(src):
        rel = f.relative_to(src).as_posix().replace("/", "_")
        text = read(f)
        if "platforms" in f.parts:
            # An overlay of the shipped policy, as rules/platforms/* are.
            write(out, "shipped_" + rel, "#@shipped\n" + text)
        elif "bad" in f.parts and "extends:" in text:
            base = read(src / "tests" / "policies" / "extends_base" / "policy.yaml")
            write(out, "overlay_" + rel, base + "#@overlay\n" + text)
        write(out, rel, text)
    # The shipped policy as one input of several files, and its schema with a
    # small policy beside it.
    shipped = sorted((src / "rules").glob("*.yaml"))
    write(out, "rules_all.yaml", "#@file\n".join(read(f) for f in shipped))
    schema = read(src / "rules" / "schema.yaml")
    small = read(src / "tests" / "policies" / "extends_base" / "policy.yaml")
    write(out, "schema_and_small.yaml", schema + "#@file\n" + small)
    write(out, "small_twice.yaml", small + "#@overlay\n" + small)


def expressions(src, out):
    seen = set()
    exprs = []
    for f in policy_files(src):
        text = read(f)
        exprs += block_values(text, ["when", "check"]) + then_values(text)
    exprs += EXTRA_EXPRESSIONS
    for e in exprs:
        if e in seen:
            continue
        seen.add(e)
        write(out, "expr_" + short_hash(e), e)


def cases(src, out):
    examples = src / "examples" / "cases"
    for f in sorted(examples.glob("*.json")) + sorted(examples.glob("*.yaml")):
        write(out, f.name, f.read_bytes())
    for n, line in enumerate(read(examples / "sample.jsonl").splitlines(), 1):
        if line.strip():
            write(out, "sample_%03d.json" % n, line)
    tests = sorted((src / "rules").glob("tests/*.yaml")) + sorted((src / "rules").glob("platforms/*/tests/*.yaml"))
    seen = set()
    for f in tests:
        text = read(f)
        for block in yaml_blocks(text, "base") + yaml_blocks(text, "case"):
            h = short_hash(block)
            if h not in seen:
                seen.add(h)
                write(out, "test_case_%s.yaml" % h, block)
    # The JSON of a few cases in forms the reader must also take: dotted
    # keys, and nested deeper than it allows.
    sample = json.loads(read(examples / "quality_defect_day3.json"))
    flat = {"%s.%s" % (g, k): v for g, fields in sample.items() for k, v in fields.items()}
    write(out, "dotted_keys.json", json.dumps(flat, ensure_ascii=False))
    write(out, "deep.json", '{"case": ' * 40 + "1" + "}" * 40)


def decide(out):
    # Deterministic bytes of several lengths: the target maps any bytes to a
    # case, so these only give the fuzzer different starting points.
    state = b"aftersales"
    for n, length in enumerate([0, 1, 4, 16, 32, 64, 128, 256, 512, 1024, 2048] * 3):
        data = b""
        while len(data) < length:
            state = hashlib.sha256(state).digest()
            data += state
        write(out, "bytes_%02d_%d" % (n, length), data[:length])


def locks(src, out):
    # What `aftersales lock` writes for each policy folder (the files of the
    # folder and its subfolders: close enough for seeds), then variants.
    folders = [src / "rules", src / "tests" / "policies" / "platforms_base", src / "tests" / "policies" / "extends_base"]
    for folder in folders:
        if not folder.is_dir():
            continue
        lines = []
        for f in sorted(folder.rglob("*.yaml")):
            if "tests" in f.relative_to(folder).parts:
                continue
            lines.append("%s  %s" % (hashlib.sha256(f.read_bytes()).hexdigest(), f.relative_to(folder).as_posix()))
        text = "\n".join(lines) + "\n"
        name = folder.name
        write(out, "lock_%s" % name, text)
        write(out, "lock_%s_binary" % name, text.replace("  ", " *"))
        write(out, "lock_%s_crlf" % name, text.replace("\n", "\r\n"))
        write(out, "lock_%s_upper" % name, text.upper())
    digest = "0" * 64
    for n, line in enumerate(["", digest, digest + "  ", digest + " x.yaml", digest + "  /abs.yaml",
                              digest + "  a/../b.yaml", digest + "  ../base/x.yaml", digest + "  a//b.yaml",
                              digest + "  x.yaml\n" + digest + "  x.yaml", "g" * 64 + "  x.yaml",
                              digest + "  a\\b.yaml", digest + "  \u00e9t\u00e9.yaml"]):
        write(out, "lock_line_%02d" % n, line)


def snapshots(out):
    # tests/fuzz/fuzz_snapshot.cc reads the first byte as its mode.
    for base in (1, 2, 3):
        write(out, "base_%d_whole" % base, bytes([base]))
        for n in range(4):
            ops = bytes(((base * 37 + n * 61 + k * 13) % 256) for k in range(4 * (n + 1)))
            write(out, "base_%d_edit_%d" % (base, n), bytes([base]) + ops)
    for n, raw in enumerate([b"", b"\x00", b"\x01\x01\x00", b"\xff" * 16, b"\x05" * 40]):
        write(out, "raw_%d" % n, b"\x00" + raw)
    write(out, "header_only", b"AFTSNAP\n\x01\x050.1.0\x00")
    write(out, "header_bad_version", b"AFTSNAP\n\x01\x059.9.9\x40" + b"0" * 64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", required=True, type=pathlib.Path)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--stamp", type=pathlib.Path)
    args = ap.parse_args()
    src = args.source.resolve()
    folders = {}
    for t in TARGETS:
        folders[t] = args.out / t
        shutil.rmtree(folders[t], ignore_errors=True)
        folders[t].mkdir(parents=True)
    policy_loader(src, folders["fuzz_policy_loader"])
    expressions(src, folders["fuzz_expression"])
    cases(src, folders["fuzz_case_json"])
    decide(folders["fuzz_decide"])
    locks(src, folders["fuzz_lock_file"])
    snapshots(folders["fuzz_snapshot"])
    for t in TARGETS:
        print("%s: %d seeds" % (t, len(list(folders[t].iterdir()))))
    if args.stamp:
        args.stamp.write_text("seeds\n")


if __name__ == "__main__":
    main()
