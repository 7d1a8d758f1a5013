"""The definition's production settings do what the format says.

- One table of defaults and output names (`ballotkit defaults --json`, from
  include/ballotkit/production.h): docs/ballot-format.md, docs/kits.md and
  the JSON Schema say the same, and a build without production settings
  uses them (read from its manifest and its files). A field given a default
  later goes through the same comparison: any default the docs or the
  schema state must be in the table and equal.
- production.speech.rate: the decoded MP3s' lengths follow the rate as
  eSpeak NG speaks at it (the espeak-ng command is the oracle).
- production.speech.loudness_lufs: the decoded MP3 is within 0.5 LU of the
  target (BS.1770, tests/oracle/loudness.py), or, where build warned that
  the true-peak ceiling held it back, within 0.5 LU of the figure the
  warning gives.
- production.outputs: a kit holds exactly the files of the outputs asked
  for (matched against the table's patterns), and every file of a kit
  belongs to exactly one output.
- --rate, --loudness and --formats win over the definition; the manifest
  records what was used; the audio command follows the definition too.

One small ballot (two parties and against all, Russian only) keeps it
quick."""
import fnmatch
import json
import os
import re
import subprocess
import tempfile

import numpy as np
import soundfile as sf

import bk
from oracle import loudness

t = bk.Tap()
tmp = tempfile.mkdtemp(prefix="bk-production-")
CACHE = os.path.join(tmp, "cache")  # spoken and encoded sentences, shared: same bytes, less time
BALLOT, LANG = "mazhilis-list", "ru"
KIT_OWN = {"README.txt", "manifest.json", "SHA256SUMS",
           "script/%s-%s.json" % (BALLOT, LANG)}


def definition(name, production):
    """The example cut to one ballot of two parties (one with a leaflet),
    Russian only, with these production settings (None: none)."""
    d = bk.load(bk.EXAMPLE)
    d["election"]["languages"] = [LANG]
    b = [x for x in d["ballots"] if x["id"] == BALLOT][0]
    b["options"] = ["auyl", "qhp"]
    d["ballots"] = [b]
    if production is None:
        d.pop("production", None)
    else:
        d["production"] = production
    path = os.path.join(tmp, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, indent=1)
    return path


def build(name, production, *extra, rc=0):
    out = os.path.join(tmp, name)
    r = bk.run("build", definition(name, production), "-o", out, "--jobs", "1",
               "--cache", CACHE, *extra, check_rc=rc)
    # the kit's folder: DIR/kits/BALLOT where build puts kits in DIR/kits/
    kits = os.path.join(out, "kits")
    return os.path.join(kits if os.path.isdir(kits) else out, BALLOT), r.stderr.decode()


def files(kit):
    got = set()
    for root, _, names in os.walk(kit):
        for n in names:
            got.add(os.path.relpath(os.path.join(root, n), kit))
    return got


def manifest(kit):
    return bk.load(os.path.join(kit, "manifest.json"))


def mp3(kit):
    return os.path.join(kit, "audio", "%s-%s" % (BALLOT, LANG), "%s-%s.mp3" % (BALLOT, LANG))


# ---- the table, the docs and the schema ----

r = bk.run("defaults", "--json")
t.eq(r.returncode, 0, "ballotkit defaults --json runs")
table = json.loads(r.stdout) if r.returncode == 0 else {"defaults": {}, "outputs": [], "renamed": {}}
DEFAULTS = table["defaults"]
OUTPUTS = [o["name"] for o in table["outputs"]]
BY_NAME = {o["name"]: o for o in table["outputs"]}
DEFAULT_OUTPUTS = [o["name"] for o in table["outputs"] if o["default"]]
t.eq(DEFAULTS.get("production.speech.rate"), 125, "the code's default rate stands: 125 wpm")
t.eq(DEFAULTS.get("production.speech.loudness_lufs"), -20, "the code's default loudness stands: -20 LUFS")
t.ok(len(OUTPUTS) == len(set(OUTPUTS)) >= 20, "one name per output", OUTPUTS)
t.eq(DEFAULTS.get("production.outputs"), DEFAULT_OUTPUTS,
     "the default outputs are those the table marks")
t.ok({"audio-mp3", "audio-positions", "audio-daisy", "audio-transcript", "audio-captions",
      "audio-review"} <= set(DEFAULT_OUTPUTS) and "audio-wav" not in DEFAULT_OUTPUTS,
     "by default: MP3 with chapters, per-position MP3s, DAISY, transcript, captions, review; no WAV",
     DEFAULT_OUTPUTS)

# docs/ballot-format.md: every member table's default column
doc = open(os.path.join(bk.ROOT, "docs", "ballot-format.md"), encoding="utf-8").read()
schema = bk.load(bk.SCHEMA)


def schema_arrays():
    """Top-level members of the schema that are arrays (their fields are
    written "member[].field")."""
    return {k for k, v in schema["properties"].items() if v.get("type") == "array"}


ARRAYS = schema_arrays()
documented = {}
section = None
for line in doc.splitlines():
    m = re.match(r"^### `(\w+)`", line)
    if m:
        section = m.group(1)
        continue
    if line.startswith("## "):
        section = None
    if not section or not line.startswith("| `"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    header_has_req = section != "production"
    dflt = cells[3] if header_has_req else cells[2]
    m = re.fullmatch(r"`(.*)`", dflt)
    if not m:
        continue
    try:
        value = json.loads(m.group(1))
    except ValueError:
        continue  # a default that is another field (`name`): derived, not a value
    for field in re.findall(r"`([\w.]+)`", cells[0]):
        path = (section + "[]." if section in ARRAYS else section + ".") + field
        documented[path] = value
# the outputs' default is their table in the same page
m = re.search(r"\| name \| default \|.*?\n((?:\|.*\n)+)", doc)
doc_outputs = []
if m:
    for row in m.group(1).splitlines()[1:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        doc_outputs.append((cells[0].strip("`"), cells[1] == "yes"))
t.eq([n for n, _ in doc_outputs], OUTPUTS, "docs/ballot-format.md lists every output name, in order")
t.eq([n for n, d in doc_outputs if d], DEFAULT_OUTPUTS,
     "docs/ballot-format.md marks the default outputs")
if doc_outputs:
    documented["production.outputs"] = [n for n, d in doc_outputs if d]
t.eq(documented, DEFAULTS, "docs/ballot-format.md states exactly the table's defaults")

# the complete example of docs/ballot-format.md (production settings with
# output names) is valid, as the page says
m = re.search(r"## 6\. A complete example.*?```json\n(.*?)\n```", doc, re.S)
ex = os.path.join(tmp, "doc-example.json")
with open(ex, "w", encoding="utf-8") as f:
    f.write(m.group(1) if m else "")
rc, out = bk.validate_json(ex)
t.ok(rc == 0 and out["warnings"] == 0, "the complete example of docs/ballot-format.md is valid",
     [d["message"] for d in out["diagnostics"]])
if m:
    import jsonschema
    t.eq([e.message for e in jsonschema.Draft202012Validator(bk.load(bk.SCHEMA)).iter_errors(
        json.loads(m.group(1)))], [], "... and the JSON Schema accepts it")


def walk(node, path, out):
    """Every "default" in the schema, by its path in a definition."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"].split("/")[-1]
            walk(schema["$defs"][ref], path, out)
        if "default" in node:
            out[path] = node["default"]
        for k, v in node.get("properties", {}).items():
            walk(v, (path + "." if path else "") + k, out)
        if "items" in node and node.get("type") == "array" and isinstance(node["items"], dict) \
                and "$ref" in node["items"]:
            walk(node["items"], path + "[]", out)
    return out


in_schema = walk(schema, "", {})
t.eq(in_schema, DEFAULTS, "the JSON Schema's \"default\" keywords are exactly the table's")
t.eq(schema["$defs"]["production"]["properties"]["outputs"]["items"]["enum"], OUTPUTS,
     "the JSON Schema's output names are the table's, in order")
t.eq(schema["$defs"]["production"]["properties"]["speech"]["properties"]["loudness_lufs"]["maximum"], -10,
     "the JSON Schema's loudness range is the audio's (-40 to -10)")

# docs/kits.md: the table of outputs and their files
kits_doc = open(os.path.join(bk.ROOT, "docs", "kits.md"), encoding="utf-8").read()
m = re.search(r"\| output \| files \| default \|.*?\n((?:\|.*\n)+)", kits_doc)
rows = []
if m:
    for row in m.group(1).splitlines()[1:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        rows.append((cells[0].strip("`"), re.findall(r"`([^`]+)`", cells[1]), cells[2] == "yes"))
t.eq(rows, [(o["name"], o["files"], o["default"]) for o in table["outputs"]],
     "docs/kits.md: each output's files and whether it is built by default, as the table says")
t.ok(all(n in kits_doc for n in table["renamed"]),
     "docs/kits.md names every old name and what replaces it")


def family(rel, langs=(LANG,)):
    """The outputs whose patterns match a file of the kit."""
    hit = []
    for o in table["outputs"]:
        for pat in o["files"]:
            for lang in langs:
                p = pat.replace("{ballot}", BALLOT).replace("{lang}", lang)
                if fnmatch.fnmatchcase(rel, p) and o["name"] not in hit:
                    hit.append(o["name"])
    return hit


def expected(kit, outs):
    """Whether a kit holds exactly the files of outs, each in one family."""
    got = files(kit) - KIT_OWN
    wrong = {f: family(f) for f in got if family(f) not in [[o] for o in outs]}
    empty = [o for o in outs if not any(family(f) == [o] for f in got)]
    return wrong, empty


# ---- a build without production settings: the defaults ----

plain, err = build("plain", None)
m = manifest(plain)
t.eq(m.get("outputs"), DEFAULT_OUTPUTS, "no production settings: the manifest lists the default outputs")
t.eq(m["options"]["speech"]["rate"], DEFAULTS["production.speech.rate"],
     "no production settings: spoken at the default rate")
t.eq(m["options"]["audio"]["loudness"], DEFAULTS["production.speech.loudness_lufs"],
     "no production settings: the default loudness")
wrong, empty = expected(plain, DEFAULT_OUTPUTS)
t.eq((wrong, empty), ({}, []),
     "no production settings: every file belongs to exactly one default output, and each has files")
y, fs = sf.read(mp3(plain))
lu = loudness.integrated(y, fs)
t.ok(abs(lu - DEFAULTS["production.speech.loudness_lufs"]) <= 0.5 and "held it back" not in err,
     "no production settings: the MP3 decodes at %.2f LUFS (default -20 +- 0.5)" % lu)

# every output at once: each file in exactly one family
# (at the fastest rate: the slower formats take their time per second of audio)
allk, _ = build("all", {"outputs": ["stencil-svg"], "speech": {"rate": 450}}, "--formats", "all")
wrong, empty = expected(allk, OUTPUTS)
t.eq((wrong, empty), ({}, []), "--formats all: every file belongs to exactly one output, and each has files")
t.eq(manifest(allk).get("outputs"), OUTPUTS, "--formats all: the manifest lists every output, in table order")

# ---- outputs ----

one, _ = build("one", {"outputs": ["stencil-print-pdf"]})
t.eq(sorted(files(one)), sorted(KIT_OWN | {"stencil/%s-stencil-print.pdf" % BALLOT}),
     "outputs [stencil-print-pdf]: that file, the script, README, manifest and SHA256SUMS, nothing else")
t.eq(manifest(one).get("outputs"), ["stencil-print-pdf"], "... and the manifest says so")
mixed = ["leaflet-large-print-pdf", "audio-captions", "braille-list-pef", "stencil-svg"]
mk, _ = build("mixed", {"outputs": mixed})
in_order = [o for o in OUTPUTS if o in mixed]
t.eq(expected(mk, in_order), ({}, []), "outputs %s: exactly their files" % mixed)
t.eq(manifest(mk).get("outputs"), in_order, "... the manifest lists them in table order")
cap = os.path.join(mk, "audio", "%s-%s" % (BALLOT, LANG), "%s-%s.vtt" % (BALLOT, LANG))
t.ok(os.path.isfile(cap) and open(cap, encoding="utf-8").read().startswith("WEBVTT"),
     "... the captions are WebVTT")
over, _ = build("over", {"outputs": ["stencil-print-pdf"]}, "--formats", "braille-list-brf,large-print-pdf")
t.eq(expected(over, ["braille-list-brf", "large-print-pdf"]), ({}, []),
     "--formats wins over production.outputs")
t.eq(manifest(over).get("outputs"), ["braille-list-brf", "large-print-pdf"], "... and the manifest says so")
grp, _ = build("group", {"outputs": ["stencil-print-pdf"]}, "--formats", "stencil,large-print")
want = [o for o in DEFAULT_OUTPUTS if o.startswith("stencil-")] + ["large-print-pdf"]
t.eq(manifest(grp).get("outputs"), want, "--formats stencil,large-print: the groups' default outputs")
r = bk.run("verify", os.path.join(tmp, "mixed"), "--definition", os.path.join(tmp, "mixed.json"))
t.ok(r.returncode == 0, "a kit of some outputs verifies", r.stderr.decode())

# names: old ones refused with the new one, one needing another, unknown
for outs, want in [(["stencil-pdf"], "stencil-print-pdf"), (["audio-ogg"], "audio-vorbis"),
                   (["audio-daisy"], "audio-mp3"), (["audio-review", "stencil-svg"], "audio-mp3"),
                   (["audio-aac"], "audio-vorbis"), ([], "default")]:
    rc, out = bk.validate_json(definition("names", {"outputs": outs}))
    errs = [d for d in out["diagnostics"] if d["severity"] == "error"]
    t.ok(rc == 65 and len(errs) == 1 and errs[0]["kind"] == "bad-value"
         and errs[0]["path"].startswith("$.production.outputs") and want in errs[0]["message"],
         "outputs %s: refused at production.outputs, naming %s" % (outs, want), errs)
for arg, want in [("stencil-pdf", "stencil-print-pdf"), ("wav", "audio-wav"),
                  ("audio-daisy", "audio-mp3"), ("nothing", "audio-mp3")]:
    r = bk.run("build", definition("plain", None), "-o", os.path.join(tmp, "x"), "--formats", arg)
    t.ok(r.returncode == 64 and want in r.stderr.decode() and not os.path.exists(os.path.join(tmp, "x")),
         "build --formats %s: refused (64), naming %s, nothing written" % (arg, want), r.stderr.decode())
r = bk.run("audio", definition("plain", None), "-o", os.path.join(tmp, "x"), "--formats", "stencil-svg")
t.ok(r.returncode == 64 and b"stencil-svg" in r.stderr, "audio --formats refuses an output it does not make")

# ---- rate ----


def loud_span(x, threshold=64 / 32768):
    """Samples from the first to the last above the trimming threshold."""
    i = np.nonzero(np.abs(x) >= threshold)[0]
    return (i[-1] - i[0] + 1) if len(i) else 0


def espeak_speech(kit, rate):
    """The speech of the kit's script as the espeak-ng command says it at
    this rate: the sum over sentences of the span between its first and
    last sample above ballotkit's trimming threshold (seconds)."""
    script = bk.load(os.path.join(kit, "script", "%s-%s.json" % (BALLOT, LANG)))
    sentences = [x for s in script["segments"] for x in s["sentences"]]
    said = re.findall(r"^voice: (.*)$", bk.run("speak", "--lang", LANG, *sentences, check_rc=0)
                      .stdout.decode(), re.M)
    voice = bk.load(os.path.join(bk.ROOT, "templates", "speech", LANG + ".json"))["voice"]
    total = 0
    for text in said:
        wav = os.path.join(tmp, "oracle.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", "50", "-a", "100",
                        "-w", wav, text], check=True)
        x, fs = sf.read(wav)
        total += loud_span(x) / fs
    return total, len(said)


slow, _ = build("slow", {"speech": {"rate": 80}, "outputs": ["audio-mp3"]})
fast, _ = build("fast", {"speech": {"rate": 250}, "outputs": ["audio-mp3"]})
t.eq((manifest(slow)["options"]["speech"]["rate"], manifest(fast)["options"]["speech"]["rate"]), (80, 250),
     "the manifests record the rates used (80, 250)")
d_slow, d_fast = (len(sf.read(mp3(k))[0]) / 22050 for k in (slow, fast))
s_slow, n = espeak_speech(slow, 80)
s_fast, _ = espeak_speech(fast, 250)
# The MP3 is its sentences' speech plus pauses and margins that do not
# depend on the rate. So the lengths must differ by what eSpeak NG's speech
# differs by. Each sentence's place is whole MP3 frames (26.1 ms): its pause
# is rounded to within half a frame and its frames end within one frame of
# its samples, so each sentence may differ by 1.5 frames between the two.
tol = n * 1.5 * 576 / 22050
t.ok(abs((d_slow - d_fast) - (s_slow - s_fast)) <= tol,
     "rate 80 vs 250: the MP3s differ by %.2f s, eSpeak NG's speech by %.2f s (+- %.2f s over %d sentences)"
     % (d_slow - d_fast, s_slow - s_fast, tol, n))
t.ok(d_slow > d_fast * 1.5, "rate 80 is much longer than rate 250 (%.1f s, %.1f s)" % (d_slow, d_fast))
ovr, _ = build("rate-override", {"speech": {"rate": 80}, "outputs": ["audio-mp3"]}, "--rate", "250")
t.eq(manifest(ovr)["options"]["speech"]["rate"], 250, "--rate 250 over a definition's 80: recorded")
t.ok(open(mp3(ovr), "rb").read() == open(mp3(fast), "rb").read(),
     "--rate 250 over a definition's 80: the same MP3 as the definition's 250")
aud = os.path.join(tmp, "audio-cmd")
bk.run("audio", os.path.join(tmp, "fast.json"), "-o", aud, check_rc=0)
t.eq(sorted(files(aud)), ["%s-%s/%s-%s.mp3" % (BALLOT, LANG, BALLOT, LANG)],
     "the audio command writes the definition's audio outputs only")
t.ok(open(os.path.join(aud, "%s-%s" % (BALLOT, LANG), "%s-%s.mp3" % (BALLOT, LANG)), "rb").read() ==
     open(mp3(fast), "rb").read(), "the audio command speaks at the definition's rate: build's MP3")

# ---- loudness ----

WARN = re.compile(r"loudness (-?[0-9.]+) LUFS, not (-?[0-9.]+): the true-peak ceiling of "
                  r"(-?[0-9.]+) dBTP held it back")


def check_loudness(kit, err, target, what):
    y, fs = sf.read(mp3(kit))
    lu = loudness.integrated(y, fs)
    w = WARN.search(err)
    if w:
        fig = float(w.group(1))
        t.ok(abs(lu - fig) <= 0.5 and float(w.group(2)) == target and fig < target,
             "%s: warned %.1f LUFS (held back), decoded %.2f LUFS (+- 0.5)" % (what, fig, lu), err)
    else:
        t.ok(abs(lu - target) <= 0.5, "%s: decoded %.2f LUFS, target %g +- 0.5" % (what, lu, target), err)
    t.ok(loudness.true_peak(y) <= -1.5, "%s: the true peak stays under -1.5 dBTP" % what)
    t.eq(manifest(kit)["options"]["audio"]["loudness"], target, "%s: the manifest records %g" % (what, target))
    return w


quiet, err = build("quiet", {"speech": {"loudness_lufs": -30}, "outputs": ["audio-mp3"]})
t.ok(not check_loudness(quiet, err, -30, "loudness_lufs -30"), "... no warning at -30")
loud, err = build("loud", {"speech": {"loudness_lufs": -12}, "outputs": ["audio-mp3"]})
t.ok(check_loudness(loud, err, -12, "loudness_lufs -12"), "... -12 is out of reach under the ceiling: warned")
lo, err = build("loud-override", {"speech": {"loudness_lufs": -30}, "outputs": ["audio-mp3"]},
                "--loudness", "-16")
check_loudness(lo, err, -16, "--loudness -16 over a definition's -30")
lo2, err = build("quiet-override", {"speech": {"loudness_lufs": -12}, "outputs": ["audio-mp3"]},
                 "--loudness", "-30")
t.ok(open(mp3(lo2), "rb").read() == open(mp3(quiet), "rb").read(),
     "--loudness -30 over a definition's -12: the same MP3 as the definition's -30")
r = bk.run("audio", os.path.join(tmp, "loud.json"), "-o", os.path.join(tmp, "audio-loud"), check_rc=0)
t.ok(WARN.search(r.stderr.decode()), "the audio command warns too", r.stderr.decode())
rc, out = bk.validate_json(definition("range", {"speech": {"loudness_lufs": -5}}))
t.ok(rc == 65 and any(d["path"] == "$.production.speech.loudness_lufs" for d in out["diagnostics"]),
     "loudness_lufs -5 (louder than the audio can be asked for) is refused by validate")
t.done()
