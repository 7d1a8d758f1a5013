#!/usr/bin/python3
"""Audio benchmark (the audio ballot issue), run by bench/run.sh.

1. Baseline against ballotkit on the same ballots and the same number of
   processes: the baseline speaks each ballot's script with the espeak-ng
   command (-w) and encodes it with lame at its default settings (32 kbit/s
   at 22.05 kHz mono, the rate ballotkit writes); ballotkit writes its
   default outputs. Throughput is seconds of audio per second of wall time.
2. The national-size election in both languages, every ballot, split
   between the worker processes (one `ballotkit audio` each, sharing one
   clip cache on disk): wall time and each worker's peak memory.
3. Loudness and true peak of a sample of the national MP3s, decoded and
   measured by the tests' BS.1770 oracle.

Usage: bench/audio.py BALLOTKIT DEFINITION OUTDIR [--jobs N] [--sample N]
       [--skip-national] [--keep]

The outputs are removed at the end unless --keep.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import soundfile as sf  # noqa: E402
from oracle import loudness  # noqa: E402


def run_parallel(cmds, jobs):
    """Runs shell-free commands, jobs at a time; returns wall seconds and
    each command's (rc, peak KB, stderr tail)."""
    t0 = time.monotonic()
    results = []

    def one(cmd):
        r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True)
        lines = r.stderr.decode(errors="replace").strip().splitlines()
        kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        return r.returncode, kb, "\n".join(lines[-5:-1])

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        results = list(ex.map(one, cmds))
    return time.monotonic() - t0, results


def shards(items, n):
    return [items[k::n] for k in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ballotkit")
    ap.add_argument("definition")
    ap.add_argument("out")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=100,
                    help="ballots (each in both languages) for the baseline comparison")
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the outputs (about 8 GB) for inspection")
    a = ap.parse_args()
    bk = os.path.abspath(a.ballotkit)
    # the outputs of a previous run were removed at its end: deleting
    # 130,000 files just before a run slows ext4's inode allocation for
    # minutes (it skips recently deleted inodes) and the figures with it
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)

    scripts = json.loads(subprocess.run([bk, "script", a.definition, "--json"],
                                        capture_output=True, check=True).stdout)
    ballots = sorted({s["ballot"] for s in scripts}, key=[s["ballot"] for s in scripts].index)
    step = max(1, len(ballots) // a.sample)
    sample = ballots[::step][:a.sample]
    tracks = [s for s in scripts if s["ballot"] in set(sample)]
    print("audio: %d ballots, %d tracks in the national set; sample %d ballots, %d tracks, %d processes"
          % (len(ballots), len(scripts), len(sample), len(tracks), a.jobs))

    # 1a. the baseline
    base = os.path.join(a.out, "baseline")
    os.makedirs(base)
    cmds = []
    for s in tracks:
        stem = os.path.join(base, "%s-%s" % (s["ballot"], s["language"]))
        with open(stem + ".txt", "w", encoding="utf-8") as f:
            f.write("\n".join(seg["text"] for seg in s["segments"]) + "\n")
        cmds.append(["sh", "-c", 'espeak-ng -v "$1" -s 125 -w "$2.wav" -f "$2.txt" && lame --quiet "$2.wav" "$2.mp3"',
                     "-", s["language"], stem])
    wall_b, res = run_parallel(cmds, a.jobs)
    assert all(r[0] == 0 for r in res), res[:3]
    audio_b = sum(sf.info(os.path.join(base, "%s-%s.wav" % (s["ballot"], s["language"]))).duration
                  for s in tracks)
    size_b = sum(os.path.getsize(os.path.join(base, "%s-%s.mp3" % (s["ballot"], s["language"])))
                 for s in tracks)

    # 1b. ballotkit on the same ballots, fresh cache
    ours = os.path.join(a.out, "sample")
    cache = os.path.join(a.out, "sample-cache")
    cmds = [[bk, "audio", a.definition, "-o", ours, "--cache", cache] +
            sum([["--ballot", b] for b in part], []) for part in shards(sample, a.jobs)]
    wall_o, res = run_parallel(cmds, a.jobs)
    assert all(r[0] == 0 for r in res), [r[2] for r in res]
    audio_o = size_o = 0
    for s in tracks:
        p = os.path.join(ours, "%s-%s" % (s["ballot"], s["language"]), "%s-%s.mp3" % (s["ballot"], s["language"]))
        audio_o += sf.info(p).duration
        size_o += os.path.getsize(p)
    tb, to = audio_b / wall_b, audio_o / wall_o
    print("baseline espeak-ng -w + lame (default, 32 kbit/s): %.0f s of audio in %.1f s = %.0f audio s/s; "
          "%.1f MB of MP3" % (audio_b, wall_b, tb, size_b / 1e6))
    print("ballotkit audio (MP3 with chapters, positions, DAISY, transcript, captions, review): "
          "%.0f s of audio in %.1f s = %.0f audio s/s; %.1f MB of MP3" % (audio_o, wall_o, to, size_o / 1e6))
    print("  throughput %.2fx the baseline (target: at least 2x); peak memory %s MB per worker"
          % (to / tb, ", ".join(str(r[1] // 1024) for r in res)))

    if a.skip_national:
        return
    # 2. the national set
    nat = os.path.join(a.out, "national")
    cache = os.path.join(a.out, "national-cache")
    cmds = [[bk, "audio", a.definition, "-o", nat, "--cache", cache] +
            sum([["--ballot", b] for b in part], []) for part in shards(ballots, a.jobs)]
    wall_n, res = run_parallel(cmds, a.jobs)
    assert all(r[0] == 0 for r in res), [r[2] for r in res]
    n = sum(1 for d in os.listdir(nat))
    audio_n = 0.0
    for d in os.listdir(nat):
        audio_n += sf.info(os.path.join(nat, d, d + ".mp3")).duration
    print("national: %d audio ballots (%.0f h of audio) in %.1f s (%.1f min) on %d processes "
          "(target: under 10 min on 2 cores); %.1f tracks/s; peak memory %s MB per worker (target: under 200)"
          % (n, audio_n / 3600, wall_n, wall_n / 60, a.jobs, n / wall_n,
             ", ".join(str(r[1] // 1024) for r in res)))

    # 3. a sample of the national MP3s, decoded and measured
    names = sorted(os.listdir(nat))[::max(1, n // 60)]
    ls, tps = [], []
    for d in names:
        x, fs = sf.read(os.path.join(nat, d, d + ".mp3"), dtype="float64")
        ls.append(loudness.integrated(x, fs))
        tps.append(loudness.true_peak(x))
    print("decoded loudness of %d national MP3s: %.2f to %.2f LUFS (mean %.2f; target -20 +/- 0.5); "
          "true peak at most %.2f dBTP (ceiling -1.5)"
          % (len(ls), min(ls), max(ls), sum(ls) / len(ls), max(tps)))
    if not a.keep:
        shutil.rmtree(a.out, ignore_errors=True)


if __name__ == "__main__":
    main()
