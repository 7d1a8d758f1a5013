#!/usr/bin/python3
"""Timing of a restructuring against its baseline (issue 21).

Runs, alternately for the baseline checkout and this one, N times each:
  compile  a clean `ninja` of the build folder (the project's build);
  kits     `ballotkit build` of the example with a fresh output folder and
           clip cache (the product's build);
  tests    `meson test` of the unit suite and the quick CLI tests
           (QUICK_TESTS below; the whole suite takes ~10 minutes a run, too
           long to repeat ten times in one sitting).
and prints the median wall time of each, and the after/before ratio; and
the median CPU time (user + system of the child processes), which a busy
machine disturbs far less than the wall time.
Alternating the two keeps a machine's slow minutes from favouring one side.

Usage: /usr/bin/python3 bench/restructure.py BASELINE_CHECKOUT [N]
Both checkouts must be configured in their build/ folder (scripts/build.sh).
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

QUICK_TESTS = ["example", "cli", "stencil", "print", "large_print", "braille_list"]


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, **kw):
    """(wall, cpu) seconds of one command."""
    t, c = time.monotonic(), cpu()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - t, cpu() - c


def add(a, b):
    return a[0] + b[0], a[1] + b[1]


def one_round(root, tmp):
    b = os.path.join(root, "build")
    subprocess.run(["ninja", "-C", b, "clean"], check=True, stdout=subprocess.DEVNULL)
    compile_s = timed(["ninja", "-C", b])
    out = tempfile.mkdtemp(dir=tmp)
    env = dict(os.environ, BALLOTKIT_TEMPLATES=os.path.join(root, "templates"))
    kits_s = timed([os.path.join(b, "ballotkit"), "build",
                    os.path.join(root, "examples", "kz-2023", "election.json"),
                    "-o", os.path.join(out, "o"), "--cache", os.path.join(out, "c")], env=env)
    shutil.rmtree(out)
    # two runs: meson intersects --suite with test names
    tests_s = timed(["meson", "test", "-C", b, "--suite", "unit"])
    tests_s = add(tests_s, timed(["meson", "test", "-C", b] + QUICK_TESTS))
    return compile_s, kits_s, tests_s


def main():
    before = os.path.abspath(sys.argv[1])
    after = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rows = {before: [], after: []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(n):
            for side in (before, after):
                rows[side].append(one_round(side, tmp))
    names = ["compile", "kits (example)", "tests (unit + quick)"]
    for k, what in enumerate(["wall", "CPU (user + system)"]):
        print("median of %d runs, %s seconds" % (n, what))
        print("%-22s %10s %10s %8s" % ("", "baseline", "this", "ratio"))
        for i, name in enumerate(names):
            a = statistics.median(r[i][k] for r in rows[before])
            b = statistics.median(r[i][k] for r in rows[after])
            print("%-22s %10.2f %10.2f %8.3f" % (name, a, b, b / a))


if __name__ == "__main__":
    main()
