#!/usr/bin/env python3
"""A shop backend in Python, through the C API with ctypes (standard
library only): load the shipped policy, decide a few cases, print the
script text.

Usage: decide_cases.py LIBAFTERSALES.so POLICY CASE.json..."""
import ctypes
import json
import sys


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    lib = ctypes.CDLL(sys.argv[1])
    lib.aftersales_policy_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                           ctypes.POINTER(ctypes.c_void_p)]
    lib.aftersales_policy_load.restype = ctypes.c_int
    lib.aftersales_decide_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
                                           ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
    lib.aftersales_decide_json.restype = ctypes.c_int
    lib.aftersales_free.argtypes = [ctypes.c_void_p]
    lib.aftersales_policy_free.argtypes = [ctypes.c_void_p]
    lib.aftersales_policy_digest.argtypes = [ctypes.c_void_p]
    lib.aftersales_policy_digest.restype = ctypes.c_char_p

    def take(ptr):  # the library's string, copied into Python, then freed
        if not ptr.value:
            return ""
        text = ctypes.string_at(ptr.value).decode("utf-8")
        lib.aftersales_free(ptr)
        return text

    policy, error = ctypes.c_void_p(), ctypes.c_void_p()
    if lib.aftersales_policy_load(sys.argv[2].encode(), ctypes.byref(policy), ctypes.byref(error)) != 0:
        print(take(error), file=sys.stderr, end="")
        return 2
    status = 0
    try:
        for path in sys.argv[3:]:
            data = open(path, "rb").read()
            decision, error = ctypes.c_void_p(), ctypes.c_void_p()
            code = lib.aftersales_decide_json(policy, data, len(data), 0, ctypes.byref(decision),
                                              ctypes.byref(error))
            if code != 0:
                print(f"{path}: {take(error)}", file=sys.stderr)
                status = code
                continue
            d = json.loads(take(decision))
            print(d["case_id"], d["resolution"], "refund", d["refund_cents"], "digest",
                  d["policy"]["digest"][:15])
            print(d["script"]["text"])
            print()
    finally:
        lib.aftersales_policy_free(policy)
    return status


if __name__ == "__main__":
    sys.exit(main())
