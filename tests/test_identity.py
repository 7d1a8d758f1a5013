#!/usr/bin/python3
"""Byte identity of the kits across a restructuring (issue 21).

Builds the example's kits and a 150-ballot slice of the national bench
definition (bench/gen_national.py, seed 2023, scale 1.0, build --shard 1/21),
and compares a digest of every file of each kit (and of index.json,
packing/ and print-quantities.csv) with tests/identity/*.sha256, which
were written by the build of the baseline commit named in their first line.

A change that means to change an output regenerates them on purpose:
    /usr/bin/python3 tests/test_identity.py --update
and says why in its commit message. Anything else that changes a byte fails
here, naming the file.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bk  # noqa: E402

GOLDEN = os.path.join(bk.HERE, "identity")
CASES = [
    # name, definition maker, extra build arguments
    ("example", None, []),
    ("national-shard-1-of-21", "national", ["--shard", "1/21"]),
]


def national(tmp):
    out = os.path.join(tmp, "national.json")
    subprocess.run(["/usr/bin/python3", os.path.join(bk.ROOT, "bench", "gen_national.py"),
                    "--seed", "2023", "--scale", "1.0", "-o", out],
                   check=True, capture_output=True)
    return out


def unit(rel):
    """What a golden line stands for: a kit (kits/ID), or a file or folder
    at the top of the output folder."""
    parts = rel.split(os.sep)
    return os.sep.join(parts[:2]) if parts[0] == "kits" and len(parts) > 2 else parts[0]


def digests(folder):
    """One SHA-256 per kit and per top-level file or folder, over the sorted
    lines "SHA-256  relative path" of every regular file below it, so that
    any byte, any name, a file more or a file less changes it."""
    lines = {}
    for d, dirs, files in os.walk(folder):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, folder)
            with open(p, "rb") as fh:
                h = hashlib.sha256(fh.read()).hexdigest()
            lines.setdefault(unit(rel), []).append("%s  %s\n" % (h, rel))
    return {k: hashlib.sha256("".join(sorted(v)).encode()).hexdigest()
            for k, v in lines.items()}


def read_golden(path):
    rows = {}
    head = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                head += line
                continue
            h, name = line.rstrip("\n").split("  ", 1)
            rows[name] = h
    return head, rows


def commit():
    r = subprocess.run(["git", "-C", bk.ROOT, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def main():
    update = "--update" in sys.argv
    t = bk.Tap()
    with tempfile.TemporaryDirectory(prefix="bk-identity-") as tmp:
        for name, maker, extra in CASES:
            definition = bk.EXAMPLE if maker is None else national(tmp)
            out = os.path.join(tmp, name)
            r = bk.run("build", definition, "-o", out, "--jobs", "2", "--cache", os.path.join(tmp, "cache-" + name), *extra)
            t.ok(r.returncode == 0, "%s: build exits 0" % name,
                 r.stderr.decode(errors="replace")[-2000:])
            got = digests(out)
            kits = sum(1 for k in got if k.startswith("kits" + os.sep))
            golden = os.path.join(GOLDEN, name + ".sha256")
            if update:
                with open(golden, "w", encoding="utf-8") as f:
                    f.write("# %s: %d kits; one SHA-256 per kit and per top-level entry (see digests());"
                            " written by --update at commit %s\n" % (name, kits, commit()))
                    for k in sorted(got):
                        f.write("%s  %s\n" % (got[k], k))
                continue
            _, want = read_golden(golden)
            t.ok(len(want) > 0 and kits > 0, "%s: %d kits and %d entries to compare" % (name, kits, len(want)))
            missing = sorted(set(want) - set(got))
            extra_files = sorted(set(got) - set(want))
            changed = sorted(k for k in want if k in got and got[k] != want[k])
            t.ok(not missing, "%s: no kit or file missing" % name, "\n".join(missing[:20]))
            t.ok(not extra_files, "%s: no kit or file added" % name, "\n".join(extra_files[:20]))
            t.ok(not changed, "%s: every kit and file byte-identical to the baseline" % name,
                 "%d changed, first: %s" % (len(changed), "\n".join(changed[:20])))
    if update:
        print("1..0 # SKIP golden files written")
        return 0
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
