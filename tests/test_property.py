"""Validate, build and verify agree, on definitions nobody wrote by hand.

    test_property.py [COUNT [SEED]]      (default 30 definitions, seed 1)

A generator makes small election definitions at random (one ballot, a few
options, one or two languages), each with a set of features: names of random
lengths, every Kazakh letter, Latin and Cyrillic mixed, names typed in NFD,
candidates with the same name, withdrawn candidates, Russian spellings left
to be derived, leaflets, every stencil template, speech settings; and, in
some definitions, exactly one hostile text (a bidi control, a zero-width
character, U+FEFF or U+0085 inside a name, an emoji, a private-use code
point or a noncharacter, CJK or Arabic letters, Uzbek «ў», a name over the
length cap). For every definition:

    validate exit 0  =>  build exit 0  =>  verify --definition exit 0
    validate exit != 0  =>  build exits != 0 and writes nothing

Every broken definition of tests/broken/ is held to the second rule too.
The test then checks the generator itself: every feature occurred, every
definition with a hostile text was rejected and every one without was
accepted, so a generator that produces only easy cases fails. `meson test`
runs 30 with a fixed seed; the suite property-full runs 200.
"""
import json
import os
import random
import shutil
import sys
import tempfile
import unicodedata

import bk

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 30
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
t = bk.Tap()
tmp = tempfile.mkdtemp(prefix="bk-property-")
rng = random.Random(SEED)

KK = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
KK_ONLY = "әғқңөұүһі"
RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
LATIN = "abcdefghijklmnopqrstuvwxyz"
HOSTILE = {
    "bidi": "\u202e", "zero-width": "\u200b", "bom-inside": "\ufeff",
    "nel": "\u0085", "emoji": "\U0001F600", "private-use": "\ue000",
    "noncharacter": "\ufdd0", "cjk": "\u4e2d\u6587", "arabic": "\u0639\u0631\u0628",
    "uzbek-u": "ў", "too-long": None,
}
TEMPLATES = {  # id: (kinds, capacity)
    "a5-party-list": ({"party-list"}, 8),
    "a5-single-mandate": ({"single-mandate"}, 17),
    "a4-single-mandate": ({"party-list", "single-mandate"}, 31),
    "a4-two-columns": ({"party-list", "single-mandate"}, 62),
    "a4-two-columns-continued": ({"party-list", "single-mandate"}, 248),
}


def word(alphabet, lo=2, hi=12):
    w = "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))
    return w[0].upper() + w[1:]


def name(alphabet, words=None):
    return " ".join(word(alphabet) for _ in range(words or rng.randint(1, 3)))


def gen(i):
    f = set()
    langs = rng.choice([["kk", "ru"], ["kk", "ru"], ["kk"], ["ru"]])
    f.add("languages-" + "-".join(langs))

    def text(kk, ru=None):
        return {lang: (kk if lang == "kk" else (ru or kk_to_ru(kk))) for lang in langs}

    kind = rng.choice(["party-list", "single-mandate"])
    f.add(kind)
    fits = [k for k, (kinds, cap) in TEMPLATES.items() if kind in kinds]
    tpl = fits[i % len(fits)] if i < 10 else rng.choice(fits)
    f.add("template-" + tpl)
    cap = TEMPLATES[tpl][1]
    n = rng.randint(1, min(cap - 1, 6))
    d = {
        "format": "ballotkit/1",
        "election": {"id": "gen-%d" % i, "date": "2024-03-10",
                     "name": text("Сайлау " + word(KK), "Выборы " + word(RU)),
                     "languages": langs},
        "districts": [{"id": "d1", "kind": "nationwide" if kind == "party-list" else "mazhilis",
                       "name": text(name(KK, 2) + " округі", name(RU, 2) + " округ")}],
        "polling_stations": [{"id": "ps-1", "number": 1, "districts": ["d1"],
                              "kits": rng.randint(1, 3)}],
        "parties": [], "candidates": [],
        "ballots": [{"id": "b-%d" % i, "body": "mazhilis", "kind": kind, "district": "d1",
                     "options": [], "paper": {"template": tpl}}],
    }
    if kind == "single-mandate":
        d["districts"][0]["number"] = rng.randint(1, 40)
        if langs == ["ru"] and tpl.startswith("a4-two-columns"):
            # the Russian braille title «Мажилис, одномандатный округ № N»
            # does not fit the 54 mm these templates leave left of the
            # numbers (validate refuses it: stencil-layout): a shorter one
            d["ballots"][0]["short_name"] = {"ru": "Мажилис"}
            f.add("short-title")
    if rng.random() < 0.3:
        d["ballots"][0]["against_all"] = False
        f.add("no-against-all")
    # every Kazakh letter, across the corpus: one name carries the next ones
    letters = KK_ONLY[(i * 3) % len(KK_ONLY):] + KK_ONLY[:(i * 3) % len(KK_ONLY)]
    if kind == "party-list":
        for k in range(n):
            nm = name(KK, rng.randint(1, 4)) + " партиясы"
            if k == 0:
                nm = letters[:3] + nm.lower()
                nm = nm[0].upper() + nm[1:]
                f.add("kazakh-letters")
            p = {"id": "p%d" % k, "name": text(nm, "Партия " + name(RU))}
            if rng.random() < 0.3:
                latin = name(LATIN, rng.randint(1, 3))
                p["name"] = text("«%s» партиясы" % latin, "Партия «%s»" % latin)
                if rng.random() < 0.5:
                    p["pronunciation"] = text("«%s» партиясы" % word(KK), "Партия «%s»" % word(RU))
                    f.add("latin-with-pronunciation")
                else:
                    f.add("latin-without-pronunciation")
            if rng.random() < 0.3:
                p["leaflet"] = text("\n".join(name(KK, 8) + "." for _ in range(rng.randint(1, 3))),
                                    "\n".join(name(RU, 8) + "." for _ in range(rng.randint(1, 3))))
                f.add("leaflet")
            d["parties"].append(p)
            d["ballots"][0]["options"].append(p["id"])
    else:
        d["parties"].append({"id": "p0", "name": text("Ел партиясы", "Партия Ел")})
        if rng.random() < 0.4:
            # a nominator in Latin letters: its name ends the list line
            # before a Cyrillic mark such as «кандидат выбыл»
            latin = word(LATIN, 3, 8).upper()
            d["parties"][0] = {"id": "p0", "name": text("«%s» партиясы" % latin,
                                                        "Партия «%s»" % latin),
                               "short_name": text(latin, latin),
                               "pronunciation": text("«%s» партиясы" % word(KK),
                                                     "Партия «%s»" % word(RU))}
            f.add("latin-nominator")
        base = None
        for k in range(n):
            sur, giv = word(KK, 3, 14), word(KK, 3, 10)
            if k == 0:
                sur = sur[0] + letters[:4] + sur[1:].lower()
                f.add("kazakh-letters")
            c = {"id": "c%d" % k, "surname": {"kk": sur}, "given_name": {"kk": giv},
                 "birth_year": rng.randint(1950, 2000)}
            if rng.random() < 0.5:
                c["patronymic"] = {"kk": word(KK, 4, 10) + "ұлы"}
            if "ru" in langs and rng.random() < 0.5:
                for key in ("surname", "given_name", "patronymic"):
                    if key in c:
                        c[key]["ru"] = kk_to_ru(c[key]["kk"])
                f.add("russian-given")
            elif "ru" in langs:
                f.add("russian-derived")
            if rng.random() < 0.5:
                c["party"] = "p0"
            else:
                c["self_nominated"] = True
            if rng.random() < 0.2:
                c["status"] = "withdrawn"
                f.add("withdrawn")
            if k == 1 and rng.random() < 0.3:
                # the same name as the candidate before (another birth year)
                for key in ("surname", "given_name", "patronymic"):
                    if key in base:
                        c[key] = dict(base[key])
                    else:
                        c.pop(key, None)
                c["birth_year"] = base["birth_year"] + 1
                f.add("same-name")
            if rng.random() < 0.2:
                # й and ё decompose: typed in NFD
                c["surname"]["kk"] = unicodedata.normalize(
                    "NFD", c["surname"]["kk"][:2] + "йё" + c["surname"]["kk"][2:])
                if "ru" in c["surname"]:
                    c["surname"]["ru"] = kk_to_ru(c["surname"]["kk"])
                f.add("nfd")
            if rng.random() < 0.15:
                c["surname"] = {"kk": word(LATIN, 3, 10)}
                f.add("latin-candidate")
            base = base or c
            d["candidates"].append(c)
            d["ballots"][0]["options"].append(c["id"])
    if rng.random() < 0.3:
        d["production"] = {"speech": {"rate": rng.choice([110, 125, 160, 200])}}
        f.add("speech-rate")
    if i % 3 == 2:
        hostile(d, f, langs)
    return d, f


def kk_to_ru(s):
    table = dict(zip("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ"))
    return "".join(table.get(ch, ch) for ch in s)


def hostile(d, f, langs):
    kind = rng.choice(sorted(HOSTILE))
    f.add("hostile-" + kind)
    if d["candidates"]:
        target = d["candidates"][-1]["surname"]
    else:
        target = d["parties"][-1]["name"]
    lang = rng.choice(sorted(target))
    if kind == "too-long":
        target[lang] = " ".join(word(KK if lang == "kk" else RU, 8, 12) for _ in range(60))
    else:
        s = target[lang]
        at = rng.randint(1, max(1, len(s) - 1))
        target[lang] = s[:at] + HOSTILE[kind] + s[at:]


def run_one(label, path, must_reject=None):
    """The property for one definition file; returns whether validate
    accepted it."""
    v = bk.run("validate", path)
    out = os.path.join(tmp, label + "-kits")
    b = bk.run("build", path, "-o", out, "--jobs", "1", "--cache", os.path.join(tmp, "cache"))
    if v.returncode == 0:
        ok = b.returncode == 0
        msg = b.stderr.decode(errors="replace")[-1500:]
        if ok:
            r = bk.run("verify", out, "--definition", path)
            ok = r.returncode == 0
            msg = (r.stdout + r.stderr).decode(errors="replace")[-1500:]
        t.ok(ok, "%s: validate accepts it, build exits 0 and verify passes" % label, msg)
    else:
        t.ok(b.returncode != 0 and not os.path.exists(out),
             "%s: validate refuses it (%d), build exits %d and writes nothing" % (
                 label, v.returncode, b.returncode),
             b.stderr.decode(errors="replace")[-800:])
    shutil.rmtree(out, ignore_errors=True)
    return v.returncode == 0


# ---- the broken corpus ----
for fn in sorted(os.listdir(bk.BROKEN)):
    if fn.endswith(".json"):
        v = bk.run("validate", os.path.join(bk.BROKEN, fn))
        if v.returncode != 0:
            out = os.path.join(tmp, "broken")
            b = bk.run("build", os.path.join(bk.BROKEN, fn), "-o", out)
            t.ok(b.returncode != 0 and not os.path.exists(out),
                 "broken/%s: refused by validate, build writes nothing" % fn)
            shutil.rmtree(out, ignore_errors=True)

# ---- generated definitions ----
seen = {}
for i in range(COUNT):
    d, feats = gen(i)
    path = os.path.join(tmp, "gen-%03d.json" % i)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(d, fh, ensure_ascii=False, indent=1)
    accepted = run_one("gen-%03d [%s]" % (i, ",".join(sorted(feats))), path)
    hostile_here = any(x.startswith("hostile-") for x in feats)
    t.ok(accepted != hostile_here, "gen-%03d: %s" % (
        i, "a hostile text is refused" if hostile_here else "a fair definition is accepted"),
        path)
    for x in feats:
        a, r = seen.get(x, (0, 0))
        seen[x] = (a + accepted, r + (not accepted))

print("# feature: accepted, rejected")
for x in sorted(seen):
    print("#   %-32s %3d %3d" % (x, seen[x][0], seen[x][1]))
want = ["party-list", "single-mandate", "kazakh-letters", "leaflet", "withdrawn", "nfd",
        "latin-nominator",
        "same-name", "russian-derived", "latin-with-pronunciation",
        "latin-without-pronunciation"] + ["template-" + k for k in TEMPLATES]
if COUNT >= 200:
    want += ["hostile-" + k for k in HOSTILE] + ["latin-candidate", "speech-rate",
                                                  "no-against-all"]
for x in want:
    t.ok(seen.get(x, (0, 0))[0] + seen.get(x, (0, 0))[1] >= 1,
         "the generator made a definition with %s" % x, seen.get(x))
acc = sum(1 for x in seen if x.startswith("hostile-") for _ in [0] if seen[x][0])
t.ok(not acc, "no definition with a hostile text was accepted",
     {x: seen[x] for x in seen if x.startswith("hostile-")})
hostile_n = sum(seen[x][1] for x in seen if x.startswith("hostile-"))
t.ok(hostile_n >= COUNT // 4, "at least a quarter of the definitions were hostile (%d)" % hostile_n)
shutil.rmtree(tmp)
t.done()
