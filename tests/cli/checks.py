"""The bookkeeping every CLI test shares (test-only): expect() records one
check, finish() prints each failure and the tally `N passed, M failed` and
gives the exit code (1 on any failure)."""

failures = []
passed = 0


def expect(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def finish():
    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0
