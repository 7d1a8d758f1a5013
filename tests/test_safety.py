"""The output folder is the only place written (docs/kits.md, "What build
writes, and where").

A symbolic link pointing outside is put at every place build and index
write: the kits folder and each kit folder, a kit folder holding an old
kit whose manifest build would rewrite, packing/ and each packing list,
index.json, print-quantities.csv, the lock (to a file, and dangling),
stale temporary folder names and a stale temporary folder holding links,
the kits folder and the kit folders of a folder that shards are merged
into, and the clip cache's folders. Each time a recursive listing with the
SHA-256 of every file, the target of every link and the type of every
entry shows that nothing outside the output folder changed, and the links
in the output folder were replaced by what build makes.

Also: ballot ids that would take the name of a folder build keeps
(`packing`, `kits`) build and verify like any other; `index` run during a
build refuses with "busy" and writes nothing; a second build into the same
folder is "busy" (exit 75), a lock file left by a dead build is not; an
output folder that cannot be written exits 73 with the system's reason;
names with terminal escape sequences and bidirectional controls are shown
escaped, while --json keeps them as they are."""
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import bk

t = bk.Tap()
tmp = tempfile.mkdtemp(prefix="bk-safety-")
os.chmod(tmp, 0o755)  # the unwritable-folder case runs as another user
E = bk.EXAMPLE
definition = bk.load_example()
ballots = [b["id"] for b in definition["ballots"]]
stations = [s["id"] for s in definition["polling_stations"]]
BRAILLE = ["--formats", "braille"]
KITS = "kits"


def env():
    e = dict(os.environ)
    e.setdefault("BALLOTKIT_TEMPLATES", os.path.join(bk.ROOT, "templates"))
    return e


def show(r):
    return "exit %d\nstderr: %s" % (r.returncode, r.stderr.decode(errors="replace")[-1500:])


def snapshot(root):
    """Every entry under root (root included), without following links:
    its type, a file's SHA-256 and mode, a link's target."""
    out = {}

    def entry(p):
        st = os.lstat(p)
        if os.path.islink(p):
            return ("link", os.readlink(p))
        if os.path.isdir(p):
            return ("dir", oct(st.st_mode & 0o7777))
        with open(p, "rb") as f:
            return ("file", hashlib.sha256(f.read()).hexdigest(), oct(st.st_mode & 0o7777))

    out["."] = entry(root)
    for d, dirs, files in os.walk(root):
        for n in sorted(dirs + files):
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = entry(p)
    return out


def diff(a, b):
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def outside_folder(name):
    """A folder outside every output folder, with files and subfolders,
    some with the names build writes."""
    o = os.path.join(tmp, "outside", name)
    os.makedirs(os.path.join(o, "sub", "deeper"))
    for rel, text in [("keep.txt", "keep me"), ("index.json", '{"not": "an index"}\n'),
                      ("ps-0101.txt", "not a packing list\n"),
                      ("sub/a.txt", "a"), ("sub/deeper/b.txt", "b"), (".hidden", "h")]:
        with open(os.path.join(o, rel), "w") as f:
            f.write(text)
    return o


def outside_file(name, text="someone else's file\n"):
    p = os.path.join(tmp, "outside", "files", name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    return p


def build(out, *extra, definition_path=E):
    return bk.run("build", definition_path, "-o", out, "--json", *extra)


def real(path, kind):
    """path is what build makes there: a folder or a file, not a link."""
    if os.path.islink(path):
        return False
    return os.path.isdir(path) if kind == "dir" else os.path.isfile(path)


# ---- links at the output folder's own entries ----
a = os.path.join(tmp, "a")
os.makedirs(a)
kits_target = outside_folder("kits-target")
packing_target = outside_folder("packing-target")
os.symlink(kits_target, os.path.join(a, KITS))
os.symlink(packing_target, os.path.join(a, "packing"))
os.symlink(outside_file("index.json"), os.path.join(a, "index.json"))
os.symlink(outside_file("print-quantities.csv"), os.path.join(a, "print-quantities.csv"))
os.symlink(outside_file("lock"), os.path.join(a, ".bk-lock"))
old_tmp = outside_folder("old-tmp-target")
# a temporary folder's name from a build before the kits folder (at the top)
os.symlink(old_tmp, os.path.join(a, ".bk-tmp-mazhilis-03-1"))
outside = os.path.join(tmp, "outside")
before = snapshot(outside)
r = build(a, *BRAILLE, "--jobs", "2")
t.eq(r.returncode, 0, "build into a folder whose kits/, packing/, index.json, "
     "print-quantities.csv, lock and a stale temporary name are links outside")
changed = diff(before, snapshot(outside))
t.ok(not changed, "... nothing outside the output folder changed", "\n".join(changed[:20]))
t.ok(real(os.path.join(a, KITS), "dir") and real(os.path.join(a, "packing"), "dir") and
     real(os.path.join(a, "index.json"), "file") and
     real(os.path.join(a, "print-quantities.csv"), "file") and
     real(os.path.join(a, ".bk-lock"), "file") and
     not os.path.lexists(os.path.join(a, ".bk-tmp-mazhilis-03-1")),
     "... and the links were replaced by the folders and files build makes",
     sorted(os.listdir(a)))
t.ok(all(real(os.path.join(a, KITS, b, "manifest.json"), "file") for b in ballots) and
     all(real(os.path.join(a, "packing", s + ".txt"), "file") for s in stations),
     "... every kit and packing list is in the output folder")
r = bk.run("verify", a, "--definition", E, "--partial")
t.eq(r.returncode, 0, "... and the kits verify")

# ---- links beneath the output folder's own folders ----
ref = os.path.join(tmp, "ref")
r = build(ref, *BRAILLE, "--jobs", "2")
t.eq(r.returncode, 0, "a reference build")
b = os.path.join(tmp, "b")
os.makedirs(os.path.join(b, KITS))
os.makedirs(os.path.join(b, "packing"))
for k in ballots:
    os.symlink(outside_folder("kit-" + k), os.path.join(b, KITS, k))
# a link to a copy of an up-to-date kit whose manifest head is stale (the
# definition's name), so that build, finding it up to date, would rewrite
# its manifest: the copy is outside
K = ballots[1]
stale_kit = os.path.join(outside, "stale-kit")
shutil.copytree(os.path.join(ref, KITS, K), stale_kit)
m = bk.load(os.path.join(stale_kit, "manifest.json"))
m["election"]["definition"] = "renamed.json"
with open(os.path.join(stale_kit, "manifest.json"), "w", encoding="utf-8") as f:
    json.dump(m, f, ensure_ascii=False, indent=2)
os.remove(os.path.join(b, KITS, K))
os.symlink(stale_kit, os.path.join(b, KITS, K))
# stale temporary folders: a link by that name, and a real folder of links
os.symlink(outside_folder("tmp-link-target"), os.path.join(b, KITS, ".bk-tmp-%s-99999" % K))
stale = os.path.join(b, KITS, ".bk-tmp-%s-99998" % ballots[0])
os.makedirs(os.path.join(stale, "audio"))
os.symlink(outside_folder("in-stale-target"), os.path.join(stale, "braille"))
os.symlink(outside_file("in-stale.txt"), os.path.join(stale, "README.txt"))
os.symlink(outside_folder("in-stale-deeper"), os.path.join(stale, "audio", "positions"))
for s in stations:
    os.symlink(outside_file(s + ".txt"), os.path.join(b, "packing", s + ".txt"))
os.symlink(outside_file("stale-list.txt"), os.path.join(b, "packing", "ps-9999.txt"))
os.symlink(outside_folder("packing-sub"), os.path.join(b, "packing", "old"))
os.symlink(outside_file("index-b.json"), os.path.join(b, "index.json"))
os.symlink(outside_file("pq-b.csv"), os.path.join(b, "print-quantities.csv"))
dangling = os.path.join(outside, "files", "new-lock")
os.symlink(dangling, os.path.join(b, ".bk-lock"))
before = snapshot(outside)
r = build(b, *BRAILLE, "--jobs", "2")
t.ok(r.returncode == 0, "build into a folder where each kit folder, each packing list, "
     "stale temporary folders, the index and a dangling lock are links outside", show(r))
changed = diff(before, snapshot(outside))
t.ok(not changed, "... nothing outside the output folder changed (no file made, "
     "removed or rewritten there)", "\n".join(changed[:20]))
t.ok(not os.path.lexists(dangling), "... the dangling lock's target was not made")
t.ok(all(real(os.path.join(b, KITS, k), "dir") for k in ballots) and
     all(real(os.path.join(b, "packing", s + ".txt"), "file") for s in stations) and
     real(os.path.join(b, ".bk-lock"), "file") and
     not [n for n in os.listdir(os.path.join(b, KITS)) if n.startswith(".")] and
     sorted(os.listdir(os.path.join(b, "packing"))) == sorted(s + e for s in stations for e in (".txt", ".pdf")),
     "... the links were replaced, the stale ones removed",
     "%s\n%s" % (sorted(os.listdir(os.path.join(b, KITS))),
                 sorted(os.listdir(os.path.join(b, "packing")))))
r = bk.run("verify", b, "--definition", E, "--partial")
t.ok(r.returncode == 0, "... and the kits verify", show(r))

# a kit file, and a kit's folder, replaced by links to copies outside: the
# kits are not up to date (nothing is read or rewritten through the links)
K2 = ballots[2]
f1 = os.path.join(b, KITS, K, "braille", K + "-kk.brf")
copy1 = outside_file("copy-" + K + ".brf")
shutil.copy(f1, copy1)
os.remove(f1)
os.symlink(copy1, f1)
d2 = os.path.join(b, KITS, K2, "braille")
copy2 = os.path.join(outside, "copy-braille-" + K2)
shutil.copytree(d2, copy2)
shutil.rmtree(d2)
os.symlink(copy2, d2)
before = snapshot(outside)
r = build(b, *BRAILLE)
built = json.loads(r.stdout or b"{}").get("built", [])
t.ok(r.returncode == 0 and sorted(built) == sorted([K, K2]),
     "a kit holding a link where a file or a folder goes is built again", show(r) + str(built))
changed = diff(before, snapshot(outside))
t.ok(not changed and real(f1, "file") and real(d2, "dir"),
     "... nothing outside changed and the kits hold files again", "\n".join(changed[:20]))

# index alone, with links put back at its places
shutil.rmtree(os.path.join(b, "packing"))
os.symlink(outside_folder("packing-target-2"), os.path.join(b, "packing"))
for n in ("index.json", "print-quantities.csv"):
    os.remove(os.path.join(b, n))
    os.symlink(outside_file("again-" + n), os.path.join(b, n))
before = snapshot(outside)
r = bk.run("index", b)
t.eq(r.returncode, 0, "index of a folder whose packing/, index.json and "
     "print-quantities.csv are links outside")
changed = diff(before, snapshot(outside))
t.ok(not changed, "... nothing outside the output folder changed", "\n".join(changed[:20]))
t.ok(real(os.path.join(b, "packing"), "dir") and real(os.path.join(b, "index.json"), "file") and
     real(os.path.join(b, "print-quantities.csv"), "file") and
     bk.load(os.path.join(b, "index.json"))["complete"],
     "... they were replaced, and the index is complete")

# shards merged into a folder whose kits folder, or kit folders, are links
s1, s2 = os.path.join(tmp, "s1"), os.path.join(tmp, "s2")
r1 = build(s1, *BRAILLE, "--shard", "1/2")
r2 = build(s2, *BRAILLE, "--shard", "2/2")
t.ok(r1.returncode == 0 and r2.returncode == 0, "two shards")
m1 = os.path.join(tmp, "m1")
os.makedirs(m1)
os.symlink(outside_folder("merge-kits"), os.path.join(m1, KITS))
m2 = os.path.join(tmp, "m2")
os.makedirs(os.path.join(m2, KITS))
for k in ballots:
    os.symlink(outside_folder("merge-kit-" + k), os.path.join(m2, KITS, k))
before = snapshot(outside)
ra = bk.run("index", m1, s1, s2)
rb = bk.run("index", m2, s1, s2)
t.ok(ra.returncode == 0 and rb.returncode == 0, "index merges shards into folders whose "
     "kits folder, or each kit folder, is a link outside", show(ra) + "\n" + show(rb))
changed = diff(before, snapshot(outside))
t.ok(not changed, "... nothing outside the output folder changed", "\n".join(changed[:20]))
t.ok(all(real(os.path.join(m, KITS, k, "manifest.json"), "file") and
         real(os.path.join(m, KITS, k), "dir") for m in (m1, m2) for k in ballots) and
     bk.run("verify", m1, "--definition", E, "--partial").returncode == 0 and
     bk.run("verify", m2, "--definition", E, "--partial").returncode == 0,
     "... the kits were copied into the output folders, and verify")

# the clip cache: its kind folders, and every first-level folder, are links
cache = os.path.join(tmp, "cache")
os.makedirs(os.path.join(cache, "mp3"))
os.symlink(outside_folder("clips-target"), os.path.join(cache, "clips"))
mp3_target = outside_folder("mp3-target")
for i in range(256):
    os.symlink(mp3_target, os.path.join(cache, "mp3", "%02x" % i))
before = snapshot(outside)
c = os.path.join(tmp, "c")
r = build(c, "--formats", "audio", "--ballot", ballots[1], "--lang", "kk", "--cache", cache)
t.ok(r.returncode == 0, "an audio build with a cache whose folders are links outside", show(r))
changed = diff(before, snapshot(outside))
t.ok(not changed, "... nothing outside the cache folder changed", "\n".join(changed[:20]))

# ---- ballot ids that are names build keeps for itself ----
for bad in ("packing", "kits"):
    d = json.loads(json.dumps(definition))
    d["ballots"][1]["id"] = bad
    p = os.path.join(tmp, "id-%s.json" % bad)
    with open(p, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, indent=2)
    t.eq(bk.run("validate", p).returncode, 0, "a ballot with the id %r validates" % bad)
    out = os.path.join(tmp, "id-" + bad)
    r = build(out, *BRAILLE, definition_path=p)
    t.ok(r.returncode == 0, "... and builds", show(r))
    kd = os.path.join(out, KITS, bad)
    man = bk.load(os.path.join(kd, "manifest.json")) if os.path.isfile(
        os.path.join(kd, "manifest.json")) else {"files": [{"path": "manifest.json"}]}
    missing = [f["path"] for f in man["files"] if not os.path.isfile(os.path.join(kd, f["path"]))]
    t.ok(man.get("ballot") == bad and not missing and
         any(f["path"].startswith("braille/") for f in man["files"]),
         "... its kit is whole in %s/%s/" % (KITS, bad), missing[:10])
    lists = [open(os.path.join(out, "packing", s + ".txt"), encoding="utf-8").read()
             for s in stations if os.path.isfile(os.path.join(out, "packing", s + ".txt"))]
    t.ok(len(lists) == len(stations) and any("[ ] %s\n" % bad in x for x in lists),
         "... the packing lists are there and name it")
    idx = bk.load(os.path.join(out, "index.json"))
    t.ok(idx["complete"] and bad in [k["kit"] for k in idx["kits"]],
         "... the index lists it and is complete")
    t.eq(bk.run("verify", out, "--definition", p, "--partial").returncode, 0, "... and verify passes")

# ---- the lock: index during a build, a second build, a dead build's lock ----
g = os.path.join(tmp, "g")
proc = subprocess.Popen([bk.exe(), "build", E, "-o", g, "--jobs", "1"], env=env(),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def building():
    for d in (g, os.path.join(g, KITS)):
        if os.path.isdir(d) and any(n.startswith(".bk-tmp-") for n in os.listdir(d)):
            return True
    return False


deadline = time.time() + 120
while time.time() < deadline and not building() and proc.poll() is None:
    time.sleep(0.02)
during = building()
ri = bk.run("index", g)
rs = bk.run("build", E, "-o", g, "--jobs", "1")
index_then = os.path.exists(os.path.join(g, "index.json"))
still = proc.poll() is None
out, err = proc.communicate(timeout=900)
t.ok(during and still, "(index and a second build ran while the first build was writing)")
t.ok(ri.returncode == 75 and b"[busy]" in ri.stderr and not index_then,
     "index during a build: exit 75, busy, and no index written", show(ri))
t.ok(rs.returncode == 75 and b"[busy]" in rs.stderr,
     "a second build into the same folder: exit 75, busy", show(rs))
t.ok(proc.returncode == 0 and bk.load(os.path.join(g, "index.json"))["complete"],
     "... and the first build completes, its index complete",
     err.decode(errors="replace")[-800:])

dead = os.path.join(tmp, "dead")
os.makedirs(dead)
with open(os.path.join(dead, ".bk-lock"), "w"):
    pass
r = build(dead, *BRAILLE)
t.eq(r.returncode, 0, "a lock file left by a build that is gone is not busy")

# ---- an output folder that cannot be written: 73 and the reason ----
ro = os.path.join(tmp, "ro")
os.makedirs(ro)
os.chmod(ro, 0o555)
# the same with a lock file someone else left there: it is opened
# read-only, and the folder is still found unwritable
ro2 = os.path.join(tmp, "ro2")
os.makedirs(ro2)
open(os.path.join(ro2, ".bk-lock"), "w").close()
os.chmod(os.path.join(ro2, ".bk-lock"), 0o444)
os.chmod(ro2, 0o555)
runner = []
if os.geteuid() == 0:
    # root writes anywhere: run as nobody, for whom the folder is read-only
    runner = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
probe = subprocess.run(runner + ["sh", "-c", ": > \"$0\"/probe", ro], capture_output=True)
t.ok(probe.returncode != 0, "(the folder is read-only for the user that runs the build)",
     probe.stderr)
reason = os.strerror(errno.EACCES)
for folder, what in ((ro, "a read-only folder"), (ro2, "a read-only folder with a lock file")):
    for cmd in (["build", E, "-o", folder] + BRAILLE, ["index", folder]):
        wrapper = os.environ.get("BALLOTKIT_WRAPPER", "").split()
        r = subprocess.run(runner + wrapper + [bk.exe()] + cmd, capture_output=True,
                           env=env(), cwd=tmp)
        msg = r.stderr.decode(errors="replace")
        t.ok(r.returncode == 73 and ("cannot write into %s: %s" % (folder, reason)) in msg and
             "busy" not in msg, "%s into %s: exit 73, \"cannot write into DIR: %s\", "
             "not busy" % (cmd[0], what, reason), show(r))
afile = os.path.join(tmp, "a-file")
open(afile, "w").close()
r = build(afile, *BRAILLE)
t.ok(r.returncode == 73 and os.strerror(errno.ENOTDIR).encode() in r.stderr,
     "build into a path that is a file: exit 73 and the reason", show(r))

kf = os.path.join(tmp, "kits-file")
os.makedirs(kf)
open(os.path.join(kf, KITS), "w").close()
r = build(kf, *BRAILLE)
t.ok(r.returncode == 73 and ("cannot make the folder %s/%s: %s" % (kf, KITS, os.strerror(
    errno.ENOTDIR))).encode() in r.stderr,
     "build where a file takes the kits folder's name: exit 73, naming it, and the reason",
     show(r))

# ---- names on the terminal ----
ESC = "\x1b[31mred\x1b]0;title\x07\u202eevil"
weird = os.path.join(tmp, "def" + ESC + ".json")
shutil.copy(E, weird)
broken = os.path.join(tmp, "broken" + ESC + ".json")
shutil.copy(os.path.join(bk.BROKEN, "08-unknown-field-nmae.json"), broken)
runs = {
    "validate": bk.run("validate", weird),
    "validate of a broken definition": bk.run("validate", broken),
    "build of a broken definition": bk.run("build", broken, "-o", os.path.join(tmp, "x")),
    "index": bk.run("index", os.path.join(tmp, "ix" + ESC)),
    "verify": bk.run("verify", os.path.join(tmp, "none" + ESC)),
    "script --ballot": bk.run("script", E, "--ballot", "no" + ESC),
}
for what, r in runs.items():
    text = r.stdout + r.stderr
    t.ok(b"\x1b" not in text and b"\x07" not in text and "\u202e".encode() not in text and
         b"\\x1b[31mred\\x1b]0;title\\x07\\u202eevil" in text,
         "%s: a name with escape sequences and a bidi override is shown escaped" % what,
         text.decode(errors="replace")[-600:])
r = bk.run("validate", "--json", weird)
rep = json.loads(r.stdout or b"{}")
t.eq(rep.get("file"), weird, "validate --json keeps the name as it is (JSON escapes it)")

shutil.rmtree(tmp, ignore_errors=True)
t.done()
