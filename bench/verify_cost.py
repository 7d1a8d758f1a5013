#!/usr/bin/python3
"""What verify costs, and what build's self-check adds (the verify issue,
item 6, and the admission issue, item 3), on a shard of the national-size
definition (bench/gen_national.py).

1. The same shard built by BEFORE (a ballotkit without the self-check) and
   AFTER (this one), alternating, each run into a fresh folder with a fresh
   clip cache: CPU seconds of the build and its children (user + system,
   which the machine's other load does not inflate the way it does wall
   time) and wall time. The self-check's share is AFTER's CPU over
   BEFORE's.
2. verify of AFTER's shard on one core (taskset -c 0), in full and with
   --quick: CPU and wall seconds per kit.
3. bench-verify-scores on the shard's kits: the scores the audio content
   check sees, right and wrong (docs/kits.md).

Usage: bench/verify_cost.py BEFORE AFTER DEFINITION OUTDIR [--shard K/N]
       [--pairs P] [--scores SCORES_BINARY]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time


def run(cmd, env=None):
    """Wall seconds and the CPU seconds of the command and its children."""
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%U %S"] + cmd, capture_output=True,
                       env=env)
    wall = time.monotonic() - t0
    last = r.stderr.decode(errors="replace").strip().splitlines()[-1].split()
    return r, wall, float(last[0]) + float(last[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("definition")
    ap.add_argument("outdir")
    ap.add_argument("--shard", default="1/20")
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--scores")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("BALLOTKIT_TEMPLATES", os.path.join(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))), "templates"))
    rows = {"before": [], "after": []}
    kits = None
    for p in range(a.pairs):
        for name, exe in (("before", a.before), ("after", a.after)):
            out = os.path.join(a.outdir, name)
            cache = os.path.join(a.outdir, name + "-cache")
            for d in (out, cache):
                shutil.rmtree(d, ignore_errors=True)
            r, wall, cpu = run([exe, "build", a.definition, "-o", out, "--jobs", "2",
                                "--shard", a.shard, "--cache", cache], env)
            if r.returncode:
                sys.stderr.write(r.stderr.decode(errors="replace")[-3000:])
                sys.exit("%s build failed" % name)
            rows[name].append((wall, cpu))
            print("build %s, pair %d: %.1f s wall, %.1f CPU s" % (name, p + 1, wall, cpu))
            sys.stdout.flush()
    kits = len(os.listdir(os.path.join(a.outdir, "after", "kits")))
    b = sum(c for _, c in rows["before"]) / a.pairs
    f = sum(c for _, c in rows["after"]) / a.pairs
    bw = sum(w for w, _ in rows["before"]) / a.pairs
    fw = sum(w for w, _ in rows["after"]) / a.pairs
    print("self-check: %d kits; build CPU %.1f s before, %.1f s after (+%.1f %%); "
          "wall %.1f s before, %.1f s after (+%.1f %%); target: at most +15 %%"
          % (kits, b, f, 100 * (f / b - 1), bw, fw, 100 * (fw / bw - 1)))
    out = os.path.join(a.outdir, "after")
    for mode in ([], ["--quick"]):
        r, wall, cpu = run(["taskset", "-c", "0", a.after, "verify", out, "--definition",
                            a.definition] + mode, env)
        # a shard's folder lacks the other ballots' kits: those are the
        # "missing" problems; any other is a problem of a kit
        other = [l for l in r.stderr.decode(errors="replace").splitlines()
                 if ": " in l and not l.startswith(("missing: ", "verify: ", "not run: "))]
        print("verify%s of %d kits on one core: %.1f s wall (%.2f s per kit), "
              "%.1f CPU s (%.2f s per kit); problems other than the shard's missing "
              "ballots: %d; target: at most 1 s per kit"
              % (" " + mode[0] if mode else "", kits, wall, wall / kits, cpu,
                 cpu / kits, len(other)))
        for line in other[:20]:
            print("  " + line)
    if a.scores:
        r = subprocess.run([a.scores, os.path.join(out, "kits")], capture_output=True,
                           env=dict(env, LOCAL="1"))
        print("scores (the worst 50 ms):\n" + r.stdout.decode(errors="replace"))
        r = subprocess.run([a.scores, os.path.join(out, "kits")], capture_output=True,
                           env=dict(env, LOCAL="0"))
        print("scores (the whole sentence):\n" + r.stdout.decode(errors="replace"))


if __name__ == "__main__":
    main()
