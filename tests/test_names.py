"""Candidates a voter can tell apart (issue 14, item 5).

Definitions made here from the example: two candidates of one ballot with
the same full name, born in different years, are reported by validate
(a same-name warning at the second one's option, naming both positions),
and every output carries the birth years of those two and of no one else:
the ballot script, the braille list (BRF and PEF decoded by this test's own
readers), the large print (pdftotext) and the audio's transcript; the kit
verifies. The same name and the same birth year: an error. Candidate
details are printed, brailled and spoken after the name. Two parties whose
names differ only in case: an error. The expected lines are put together
here from the definition and the wording templates, not taken from the
program."""
import copy
import json
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import jsonschema

import bk
from oracle import braille_text

t = bk.Tap()
TPL = os.path.join(bk.ROOT, "templates")
PRINT = {l: bk.load(os.path.join(TPL, "print", l + ".json")) for l in ("kk", "ru")}
SPEECH = {l: bk.load(os.path.join(TPL, "speech", l + ".json")) for l in ("kk", "ru")}
LANGS = ("kk", "ru")
EX = bk.load_example()
tmp = tempfile.mkdtemp(prefix="bk-names-")

# ---- readers (the dots of BANA's Braille ASCII, written here by hand) ----
ASCII_DOTS = {" ": "", "!": "2346", '"': "5", "#": "3456", "$": "1246", "%": "146",
              "&": "12346", "'": "3", "(": "12356", ")": "23456", "*": "16", "+": "346",
              ",": "6", "-": "36", ".": "46", "/": "34", "0": "356", "1": "2", "2": "23",
              "3": "25", "4": "256", "5": "26", "6": "235", "7": "2356", "8": "236",
              "9": "35", ":": "156", ";": "56", "<": "126", "=": "123456", ">": "345",
              "?": "1456", "@": "4", "A": "1", "B": "12", "C": "14", "D": "145", "E": "15",
              "F": "124", "G": "1245", "H": "125", "I": "24", "J": "245", "K": "13",
              "L": "123", "M": "134", "N": "1345", "O": "135", "P": "1234", "Q": "12345",
              "R": "1235", "S": "234", "T": "2345", "U": "136", "V": "1236", "W": "2456",
              "X": "1346", "Y": "13456", "Z": "1356", "[": "246", "\\": "1256", "]": "12456",
              "^": "45", "_": "456"}


def brf_pages(data):
    cell = lambda ch: chr(0x2800 + sum(1 << (int(d) - 1) for d in ASCII_DOTS[ch]))
    pages = data.decode("ascii").split("\f")
    if pages and pages[-1] == "":
        pages.pop()
    return [["".join(cell(c) for c in line) for line in p.split("\r\n")] for p in pages]


def pef_pages(data):
    ns = {"p": "http://www.daisy.org/ns/2008/pef"}
    root = ET.fromstring(data)
    return [[(row.text or "") for row in page.findall("p:row", ns)]
            for page in root.findall("p:body/p:volume/p:section/p:page", ns)]


def paragraphs(pages):
    """The lines under each page's number line, joined into paragraphs (a
    line with the two-cell hanging indent continues the one before)."""
    paras, cur = [], None
    for page in pages:
        for line in page[1:]:
            line = line.rstrip("⠀")
            if line.startswith("⠀⠀") and cur is not None:
                body = line[2:]
                cur = cur[:-1] + body if cur.endswith("⠤") else cur + "⠀" + body
                paras[-1] = cur
            elif line == "":
                cur = None
            else:
                cur = line
                paras.append(cur)
    return paras


def braille_read(pages, lang):
    return [braille_text.read(p, lang) for p in paragraphs(pages)]


def pdf_words(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return words(out)


def words(s):
    # pdftotext joins a word broken after its hyphen and drops the hyphen
    return re.sub(r"\s+", " ", s.replace("-", "")).strip()


# ---- the definition and the wording, as this test reads them ----

def write(doc, name):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, ensure_ascii=False, indent=1))
    return path


def locate(path, needle, after):
    """Line and column (code points, from 1) of needle's first occurrence
    after the text after."""
    text = open(path, encoding="utf-8").read()
    i = text.index(needle, text.index(after))
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def cands(doc):
    return {c["id"]: c for c in doc["candidates"]}


def full_name(c, lang):
    parts = [c[f][lang] for f in ("surname", "given_name", "patronymic") if f in c]
    return " ".join(parts)


def fill(text, **kw):
    for k, v in kw.items():
        text = text.replace("{%s}" % k, str(v))
    return re.sub(r" +", " ", text).strip()


def list_line(doc, number, cid, lang, year_shown):
    """A candidate's line in the braille and large-print list, from the
    definition and templates/print/<lang>.json."""
    c = cands(doc)[cid]
    w = PRINT[lang]
    name = full_name(c, lang)
    if year_shown:
        name = fill(w["name_with_birth_year"], name=name,
                    birth_year=fill(w["birth_year"], year=c["birth_year"]))
    if "details" in c:
        name = fill(w["name_with_details"], name=name, details=c["details"][lang])
    if "party" in c:
        p = {p["id"]: p for p in doc["parties"]}[c["party"]]
        nom = fill(w["nominated_by"], party=p.get("short_name", p["name"])[lang])
    else:
        nom = w["self_nominated"]
    key = "list_withdrawn" if c.get("status") == "withdrawn" else "list_candidate"
    return fill(w[key], number=number, name=name, nominator=nom, withdrawn=w["withdrawn"])


def year_said(lang, year):
    return fill(SPEECH[lang]["birth_year"], year=year) + "."


def scripts(path, *args):
    r = bk.run("script", "--json", path, *args)
    return r.returncode, (json.loads(r.stdout) if r.returncode == 0 else [])


def diagnostics(path):
    rc, out = bk.validate_json(path)
    return rc, [d for d in out["diagnostics"] if d["severity"] != "note"]


# ---- 1. two candidates of one name, born in different years; details ----
# Positions 6 and 7 of mazhilis-03 (c-104 and c-103): c-103 takes c-104's
# name and party, and keeps its birth year (1968; c-104 was born in 1990).
SAME = copy.deepcopy(EX)
C = cands(SAME)
for f in ("surname", "given_name", "patronymic"):
    C["c-103"][f] = copy.deepcopy(C["c-104"][f])
C["c-103"]["party"] = C["c-104"]["party"]
TWINS = {6: "c-104", 7: "c-103"}
YEARS = {6: 1990, 7: 1968}
# the same with details: a standing candidate, a withdrawn one and one of
# the two
DETAILS = copy.deepcopy(SAME)
CD = cands(DETAILS)
CD["c-101"]["details"] = {"kk": "Мұғалім, Аягөз қаласы", "ru": "Учитель, город Аягоз"}
CD["c-115"]["details"] = {"kk": "Зейнеткер, Семей қаласы", "ru": "Пенсионер, город Семей"}
CD["c-104"]["details"] = {"kk": "Дәрігер, Абай облысы", "ru": "Врач, Абайская область"}
DETAILED = {1: "c-101", 6: "c-104", 12: "c-115"}
YEAR_MARK = {l: fill(PRINT[l]["birth_year"], year="").strip() for l in LANGS}   # ж.т., г.р.
SAID_MARK = {l: fill(SPEECH[l]["birth_year"], year="").strip() for l in LANGS}  # Туған жылы:


def check_outputs(doc, name, detailed):
    """validate, the scripts, the braille list, the large print, a kit,
    its transcript and verify, for a definition with TWINS and detailed
    ({number: candidate id} of mazhilis-03 with details)."""
    C = cands(doc)
    path = write(doc, name)
    special = sorted(set(TWINS) | set(detailed))

    rc, diags = diagnostics(path)
    line, col = locate(path, '"c-103"', '"id": "mazhilis-03"')
    t.eq(rc, 0, name + ": valid")
    t.eq([(d["severity"], d["kind"], d["path"], d["line"], d["column"]) for d in diags],
         [("warning", "same-name", "$.ballots[1].options[6]", line, col)],
         name + ": one same-name warning, at the second one's option in the ballot")
    t.ok(diags and "6 and 7" in diags[0]["message"] and "c-104" in diags[0]["message"]
         and "c-103" in diags[0]["message"], name + ": the warning names both positions and candidates",
         diags and diags[0]["message"])
    t.eq([e.message for e in jsonschema.Draft202012Validator(bk.load(bk.SCHEMA)).iter_errors(doc)], [],
         name + ": the JSON Schema accepts it")

    # the scripts: the birth years of those two, in every language, and
    # no one else's on any ballot
    rc, ss = scripts(path)
    t.eq(rc, 0, name + ": script --json")
    years = {(s["ballot"], s["language"], p["number"]): p.get("birth_year")
             for s in ss for p in s["positions"] if p.get("birth_year") is not None}
    t.eq(years, {("mazhilis-03", l, n): y for l in LANGS for n, y in YEARS.items()},
         name + ": the scripts show the birth years of positions 6 and 7 of mazhilis-03 only")
    got = {(s["ballot"], s["language"], p["number"]): p.get("details")
           for s in ss for p in s["positions"] if p.get("details")}
    t.eq(got, {("mazhilis-03", l, n): C[c]["details"][l] for l in LANGS for n, c in detailed.items()},
         name + ": the scripts hold the details of the candidates that have them")
    for s in ss:
        lang = s["language"]
        tag = "%s %s/%s" % (name, s["ballot"], lang)
        segs = [x for x in s["segments"] if x["kind"] == "position"]
        for p, seg in zip(s["positions"], segs):
            n = p["number"]
            here = s["ballot"] == "mazhilis-03"
            shown = YEAR_MARK[lang] in p["list"] or re.search(r"\b(19|20)\d\d\b", p["list"])
            said = any(SAID_MARK[lang] in x for x in seg["sentences"])
            if not (here and n in TWINS):
                if shown or said:
                    t.ok(False, "%s position %d: no birth year" % (tag, n), p["list"] + "\n" + seg["text"])
            if not (here and n in special):
                continue
            cid = TWINS.get(n) or detailed[n]
            t.eq(p["list"], list_line(doc, n, cid, lang, n in TWINS),
                 "%s position %d: the list line has the name%s%s" % (
                     tag, n, ", the birth year" if n in TWINS else "",
                     ", the details" if n in detailed else ""))
            said_name = C[cid].get("pronunciation", {}).get(lang, full_name(C[cid], lang))
            want = ["%s %d." % ("Нөмір" if lang == "kk" else "Номер", n), said_name + "."]
            if n in TWINS:
                want.append(year_said(lang, YEARS[n]))
            if n in detailed:
                want.append(C[cid]["details"][lang] + ".")
            t.eq(seg["sentences"][:len(want)], want,
                 "%s position %d: spoken: number, name%s%s, each a sentence" % (
                     tag, n, ", birth year" if n in TWINS else "", ", details" if n in detailed else ""))
    m03 = {(s["language"]): s for s in ss if s["ballot"] == "mazhilis-03"}
    if not t.ok(set(m03) == set(LANGS), name + ": scripts of mazhilis-03"):
        return

    def check_braille(pages, s, tag):
        lang = s["language"]
        got = []
        try:
            got = braille_read(pages, lang)
        except ValueError as e:
            t.ok(False, tag + ": every cell reads", e)
        want = [braille_text.normalise(x)
                for x in [s["title"], s["district"]] + [p["list"] for p in s["positions"]]]
        t.eq(got, want, tag + ": reads back as the script's lines")
        # independently of the script
        for n in special:
            line = braille_text.normalise(list_line(doc, n, TWINS.get(n) or detailed[n], lang, n in TWINS))
            t.ok(line in got, "%s: position %d reads «%s»" % (tag, n, line), got)
        mark = braille_text.normalise(YEAR_MARK[lang])
        t.eq(sorted(g.split(".")[0] for g in got if mark in g), ["6", "7"],
             tag + ": the birth year mark is on positions 6 and 7 only")

    def check_large(text, s, tag):
        lang = s["language"]
        t.eq(text, words(" ".join([s["title"], s["district"]] + [p["list"] for p in s["positions"]])),
             tag + ": pdftotext gives the script's lines")
        for n in special:
            t.ok(words(list_line(doc, n, TWINS.get(n) or detailed[n], lang, n in TWINS)) in text,
                 "%s: position %d as the definition and the wording say" % (tag, n), text)
        t.eq(text.count(YEAR_MARK[lang]), 2, tag + ": the birth year mark twice")

    for lang in LANGS:
        s = m03[lang]
        for fmt, reader in (("brf", brf_pages), ("pef", pef_pages)):
            r = bk.run("list", path, "--ballot", "mazhilis-03", "--lang", lang, "--format", fmt,
                       "--cells", "30", "--lines", "20", check_rc=0)
            check_braille(reader(r.stdout), s, "%s braille list mazhilis-03/%s %s" % (name, lang, fmt))
        pdf = os.path.join(tmp, "%s-large-%s.pdf" % (name, lang))
        bk.run("list", path, "--ballot", "mazhilis-03", "--lang", lang, "--format", "large-print-pdf",
               "-o", pdf, check_rc=0)
        check_large(pdf_words(pdf), s, "%s large print mazhilis-03/%s" % (name, lang))

    # a kit: the files build writes, the transcript, and verify
    kit = copy.deepcopy(doc)
    kit["ballots"] = [b for b in kit["ballots"] if b["id"] == "mazhilis-03"]
    kit.setdefault("production", {})["outputs"] = [
        "braille-list-brf", "braille-list-pef", "large-print-pdf", "audio-mp3", "audio-transcript"]
    kit_def = write(kit, name + "-kit")
    out = os.path.join(tmp, name + "-out")
    r = bk.run("build", kit_def, "-o", out)
    if not t.ok(r.returncode == 0, name + ": build of the kit", r.stderr.decode(errors="replace")):
        return
    kdir = os.path.join(out, "kits", "mazhilis-03")
    for lang in LANGS:
        s = m03[lang]
        tag = "%s kit mazhilis-03/%s" % (name, lang)
        for fmt, reader in (("brf", brf_pages), ("pef", pef_pages)):
            with open(os.path.join(kdir, "braille", "mazhilis-03-%s.%s" % (lang, fmt)), "rb") as f:
                check_braille(reader(f.read()), s, "%s %s" % (tag, fmt))
        check_large(pdf_words(os.path.join(kdir, "large-print", "mazhilis-03-%s-large-print.pdf" % lang)),
                    s, tag + " large print")
        tr = open(os.path.join(kdir, "audio", "mazhilis-03-" + lang, "mazhilis-03-%s.txt" % lang),
                  encoding="utf-8").read()
        said = re.findall(r"^\[\d\d:\d\d:\d\d\.\d\d\d\] (.*)$", tr, re.M)
        t.eq(said, [x for seg in s["segments"] for x in seg["sentences"]],
             tag + ": the transcript has every sentence of the script")
        at = [i for i, x in enumerate(said) if x.startswith(SAID_MARK[lang])]
        t.eq([said[i] for i in at], [year_said(lang, YEARS[6]), year_said(lang, YEARS[7])],
             tag + ": the transcript says two birth years, 1990 then 1968")
        twin_name = full_name(C["c-104"], lang) + "."
        t.ok(len(at) == 2 and all(said[i - 1] == twin_name for i in at),
             tag + ": each right after the name", [said[i - 1] for i in at])
        for n, cid in detailed.items():
            t.ok(C[cid]["details"][lang] + "." in said,
                 "%s: the transcript says the details of position %d" % (tag, n))
    r = bk.run("verify", out, "--definition", kit_def)
    t.ok(r.returncode == 0, name + ": verify --definition passes on the kit",
         (r.stdout + r.stderr).decode(errors="replace")[-3000:])
    return m03


m03 = check_outputs(SAME, "same-name", {}) or {}
m03d = check_outputs(DETAILS, "details", DETAILED) or {}
# the wording, as docs/ballot-format.md gives it
t.eq(m03.get("kk", {}).get("positions", [{}] * 7)[6].get("list"),
     "7. Қасым Айгүл Маратқызы, 1968 ж.т., Ұсынған: Respublica", "Kazakh: «1968 ж.т.» after the name")
t.eq(m03d.get("ru", {}).get("positions", [{}] * 7)[5].get("list"),
     "6. Касым Айгул Мараткызы, 1990 г.р., Врач, Абайская область, Выдвижение: Respublica",
     "Russian: «1990 г.р.», then the details, after the name")
t.ok("Год рождения: 1990." in m03.get("ru", {}).get("segments", [{}] * 9)[3 + 5].get("sentences", [])
     and "Туған жылы: 1968." in m03.get("kk", {}).get("segments", [{}] * 10)[3 + 6].get("sentences", []),
     "spoken: «Туған жылы: 1968.», «Год рождения: 1990.» (digits, read by the voice)")

# ---- 2. the same name and the same birth year: an error ------------------
IDENT = copy.deepcopy(SAME)
for c in IDENT["candidates"]:
    if c["id"] in ("c-103", "c-104"):
        c["birth_year"] = 1990
ident = write(IDENT, "same-name-same-year")
rc, diags = diagnostics(ident)
line, col = locate(ident, '"c-103"', '"id": "mazhilis-03"')
t.eq(rc, 65, "same name and birth year: invalid")
t.eq([(d["severity"], d["kind"], d["path"], d["line"], d["column"]) for d in diags],
     [("error", "indistinguishable", "$.ballots[1].options[6]", line, col)],
     "an indistinguishable error at the second one's option, and nothing else")
t.ok(diags and "6 and 7" in diags[0]["message"] and "details" in diags[0]["message"],
     "it names both positions and says what to give", diags and diags[0]["message"])
r = bk.run("build", ident, "-o", os.path.join(tmp, "out-ident"))
t.ok(r.returncode == 65 and not os.path.exists(os.path.join(tmp, "out-ident", "kits")),
     "build refuses it and writes no kit")

# details that differ tell them apart; so does the nominator
told = copy.deepcopy(IDENT)
cands(told)["c-104"]["details"] = {"kk": "Дәрігер", "ru": "Врач"}
cands(told)["c-103"]["details"] = {"kk": "Мұғалім", "ru": "Учитель"}
rc, diags = diagnostics(write(told, "told-by-details"))
t.eq((rc, [d["kind"] for d in diags]), (0, ["same-name"]),
     "same name and year, different details: valid, the same-name warning")
rc, ss = scripts(os.path.join(tmp, "told-by-details.json"), "--ballot", "mazhilis-03", "--lang", "ru")
t.ok(rc == 0 and [p["list"] for p in ss[0]["positions"][5:7]] ==
     [list_line(told, 6, "c-104", "ru", True), list_line(told, 7, "c-103", "ru", True)],
     "... and both lines show the year and the details", ss and [p["list"] for p in ss[0]["positions"][5:7]])
other = copy.deepcopy(IDENT)
cands(other)["c-103"]["party"] = "auyl"
rc, diags = diagnostics(write(other, "told-by-party"))
t.eq((rc, [d["kind"] for d in diags]), (0, ["same-name"]),
     "same name and year, different nominators: valid, the same-name warning")

# ---- 3. what "read the same" takes in -----------------------------------


def variant(name, change):
    doc = copy.deepcopy(EX)
    change(cands(doc))
    path = write(doc, name)
    rc, diags = diagnostics(path)
    rc2, ss = scripts(path, "--ballot", "mazhilis-03")
    shown = sorted({p["number"] for s in ss for p in s["positions"] if p.get("birth_year")})
    return rc, diags, shown


def copy_name(c, src="c-104", dst="c-103"):
    for f in ("surname", "given_name", "patronymic"):
        c[dst][f] = copy.deepcopy(c[src][f])


def upper(c):
    copy_name(c)
    c["c-103"]["surname"] = {l: v.upper() for l, v in c["c-103"]["surname"].items()}


rc, diags, shown = variant("case", upper)
t.eq((rc, [(d["kind"], d["path"]) for d in diags], shown),
     (0, [("same-name", "$.ballots[1].options[6]")], [6, 7]),
     "names that differ only in case read the same: warned, years shown")


def hyphen(c):
    copy_name(c)
    c["c-104"]["surname"] = {"kk": "Қасым-Ұлы", "ru": "Касым-Улы"}
    c["c-103"]["surname"] = {"kk": "Қасым Ұлы", "ru": "Касым Улы"}


rc, diags, shown = variant("hyphen", hyphen)
t.eq(([(d["kind"], d["path"]) for d in diags if d["kind"] == "same-name"], shown),
     ([("same-name", "$.ballots[1].options[6]")], [6, 7]),
     "names that differ only in a hyphen or a blank read the same")


def spoken(c):
    c["c-103"]["pronunciation"] = {"kk": "Қасым Айгүл Маратқызы", "ru": "Касым Айгул Мараткызы"}


rc, diags, shown = variant("pronunciation", spoken)
t.eq((rc, [(d["kind"], d["path"]) for d in diags], shown),
     (0, [("same-name", "$.ballots[1].options[6]")], [6, 7]),
     "a pronunciation that says another option's name: warned, years shown")
t.ok(diags and "voice" in diags[0]["message"], "... as the voice says them", diags and diags[0]["message"])


def derived(c):
    # Kazakh spellings differ in Kazakh letters only, the Russian ones
    # are derived: the same in Russian
    c["c-103"]["surname"] = {"kk": "Қасым"}
    c["c-103"]["given_name"] = {"kk": "Айгүл"}
    c["c-103"]["patronymic"] = {"kk": "Маратқызы"}
    c["c-104"]["surname"] = {"kk": "Касым"}
    c["c-104"]["given_name"] = {"kk": "Айгул"}
    c["c-104"]["patronymic"] = {"kk": "Мараткызы"}


rc, diags, shown = variant("derived", derived)
t.ok(rc == 0 and shown == [6, 7] and any(d["kind"] == "same-name" and "Russian" in d["message"]
                                         for d in diags),
     "different in Kazakh, the same in the derived Russian: warned for Russian, years shown",
     [d["message"] for d in diags])


def near(c):
    copy_name(c)
    c["c-103"]["given_name"] = {"kk": "Айгүлім", "ru": "Айгулим"}


rc, diags, shown = variant("near-miss", near)
t.eq((rc, [d["kind"] for d in diags], shown), (0, [], []),
     "names one letter apart: no warning, no birth years")

# ---- 4. parties ----------------------------------------------------------
doc = copy.deepcopy(EX)
P = {p["id"]: p for p in doc["parties"]}
P["zhsdp"]["name"]["ru"] = P["qhp"]["name"]["ru"].upper()
path = write(doc, "party-case")
rc, diags = diagnostics(path)
line, col = locate(path, json.dumps(P["zhsdp"]["name"]["ru"], ensure_ascii=False), '"id": "zhsdp"')
t.eq((rc, [(d["severity"], d["kind"], d["path"], d["line"], d["column"]) for d in diags]),
     (65, [("error", "duplicate-name", "$.parties[6].name.ru", line, col)]),
     "two party names that differ only in case: an error at the later one")
t.ok(diags and "qhp" in diags[0]["message"], "it names the other party", diags and diags[0]["message"])
P["zhsdp"]["name"]["ru"] = "Народная партия Казахстан"
rc, diags = diagnostics(write(doc, "party-near"))
t.eq((rc, diags), (0, []), "party names one letter apart: valid")
doc = copy.deepcopy(EX)
P = {p["id"]: p for p in doc["parties"]}
P["zhsdp"]["name"]["kk"] = "«Қазақстан» халық партиясы"
rc, diags = diagnostics(write(doc, "party-quotes"))
t.eq((rc, [(d["kind"], d["path"]) for d in diags]), (65, [("duplicate-name", "$.parties[6].name.kk")]),
     "two party names that differ only in quotes: an error")

t.done()
