"""The tamper corpus: verify catches any change to any output of a kit.

Two kits of the example are built. Each case copies one kit, changes one
of its files the way an attacker or a faulty tool would, then rewrites the
kit's manifest.json and SHA256SUMS so that every checksum agrees again:
only decoding can tell. `ballotkit verify KIT --definition election.json
--json` must then exit 65 and name the check, the file and, where the
change hits a position, that position. Two controls must pass: the
checksums rewritten alone, and an MP3 decoded and encoded again (its tag
kept). The audio cases that need the sentence-by-sentence comparison run
the full verify; the others --quick, which is recorded as such.

Tampering uses only pikepdf, mutagen, soundfile, lame and plain text edits
(tests/tamper.py, tests/tamper_pdf.py), never the library.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import bk

sys.path.insert(0, bk.HERE)
import tamper  # noqa: E402
import tamper_pdf  # noqa: E402

t = bk.Tap()
tmp = tempfile.mkdtemp(prefix="bk-verify-")
full = os.path.join(tmp, "kits")
LIST, SINGLE = "mazhilis-list", "mazhilis-07"
r = bk.run("build", bk.EXAMPLE, "-o", full, "--ballot", LIST, "--ballot", SINGLE,
           "--formats", "default,audio-wav", "--cache", os.path.join(tmp, "cache"))
if r.returncode != 0:
    print("# " + r.stderr.decode(errors="replace")[-3000:].replace("\n", "\n# "))
t.eq(r.returncode, 0, "two kits of the example are built")


sha = tamper.sha
reseal = tamper.reseal


def copy(name, kit):
    d = os.path.join(tmp, name, kit)
    shutil.copytree(os.path.join(full, "kits", kit), d)
    return d


def verify(kd, quick=True):
    args = ["verify", kd, "--definition", bk.EXAMPLE, "--json"] + (["--quick"] if quick else [])
    r = bk.run(*args)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = {"problems": [], "raw": r.stdout.decode(errors="replace") +
               r.stderr.decode(errors="replace")}
    return r.returncode, rep


def script(kit, lang):
    return bk.load(os.path.join(full, "kits", kit, "script", "%s-%s.json" % (kit, lang)))


def sentences(kit, lang, number):
    s = script(kit, lang)
    return [x for x in s["segments"] if x.get("number") == number][0]["sentences"]


def pos_file(kd, kit, lang, number):
    folder = os.path.join(kd, "audio", "%s-%s" % (kit, lang), "positions")
    return os.path.join(folder, [f for f in sorted(os.listdir(folder))
                                 if f.startswith("%02d-" % number)][0])


def transcript_times(kd, kit, lang):
    p = os.path.join(kd, "audio", "%s-%s" % (kit, lang), "%s-%s.txt" % (kit, lang))
    out = []
    for line in open(p, encoding="utf-8"):
        m = re.match(r"\[(\d+):(\d+):([\d.]+)\] (.*)", line)
        if m:
            out.append((int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]), m[4].rstrip("\n")))
    return out


def reencode(mp3, edit=None):
    """Decodes an MP3, lets edit change the samples (numpy, in place),
    encodes it again with lame at 32 kbit/s and puts its ID3 tag back."""
    import mutagen.id3 as id3
    import soundfile as sf
    try:
        tag = id3.ID3(mp3)
    except id3.ID3NoHeaderError:
        tag = None
    a, rate = sf.read(mp3, dtype="int16")
    if edit:
        edit(a, rate)
    wav = mp3 + ".wav"
    sf.write(wav, a, rate, subtype="PCM_16")
    subprocess.run(["lame", "--quiet", "-b", "32", "-t", wav, mp3 + ".new"], check=True)
    os.remove(wav)
    if tag is not None:
        tag.save(mp3 + ".new", v2_version=3)
    os.replace(mp3 + ".new", mp3)


def silence(start, end):
    def edit(a, rate):
        a[int(start * rate):int(end * rate)] = 0
    return edit


def expect(name, kd, check, file_end, position, quick=True):
    """The tampered kit fails: exit 65 and a problem of the check naming a
    file that ends with file_end and (when not None) the position."""
    reseal(kd)
    rc, rep = verify(kd, quick)
    hits = [p for p in rep.get("problems", [])
            if p.get("check") == check and p.get("file", "").endswith(file_end) and
            (position is None or p.get("where") == "position %d" % position)]
    t.ok(rc == 65 and hits, "%s: verify exits 65 and the %s check names %s%s" % (
        name, check, file_end, "" if position is None else ", position %d" % position),
        json.dumps(rep.get("problems", rep), ensure_ascii=False)[:3000])
    return rep


# ---- the controls ----
kd = copy("control-reseal", LIST)
reseal(kd)
rc, rep = verify(kd, quick=False)
t.ok(rc == 0 and not rep.get("problems"), "control: checksums rewritten alone pass",
     json.dumps(rep.get("problems", rep), ensure_ascii=False)[:2000])
t.ok(rep.get("reference") == "definition" and rep.get("checks") and
     all(c["outcome"] == "passed" for c in rep["checks"]),
     "... every check ran and passed against the definition")
families = {c["check"] for c in rep.get("checks", [])}
for fam in ["files", "readme", "audio-format", "definition", "braille-list", "leaflet", "large-print", "stencil",
            "stencil-print", "stencil-windows", "stencil-proof", "audio", "audio-content",
            "positions", "playlist", "daisy", "transcript", "captions", "review"]:
    t.ok(fam in families, "... the %s check ran" % fam)
listed = {f["path"] for f in bk.load(os.path.join(kd, "manifest.json"))["files"]}
checked = {c["file"].split("/", 1)[1] for c in rep.get("checks", []) if "/" in c["file"]}
t.ok(not (listed - checked),
     "... every file the manifest lists was decoded by some check",
     sorted(listed - checked)[:20])

kd = copy("control-reencode", LIST)
reencode(os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.mp3"))
reseal(kd)
rc, rep = verify(kd, quick=False)
t.ok(rc == 0, "control: an MP3 decoded and encoded again (tag kept) passes",
     json.dumps(rep.get("problems", rep), ensure_ascii=False)[:2000])

# without the definition only the kit's consistency is shown, and said
r = bk.run("verify", os.path.join(full, "kits", LIST))
t.ok(r.returncode == 0 and b"without --definition" in r.stdout,
     "without --definition the closing line says nothing was compared with it",
     r.stdout + r.stderr)

# a withdrawn candidate nominated by a party written in Latin letters: the
# list line ends «…: AMANAT, кандидат выбыл», a Cyrillic word of cells that
# Latin letters share, which the read-back cannot place in either alphabet
d = bk.load_example()
gone = [c for c in d["candidates"] if c.get("status") == "withdrawn"][0]
gone.pop("self_nominated", None)
gone["party"] = "amanat"
latin_def = os.path.join(tmp, "withdrawn-latin.json")
with open(latin_def, "w", encoding="utf-8") as fh:
    json.dump(d, fh, ensure_ascii=False, indent=1)
ballot = [b["id"] for b in d["ballots"] if gone["id"] in b["options"]][0]
wl = os.path.join(tmp, "withdrawn-latin")
r = bk.run("build", latin_def, "-o", wl, "--ballot", ballot, "--cache", os.path.join(tmp, "cache"))
t.ok(r.returncode == 0, "a withdrawn candidate of AMANAT: the kit builds (its self-check passes)",
     r.stderr.decode(errors="replace")[-1500:])
r = bk.run("verify", os.path.join(wl, "kits", ballot), "--definition", latin_def, "--quick")
t.ok(r.returncode == 0, "... and verifies", (r.stdout + r.stderr).decode(errors="replace")[-1500:])

# ---- the corpus ----
cases = 0

# 1. two per-position MP3s swapped
kd = copy("positions-swapped", LIST)
a, b = pos_file(kd, LIST, "kk", 2), pos_file(kd, LIST, "kk", 3)
os.rename(a, a + ".x")
os.rename(b, a)
os.rename(a + ".x", b)
expect("two per-position MP3s swapped", kd, "positions", os.path.basename(a), 2)
cases += 1

# 2. DAISY s0003.smil (position 2) pointed at position 4's audio
kd = copy("smil", LIST)
folder = os.path.join(kd, "audio", LIST + "-kk")
s3 = open(os.path.join(folder, "s0003.smil"), encoding="utf-8").read()
s5 = open(os.path.join(folder, "s0005.smil"), encoding="utf-8").read()
times5 = re.findall(r'clip-begin="[^"]*" clip-end="[^"]*"', s5)
times3 = re.findall(r'clip-begin="[^"]*" clip-end="[^"]*"', s3)
for x, y in zip(times3, times5):
    s3 = s3.replace(x, y)
open(os.path.join(folder, "s0003.smil"), "w", encoding="utf-8").write(s3)
expect("DAISY clip times pointed at another position", kd, "daisy", "s0003.smil", 2)
cases += 1

# 3. «Народная» -> «Нарадная» in the large-print PDF
kd = copy("large-print", LIST)
p = os.path.join(kd, "large-print", LIST + "-ru-large-print.pdf")
tamper_pdf.replace_text(p, p + ".new", "Народная", "Нарадная")
os.replace(p + ".new", p)
out = subprocess.run(["pdftotext", p, "-"], capture_output=True).stdout.decode()
t.ok("Нарадная" in out, "(pdftotext reads the changed name)")
expect("a letter changed in the large print", kd, "large-print",
       LIST + "-ru-large-print.pdf", 4)
cases += 1


def number_dots(pdf, page, number_window):
    """The Braille separation's dots beside a CutContour window (by its
    order from the top), right to left."""
    ins, cuts = tamper_pdf.separation_paths(pdf, page, "CutContour")
    _, dots = tamper_pdf.separation_paths(pdf, page, "Braille")
    outline = max(cuts, key=lambda c: c[1][2] * c[1][3])
    windows = sorted([c[1] for c in cuts if c is not outline and c[1][2] > 3],
                     key=lambda w: (round(w[1]), w[0]))
    w = windows[number_window - 1]
    cy = w[1] + w[3] / 2
    run = [d for d in dots if d[2] and d[1][0] < w[0] and d[1][0] > w[0] - 30 and
           abs(d[1][1] + d[1][3] / 2 - cy) < 4]
    run.sort(key=lambda d: -d[1][0])
    return ins, run, windows


# 4. one dot removed from the print PDF's Braille separation: «2» reads «1»
kd = copy("print-dot", LIST)
p = os.path.join(kd, "stencil", LIST + "-stencil-print.pdf")
import pikepdf  # noqa: E402
with pikepdf.open(p) as pdf:
    ins, run, _ = number_dots(pdf, 0, 2)
    # the last cell, ⠃: two dots in one column; dot 2 is the lower
    col = [d for d in run if abs(d[1][0] - run[0][1][0]) < 0.5]
    dot2 = max(col, key=lambda d: d[1][1])
    t.eq(len(col), 2, "(the number 2's last cell has two dots in its column)")
    tamper_pdf.save_page(pdf, 0, tamper_pdf.remove_subpath(ins, dot2[0]), p + ".new")
os.replace(p + ".new", p)
expect("one dot removed from the print PDF's Braille separation", kd,
       "stencil-print", LIST + "-stencil-print.pdf", 2)
cases += 1

# 5, 6. a laser-SVG window moved 5 mm to the right, and 5 mm down
for name, dx, dy in (("right", 5, 0), ("down", 0, 5)):
    kd = copy("svg-" + name, LIST)
    p = os.path.join(kd, "stencil", LIST + "-stencil-cut-1.svg")
    lines = open(p, encoding="utf-8").read().split("\n")
    red = [i for i, l in enumerate(lines) if "stroke:rgb(100%,0%,0%)" in l]
    # red[0] is the outline; red[2] the second window
    lines[red[2]] = lines[red[2]].replace("<path ", '<path transform="translate(%d,%d)" '
                                          % (dx, dy), 1)
    open(p, "w", encoding="utf-8").write("\n".join(lines))
    expect("a laser-SVG window moved 5 mm %s" % name, kd, "stencil-windows",
           LIST + "-stencil-cut-1.svg", 2)
    cases += 1

# 7. a position's name silenced after «Номер 3.» (the Russian MP3)
kd = copy("name-silenced", LIST)
mp3 = os.path.join(kd, "audio", LIST + "-ru", LIST + "-ru.mp3")
times = transcript_times(kd, LIST, "ru")
sent = sentences(LIST, "ru", 3)
i3 = [i for i, (_, s) in enumerate(times) if s == sent[0]][0]
reencode(mp3, silence(times[i3 + 1][0] - 0.02, times[i3 + 2][0] - 0.02))
expect("a name silenced after «Номер 3.»", kd, "audio-content", LIST + "-ru.mp3", 3,
       quick=False)
cases += 1

# 8. a per-position MP3 replaced by silence of the same length
kd = copy("position-silence", LIST)
p = pos_file(kd, LIST, "kk", 3)
reencode(p, lambda a, rate: a.fill(0))
expect("a per-position MP3 replaced by silence", kd, "positions", os.path.basename(p), 3)
cases += 1

# 9. the leaflet BRF text edited
kd = copy("leaflet-brf", LIST)
p = os.path.join(kd, "leaflets", "02-party-auyl-kk.brf")
text = open(p, encoding="ascii").read().split("\n")
# a letter of the text (not the page number line) changed: A (a) -> B (b)
k = next(i for i, l in enumerate(text) if i > 2 and "A" in l)
text[k] = text[k].replace("A", "B", 1)
open(p, "w", encoding="ascii").write("\n".join(text))
expect("the leaflet BRF edited", kd, "leaflet", "02-party-auyl-kk.brf", 2)
cases += 1

# 10. two parties' leaflet PDFs swapped
kd = copy("leaflet-swap", LIST)
a = os.path.join(kd, "leaflets", "02-party-auyl-ru-large-print.pdf")
b = os.path.join(kd, "leaflets", "05-party-baitaq-ru-large-print.pdf")
os.rename(a, a + ".x")
os.rename(b, a)
os.rename(a + ".x", b)
expect("two parties' leaflet PDFs swapped", kd, "leaflet",
       "02-party-auyl-ru-large-print.pdf", 2)
cases += 1

# 11. the Kazakh and Russian MP3s swapped
kd = copy("languages", LIST)
a = os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.mp3")
b = os.path.join(kd, "audio", LIST + "-ru", LIST + "-ru.mp3")
os.rename(a, a + ".x")
os.rename(b, a)
os.rename(a + ".x", b)
expect("the Kazakh and Russian MP3s swapped", kd, "audio", LIST + "-kk.mp3", 1)
cases += 1

# 12. one BRF cell changed in the braille list
kd = copy("brf-cell", LIST)
p = os.path.join(kd, "braille", LIST + "-ru.brf")
text = open(p, encoding="ascii").read().split("\n")
k = next(i for i, l in enumerate(text) if l.startswith("#C"))  # the line of number 3
text[k] = text[k][:4] + ("B" if text[k][4] != "B" else "C") + text[k][5:]
open(p, "w", encoding="ascii").write("\n".join(text))
expect("one cell of the braille list changed", kd, "braille-list", LIST + "-ru.brf", 3)
cases += 1

# 13. an ID3 chapter dropped
import mutagen.id3 as id3  # noqa: E402
kd = copy("chapter-dropped", LIST)
p = os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.mp3")
tag = id3.ID3(p)
toc = tag.getall("CTOC")[0]
toc.child_element_ids = toc.child_element_ids[:-1]
tag.save(p, v2_version=3)
expect("an ID3 chapter dropped", kd, "audio", LIST + "-kk.mp3", None)
cases += 1

# 14. a whole chapter silenced
kd = copy("chapter-silenced", LIST)
p = os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.mp3")
chap = [f for f in id3.ID3(p).getall("CHAP") if f.element_id == "chp4"][0]
reencode(p, silence(chap.start_time / 1000 + 0.05, chap.end_time / 1000))
expect("a whole chapter silenced", kd, "audio-content", LIST + "-kk.mp3", 4, quick=False)
cases += 1

# 15. two transcript lines swapped
kd = copy("transcript", LIST)
p = os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.txt")
lines = open(p, encoding="utf-8").read().split("\n")
n2 = sentences(LIST, "kk", 2)[1]
n3 = sentences(LIST, "kk", 3)[1]
i2 = [i for i, l in enumerate(lines) if l.endswith("] " + n2)][0]
i3 = [i for i, l in enumerate(lines) if l.endswith("] " + n3)][0]
lines[i2], lines[i3] = (lines[i2][:15] + lines[i3][15:], lines[i3][:15] + lines[i2][15:])
open(p, "w", encoding="utf-8").write("\n".join(lines))
expect("two transcript lines swapped", kd, "transcript", LIST + "-kk.txt", 2)
cases += 1

# 16. an MP3 deleted with its manifest lines
kd = copy("deleted", LIST)
rel = "audio/%s-kk/%s-kk.mp3" % (LIST, LIST)
os.remove(os.path.join(kd, rel))
reseal(kd, drop={rel})
rc, rep = verify(kd)
hits = [p for p in rep.get("problems", []) if p["check"] == "missing" and p["file"].endswith(rel)]
t.ok(rc == 65 and hits, "an MP3 deleted together with its manifest lines: missing names it",
     json.dumps(rep.get("problems", rep), ensure_ascii=False)[:2000])
cases += 1

# 17. the kit's own script rewritten (with the transcript to match)
kd = copy("script", SINGLE)
p = os.path.join(kd, "script", SINGLE + "-ru.json")
s = bk.load(p)
s["positions"][1]["text"] = s["positions"][1]["text"].replace("Ахметова", "Ахметовa")
with open(p, "w", encoding="utf-8") as fh:
    json.dump(s, fh, ensure_ascii=False, indent=2)
expect("the kit's own script rewritten", kd, "definition", SINGLE + "-ru.json", 2)
cases += 1

# 18. two numbers swapped in the braille list PEF
kd = copy("pef", LIST)
p = os.path.join(kd, "braille", LIST + "-ru.pef")
text = open(p, encoding="utf-8").read()
text = text.replace("<row>⠼⠃", "<row>@@").replace("<row>⠼⠉", "<row>⠼⠃").replace("<row>@@", "<row>⠼⠉")
open(p, "w", encoding="utf-8").write(text)
expect("two numbers swapped in the braille list PEF", kd, "braille-list", LIST + "-ru.pef", 2)
cases += 1

# 19. two braille numbers swapped on the swell-paper stencil
kd = copy("swell-stencil", LIST)
p = os.path.join(kd, "stencil", LIST + "-stencil-swell.pdf")
tamper.swap_stencil_numbers(p, p + ".new", 2, 3)
os.replace(p + ".new", p)
expect("two braille numbers swapped on the swell stencil", kd, "stencil",
       LIST + "-stencil-swell.pdf", 2)
cases += 1

# 19b. the same on the A4 stencil, whose numbers alternate between two
# columns (the windows stand closer than a braille line): 2 stands in the
# second column, 3 in the first
kd = copy("swell-stencil-a4", SINGLE)
p = os.path.join(kd, "stencil", SINGLE + "-stencil-swell.pdf")
tamper.swap_stencil_numbers(p, p + ".new", 2, 3)
os.replace(p + ".new", p)
expect("two braille numbers of the two columns swapped on the A4 swell stencil", kd, "stencil",
       SINGLE + "-stencil-swell.pdf", 2)
cases += 1

# 20. two playlist entries swapped
kd = copy("playlist", LIST)
p = os.path.join(kd, "audio", LIST + "-kk", "positions", "playlist.m3u8")
lines = open(p, encoding="utf-8").read().split("\n")
i2 = [i for i, l in enumerate(lines) if l.startswith("02-")][0]
i3 = [i for i, l in enumerate(lines) if l.startswith("03-")][0]
lines[i2 - 1:i2 + 1], lines[i3 - 1:i3 + 1] = lines[i3 - 1:i3 + 1], lines[i2 - 1:i2 + 1]
open(p, "w", encoding="utf-8").write("\n".join(lines))
expect("two playlist entries swapped", kd, "playlist", "playlist.m3u8", 2)
cases += 1

# 21. a DAISY heading changed
kd = copy("ncc", LIST)
p = os.path.join(kd, "audio", LIST + "-ru", "ncc.html")
text = open(p, encoding="utf-8").read()
text = text.replace("3. Партия «Respublica»", "3. Партия «Republica»", 1)
open(p, "w", encoding="utf-8").write(text)
expect("a DAISY heading changed", kd, "daisy", "ncc.html", 3)
cases += 1

# 22. a caption changed
kd = copy("captions", LIST)
p = os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.vtt")
n4 = sentences(LIST, "kk", 4)[1]
text = open(p, encoding="utf-8").read()
t.ok(n4 in text, "(the caption is there to change)")
open(p, "w", encoding="utf-8").write(text.replace(n4, n4[:-1] + "!", 1))
expect("a caption changed", kd, "captions", LIST + "-kk.vtt", 4)
cases += 1

# 23. a row of the review page changed
kd = copy("review", LIST)
p = os.path.join(kd, "audio", LIST + "-ru", LIST + "-ru-review.html")
n5 = sentences(LIST, "ru", 5)[1]
text = open(p, encoding="utf-8").read()
esc = n5.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
t.ok(esc in text, "(the row is there to change)")
open(p, "w", encoding="utf-8").write(text.replace(esc, esc.replace("Байтак", "Байтаг"), 1))
expect("a row of the review page changed", kd, "review", LIST + "-ru-review.html", 5)
cases += 1

# 24. the braille lists' swell PDFs of the two languages swapped
kd = copy("list-swell", LIST)
a = os.path.join(kd, "braille", LIST + "-kk-swell.pdf")
b = os.path.join(kd, "braille", LIST + "-ru-swell.pdf")
os.rename(a, a + ".x")
os.rename(b, a)
os.rename(a + ".x", b)
expect("the two languages' braille swell PDFs swapped", kd, "braille-list",
       LIST + "-kk-swell.pdf", None)
cases += 1

# 25. a window of the print PDF's CutContour moved 2 mm
kd = copy("cut-moved", LIST)
p = os.path.join(kd, "stencil", LIST + "-stencil-print.pdf")
with pikepdf.open(p) as pdf:
    ins, cuts = tamper_pdf.separation_paths(pdf, 0, "CutContour")
    outline = max(cuts, key=lambda c: c[1][2] * c[1][3])
    windows = sorted([c for c in cuts if c is not outline and c[1][2] > 3],
                     key=lambda c: (round(c[1][1]), c[1][0]))
    tamper_pdf.save_page(pdf, 0, tamper_pdf.shift_subpath(ins, windows[2][0], 2, 0),
                         p + ".new")
os.replace(p + ".new", p)
expect("a CutContour window moved 2 mm", kd, "stencil-print",
       LIST + "-stencil-print.pdf", 3)
cases += 1

# 26. the clearance the manifest records changed
kd = copy("clearance", LIST)
m = bk.load(os.path.join(kd, "manifest.json"))
m["stencil"]["clearance"] = m["stencil"]["clearance"] + 0.5
with open(os.path.join(kd, "manifest.json"), "w", encoding="utf-8") as fh:
    json.dump(m, fh, ensure_ascii=False, indent=2)
expect("the manifest's window clearance changed", kd, "stencil-windows",
       LIST + "-stencil-cut-1.svg", 1)
cases += 1

# 27. two parties' leaflet PEFs swapped
kd = copy("leaflet-pef", LIST)
a = os.path.join(kd, "leaflets", "02-party-auyl-kk.pef")
b = os.path.join(kd, "leaflets", "05-party-baitaq-kk.pef")
os.rename(a, a + ".x")
os.rename(b, a)
os.rename(a + ".x", b)
expect("two parties' leaflet PEFs swapped", kd, "leaflet", "05-party-baitaq-kk.pef", 5)
cases += 1

# 28. an ID3 chapter title changed
kd = copy("chapter-title", SINGLE)
p = os.path.join(kd, "audio", SINGLE + "-kk", SINGLE + "-kk.mp3")
tag = id3.ID3(p)
chap = [f for f in tag.getall("CHAP") if f.element_id == "chp6"][0]
chap.sub_frames["TIT2"].text = ["6. " + chap.sub_frames["TIT2"].text[0][3:].replace("Қанат", "Канат")]
tag.save(p, v2_version=3)
expect("a chapter's title changed", kd, "audio", SINGLE + "-kk.mp3", 6)
cases += 1

# 29. a file that no output makes
kd = copy("extra", LIST)
open(os.path.join(kd, "stencil", "note.txt"), "w").write("x")
expect("a file no output makes, listed in the manifest", kd, "unexpected", "stencil/note.txt",
       None)
cases += 1

# 30. the name of a candidate sharing a surname: positions 8 and 9 of
# mazhilis-07 (Жұмабаев Дәурен Асқарұлы / Әділұлы) exchanged in the audio
kd = copy("same-surname", SINGLE)
mp3 = os.path.join(kd, "audio", SINGLE + "-kk", SINGLE + "-kk.mp3")
times = transcript_times(kd, SINGLE, "kk")
s8, s9 = sentences(SINGLE, "kk", 8)[1], sentences(SINGLE, "kk", 9)[1]
t.ok(s8.split()[0] == s9.split()[0], "(positions 8 and 9 share a surname: %s)" % s8.split()[0])
i8 = [i for i, (_, s) in enumerate(times) if s == s8][0]
i9 = [i for i, (_, s) in enumerate(times) if s == s9][0]


def swap_names(a, rate):
    x0, x1 = int((times[i8][0] - 0.02) * rate), int((times[i8 + 1][0] - 0.03) * rate)
    y0, y1 = int((times[i9][0] - 0.02) * rate), int((times[i9 + 1][0] - 0.03) * rate)
    n = min(x1 - x0, y1 - y0)
    tmp_ = a[x0:x0 + n].copy()
    a[x0:x0 + n] = a[y0:y0 + n]
    a[y0:y0 + n] = tmp_


reencode(mp3, swap_names)
expect("two names that share a surname exchanged in the audio", kd, "audio-content",
       SINGLE + "-kk.mp3", 8, quick=False)
cases += 1

# 31. one letter of a name changed in the audio: the name sentence of
# position 2 replaced by the voice saying it with «Әсел» as «Әшел»
kd = copy("one-letter", SINGLE)
mp3 = os.path.join(kd, "audio", SINGLE + "-kk", SINGLE + "-kk.mp3")
times = transcript_times(kd, SINGLE, "kk")
name2 = sentences(SINGLE, "kk", 2)[1]
t.ok("Әсел" in name2, "(position 2's name holds «Әсел»: %s)" % name2)
wav = os.path.join(tmp, "changed.wav")
bk.run("speak", "--lang", "kk", name2.replace("Әсел", "Әшел"), "-o", wav, check_rc=0)
i2 = [i for i, (_, s) in enumerate(times) if s == name2][0]


def splice(a, rate):
    import numpy as np
    import soundfile as sf
    c, _ = sf.read(wav, dtype="int16")
    nz = np.nonzero(np.abs(c) >= 64)[0]
    c = c[max(nz[0] - int(0.005 * rate), 0):nz[-1] + int(0.02 * rate)].astype(float)
    at = int(times[i2][0] * rate)
    end = int((times[i2 + 1][0] - 0.05) * rate)
    seg = a[at:at + len(c)].astype(float)
    gain = np.sqrt((seg ** 2).mean() / max((c ** 2).mean(), 1e-9))
    a[at:end] = 0
    n = min(len(c), len(a) - at)
    a[at:at + n] = np.clip(c[:n] * gain, -32768, 32767).astype("int16")


reencode(mp3, splice)
expect("one letter of a name changed in the audio («Әсел» said as «Әшел»)", kd,
       "audio-content", SINGLE + "-kk.mp3", 2, quick=False)
cases += 1

# 32. the Kazakh and Russian WAVs swapped
kd = copy("wav", LIST)
a = os.path.join(kd, "audio", LIST + "-kk", LIST + "-kk.wav")
b = os.path.join(kd, "audio", LIST + "-ru", LIST + "-ru.wav")
os.rename(a, a + ".x")
os.rename(b, a)
os.rename(a + ".x", b)
expect("the Kazakh and Russian WAVs swapped", kd, "audio-format", LIST + "-kk.wav", None)
cases += 1

# 33. the README names another ballot's title
kd = copy("readme", LIST)
p = os.path.join(kd, "README.txt")
title = script(LIST, "ru")["title"]
text = open(p, encoding="utf-8").read()
t.ok(title in text, "(the README holds the Russian title)")
open(p, "w", encoding="utf-8").write(text.replace(title, script(SINGLE, "ru")["title"]))
expect("the README names another ballot's title", kd, "readme", "README.txt", None)
cases += 1

# 34. an output removed from the manifest's outputs, its files deleted and
# every checksum rewritten: the definition still calls for it
kd = copy("output-dropped", LIST)
m = bk.load(os.path.join(kd, "manifest.json"))
m["outputs"] = [o for o in m["outputs"] if o != "audio-daisy"]
with open(os.path.join(kd, "manifest.json"), "w", encoding="utf-8") as fh:
    json.dump(m, fh, ensure_ascii=False, indent=2)
for lang in ("kk", "ru"):
    folder = os.path.join(kd, "audio", "%s-%s" % (LIST, lang))
    for f in os.listdir(folder):
        if f == "ncc.html" or f.endswith(".smil"):
            os.remove(os.path.join(folder, f))
expect("an output dropped from the manifest with its files", kd, "outputs",
       "manifest.json", None)
cases += 1

t.ok(cases >= 20, "the corpus holds %d kinds of change (at least 20)" % cases)

# ---- a kit built with fewer outputs than the definition's ----
part = os.path.join(tmp, "partial")
r = bk.run("build", bk.EXAMPLE, "-o", part, "--ballot", SINGLE, "--formats", "braille",
           "--cache", os.path.join(tmp, "cache"))
t.eq(r.returncode, 0, "a kit of the braille outputs only is built")
r = bk.run("verify", os.path.join(part, "kits", SINGLE), "--definition", bk.EXAMPLE)
t.ok(r.returncode == 65 and b"verify --partial accepts" in r.stderr,
     "verify --definition refuses it: the definition calls for more", r.stderr[-800:])
r = bk.run("verify", os.path.join(part, "kits", SINGLE), "--definition", bk.EXAMPLE,
           "--partial", "--json")
rep = json.loads(r.stdout or b"{}")
t.ok(r.returncode == 0 and [c for c in rep.get("checks", []) if c["check"] == "outputs" and
                            c["outcome"] == "not run" and "audio-mp3" in c.get("note", "")],
     "... and --partial accepts it, recording the outputs it lacks as not run",
     (r.stdout + r.stderr)[-800:])

# ---- build never ships what verify rejects ----
# A copy of the templates whose Kazakh back-translation table reads the
# digit 2 (⠼⠃) as 3 (an edit gone wrong): no name holds a digit, so the
# definition is admitted, and the braille is written as before; but what
# build's self-check reads back of the list no longer says "2. …". The
# kit is not put in place and build exits 65 naming the kit, the file and
# the position.
tpl = os.path.join(tmp, "templates")
shutil.copytree(os.path.join(bk.ROOT, "templates"), tpl)
shutil.copytree(os.path.join(bk.ROOT, "fonts"), os.path.join(tmp, "fonts"))
back = os.path.join(tpl, "braille", "kk-back.utb")
text = open(back, encoding="utf-8").read()
t.ok("\ninclude ru-litbrl.ctb\n" in text, "(the Kazakh back-translation includes ru-litbrl.ctb)")
open(back, "w", encoding="utf-8").write(
    text.replace("\ninclude ru-litbrl.ctb\n", "\nlitdigit 3 12\ninclude ru-litbrl.ctb\n", 1))
out = os.path.join(tmp, "self-check")
r = bk.run("build", bk.EXAMPLE, "-o", out, "--ballot", SINGLE, "--templates", tpl,
           "--cache", os.path.join(tmp, "cache"))
err = r.stderr.decode(errors="replace")
t.eq(r.returncode, 65, "a kit that fails the self-check: build exits 65")
t.ok(re.search(r"%s/braille/%s-kk\.(brf|pef): error: .* at position \d+" % (SINGLE, SINGLE), err),
     "... naming the kit, the braille file and the position", err[-2000:])
kits = os.path.join(out, "kits")
t.ok(not os.path.exists(os.path.join(kits, SINGLE)) and
     not [n for n in os.listdir(kits) if n.startswith(".bk-tmp")],
     "... and the kit is not put in place, nor left half-made",
     os.listdir(kits) if os.path.isdir(kits) else "")
shutil.rmtree(tmp)
t.done()
