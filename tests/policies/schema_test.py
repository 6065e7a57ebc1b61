#!/usr/bin/env python3
"""The JSON Schemas editors use (docs/schemas/policy.schema.json and
policy-tests.schema.json): both are valid draft-07 schemas; every policy
file under rules/, examples/ and tests/policies/ (but the deliberately bad
ones in tests/policies/bad/) and every policy test file validates; typos
(`wen:` in a rule, a misspelt top-level key, `expct:` in a test) are
rejected, as is every bad policy the loader refuses for an unknown key.
With --aftersales BIN, small policies are also loaded by the real loader,
which must accept the ones the schema accepts and refuse the ones it
rejects, so the schema stays as permissive as the loader.
Needs python3-yaml and python3-jsonschema; without them it skips (exit 77).
Usage: schema_test.py [--aftersales BIN]   (from any directory)"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "cli"))

from checks import expect, finish  # noqa: E402

SKIP = 77
SCHEMAS = os.path.join(REPO_ROOT, "docs", "schemas")

try:
    import yaml
    import jsonschema
except ImportError as e:
    print(f"SKIP: {e.name} is not installed (scripts/install-deps.sh --tests installs "
          "python3-yaml and python3-jsonschema)")
    sys.exit(SKIP)


# ---- YAML read as an editor reads it --------------------------------------
# yaml-language-server reads YAML 1.2 (core schema); PyYAML reads YAML 1.1,
# where `yes`, `on` and `2026-11-20` are a bool and a date. This loader
# resolves plain scalars by the 1.2 core rules, and keeps map keys as the
# text they are written as (the policy loader reads every key as text).
class CoreLoader(yaml.SafeLoader):
    pass


CoreLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
]:
    CoreLoader.add_implicit_resolver(tag, re.compile(pattern), first)


def construct_int(loader, node):
    text = node.value
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def construct_mapping(loader, node, deep=False):
    out = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(loader.construct_object(key_node))
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
CoreLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)


def load_text(text):
    return yaml.load(text, Loader=CoreLoader)


def load(path):
    with open(path, encoding="utf-8-sig") as f:
        return load_text(f.read())


# ---- The files -------------------------------------------------------------

def rel(path):
    return os.path.relpath(path, REPO_ROOT)


def yaml_files(top):
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                yield os.path.join(folder, name)


def shipped_files():
    """(policy files, policy test files), each a sorted list of paths."""
    policies, tests = [], []
    for top in ("rules", "examples", os.path.join("tests", "policies")):
        root = os.path.join(REPO_ROOT, top)
        for path in yaml_files(root):
            parts = os.path.relpath(path, root).split(os.sep)
            if top.endswith("policies") and parts[0] == "bad":
                continue
            if "tests" in parts[:-1]:
                tests.append(path)           # a policy's tests/ folder
            elif top == "examples" and "cases" in parts[:-1]:
                continue                     # example cases, not policies
            else:
                policies.append(path)
    return policies, tests


def errors_of(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def describe(errors):
    return "; ".join(f"at {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
                     for e in errors[:3])


# ---- Policies the real loader also reads (--aftersales) --------------------

PERMISSIVE = """\
policy:
  name: sample
  version: 1.10
  description:
  locales: [en, zh-CN]
  default_locale: en
  default_timezone: "+08:00"
  case_id_fact: case.id
enums:
  tier: [regular, vip, 1, true]
facts:
  case.id: string
  case.locale: {type: string}
  case.timezone: {type: string, default: UTC}
  customer.tier: tier
  customer.phone: {type: string, personal: "true", description: 42}
  order.paid_cents: {type: money, default: 0}
  order.adjustment_cents: {type: money, signed: True, default: -100}
  order.tags: {type: "list<string>", default: []}
decisions:
  resolution: {type: tier, required: true}
  options: {type: list<tier>, default: []}
  refund_cents:
    type: money
    default: 0
    at_most: {value: order.paid_cents, unless: "customer.tier == 'vip'"}
  fee_cents: {type: money, at_most: 0}
  escalation: {type: object, nullable: true}
  escalation.to: string
stages:
  - id: main
    hit: collect
    description: null
    rules:
      - id: 1
        when: true
        then:
          resolution: regular
          options: [regular, vip]
          refund_cents: order.paid_cents
          escalation.to: "'supervisor'"
        script:
          en: "Refund {decision.refund_cents}."
          zh-CN: 退款 {decision.refund_cents} 元
invariants:
  - id: refund_not_negative
    check: decision.refund_cents >= 0
    message: never negative
"""

# An overlay may name a base stage without repeating its rules.
OVERLAY = """\
policy: {extends: ../base, name: overlay, version: "1"}
stages:
  - id: main
    hit: first
"""


def mutate(doc, edit):
    doc = copy.deepcopy(doc)
    edit(doc)
    return doc


def rename(mapping, old, new):
    items = [(new if k == old else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


# Each edit of PERMISSIVE is a mistake both the schema and the loader refuse.
MISTAKES = [
    ("'wen' in a rule", lambda d: rename(d["stages"][0]["rules"][0], "when", "wen")),
    ("misspelt top-level 'stage'", lambda d: rename(d, "stages", "stage")),
    ("misspelt 'polcy' header", lambda d: rename(d, "policy", "polcy")),
    ("misspelt header key 'verison'", lambda d: rename(d["policy"], "version", "verison")),
    ("'typ' in a fact", lambda d: rename(d["facts"]["customer.phone"], "type", "typ")),
    ("'personal' on a decision field", lambda d: d["decisions"]["refund_cents"].update(personal=True)),
    ("'hit: frist'", lambda d: d["stages"][0].update(hit="frist")),
    ("a rule without id", lambda d: d["stages"][0]["rules"][0].pop("id")),
    ("an invariant without check", lambda d: d["invariants"][0].pop("check")),
    ("an enum named string", lambda d: rename(d["enums"], "tier", "string")),
    ("a decision field named script.x", lambda d: d["decisions"].update({"script.x": "string"})),
    ("a locale that is no tag", lambda d: d["policy"].update(locales=["english"])),
    ("'at_most' map without value", lambda d: d["decisions"]["refund_cents"].update(at_most={"unless": "true"})),
    ("an empty 'when'", lambda d: d["stages"][0]["rules"][0].update(when=None)),
    ("a then value that is a map", lambda d: d["stages"][0]["rules"][0]["then"].update(refund_cents={"a": 1})),
    ("'enums' that is a list", lambda d: d.update(enums=["tier"])),
]


def loader_accepts(binary, files):
    """Writes files ({relative path: text}) to a temporary folder and runs
    `aftersales check` on the first one's folder; (accepted, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            path = os.path.join(tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        target = os.path.join(tmp, os.path.dirname(next(iter(files))))
        p = subprocess.run([binary, "check", "--policy", target], capture_output=True, text=True, timeout=60)
        return p.returncode == 0, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", help="also load the sample policies with this binary")
    a = ap.parse_args()

    schemas = {}
    for name in ("policy.schema.json", "policy-tests.schema.json"):
        with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
            schema = json.load(f)
        try:
            jsonschema.Draft7Validator.check_schema(schema)
            ok, detail = True, ""
        except jsonschema.SchemaError as e:
            ok, detail = False, e.message
        expect(f"{name} is a valid draft-07 schema", ok, detail)
        expect(f"{name} says it is draft-07",
               schema.get("$schema") == "http://json-schema.org/draft-07/schema#", schema.get("$schema"))
        schemas[name] = jsonschema.Draft7Validator(schema)
    policy_v = schemas["policy.schema.json"]
    tests_v = schemas["policy-tests.schema.json"]

    # Every shipped policy file and test file validates.
    policies, tests = shipped_files()
    names = {rel(p) for p in policies + tests}
    for must in ("rules/policy.yaml", "rules/schema.yaml", "rules/shop_facts.yaml",
                 "rules/platforms/jd/policy.yaml", "rules/tests/goods.yaml"):
        expect(f"{must} is among the files checked", must in names, "not found")
    expect("test files of the platform overlays are checked",
           any(n.startswith("rules/platforms/") and "/tests/" in n for n in names), "none found")
    for path in policies:
        errs = errors_of(policy_v, load(path))
        expect(f"{rel(path)} validates against policy.schema.json", not errs, describe(errs))
    for path in tests:
        errs = errors_of(tests_v, load(path))
        expect(f"{rel(path)} validates against policy-tests.schema.json", not errs, describe(errs))

    # Typos are rejected, at the place they are.
    shipped = load(os.path.join(REPO_ROOT, "rules", "policy.yaml"))
    doc = mutate(shipped, lambda d: rename(d["stages"][0]["rules"][0], "when", "wen"))
    errs = errors_of(policy_v, doc)
    expect("'wen:' in a rule is rejected",
           any("'wen'" in e.message and list(e.absolute_path) == ["stages", 0, "rules", 0] for e in errs),
           describe(errs) or "accepted")
    doc = mutate(shipped, lambda d: rename(d, "stages", "stgaes"))
    errs = errors_of(policy_v, doc)
    expect("a misspelt top-level key is rejected",
           any("'stgaes'" in e.message for e in errs), describe(errs) or "accepted")
    doc = mutate(shipped, lambda d: rename(d["policy"], "default_locale", "defualt_locale"))
    expect("a misspelt header key is rejected", errors_of(policy_v, doc), "accepted")

    goods = load(os.path.join(REPO_ROOT, "rules", "tests", "goods.yaml"))
    doc = mutate(goods, lambda d: rename(d["tests"][0], "expect", "expct"))
    errs = errors_of(tests_v, doc)
    expect("'expct:' in a test is rejected",
           any("'expct'" in e.message for e in errs), describe(errs) or "accepted")
    doc = mutate(goods, lambda d: rename(d, "tests", "test"))
    expect("a misspelt 'tests' is rejected", errors_of(tests_v, doc), "accepted")
    doc = mutate(goods, lambda d: d["tests"][0]["expect"].update(matched_rules="goods_damaged"))
    expect("matched_rules that is not a list is rejected", errors_of(tests_v, doc), "accepted")

    # A bad policy the loader refuses for an unknown key, the schema refuses too.
    bad = os.path.join(REPO_ROOT, "tests", "policies", "bad")
    unknown_key = 0
    for name in sorted(os.listdir(bad)):
        if not name.endswith(".expected"):
            continue
        with open(os.path.join(bad, name), encoding="utf-8") as f:
            if "unknown key" not in f.read():
                continue
        unknown_key += 1
        path = os.path.join(bad, name[:-len(".expected")] + ".yaml")
        expect(f"{rel(path)} (an unknown key) is rejected", errors_of(policy_v, load(path)), "accepted")
    expect("bad policies with unknown keys were found", unknown_key > 0, "none")

    # The sample policy is accepted and each mistake in it rejected; with
    # --aftersales, the loader agrees on every one.
    sample = load_text(PERMISSIVE)
    errs = errors_of(policy_v, sample)
    expect("the permissive sample policy validates", not errs, describe(errs))
    errs = errors_of(policy_v, load_text(OVERLAY))
    expect("an overlay's stage without rules validates", not errs, describe(errs))
    expect("an empty policy file validates (a warning in a folder)", not errors_of(policy_v, load_text("# nothing\n")),
           "rejected")
    for what, edit in MISTAKES:
        expect(f"schema rejects {what}", errors_of(policy_v, mutate(sample, edit)), "accepted")
    if a.aftersales:
        binary = os.path.abspath(a.aftersales)
        ok, err = loader_accepts(binary, {"p/policy.yaml": PERMISSIVE})
        expect("the loader accepts the permissive sample policy", ok, err)
        ok, err = loader_accepts(binary, {"overlay/policy.yaml": OVERLAY, "base/policy.yaml": PERMISSIVE})
        expect("the loader accepts an overlay's stage without rules", ok, err)
        for what, edit in MISTAKES:
            text = yaml.safe_dump(mutate(sample, edit), allow_unicode=True, sort_keys=False)
            ok, err = loader_accepts(binary, {"p/policy.yaml": text})
            expect(f"the loader refuses {what}", not ok, "accepted")

    print(f"checked {len(policies)} policy files and {len(tests)} test files")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
