#!/usr/bin/env python3
"""Every function the public headers declare is exported by the shared library.

  exported_symbols.py --lib build/src/libaftersales.so --include include/aftersales

Reads each public header, finds every function it declares without defining
it there (free functions, members, constructors, destructors, operators, the
C API), and checks with `nm -D` that the library exports at least as many
definitions of that name as the headers declare. A function declared in a
header but hidden in the library links in a static build and fails at link
time for a user of the shared one; this catches it first.

Functions defined in the header (inline bodies, templates, `= default`,
`= delete`, pure virtuals) and friend declarations need no export and are
skipped. Exits 0 when all are exported, 1 naming the missing ones, 77 when
`nm` is not installed.
"""
import argparse
import pathlib
import re
import shutil
import subprocess
import sys


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#[^\n]*(\\\n[^\n]*)*", " ", text, flags=re.M)  # preprocessor lines
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)  # string contents (may hold braces)


SCOPE_RE = re.compile(r"\b(namespace|class|struct|union|enum)\b\s*(?:class\s+|struct\s+)?"
                      r"(?:\[\[[^\]]*\]\]\s*|AFTERSALES_EXPORT\s+)*([A-Za-z_]\w*)?[^;{()]*$")


def declarations(text):
    """Yields (qualified name, is_c) for each function declared, not defined."""
    scopes = []  # (kind, name)
    stmt = ""
    parens = 0  # inside a parameter list, braces are default arguments
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "()":
            parens += 1 if c == "(" else -1
            stmt += c
        elif parens > 0:
            stmt += c
        elif c == "{":
            head = stmt.strip()
            m = SCOPE_RE.search(head)
            if head.startswith('extern ""'):
                scopes.append(("extern_c", ""))
            elif m and "(" not in head and "=" not in head:
                scopes.append((m.group(1), m.group(2) or ""))
            else:
                # A function body, an initializer or a lambda: skip to its end.
                depth, i = 1, i + 1
                while i < n and depth:
                    depth += {"{": 1, "}": -1}.get(text[i], 0)
                    i += 1
                stmt = ""
                continue
            stmt = ""
        elif c == "}":
            if scopes:
                scopes.pop()
            stmt = ""
        elif c == ";":
            decl = " ".join(stmt.split())
            stmt = ""
            yield from function_of(decl, scopes)
        else:
            stmt += c
            # Access specifiers end a statement of their own.
            if c == ":" and re.search(r"\b(public|private|protected)\s*:$", stmt) and not stmt.endswith("::"):
                stmt = ""
        i += 1


def function_of(decl, scopes):
    if "(" not in decl or decl.startswith(("typedef", "using", "friend", "template", "static_assert")):
        return
    if any(kind == "template" for kind, _ in scopes):
        return
    if re.search(r"=\s*(default|delete|0)\s*$", decl):
        return
    head = decl[: decl.index("(")].strip()
    if not head or "=" in re.sub(r"operator\s*\S+$", "", head):  # a variable initialized by a call
        return
    if head.count("<") > head.count(">"):  # a std::function<R(A)> member
        return
    m = re.search(r"(operator\s+[A-Za-z_]\w*|operator\s*[^\s\w]+|~?[A-Za-z_]\w*)\s*$", head)
    if not m:
        return
    name = m.group(1)
    name = "operator " + name.split()[1] if re.match(r"operator\s+\w", name) else name.replace(" ", "")
    prefix = head[: m.start()].strip()
    if re.search(r"\binline\b|\bconstexpr\b", prefix):
        return
    classes = [s for k, s in scopes if k in ("class", "struct", "union")]
    if any(k == "extern_c" for k, _ in scopes):
        yield name, True
        return
    namespaces = [s for k, s in scopes if k == "namespace" and s]
    yield "::".join(namespaces + classes + [name]), False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--include", required=True)
    args = ap.parse_args()
    if shutil.which("nm") is None:
        print("SKIP: nm is not installed (binutils)")
        return 77

    declared = {}  # name -> (count, is_c, header)
    for header in sorted(pathlib.Path(args.include).glob("*.h")):
        for name, is_c in declarations(strip_comments(header.read_text(encoding="utf-8"))):
            count, _, _ = declared.get(name, (0, is_c, header.name))
            declared[name] = (count + 1, is_c, header.name)

    out = subprocess.run(["nm", "-D", "--defined-only", "-C", args.lib], capture_output=True, text=True,
                         check=True).stdout
    exported = {}  # name -> set of signatures
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in ("T", "W", "i"):
            continue
        symbol = parts[2].replace("[abi:cxx11]", "")
        name = symbol.split("(", 1)[0] if "(" in symbol else symbol
        exported.setdefault(name, set()).add(symbol)

    missing = []
    for name, (count, is_c, header) in sorted(declared.items()):
        have = len(exported.get(name, ()))
        if have < count:
            missing.append(f"{header}: {name} ({count} declared, {have} exported)")
    print(f"{len(declared)} public functions declared in {args.include}, "
          f"{len(declared) - len(missing)} exported by {args.lib}")
    for m in missing:
        print("NOT EXPORTED", m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
