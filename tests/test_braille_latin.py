"""Latin-script names in braille, end to end: one rule for the cells and
the read-back (docs/braille.md, "Latin-script text").

A copy of the example gets parties with Latin names of two and three words
(one with a number between Latin words, one inside «» before a Kazakh
word) and a candidate with a hyphenated Latin name. It validates, builds
(braille) and verifies, with the default tables and with the Russian table
with capital signs; its braille lists hold the cells written here by hand
and read, by this file's own reader of the rule, as the script's lines.
`ballotkit braille` reads «Jana Qazaqstan» back as itself. Then a few
hundred generated texts (Latin, Kazakh and Russian words, numbers, hyphens,
commas, quotes, seeded) go through `ballotkit braille`: the library's
read-back and this file's reader agree on every one, and both read the
text itself unless the text is one the rule cannot tell apart (a Cyrillic
word made only of cells Latin letters also have, inside a Latin passage).

The reader below is written from the rule and the braille alphabets
(../shared/reference/braille.md), not from liblouis or the project's
tables."""
import json
import os
import random
import shlex
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import bk

t = bk.Tap()
tmp = tempfile.mkdtemp(prefix="bk-latin-")

# ---- the rule, read from the cells ----------------------------------------
RU = dict(zip("⠁⠃⠺⠛⠙⠑⠡⠚⠵⠊⠯⠅⠇⠍⠝⠕⠏⠗⠎⠞⠥⠋⠓⠉⠟⠱⠭⠷⠮⠾⠪⠳⠫",
              "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"))
KK = dict(zip("⠜⠻⠹⠩⠣⠬⠌⠧⠽", "әғқңөұүһі"))
LATIN = dict(zip("⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵⠜⠪⠳",
                 "abcdefghijklmnopqrstuvwxyzäöü"))
DIGITS = dict(zip("⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚", "1234567890"))
PUNCT = {"⠀": " ", "⠤": "-", "⠦": "«", "⠴": "»", "⠂": ",", "⠆": ";", "⠄": "'",
         "⠲": ".", "⠒": ":"}


def read(cells, lang):
    """Cells -> lower-case text, by the rule: ⠨/⠠ open a Latin passage; in
    an open passage each word (after a blank, hyphen, quote, apostrophe,
    comma or semicolon) is Cyrillic if it holds a cell no Latin letter
    has, which closes the passage, and Latin otherwise; ⠼ starts a number,
    ⠐ after it a Cyrillic letter (closing the passage)."""
    cyr = dict(RU, **(KK if lang == "kk" else {}))
    cyr_only = set(cyr) - set(LATIN)
    out, latin, passage, number = [], False, False, False
    for i, c in enumerate(cells):
        nxt = cells[i + 1] if i + 1 < len(cells) else ""
        prev = cells[i - 1] if i else "⠀"
        if c in "⠨⠠" and nxt in LATIN:
            latin = passage = True
            number = False
        elif c == "⠼":
            number = True
        elif number and c in DIGITS:
            out.append(DIGITS[c])
        elif number and c == "⠂" and nxt in DIGITS:
            out.append(",")
        elif c == "⠐" and number:
            number = latin = passage = False
        elif c == "⠠" and number:
            pass  # before punctuation after a number
        elif c in cyr or c in LATIN:
            number = False
            if passage and prev in PUNCT:
                j = i
                while j < len(cells) and cells[j] in LATIN:
                    j += 1
                latin = not (j < len(cells) and cells[j] in cyr_only)
                passage = latin
            out.append(LATIN[c] if latin else cyr[c])
        elif c in PUNCT:
            number = False
            out.append(PUNCT[c])
        else:
            raise ValueError("cell %s at %d in %s" % (c, i, cells))
    return "".join(out)


def letters(s):
    """What verify compares: letters and digits, case aside."""
    return "".join(ch for ch in s.lower() if ch.isalnum())


def shared_word_in_passage(text, lang):
    """True when the text holds a Cyrillic word inside an open Latin passage
    whose letters all have cells that Latin letters also have: the cells
    are those of a Latin word, and the rule reads them so."""
    latin_cells = set(LATIN)
    cyr_cell = {v: k for k, v in dict(RU, **(KK if lang == "kk" else {})).items()}
    lat_letters = set(LATIN.values())
    passage = False
    word = ""
    for ch in text.lower() + " ":
        if ch.isalpha():
            word += ch
            continue
        if word:
            if all(c in lat_letters for c in word):
                passage = True
            elif passage:
                if all(cyr_cell[c] in latin_cells for c in word):
                    return True
                passage = False
            word = ""
    return False


# ---- a definition with Latin names ------------------------------------------
d = bk.load_example()
d["parties"] += [
    {"id": "jana-qazaqstan", "name": {"kk": "Jana Qazaqstan", "ru": "Jana Qazaqstan"},
     "short_name": {"kk": "Jana Qazaqstan", "ru": "Jana Qazaqstan"},
     "pronunciation": {"kk": "Жана Казахстан", "ru": "Жана Казахстан"}},
    {"id": "ak-jol-bereke",
     "name": {"kk": "«Ak Jol Bereke» партиясы", "ru": "Партия «Ak Jol Bereke»"},
     "short_name": {"kk": "Ak Jol Bereke", "ru": "Ak Jol Bereke"},
     "pronunciation": {"kk": "«Ак Жол Береке» партиясы", "ru": "Партия «Ак Жол Береке»"}},
    {"id": "qazaqstan-2050", "name": {"kk": "Qazaqstan 2050 Jana Jol",
                                      "ru": "Qazaqstan 2050 Jana Jol"},
     "short_name": {"kk": "Qazaqstan 2050", "ru": "Qazaqstan 2050"},
     "pronunciation": {"kk": "Казахстан 2050 Жана Жол", "ru": "Казахстан 2050 Жана Жол"}},
]
d["candidates"].append({"id": "c-399", "surname": {"kk": "Smith-Jones", "ru": "Smith-Jones"},
                        "given_name": {"kk": "Anna", "ru": "Anna"},
                        "pronunciation": {"kk": "Смит-Джоунс Анна", "ru": "Смит-Джоунс Анна"},
                        "birth_year": 1980, "self_nominated": True})
for b in d["ballots"]:
    if b["id"] == "maslikhat-abai-list":
        b["options"] = [o if o != "qhp" else "qazaqstan-2050" for o in b["options"]]
        b["options"] += ["jana-qazaqstan", "ak-jol-bereke"]
        # two more positions than its ballot PDF has boxes: the template's
        b["paper"].pop("source", None)
    if b["id"] == "maslikhat-ayagoz-05":
        b["options"].append("c-399")

# The names' cells, by hand: ⠨ before the passage's first (capital) letter,
# none again until a Cyrillic letter; Latin letters from the Latin braille
# alphabet, Cyrillic from the Russian and Kazakh ones.
NAME_CELLS = {
    ("maslikhat-abai-list", "kk"): {
        "Jana Qazaqstan": "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝",
        "«Ak Jol Bereke» партиясы": "⠦⠨⠁⠅⠀⠚⠕⠇⠀⠃⠑⠗⠑⠅⠑⠴⠀⠏⠁⠗⠞⠊⠫⠎⠮",
        "Qazaqstan 2050 Jana Jol": "⠨⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠼⠃⠚⠑⠚⠀⠚⠁⠝⠁⠀⠚⠕⠇",
    },
    ("maslikhat-abai-list", "ru"): {
        "Jana Qazaqstan": "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝",
        "Партия «Ak Jol Bereke»": "⠏⠁⠗⠞⠊⠫⠀⠦⠨⠁⠅⠀⠚⠕⠇⠀⠃⠑⠗⠑⠅⠑⠴",
        "Qazaqstan 2050 Jana Jol": "⠨⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠼⠃⠚⠑⠚⠀⠚⠁⠝⠁⠀⠚⠕⠇",
    },
    ("maslikhat-ayagoz-05", "kk"): {"Smith-Jones Anna": "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎⠀⠁⠝⠝⠁"},
    ("maslikhat-ayagoz-05", "ru"): {"Smith-Jones Anna": "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎⠀⠁⠝⠝⠁"},
}


def pef_paragraphs(path):
    """The rows of every page but its first (the page number), joined into
    paragraphs: a row indented by two blank cells continues the one before
    (after a braille hyphen ⠤ without a blank)."""
    ns = {"p": "http://www.daisy.org/ns/2008/pef"}
    paras = []
    for page in ET.parse(path).getroot().findall(".//p:page", ns):
        for row in [(r.text or "").rstrip("⠀") for r in page.findall("p:row", ns)][1:]:
            if row.startswith("⠀⠀") and paras and paras[-1] is not None:
                body = row[2:]
                paras[-1] = paras[-1][:-1] + body if paras[-1].endswith("⠤") else \
                    paras[-1] + "⠀" + body
            elif row == "":
                paras.append(None)
            else:
                paras.append(row)
    return [p for p in paras if p]


def write(defn, name):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(defn, f, ensure_ascii=False, indent=1)
    return path


def build_and_verify(path, tag):
    kits = os.path.join(tmp, tag + "-kits")
    r = bk.run("validate", path)
    t.eq(r.returncode, 0, tag + ": validate exits 0")
    r = bk.run("build", path, "-o", kits, "--formats", "braille")
    t.ok(r.returncode == 0, tag + ": build exits 0",
         r.stderr.decode(errors="replace")[-2000:])
    r = bk.run("verify", kits, "--definition", path, "--partial")
    t.ok(r.returncode == 0, tag + ": verify --definition exits 0",
         (r.stdout + r.stderr).decode(errors="replace")[-2000:])
    return kits


for tag, tables in (("default tables", None), ("ru-litbrl-detailed.utb", "ru-litbrl-detailed.utb")):
    dd = json.loads(json.dumps(d))
    if tables:
        dd["production"]["braille"]["tables"] = {"ru": tables}
    path = write(dd, tag.replace(" ", "-") + ".json")
    kits = build_and_verify(path, tag)
    scripts = json.loads(bk.run("script", "--json", path, check_rc=0).stdout)
    for (ballot, lang), names in NAME_CELLS.items():
        if tables and lang == "ru":
            continue  # capital signs: other cells, read by the same rule
        s = next(x for x in scripts if x["ballot"] == ballot and x["language"] == lang)
        pef = os.path.join(kits, "kits", ballot, "braille", "%s-%s.pef" % (ballot, lang))
        paras = pef_paragraphs(pef) if os.path.exists(pef) else []
        for pos in s["positions"]:
            name = pos["text"]
            if name not in names:
                continue
            mine = [p for p in paras if p.startswith("⠼" + "".join(
                "⠚⠁⠃⠉⠙⠑⠋⠛⠓⠊"[int(c)] for c in str(pos["number"])) + "⠲")]
            got = mine[0] if mine else ""
            t.ok(names[name] in got, "%s %s/%s: position %d holds the cells of \"%s\""
                 % (tag, ballot, lang, pos["number"], name),
                 "got:  %s\nwant: %s" % (got, names[name]))
            t.eq(read(got, lang), pos["list"].lower().replace(", ", ","),
                 "%s %s/%s: position %d reads back as \"%s\" by the rule"
                 % (tag, ballot, lang, pos["number"], pos["list"]))

# ---- the reviewer's helper ----------------------------------------------------
for lang in ("kk", "ru"):
    r = bk.run("braille", "--lang", lang, "Jana Qazaqstan", check_rc=0)
    out = r.stdout.decode().splitlines()
    t.eq(out[1].split(None, 1)[1] if len(out) > 1 else "", "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝",
         "ballotkit braille --lang %s \"Jana Qazaqstan\": the cells" % lang)
    t.eq(out[2].split(None, 1)[1].lower() if len(out) > 2 else "", "jana qazaqstan",
         "ballotkit braille --lang %s \"Jana Qazaqstan\" reads back \"jana qazaqstan\"" % lang)

# ---- generated texts ------------------------------------------------------------
LAT_WORDS = ["Jana", "Qazaqstan", "Ak", "Jol", "Bereke", "AMANAT", "Respublica", "Nur",
             "Otan", "Birlik", "Demokratiyalyq", "Anna", "Smith", "Jones", "O'Brien",
             "Baitaq", "Auyl", "Müller"]
CYR_WORDS = {
    "kk": ["партиясы", "Қазақстан", "халық", "мен", "ел", "жол", "бірлік", "Әлем", "Ақ",
           "демократиялық", "ұлттық", "өзін-өзі", "ұсынған", "мама", "нұр"],
    "ru": ["партия", "народная", "Казахстан", "мама", "дом", "путь", "единство", "новый",
           "демократическая", "самовыдвижение", "нур", "ак", "жол"],
}


def generate(rng, lang):
    words = []
    for _ in range(rng.randint(1, 6)):
        k = rng.random()
        if k < 0.5:
            words.append(rng.choice(LAT_WORDS))
        elif k < 0.85:
            words.append(rng.choice(CYR_WORDS[lang]))
        else:
            words.append(str(rng.choice([2, 17, 2050, 1])))
    text = words[0]
    for w in words[1:]:
        j = rng.random()
        # a comma right after a number and before a word is left out: the
        # Russian table's own read-back keeps the number going there
        sep = ", " if j < 0.15 and not text[-1].isdigit() else "-" if j < 0.25 else " "
        text += sep + w
    if rng.random() < 0.2:
        text = "«" + text + "»"
    return text


rng = random.Random(20230319)
counts = {"kk": [0, 0], "ru": [0, 0]}
for lang in ("kk", "ru"):
    texts = sorted({generate(rng, lang) for _ in range(300)})
    cmd = shlex.split(os.environ.get("BALLOTKIT_WRAPPER", "")) + [bk.exe(), "braille", "--lang", lang]
    p = subprocess.run(cmd, input="\n".join(texts).encode(), capture_output=True)
    t.eq(p.returncode, 0, "%s: %d generated texts translate" % (lang, len(texts)))
    blocks = [b.split("\n") for b in p.stdout.decode().strip("\n").split("\n\n")]
    t.eq(len(blocks), len(texts), "%s: one answer per text" % lang)
    agree, bad = 0, []
    for text, b in zip(texts, blocks):
        cells = b[1].split(None, 1)[1] if len(b) > 1 and len(b[1].split(None, 1)) > 1 else ""
        back = b[2].split(None, 1)[1] if len(b) > 2 and len(b[2].split(None, 1)) > 1 else ""
        mine = read(cells, lang)
        shared = shared_word_in_passage(text, lang)
        counts[lang][shared] += 1
        ok = letters(back) == letters(mine) and \
            (letters(back) != letters(text) if shared else letters(back) == letters(text))
        if ok:
            agree += 1
        else:
            bad.append("%s | %s | library: %s | rule: %s" % (text, cells, back, mine))
    t.ok(not bad, "%s: the library's read-back and this file's reader of the rule agree, and "
         "read the text unless it has a Cyrillic word of shared cells in a Latin passage "
         "(%d of %d)" % (lang, agree, len(texts)), "\n".join(bad[:20]))
    # the generator makes both kinds, plenty of each
    t.ok(counts[lang][0] >= 100 and counts[lang][1] >= 10,
         "%s: texts read as themselves: %d, with shared cells: %d" % (lang, *counts[lang]))

# ---- a Latin passage wrapped over two lines of a list ----------------------------
# a Latin name wrapped over two lines of the list: verify reads a
# position's lines as one run of cells, so the passage goes on across the
# line break as it was written (docs/braille.md)
dw = json.loads(json.dumps(d))
for p in dw["parties"]:
    if p["id"] == "jana-qazaqstan":
        p["name"] = {"kk": "Jana Qazaqstan Demokratiyalyq Birlik Partiyasy",
                     "ru": "Jana Qazaqstan Demokratiyalyq Birlik Partiyasy"}
path = write(dw, "wrapped.json")
kits = os.path.join(tmp, "wrapped-kits")
b = bk.run("build", path, "-o", kits, "--formats", "braille")
r = bk.run("verify", kits, "--definition", path, "--partial")
t.ok(b.returncode == 0 and r.returncode == 0,
     "a Latin name wrapped over two list lines builds and verifies",
     (b.stderr + r.stdout + r.stderr).decode(errors="replace")[-1500:])

shutil.rmtree(tmp, ignore_errors=True)
t.done()
