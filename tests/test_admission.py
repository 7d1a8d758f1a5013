"""Admission: what validate accepts builds, and what it refuses build
refuses too, before writing anything (docs/validation-rules.md).

- A definition typed in NFD is read as NFC: it validates, its kits hold the
  composed letters, verify accepts them, and its ballots have the digests
  of the same definition typed in NFC.
- A refused definition makes build exit 65 with a located message and
  write nothing, not even its output folder.
- A missing resource of the installation (fonts, a braille table of the
  templates, eSpeak NG's data, a voice) exits 78 naming its path, in
  validate and in build.
- A problem of a derived Russian spelling is reported at the Kazakh value
  it came from, with the derived text.
- Length caps hold exactly at their figures.
- The voices' repertoires (templates/speech/*.json "speakable") hold every
  letter of their alphabet, and eSpeak NG reads each of their characters
  without switching to English or spelling it out, while the characters
  the corpus refuses are outside them."""
import copy
import json
import os
import shutil
import subprocess
import tempfile
import unicodedata

import bk

t = bk.Tap()
BASE = os.path.join(bk.BROKEN, "base.json")
base = bk.load(BASE)
tmp = tempfile.mkdtemp(prefix="bk-admission-")


def write(name, doc):
    p = os.path.join(tmp, name)
    with open(p, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
    return p


def located(err, path):
    """True when err has a 'file:line:col: error:' line at path."""
    for line in err.splitlines():
        head = line.split(": error: ", 1)[0]
        parts = head.rsplit(":", 2)
        if (len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit()
                and line.endswith(" at " + path)):
            return True
    return False


# ---- NFD in, NFC out -----------------------------------------------------

def nfd_doc(form):
    d = copy.deepcopy(base)
    # letters with a canonical decomposition: й = и + U+0306, ё = е + U+0308
    d["candidates"][1]["given_name"] = {
        "kk": unicodedata.normalize(form, "Айгерім"),
        "ru": unicodedata.normalize(form, "Алёна")}
    d["parties"][2]["name"]["ru"] = unicodedata.normalize(
        form, "Народно-демократическая патриотическая партия «Ауыл» Йошкар")
    return d


nfd = write("nfd.json", nfd_doc("NFD"))
nfc = write("nfc.json", nfd_doc("NFC"))
t.ok(unicodedata.normalize("NFD", "Алёна") != "Алёна", "the NFD test text differs from NFC")
rc, out = bk.validate_json(nfd)
t.eq((rc, out["errors"], out["warnings"]), (0, 0, 0), "an NFD definition validates without a problem")
kn, kc = os.path.join(tmp, "kits-nfd"), os.path.join(tmp, "kits-nfc")
r = bk.run("build", nfd, "-o", kn, "--formats", "stencil,braille", "--jobs", "2")
t.ok(r.returncode == 0, "the NFD definition builds", r.stderr.decode())
r = bk.run("build", nfc, "-o", kc, "--formats", "stencil,braille", "--jobs", "2")
t.ok(r.returncode == 0, "the NFC definition builds", r.stderr.decode())
def kit(out, ballot):
    """A kit's folder: out/kits/BALLOT, or out/BALLOT where build writes
    kits at the top of its folder."""
    k = os.path.join(out, "kits", ballot)
    return k if os.path.isdir(k) else os.path.join(out, ballot)


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        return str(e)


text = read(os.path.join(kit(kn, "mazhilis-1-single"), "script", "mazhilis-1-single-ru.json"))
t.ok("Алёна" in text and unicodedata.normalize("NFD", "Алёна") not in text,
     "the kit's script holds the name in NFC", text[:500])
t.eq(unicodedata.normalize("NFC", text), text, "the kit's script is all NFC")
text = read(os.path.join(kit(kn, "mazhilis-party-list"), "script", "mazhilis-party-list-ru.json"))
t.ok("Йошкар" in text and unicodedata.normalize("NFD", "Йошкар") not in text,
     "the party-list script holds the party name in NFC")
r = bk.run("verify", kn, "--definition", nfd, "--partial")
t.ok(r.returncode == 0, "verify accepts the kits of the NFD definition",
     (r.stdout + r.stderr).decode())
def ballot_digest(out, ballot):
    try:
        with open(os.path.join(kit(out, ballot), "manifest.json"), encoding="utf-8") as f:
            return json.load(f)["election"]["ballot_sha256"]
    except (OSError, ValueError, KeyError):
        return None


for ballot in ("mazhilis-party-list", "mazhilis-1-single"):
    a, b = ballot_digest(kn, ballot), ballot_digest(kc, ballot)
    t.ok(a and a == b, ballot + ": NFD and NFC definitions give the ballot the same digest",
         "%s %s" % (a, b))

# ---- a refused definition: build writes nothing --------------------------

for name, path in (("74-bidi-control", "$.parties[2].name.kk"),
                   ("82-emoji-in-party-name", "$.parties[2].name.ru"),
                   ("88-overrides-overlap-windows", "$.ballots[1].paper.overrides"),
                   ("89-derived-spelling-problem", "$.candidates[1].surname.kk"),
                   ("90-braille-read-back-braces", "$.parties[1].short_name.kk")):
    f = os.path.join(bk.BROKEN, name + ".json")
    out = os.path.join(tmp, "refused-" + name)
    r = bk.run("build", f, "-o", out)
    err = r.stderr.decode()
    t.eq(r.returncode, 65, name + ": build exits 65")
    t.ok(located(err, path), name + ": build's message is located at " + path, err)
    t.ok(not os.path.exists(out), name + ": build wrote nothing (no output folder)")
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    r = bk.run("build", f, "-o", out)
    t.ok(r.returncode == 65 and os.listdir(out) == [],
         name + ": build leaves an existing output folder empty")

# ---- derived spellings are reported where they come from ----------------

rc, out = bk.validate_json(os.path.join(bk.BROKEN, "89-derived-spelling-problem.json"))
msgs = [d["message"] for d in out["diagnostics"]
        if d["severity"] == "error" and d["path"] == "$.candidates[1].surname.kk"]
derived = [m for m in msgs if 'Russian spelling "Ахмеўтова" derived' in m]
t.ok(len(derived) == 2, "both problems of the derived Russian spelling name it", msgs)
t.ok(any("ru-litbrl.ctb" in m and "U+045E" in m for m in derived),
     "the derived spelling's braille problem names the Russian table and the code point")
t.ok(not [d for d in out["diagnostics"] if d["path"].startswith("$.candidates[1].surname.ru")],
     "nothing is reported at the Russian value the file does not have")

# ---- messages name the character, the field and the table ---------------

rc, out = bk.validate_json(os.path.join(bk.BROKEN, "85-uzbek-short-u.json"))
m = [d["message"] for d in out["diagnostics"] if d["kind"] == "unbrailleable"]
t.ok(m and "ў" in m[0] and "U+045E" in m[0] and "kk.utb" in m[0],
     "an unbrailleable character is named with its code point and the table", m)
rc, out = bk.validate_json(os.path.join(bk.BROKEN, "74-bidi-control.json"))
t.ok(any("U+202E" in d["message"] for d in out["diagnostics"]),
     "a bidirectional control is named by its code point")

# ---- length caps, exactly ------------------------------------------------

d = copy.deepcopy(base)
d["candidates"][0]["patronymic"]["kk"] = ("Сәкенұлы " * 30)[:199] + "а"
assert len(d["candidates"][0]["patronymic"]["kk"]) == 200
d["parties"][1]["name"]["kk"] = ("Ақ жол " * 80)[:499] + "а"
assert len(d["parties"][1]["name"]["kk"]) == 500
rc, out = bk.validate_json(write("caps.json", d))
t.eq([x["kind"] for x in out["diagnostics"] if x["kind"] == "too-long"], [],
     "a 200-character name part and a 500-character party name are accepted")
d["candidates"][0]["patronymic"]["kk"] += "ә"
d["parties"][1]["name"]["kk"] += "а"
rc, out = bk.validate_json(write("caps2.json", d))
t.eq(sorted(x["path"] for x in out["diagnostics"] if x["kind"] == "too-long"),
     ["$.candidates[0].patronymic.kk", "$.parties[1].name.kk"],
     "one character more is refused at each")

# ---- missing resources: 78, naming the path ------------------------------


def copy_templates(with_fonts=True):
    d = tempfile.mkdtemp(dir=tmp)
    shutil.copytree(os.path.join(bk.ROOT, "templates"), os.path.join(d, "templates"))
    if with_fonts:
        shutil.copytree(os.path.join(bk.ROOT, "fonts"), os.path.join(d, "fonts"))
    return d, os.path.join(d, "templates")


def refused_78(what, needle, tdir=None, env=None):
    args = ["--templates", tdir] if tdir else []
    r = bk.run("validate", BASE, *args, env=env)
    err = r.stderr.decode()
    t.ok(r.returncode == 78 and needle in err and "[unavailable]" in err,
         what + ": validate exits 78 naming " + needle, "rc %d\n%s" % (r.returncode, err))
    out = os.path.join(tmp, "out-78-%d" % t.n)
    r = bk.run("build", BASE, "-o", out, *args, env=env)
    err = r.stderr.decode()
    t.ok(r.returncode == 78 and needle in err and not os.path.exists(out),
         what + ": build exits 78, names it and writes nothing",
         "rc %d\n%s" % (r.returncode, err))


root, tdir = copy_templates(with_fonts=False)
refused_78("a templates folder copied without its fonts",
           os.path.join(root, "fonts", "fonts.conf"), tdir)

root, tdir = copy_templates()
empty = os.path.join(root, "no-fonts-here")
os.mkdir(empty)
conf = os.path.join(root, "fonts", "fonts.conf")
with open(conf, encoding="utf-8") as f:
    text = f.read()
with open(conf, "w", encoding="utf-8") as f:
    f.write(text.replace("<dir>/usr/share/fonts/truetype/dejavu</dir>", "<dir>%s</dir>" % empty))
refused_78("a font configuration whose folder has no font", empty, tdir)

root, tdir = copy_templates()
os.remove(os.path.join(tdir, "braille", "kk-back.utb"))
refused_78("a braille table of the templates that is missing", "kk-back.utb", tdir)

root, tdir = copy_templates()
sp = os.path.join(tdir, "speech", "kk.json")
with open(sp, encoding="utf-8") as f:
    doc = json.load(f)
doc["voice"] = "no-such-voice"
with open(sp, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=2)
refused_78("a voice eSpeak NG does not have", '"no-such-voice"', tdir)

no_data = os.path.join(tmp, "empty-espeak-data")
os.mkdir(no_data)
refused_78("eSpeak NG without its data", no_data, env={"ESPEAK_DATA_PATH": no_data})

# ---- the voices' repertoires against eSpeak NG ---------------------------


def phonemes(voice, text):
    r = subprocess.run(["espeak-ng", "-v", voice, "-q", "-x", text],
                       capture_output=True, check=True)
    return r.stdout.decode().strip()


with open(os.path.join(bk.ROOT, "templates", "language", "kk.json"), encoding="utf-8") as f:
    lang = json.load(f)
kk_letters = lang["alphabet"].split()
ru_letters = [c for c in kk_letters if c not in lang["to_russian"]]
for code, letters in (("kk", kk_letters), ("ru", ru_letters)):
    with open(os.path.join(bk.ROOT, "templates", "speech", code + ".json"), encoding="utf-8") as f:
        sp = json.load(f)
    chars = sp["speakable"]["characters"]
    voice = sp["voice"]
    replaced = {a for a, _ in sp["replacements"]}
    want = set(letters) | {c.upper() for c in letters} | set("0123456789")
    t.eq(sorted(want - set(chars)), [], code + ": every letter of the alphabet and every digit is speakable")
    t.eq(sorted(c for c in chars if ord(c) < 128 and c.isalpha()), [],
         code + ": no Latin letter is listed (they are warned about, not refused)")
    wrong = []
    without = phonemes(voice, "атата")
    for c in chars:
        if c.isalpha():
            # a letter between consonant and vowel changes what is said
            p = phonemes(voice, "ат" + c + "ата")
            if "(en)" in p or "l'et@" in p or p == without:
                wrong.append((c, p))
        elif c.isdigit():
            p = phonemes(voice, "ата " + c + " ата")
            if "(en)" in p:
                wrong.append((c, p))
        elif c not in replaced:
            # a mark between two words adds no word of its own
            p = phonemes(voice, "ата" + c + "ата")
            if "(en)" in p or len(p.split()) > 2:
                wrong.append((c, p))
    t.eq(wrong, [], code + ": eSpeak NG reads every speakable character: letters "
         "change what is said, digits are read in the voice's language, marks "
         "add no word (no English, nothing spelled out)")
    for c in ("🌾", "中", "ب", "ў", "é", "%", "&", "+", "/", "§", "°", "\u0301", "{", "<"):
        t.ok(c not in chars, "%s: %r (U+%04X) is not speakable" % (code, c, ord(c)))

shutil.rmtree(tmp)
t.done()
