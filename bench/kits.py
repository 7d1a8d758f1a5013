#!/usr/bin/python3
"""End-to-end kit benchmark (the kits issue), run by bench/run.sh.

1. `ballotkit build` of the whole definition with the default formats and
   --jobs N, into a fresh folder, with a fresh clip cache: wall time, kits
   per second, seconds of audio per second, and the peak memory of the
   largest process (GNU time's %M: the build, a worker or a speech helper,
   whichever was largest).
2. The same command again: a resumed build with nothing to do.
3. `ballotkit verify` on a sample of the kits (verify decodes every file,
   so it is timed on a sample and scaled).

Before and after the build, the machine's speed: one core running the same
fixed job (espeak-ng and lame on a fixed text, five times). On a shared VM
the same build has taken from 74 s to 177 s on different hours; this figure
says which kind of hour a run had. The build's CPU seconds (user + system)
and how busy it kept the cores are printed too, and, from /proc/stat, the
share of the machine's time that was idle and that the hypervisor took
(steal), which on the shared VM has reached 40 % for minutes.

Usage: bench/kits.py BALLOTKIT DEFINITION OUTDIR [--jobs N] [--keep]
The outputs are removed at the end unless --keep.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time


def timed(cmd, cpu=None):
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S"] + cmd, capture_output=True)
    wall = time.monotonic() - t0
    last = r.stderr.decode(errors="replace").strip().splitlines()[-1].split()
    if cpu is not None:
        cpu.append(float(last[2]) + float(last[3]))
    return r, wall, int(last[1]) / 1024.0


CALIBRATION_TEXT = ("Избирательный бюллетень для голосования по выборам депутатов "
                    "маслихата. Номер три. Иванов Иван Иванович, тысяча девятьсот "
                    "семидесятого года рождения, выдвинут партией.")


def machine_speed(work):
    """Seconds one core takes for the fixed job (lower is faster)."""
    wav, mp3 = os.path.join(work, "calibration.wav"), os.path.join(work, "calibration.mp3")
    t0 = time.monotonic()
    for _ in range(5):
        subprocess.run(["espeak-ng", "-v", "ru", "-w", wav, CALIBRATION_TEXT], check=True)
        subprocess.run(["lame", "--quiet", "-q", "7", "-b", "32", wav, mp3], check=True)
    t = time.monotonic() - t0
    for f in (wav, mp3):
        os.remove(f)
    return t


def cpu_ticks():
    """The machine's CPU time so far, from /proc/stat: user, nice, system,
    idle, iowait, irq, softirq, steal (in clock ticks, all cores)."""
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ballotkit")
    ap.add_argument("definition")
    ap.add_argument("outdir")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    kits = os.path.join(a.outdir, "kits")
    cache = os.path.join(a.outdir, "cache")
    for d in (kits, cache):
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(a.outdir, exist_ok=True)
    cmd = [a.ballotkit, "build", a.definition, "-o", kits, "--jobs", str(a.jobs),
           "--cache", cache, "--json"]
    speed_before = machine_speed(a.outdir)
    cpu = []
    ticks0 = cpu_ticks()
    r, wall, mb = timed(cmd, cpu)
    ticks = [b - a for a, b in zip(ticks0, cpu_ticks())]
    speed_after = machine_speed(a.outdir)
    if r.returncode:
        sys.stderr.write(r.stderr.decode(errors="replace")[-3000:])
        sys.exit("build failed")
    s = json.loads(r.stdout)
    n = s["kits"]
    audio = s["audio_seconds"]
    print("kits: national build, %d jobs: %d kits in %.1f s (%.1f min) = %.2f kits/s; "
          "%.0f s of audio = %.0f audio s/s; peak memory of the largest process %.0f MB "
          "(targets: under 15 min on 2 cores; memory bounded by the workers)"
          % (a.jobs, n, wall, wall / 60, n / wall, audio, audio / wall, mb))
    print("kits: the build used %.0f CPU s (user + system), the cores %.0f %% busy; "
          "machine speed (one core, fixed espeak-ng + lame job, lower is faster): "
          "%.2f s before, %.2f s after"
          % (cpu[0], 100 * cpu[0] / (wall * a.jobs), speed_before, speed_after))
    total = sum(ticks) or 1
    print("kits: during the build the machine's cores were %.1f %% idle and %.1f %% "
          "taken by the hypervisor (steal: the VM was runnable but not run)"
          % (100 * (ticks[3] + ticks[4]) / total, 100 * ticks[7] / total))
    r, wall2, mb2 = timed(cmd)
    s2 = json.loads(r.stdout)
    print("kits: resumed build with nothing to do: %d of %d skipped in %.2f s, %.0f MB "
          "(target: under 10 s)" % (s2["skipped"], s2["kits"], wall2, mb2))
    size = 0
    files = 0
    for root, _, fs in os.walk(kits):
        for f in fs:
            files += 1
            size += os.path.getsize(os.path.join(root, f))
    print("kits: %d files, %.1f GB" % (files, size / 1e9))
    # verify a sample: the first 20 kits, in a folder of their own
    idx = json.load(open(os.path.join(kits, "index.json"), encoding="utf-8"))
    sample = os.path.join(a.outdir, "sample")
    shutil.rmtree(sample, ignore_errors=True)
    os.makedirs(sample)
    for k in idx["kits"][:20]:
        shutil.copytree(os.path.join(kits, "kits", k["kit"]),
                        os.path.join(sample, "kits", k["kit"]))
    subprocess.run([a.ballotkit, "index", sample], check=True, capture_output=True)
    r, wall3, mb3 = timed([a.ballotkit, "verify", sample])
    print("kits: verify of 20 kits: %.1f s (%.2f s per kit; the whole set would take "
          "about %.0f min on one core), exit %d, %.0f MB"
          % (wall3, wall3 / 20, wall3 / 20 * n / 60, r.returncode, mb3))
    if not a.keep:
        for d in (kits, cache, sample):
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
