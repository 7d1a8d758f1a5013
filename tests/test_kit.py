"""Kits: `ballotkit build` of the example, checked against the definition
with this file's own reading of it; `verify` passes, and fails - naming the
check, the file and the position - on a flipped byte, a truncated, deleted
or unlisted file, and, with every checksum rewritten so that only decoding
can catch it, on swapped audio chapters, swapped stencil numbers, a changed
braille list, a changed transcript and a name changed in the definition.
A killed worker leaves no partial kit and a rerun completes; editing one
template rebuilds exactly the kits that use it; builds are byte-identical
under another locale, time zone, working directory, --jobs and cache;
shards merged by `ballotkit index` equal a full build."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import bk
import tamper

sys.path.insert(0, bk.HERE)
t = bk.Tap()
tmp = tempfile.mkdtemp(prefix="bk-kit-")
cache = os.path.join(tmp, "cache")
definition = bk.load_example()
ballots = [b["id"] for b in definition["ballots"]]


def build(out, *extra, env=None, rc=0):
    r = bk.run("build", bk.EXAMPLE, "-o", out, "--json", *extra, env=env)
    if r.returncode != rc:
        print("# build %s exited %d\n# %s" % (" ".join(extra), r.returncode,
              r.stderr.decode(errors="replace")[-3000:].replace("\n", "\n# ")))
    return r


def tree(d):
    """Every file under d (but the build lock) with its bytes' SHA-256."""
    out = {}
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for f in files:
            p = os.path.join(root, f)
            rel = os.path.relpath(p, d)
            if rel == ".bk-lock":
                continue
            with open(p, "rb") as fh:
                out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def same_tree(a, b, name):
    x, y = tree(a), tree(b)
    diff = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
    return t.ok(x and not diff, name, "differ: " + "\n".join(diff[:15]))


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def verify(d, *extra):
    r = bk.run("verify", d, "--json", *extra)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = {"problems": [], "raw": r.stdout.decode(errors="replace")}
    return r.returncode, rep


def reseal(d, kit):
    """Rewrites a kit's manifest, SHA256SUMS and the index's manifest hash
    to match the files as they now are: only decoding can then tell."""
    tamper.reseal(os.path.join(d, "kits", kit), index=os.path.join(d, "index.json"))


def problems(rep, check):
    return [p for p in rep.get("problems", []) if p.get("check") == check]


# ---- a broken definition: located errors, nothing written ----
broken = os.path.join(bk.BROKEN, "08-unknown-field-nmae.json")
r = bk.run("build", broken, "-o", os.path.join(tmp, "broken"))
t.ok(r.returncode == 65 and b"08-unknown-field-nmae.json:74:7" in r.stderr and
     not os.path.exists(os.path.join(tmp, "broken")),
     "build of a broken definition: exit 65, the file, line and column named, no folder",
     r.stderr.decode(errors="replace"))

# ---- the build ----
full = os.path.join(tmp, "full")
r = build(full, "--jobs", "2", "--cache", cache)
t.eq(r.returncode, 0, "the example's kits are built")
summary = json.loads(r.stdout or b"{}")
t.eq(sorted(summary.get("built", [])), sorted(ballots), "--json names every kit built")
for b in ballots:
    t.ok(os.path.isfile(os.path.join(full, "kits", b, "manifest.json")), "%s: a kit with a manifest" % b)

# manifests: every file with its size and SHA-256, computed here
bad = []
for b in ballots:
    m = bk.load(os.path.join(full, "kits", b, "manifest.json"))
    listed = {f["path"] for f in m["files"]}
    for f in m["files"]:
        p = os.path.join(full, "kits", b, f["path"])
        if os.path.getsize(p) != f["size"] or sha(p) != f["sha256"]:
            bad.append(p)
    on_disk = set(tree(os.path.join(full, "kits", b))) - {"manifest.json", "SHA256SUMS"}
    if on_disk != listed:
        bad.append("%s: listed %d, on disk %d" % (b, len(listed), len(on_disk)))
    for want in ["README.txt", "script/%s-kk.json" % b, "script/%s-ru.json" % b,
                 "audio/%s-kk/%s-kk.mp3" % (b, b), "audio/%s-ru/ncc.html" % b,
                 "audio/%s-ru/%s-ru-review.html" % (b, b),
                 "stencil/%s-stencil-print.pdf" % b, "stencil/%s-stencil-cut-1.svg" % b,
                 "braille/%s-kk.brf" % b, "braille/%s-ru.pef" % b,
                 "braille/%s-kk-swell.pdf" % b, "large-print/%s-ru-large-print.pdf" % b]:
        if want not in listed:
            bad.append("%s lacks %s" % (b, want))
    for key in ["ballotkit", "espeak-ng", "liblouis", "liblouis_tables", "cairo", "libsndfile"]:
        if key not in m["versions"]:
            bad.append("%s: no version of %s" % (b, key))
    if m["election"]["definition_sha256"] != sha(bk.EXAMPLE):
        bad.append("%s: definition hash" % b)
t.ok(not bad, "every manifest lists every file with its size and SHA-256, "
     "the definition's hash and the engines' versions", "\n".join(bad[:10]))
readme = open(os.path.join(full, "kits", ballots[0], "README.txt"), encoding="utf-8").read()
t.ok("ЖИНАҚ" in readme and "КОМПЛЕКТ" in readme, "the README is in Kazakh and Russian")

# the index and packing lists against the definition read here
idx = bk.load(os.path.join(full, "index.json"))
t.eq([k["kit"] for k in idx["kits"]], sorted(ballots), "the index lists every kit in order")
t.ok(idx["complete"], "the index says the set is complete")
by_district = {}
for b in definition["ballots"]:
    by_district.setdefault(b["district"], []).append(b["id"])
copies = {}
for s in definition.get("polling_stations", []):
    want = sorted({b for d in s["districts"] for b in by_district.get(d, [])})
    entry = [x for x in idx["stations"] if x["station"]["id"] == s["id"]]
    t.eq(entry and sorted(entry[0]["kits"]), want, "station %s: its packing list holds "
         "the ballots of its districts" % s["id"])
    text = open(os.path.join(full, "packing", s["id"] + ".txt"), encoding="utf-8").read()
    t.ok(all("[ ] " + b in text for b in want) and
         ": %d\n" % s.get("kits", 1) in text, "station %s: packing list file" % s["id"])
    for b in want:
        copies[b] = copies.get(b, 0) + s.get("kits", 1)
rows = open(os.path.join(full, "print-quantities.csv"), encoding="utf-8").read().splitlines()
wrong = [r for r in rows[1:] if int(r.split(",")[2]) != copies.get(r.split(",")[0], 0)]
t.ok(len(rows) > 10 and not wrong, "print quantities: each file as many times as its "
     "kit's stations need", "\n".join(wrong[:5]))
t.ok(not any(",audio/" in r for r in rows), "print quantities leave the audio out")

# ---- verify ----
rc, rep = verify(full)
t.eq(rc, 0, "verify passes on the build")
rc, rep = verify(full, "--definition", bk.EXAMPLE)
t.eq(rc, 0, "verify against the definition passes")
t.ok(not rep.get("problems"), "no problem reported", rep.get("problems"))
r = bk.run("verify", os.path.join(tmp, "no-such-folder"))
t.eq(r.returncode, 66, "verify of a folder that is not there exits 66")

K = "mazhilis-list"


def tampered(name):
    d = os.path.join(tmp, name)
    shutil.copytree(full, d)
    return d


d = tampered("flip")
p = os.path.join(d, "kits", K, "braille", K + "-kk.brf")
data = bytearray(open(p, "rb").read())
data[len(data) // 2] ^= 0x01
open(p, "wb").write(bytes(data))
rc, rep = verify(d)
t.ok(rc == 65 and any(x["file"] == K + "/braille/" + K + "-kk.brf" for x in problems(rep, "checksum")),
     "a flipped byte: exit 65, the checksum check names the file", rep)

d = tampered("truncate")
p = os.path.join(d, "kits", K, "audio", K + "-ru", K + "-ru.mp3")
os.truncate(p, os.path.getsize(p) // 2)
rc, rep = verify(d)
t.ok(rc == 65 and problems(rep, "size"), "a truncated file: the size check fails", rep)

d = tampered("delete")
os.remove(os.path.join(d, "kits", K, "stencil", K + "-stencil-print.pdf"))
rc, rep = verify(d)
t.ok(rc == 65 and problems(rep, "missing"), "a deleted file: reported missing", rep)

d = tampered("extra")
open(os.path.join(d, "kits", K, "stencil", "note.txt"), "w").write("x")
rc, rep = verify(d)
t.ok(rc == 65 and problems(rep, "unlisted"), "a file the manifest does not list is reported", rep)

# cross-checks: each time the checksums are rewritten
d = tampered("definition")
changed = json.loads(json.dumps(definition))
party = changed["parties"][1]
old = party["name"]["ru"]
party["name"]["ru"] = old.replace("Ауыл", "Аул")
alt = os.path.join(tmp, "changed.json")
with open(alt, "w", encoding="utf-8") as fh:
    json.dump(changed, fh, ensure_ascii=False, indent=2)
rc, rep = verify(d, "--definition", alt)
pos = [x for x in problems(rep, "definition") if x.get("where") == "position 2"
       and x["file"] == K + "/script/" + K + "-ru.json"]
t.ok(rc == 65 and pos, "a name changed in the definition: the definition check names "
     "the Russian script and position 2", rep)

d = tampered("braille")
p = os.path.join(d, "kits", K, "braille", K + "-ru.pef")
text = open(p, encoding="utf-8").read()
# the numbers 2 and 3 (number sign, b / c) exchanged on their lines
text = text.replace("<row>⠼⠃", "<row>@@").replace("<row>⠼⠉", "<row>⠼⠃").replace("<row>@@", "<row>⠼⠉")
open(p, "w", encoding="utf-8").write(text)
reseal(d, K)
rc, rep = verify(d)
t.ok(rc == 65 and [x for x in problems(rep, "braille-list")
                   if x["file"].endswith("-ru.pef") and x.get("where") == "position 2"],
     "two braille list numbers swapped: the braille-list check names the PEF and position 2", rep)
t.ok(not problems(rep, "checksum"), "... and not the checksums (they were rewritten)", rep)

d = tampered("transcript")
p = os.path.join(d, "kits", K, "audio", K + "-kk", K + "-kk.txt")
lines = open(p, encoding="utf-8").read().split("\n")
sc = bk.load(os.path.join(full, "kits", K, "script", K + "-kk.json"))
name3 = [s for s in sc["segments"] if s["kind"] == "position" and s["number"] == 3][0]["sentences"][1]
changed_lines = [l[:-len(name3)] + name3[:-1] + " бар." if l.endswith(name3) else l for l in lines]
t.ok(changed_lines != lines, "(the transcript was changed)")
lines = changed_lines
open(p, "w", encoding="utf-8").write("\n".join(lines))
reseal(d, K)
rc, rep = verify(d)
t.ok(rc == 65 and [x for x in problems(rep, "transcript") if x.get("where") == "position 3"],
     "a changed transcript line: the transcript check names position 3", rep)

try:
    import mutagen.id3 as id3
    d = tampered("chapters")
    p = os.path.join(d, "kits", K, "audio", K + "-kk", K + "-kk.mp3")
    tag = id3.ID3(p)
    chaps = {f.element_id: f for f in tag.getall("CHAP")}
    toc = tag.getall("CTOC")[0].child_element_ids
    a, b = chaps[toc[1]], chaps[toc[2]]
    a.start_time, b.start_time = b.start_time, a.start_time
    a.end_time, b.end_time = b.end_time, a.end_time
    tag.save(p, v2_version=3)
    reseal(d, K)
    rc, rep = verify(d)
    t.ok(rc == 65 and [x for x in problems(rep, "audio") if x.get("where") == "position 2"],
         "two audio chapters swapped: the audio check names position 2", rep)
except ImportError as e:
    t.ok(False, "python3-mutagen is installed (scripts/setup.sh)", e)

try:
    d = tampered("stencil")
    p = os.path.join(d, "kits", K, "stencil", K + "-stencil-swell.pdf")
    tamper.swap_stencil_numbers(p, p + ".new", 2, 3)
    os.replace(p + ".new", p)
    reseal(d, K)
    rc, rep = verify(d)
    t.ok(rc == 65 and [x for x in problems(rep, "stencil") if x.get("where") == "position 2"],
         "two braille numbers swapped on the stencil: the stencil check names position 2", rep)
except ImportError as e:
    t.ok(False, "tests/tamper.py can be imported", e)

# ---- resume, kill, template edits ----
before = tree(full)
r = build(full, "--cache", cache)
s = json.loads(r.stdout or b"{}")
t.ok(r.returncode == 0 and s.get("skipped") == len(ballots) and not s.get("built"),
     "a rerun with nothing changed skips every kit", s)
t.ok(tree(full) == before, "... and leaves the kits as they were")

killed = os.path.join(tmp, "killed")
env = dict(os.environ)
env.setdefault("BALLOTKIT_TEMPLATES", os.path.join(bk.ROOT, "templates"))
proc = subprocess.Popen([bk.exe(), "build", bk.EXAMPLE, "-o", killed, "--jobs", "1"],
                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
victim = None
deadline = time.time() + 60
while time.time() < deadline and victim is None:
    kits_dir = os.path.join(killed, "kits")
    if os.path.isdir(kits_dir) and any(n.startswith(".bk-tmp-") for n in os.listdir(kits_dir)):
        kids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True).stdout.split()
        if kids:
            victim = int(kids[0])
            time.sleep(0.3)
            os.kill(victim, signal.SIGKILL)
    time.sleep(0.05)
out, err = proc.communicate(timeout=120)
t.ok(victim is not None and proc.returncode != 0, "a worker killed mid-build: the build "
     "fails", err.decode(errors="replace")[-500:])
left = os.listdir(killed) if os.path.isdir(killed) else []
kits_left = os.listdir(os.path.join(killed, "kits")) if "kits" in left else []
t.ok(not [n for n in left + kits_left if n.startswith(".bk-tmp-")],
     "... and no temporary folder is left", left + kits_left)
partial = [n for n in kits_left if os.path.isdir(os.path.join(killed, "kits", n))
           and not os.path.isfile(os.path.join(killed, "kits", n, "manifest.json"))]
t.ok(not partial, "... and no kit without its manifest", partial)
r = build(killed, "--cache", cache)
t.eq(r.returncode, 0, "the rerun completes")
t.eq(verify(killed, "--definition", bk.EXAMPLE)[0], 0, "... and the kits verify")
same_tree(killed, full, "... and equal a build that was not interrupted")

tpl = os.path.join(tmp, "templates")
shutil.copytree(os.path.join(bk.ROOT, "templates"), tpl)
shutil.copytree(os.path.join(bk.ROOT, "fonts"), os.path.join(tmp, "fonts"))
edited = os.path.join(tmp, "edited")
r = build(edited, "--templates", tpl, "--cache", cache)
t.eq(r.returncode, 0, "a build with a copy of the templates")
uses = {}
for b in ballots:
    uses[b] = bk.load(os.path.join(edited, "kits", b, "script", b + "-kk.json"))["template"]
target = uses[K]
with open(os.path.join(tpl, "stencil", target + ".json"), "a") as fh:
    fh.write("\n")
r = build(edited, "--templates", tpl, "--cache", cache)
s = json.loads(r.stdout or b"{}")
want = sorted(b for b in ballots if uses[b] == target)
t.ok(r.returncode == 0 and sorted(s.get("built", [])) == want and 0 < len(want) < len(ballots),
     "editing the stencil template %s rebuilds exactly its kits %s" % (target, want), s)
with open(os.path.join(tpl, "speech", "ru.json"), "a") as fh:
    fh.write("\n")
r = build(edited, "--templates", tpl, "--cache", cache)
s = json.loads(r.stdout or b"{}")
t.eq(sorted(s.get("built", [])), sorted(ballots), "editing the Russian speech template "
     "rebuilds every kit (every kit speaks Russian)")

# ---- the same bytes ----
other = os.path.join(tmp, "elsewhere")
os.makedirs(other)
r = subprocess.run([bk.exe(), "build", os.path.relpath(bk.EXAMPLE, other), "-o", "kits",
                    "--jobs", "1"], cwd=other, capture_output=True,
                   env=dict(env, LC_ALL="kk_KZ.UTF-8", LANG="kk_KZ.UTF-8", TZ="Asia/Almaty"))
import locale
try:
    locale.setlocale(locale.LC_ALL, "kk_KZ.UTF-8")
    comma = locale.localeconv()["decimal_point"] == ","
finally:
    locale.setlocale(locale.LC_ALL, "C")
t.ok(comma, "kk_KZ.UTF-8 exists and its decimal point is a comma")
t.eq(r.returncode, 0, "a build under kk_KZ, Asia/Almaty, another folder, one job, no cache")
same_tree(full, os.path.join(other, "kits"), "... gives the same bytes, every file")

s1, s2, merged = (os.path.join(tmp, n) for n in ("shard1", "shard2", "merged"))
r1 = build(s1, "--shard", "1/2", "--cache", cache)
r2 = build(s2, "--shard", "2/2", "--cache", cache)
t.ok(r1.returncode == 0 and r2.returncode == 0, "the two shards build")
n1 = len(bk.load(os.path.join(s1, "index.json"))["kits"])
n2 = len(bk.load(os.path.join(s2, "index.json"))["kits"])
t.ok(n1 + n2 == len(ballots) and n1 and n2, "each shard holds part of the kits (%d + %d)" % (n1, n2))
t.ok(not bk.load(os.path.join(s1, "index.json"))["complete"], "a shard's index says it is incomplete")
r = bk.run("index", merged, s1, s2)
t.eq(r.returncode, 0, "ballotkit index merges the shards")
same_tree(merged, full, "the merged folder equals a full build, index included")

shutil.rmtree(tmp)
t.done()
