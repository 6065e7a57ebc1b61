#!/usr/bin/env python3
"""Test-only: installs the built library into a temporary prefix, builds
outside projects against it (find_package; and add_subdirectory from
source), runs the C++, C and Python examples with the shipped policy, and
checks the pkg-config file.
Usage: run_packaging.py --build BUILD_DIR   (cwd: the repository root)"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

failures = []
passed = 0


def expect(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=1200, **kw)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    root = os.getcwd()
    cases = [os.path.join(root, "examples/cases", c) for c in
             ["quality_defect_day3.json", "no_reason_exchange_odd_cent.json", "no_reason_insured_en.json"]]
    policy = os.path.join(root, "rules")
    tmp = tempfile.mkdtemp(prefix="aftersales-pkg-")
    try:
        prefix = os.path.join(tmp, "prefix")
        code, out, err = run(["cmake", "--install", args.build, "--prefix", prefix])
        expect("install", code == 0, err)
        libdir = next((os.path.join(prefix, d) for d in ["lib", "lib64", "lib/x86_64-linux-gnu"]
                       if os.path.exists(os.path.join(prefix, d, "libaftersales.a"))), None)
        expect("static and shared libraries installed", libdir is not None and
               os.path.exists(os.path.join(libdir, "libaftersales.so.0")), str(libdir))
        expect("headers installed", os.path.exists(os.path.join(prefix, "include/aftersales/aftersales.h")) and
               os.path.exists(os.path.join(prefix, "include/aftersales/version.h")))
        if libdir is None:
            raise SystemExit
        # Only the public API is exported from the shared library.
        code, out, err = run(["nm", "-D", "--defined-only", "-C", os.path.join(libdir, "libaftersales.so")])
        syms = [l.split(" ", 2)[2] for l in out.splitlines() if " T " in l or " W " in l]
        internal = [s for s in syms if s.startswith("aftersales::internal::")]
        expect("shared library exports no internals", code == 0 and syms and not internal, internal[:5])

        # pkg-config
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(libdir, "pkgconfig"))
        code, out, err = run(["pkg-config", "--cflags", "--libs", "aftersales"], env=env)
        expect("pkg-config", code == 0 and "-laftersales" in out, out + err)

        # find_package consumer
        consumer = os.path.join(tmp, "consumer")
        code, out, err = run(["cmake", "-S", os.path.join(root, "tests/packaging/find_package"), "-B", consumer,
                              "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + prefix])
        expect("find_package configure", code == 0, err[-2000:])
        code, out, err = run(["cmake", "--build", consumer])
        expect("find_package build", code == 0, (out + err)[-3000:])
        run_env = dict(os.environ, LD_LIBRARY_PATH=libdir)
        for exe in ["decide_cases", "decide_cases_static", "decide_cases_c"]:
            code, out, err = run([os.path.join(consumer, exe), policy] + cases, env=run_env)
            expect(f"{exe} runs", code == 0 and "C-20261120-0001" in out and "C-20261121-0042" in out and
                   "299.00" in out, f"{code} {out[:500]} {err[:500]}")

        # Python through ctypes
        code, out, err = run([sys.executable, os.path.join(root, "examples/embed/decide_cases.py"),
                              os.path.join(libdir, "libaftersales.so"), policy] + cases)
        expect("python example", code == 0 and "C-20261120-0001 return_refund refund 29900" in out and
               "7-day no-reason return" in out, f"{code} {out[:500]} {err[:500]}")

        # add_subdirectory consumer, built from source
        sub = os.path.join(tmp, "subdir")
        code, out, err = run(["cmake", "-S", os.path.join(root, "tests/packaging/add_subdirectory"), "-B", sub,
                              "-G", "Ninja"])
        expect("add_subdirectory configure", code == 0, err[-2000:])
        # The parent chose no build type: aftersales must not force one into
        # the parent's cache.
        cache = open(os.path.join(sub, "CMakeCache.txt"), encoding="utf-8").read()
        build_type = [l for l in cache.splitlines() if l.startswith("CMAKE_BUILD_TYPE:")]
        expect("add_subdirectory keeps the parent's build type", build_type in ([], ["CMAKE_BUILD_TYPE:STRING="]),
               str(build_type))
        code, out, err = run(["cmake", "--build", sub, "-j", str(os.cpu_count() or 2)])
        expect("add_subdirectory build", code == 0, (out + err)[-3000:])
        for exe in ["decide_cases", "decide_cases_c"]:
            code, out, err = run([os.path.join(sub, exe), policy] + cases)
            expect(f"subdir {exe} runs", code == 0 and "C-20261122-0107" in out, f"{code} {out[:300]} {err[:300]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
