"""The clip cache cannot lie (docs/audio.md, "Identity and cache").

The example's audio is built once with no cache (the reference) and once
into a fresh --cache folder. Every entry of every kind on disk ("clips",
the speech clips; "mp3", the encoded sentences) is read back: its format,
its key material (everything the value depends on, with the sentence's
text) and its checksum, and its name is the SHA-256 of that key. Then, for
each kind, a copy of the cache is damaged in one way:

  (a) two intact entries swapped (each file moved to the other's name),
  (b) one entry truncated,
  (c) one byte of one entry's value flipped,
  (d) one byte of one entry's stored key flipped, its checksum rewritten
      to agree, so that only the comparison of keys can tell,

and the audio is made again with that cache by `build` (and, for the
swaps, by `audio`), each into a fresh folder. Every file written must be byte-identical to the
reference, and the report must count the entries discarded (build: the
progress line and --json `cache_discarded`; audio: its closing line). The
damaged entries must be gone or made again: afterwards every entry is
intact and a further build discards nothing. The cache's memory-only kinds
(the processed samples and loudness blocks of a sentence) cannot be
reached from outside; tests/unit/test-cache.c checks the same comparison
on the cache API itself."""
import hashlib
import json
import os
import re
import shutil
import struct
import tempfile

import bk

t = bk.Tap()
EX = bk.EXAMPLE
BALLOTS = ["maslikhat-ayagoz-05", "mazhilis-03"]
SEL = sum([["--ballot", b] for b in BALLOTS], [])
tmp = tempfile.mkdtemp(prefix="bk-cache-")
MAGIC = b"BKCACHE2"
HEAD = 24


def tree(root):
    h = {}
    for dp, _, fn in os.walk(root):
        for f in fn:
            p = os.path.join(dp, f)
            with open(p, "rb") as fh:
                h[os.path.relpath(p, root)] = hashlib.sha256(fh.read()).hexdigest()
    return h


def differences(a, b):
    return "\n".join(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))


def build(out, cache=None):
    args = ["build", EX, "-o", out, "--formats", "audio", "--jobs", "1", "--json"] + SEL
    if cache:
        args += ["--cache", cache]
    r = bk.run(*args, check_rc=0)
    return json.loads(r.stdout), r.stderr.decode(errors="replace")


def audio(out, cache=None):
    args = ["audio", EX, "-o", out] + SEL
    if cache:
        args += ["--cache", cache]
    r = bk.run(*args, check_rc=0)
    return r.stderr.decode(errors="replace")


def parse(path):
    """An entry: (key material, value), or None when it is not intact."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < HEAD + 32 or data[:8] != MAGIC:
        return None
    klen, vlen = struct.unpack("<QQ", data[8:24])
    if HEAD + klen + vlen + 32 != len(data):
        return None
    if hashlib.sha256(data[:-32]).digest() != data[-32:]:
        return None
    return data[HEAD:HEAD + klen], data[HEAD + klen:HEAD + klen + vlen]


def entries(cache, kind):
    out = []
    for dp, _, fn in os.walk(os.path.join(cache, kind)):
        for f in fn:
            out.append(os.path.join(dp, f))
    return sorted(out)


def fields(key):
    d = {}
    for line in key.decode().split("\n")[:-1]:
        name, _, value = line.partition("=")
        d[name] = value
    return d


# The reference: no cache at all.
ref_build = os.path.join(tmp, "ref-build")
ref_audio = os.path.join(tmp, "ref-audio")
j, _ = build(ref_build)
t.eq(j.get("cache_discarded"), 0, "build --json reports cache_discarded (0 without a cache)")
audio(ref_audio)
REF_B, REF_A = tree(ref_build), tree(ref_audio)
t.ok(len(REF_B) > 30 and len(REF_A) > 30, "the reference builds wrote their files "
     "(%d, %d)" % (len(REF_B), len(REF_A)))

# A fresh cache, filled by one build.
pristine = os.path.join(tmp, "pristine")
j, err = build(os.path.join(tmp, "fill"), pristine)
t.ok(tree(os.path.join(tmp, "fill")) == REF_B, "a build filling a fresh cache writes the "
     "reference's bytes")
t.eq(j.get("cache_discarded"), 0, "a fresh cache discards nothing")

# Every entry keeps its whole key and a checksum, under the key's SHA-256.
WANT = {
    "clips": ["cache", "espeak-ng", "engine", "voice", "rate", "pitch", "volume",
              "word-gap", "text"],
    "mp3": ["cache", "clip", "text", "dsp", "ballotkit", "lame", "speed-milli",
            "gain-steps", "true-peak-centi-db", "bitrate", "quality"],
}
for kind, names in WANT.items():
    es = entries(pristine, kind)
    bad = []
    texts = set()
    for p in es:
        e = parse(p)
        rel = os.path.relpath(p, os.path.join(pristine, kind))
        if e is None:
            bad.append(rel + ": not intact")
            continue
        key, _ = e
        if hashlib.sha256(key).hexdigest() != rel.replace(os.sep, ""):
            bad.append(rel + ": not named by its key's SHA-256")
        f = fields(key)
        if list(f) != names or not all(f.values()):
            bad.append(rel + ": key fields %r" % list(f))
        texts.add(f.get("text"))
    t.ok(len(es) > 20 and not bad, "%s: each of %d entries holds its key (%s) and a "
         "checksum, and is named by the key's SHA-256" % (kind, len(es), ", ".join(names)),
         "\n".join(bad))
    t.ok(any(x and re.search("[А-Яа-яӘәҚқҢңӨөҰұҮүІі]", x) for x in texts),
         "%s: the key names the sentence's text" % kind)


def layout(data):
    """Where an entry's key and value lie: (key start, key length, value
    start, value length). An entry not of this format (the old code's) is
    taken as all value, so that damaging it still damages something."""
    if len(data) >= HEAD + 32 and data[:8] == MAGIC:
        klen, vlen = struct.unpack("<QQ", data[8:24])
        if HEAD + klen + vlen + 32 == len(data):
            return HEAD, klen, HEAD + klen, vlen
    return 0, 0, 16, len(data) - 48


def swap(es, kind):
    """Two intact entries, each moved to the other's name. For encoded
    sentences, two made from as many samples where there are (the old code
    took an entry whose sample count matched)."""
    pair = es[:2]
    if kind == "mp3":
        seen = {}
        for p in es:
            data = open(p, "rb").read()
            _, _, v, _ = layout(data)
            n = struct.unpack("<Q", data[v + 16:v + 24])[0]
            if n in seen:
                pair = [seen[n], p]
                break
            seen[n] = p
    a, b = pair
    da, db = open(a, "rb").read(), open(b, "rb").read()
    open(a, "wb").write(db)
    open(b, "wb").write(da)
    return 2


def truncate(es, kind):
    """One entry cut short."""
    p = es[len(es) // 2]
    data = open(p, "rb").read()
    open(p, "wb").write(data[:len(data) * 2 // 3])
    return 1


def flip_value(es, kind):
    """One byte of one entry's value flipped."""
    p = es[len(es) // 3]
    data = bytearray(open(p, "rb").read())
    _, _, v, vlen = layout(data)
    data[v + vlen // 2] ^= 0x01
    open(p, "wb").write(bytes(data))
    return 1


def flip_key(es, kind):
    """One byte of one entry's stored key flipped (in its text), the
    checksum rewritten to agree."""
    p = es[-1]
    data = bytearray(open(p, "rb").read())
    k, klen, _, _ = layout(data)
    data[k + klen - 2 if klen else 20] ^= 0x01
    data[-32:] = hashlib.sha256(bytes(data[:-32])).digest()
    open(p, "wb").write(bytes(data))
    return 1


DAMAGE = [(swap, "two intact entries swapped"), (truncate, "an entry truncated"),
          (flip_value, "a byte of an entry's value flipped"),
          (flip_key, "a byte of an entry's stored key flipped (checksum agreeing)")]
n = 0
for kind in ("clips", "mp3"):
    for damage, label in DAMAGE:
        n += 1
        what = "%s: %s" % (kind, label)
        cache = os.path.join(tmp, "cache-%d" % n)
        shutil.copytree(pristine, cache, symlinks=True)
        want = damage(entries(cache, kind), kind)
        # a copy for the audio command, damaged the same way (the swaps
        # only: the command's count comes from the same library calls)
        cache2 = cache + "-audio"
        if damage is swap:
            shutil.copytree(cache, cache2, symlinks=True)

        out = os.path.join(tmp, "build-%d" % n)
        j, err = build(out, cache)
        got = tree(out)
        t.ok(got == REF_B, "build: %s: every file is the no-cache build's (%d files)"
             % (what, len(got)), differences(got, REF_B))
        t.eq(j.get("cache_discarded"), want, "build --json: %s: the entries discarded" % what)
        last = [x for x in err.splitlines() if x.startswith("kits ")][-1:]
        t.ok(last and last[0].endswith(", discarded cache entries: %d" % want),
             "build's progress line: %s: discarded cache entries: %d" % (what, want), err)

        if damage is swap:
            out = os.path.join(tmp, "audio-%d" % n)
            err = audio(out, cache2)
            got = tree(out)
            t.ok(got == REF_A, "audio: %s: every file is the no-cache audio's (%d files)"
                 % (what, len(got)), differences(got, REF_A))
            t.ok(re.search(r"cache .*: discarded entries: %d " % want, err) is not None,
                 "audio's closing line: %s: discarded entries: %d" % (what, want), err)
            # the damaged entries were removed and made again
            broken = [p for k in WANT for p in entries(cache, k) if parse(p) is None or
                      hashlib.sha256(parse(p)[0]).hexdigest() !=
                      os.path.relpath(p, os.path.join(cache, k)).replace(os.sep, "")]
            t.ok(not broken, "%s: afterwards every entry is intact and under its own key"
                 % what, "\n".join(broken))
            j, err = build(os.path.join(tmp, "again-%d" % n), cache)
            t.eq(j.get("cache_discarded"), 0, "%s: the next build discards nothing" % what)

shutil.rmtree(tmp)
t.done()
