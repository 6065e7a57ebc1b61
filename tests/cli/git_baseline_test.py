#!/usr/bin/env python3
"""`aftersales diff --baseline git:REV` reads the policy, its platform
overlays and its bases straight from git at REV: a change to an overlay
between two commits shows as changed decisions for that platform only; an
overlay that was broken at REV is reported as git:REV:<path in the
repository>:line:column (also from a subfolder, and for a folder deleted
from the working tree since); nothing is copied to a temporary folder (there
is none to copy to); and no REV runs anything but git.
Usage: git_baseline_test.py --aftersales BIN   (cwd: the repository root)"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from checks import expect, finish


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aftersales", required=True)
    b = os.path.abspath(ap.parse_args().aftersales)
    if shutil.which("git") is None:
        print("SKIP: git is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="aftersales-git-baseline-")
    try:
        repo = os.path.join(tmp, "repo")
        # No temporary folder for the binary: the baseline is not copied out
        # of git, it is read from it.
        env = dict(os.environ, TMPDIR=os.path.join(tmp, "no-such-folder"))

        def run(args, cwd=repo):
            p = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
            return p.returncode, p.stdout, p.stderr

        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]

        def commit(message):
            run(git + ["add", "-A"])
            code, _, err = run(git + ["commit", "-qm", message])
            expect("commit " + message, code == 0, err)

        set_dir = os.path.join(repo, "set")
        shutil.copytree("tests/policies/platforms_base", set_dir, ignore=shutil.ignore_patterns("tests"))
        jd_file = os.path.join(set_dir, "jd", "policy.yaml")
        with open(jd_file, encoding="utf-8") as f:
            jd = f.read()
        run(["git", "init", "-q"])
        # A: the jd overlay is broken (a misspelt fact on line 10).
        with open(jd_file, "w", encoding="utf-8") as f:
            f.write(jd.replace("when: issue.type == 'defect'", "when: issue.tpye == 'defect'"))
        commit("broken jd")
        # B: the overlay as shipped: jd exchanges a defect.
        with open(jd_file, "w", encoding="utf-8") as f:
            f.write(jd)
        commit("jd exchanges")
        # C (the working tree and HEAD): jd explains the policy instead.
        with open(jd_file, "w", encoding="utf-8") as f:
            f.write(jd.replace("resolution: exchange", "resolution: explain_policy"))
        commit("jd explains")

        cases = os.path.join(tmp, "cases.jsonl")
        with open(cases, "w", encoding="utf-8") as f:
            for i, platform in enumerate(["jd"] * 7 + ["tmall"] * 5 + ["taobao"] * 3):
                f.write(json.dumps({"case": {"id": f"C-{i}", "platform": platform, "locale": "en"},
                                    "issue": {"type": "defect"}, "item": {"paid_cents": 1000}}) + "\n")
        summary = os.path.join(tmp, "s.json")

        # HEAD~1 against the working tree: only the jd cases change.
        code, out, err = run([b, "diff", "--policy", "set", "--baseline", "git:HEAD~1", "--cases", cases,
                              "--json", summary])
        expect("diff exit", code == 0, f"{code} {err}")
        if code == 0:
            s = json.load(open(summary, encoding="utf-8"))
            expect("cases", s["cases"] == 15, s["cases"])
            expect("only jd changed", s["changed"] == 7, s)
            expect("resolution changed", s["changed_by_field"].get("resolution") == 7, s["changed_by_field"])
        # Inside a git hook or a wrapper, GIT_DIR and GIT_INDEX_FILE name
        # another repository: the baseline is still read from the policy's.
        other = os.path.join(tmp, "other")
        os.makedirs(other)
        run(["git", "init", "-q"], cwd=other)
        hooked = dict(env, GIT_DIR=os.path.join(other, ".git"), GIT_WORK_TREE=other,
                      GIT_INDEX_FILE=os.path.join(other, ".git", "index"))
        p = subprocess.run([b, "diff", "--policy", "set", "--baseline", "git:HEAD~1", "--cases", cases,
                            "--json", summary], capture_output=True, text=True, timeout=300, cwd=repo, env=hooked)
        expect("GIT_DIR elsewhere: exit", p.returncode == 0, f"{p.returncode} {p.stderr}")
        if p.returncode == 0:
            expect("GIT_DIR elsewhere: the policy's repository is read",
                   json.load(open(summary, encoding="utf-8"))["changed"] == 7)
        # HEAD against itself: nothing changes.
        code, out, err = run([b, "diff", "--policy", "set", "--baseline", "git:HEAD", "--cases", cases,
                              "--json", summary])
        expect("same exit", code == 0, f"{code} {err}")
        if code == 0:
            expect("same", json.load(open(summary, encoding="utf-8"))["changed"] == 0)

        # HEAD~2: the broken overlay, named as git names it, from the top of
        # the repository, also when the command runs in a subfolder.
        want = "git:HEAD~2:set/jd/policy.yaml:10:15: "
        for cwd, policy in [(repo, "set"), (set_dir, "."), (os.path.join(set_dir, "jd"), "..")]:
            code, out, err = run([b, "diff", "--policy", policy, "--baseline", "git:HEAD~2", "--cases", cases],
                                 cwd=cwd)
            expect(f"broken baseline exit ({policy})", code == 2, f"{code} {err}")
            expect(f"broken baseline place ({policy})", want in err, err)

        # A folder deleted from the working tree is still read at REV; the
        # candidate without it is what fails here.
        shutil.rmtree(os.path.join(set_dir, "taobao"))
        code, out, err = run([b, "diff", "--policy", "set", "--baseline", "git:HEAD~2", "--cases", cases])
        expect("deleted overlay: candidate fails", "set/taobao" in err and code == 2, f"{code} {err}")
        expect("deleted overlay: baseline still read", want in err, err)
        run(["git", "checkout", "-q", "--", "set"])

        # A REV is a revision, never a command or an option.
        marker = os.path.join(tmp, "pwned")
        for rev in ["no-such-rev", f"HEAD;touch {marker}", f"$(touch {marker})", f"--output={marker}"]:
            code, out, err = run([b, "diff", "--policy", "set", "--baseline", "git:" + rev, "--cases", cases])
            expect(f"bad rev {rev!r} exit 2", code == 2 and "no such revision" in err, f"{code} {err}")
        expect("no command ran", not os.path.exists(marker))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return finish()


if __name__ == "__main__":
    sys.exit(main())
