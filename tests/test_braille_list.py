"""The braille list of every ballot, in Kazakh and Russian, as BRF, PEF and
Unicode text: decoded by this test's own readers (BRF mapping and braille
letters written here by hand, PEF through an XML parser) and compared with
the ballot script's list lines, page numbers included."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import bk
from oracle import braille_text

t = bk.Tap()
# BANA's Braille ASCII, character by character with its dots.
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


def ascii_cell(ch):
    return chr(0x2800 + sum(1 << (int(d) - 1) for d in ASCII_DOTS[ch]))


def brf_pages(data):
    text = data.decode("ascii")
    pages = text.split("\f")
    if pages and pages[-1] == "":
        pages.pop()
    return [["".join(ascii_cell(c) for c in line) for line in p.split("\r\n")] for p in pages]


def pef_pages(data):
    ns = {"p": "http://www.daisy.org/ns/2008/pef", "dc": "http://purl.org/dc/elements/1.1/"}
    root = ET.fromstring(data)
    assert root.tag == "{http://www.daisy.org/ns/2008/pef}pef" and root.get("version") == "2008-1"
    meta = root.find("p:head/p:meta", ns)
    fmt = meta.find("dc:format", ns).text
    ident = meta.find("dc:identifier", ns).text
    vol = root.find("p:body/p:volume", ns)
    pages = [[(row.text or "") for row in page.findall("p:row", ns)]
             for page in root.findall("p:body/p:volume/p:section/p:page", ns)]
    return pages, fmt, ident, vol


def txt_pages(data):
    return [p.strip("\n").split("\n") for p in data.decode("utf-8").split("\f\n")]


def number_cells(n):
    return "⠼" + "".join("⠚⠁⠃⠉⠙⠑⠋⠛⠓⠊"[int(d)] for d in str(n))


def paragraphs(pages):
    """Lines below each page-number line, joined back into paragraphs:
    a blank line or a line without the hanging indent starts a new one."""
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


d = bk.load(bk.EXAMPLE)
scripts = json.loads(bk.run("script", "--json", bk.EXAMPLE, check_rc=0).stdout)
CELLS, LINES = 30, 14
for s in scripts:
    tag = "%s/%s" % (s["ballot"], s["language"])
    common = ["list", bk.EXAMPLE, "--ballot", s["ballot"], "--lang", s["language"],
              "--cells", str(CELLS), "--lines", str(LINES)]
    brf = bk.run(*common, "--format", "brf", check_rc=0).stdout
    pef = bk.run(*common, "--format", "pef", check_rc=0).stdout
    txt = bk.run(*common, "--format", "txt", check_rc=0).stdout
    pb = brf_pages(brf)
    pp, fmt, ident, vol = pef_pages(pef)
    pt = txt_pages(txt)
    t.eq(fmt, "application/x-pef+xml", tag + ": PEF dc:format")
    t.ok(ident and s["ballot"] in ident, tag + ": PEF dc:identifier names the ballot")
    t.eq((vol.get("cols"), vol.get("rows"), vol.get("duplex")), (str(CELLS), str(LINES), "false"),
         tag + ": PEF volume geometry")
    t.eq([[l.rstrip("⠀") for l in p] for p in pb],
         [[l.rstrip("⠀") for l in p][:len(pb[i])] for i, p in enumerate(pp)] if len(pb) == len(pp) else pp,
         tag + ": BRF and PEF carry the same cells")
    t.eq([[l for l in p if l] for p in pt], [[l for l in p if l] for p in pp],
         tag + ": Unicode text and PEF carry the same cells")
    t.ok(all(len(l) <= CELLS for p in pp for l in p), tag + ": no line longer than %d cells" % CELLS)
    t.ok(all(len(p) == LINES for p in pp), tag + ": every PEF page has %d rows" % LINES)
    t.eq([p[0].lstrip("⠀") for p in pp], [number_cells(i + 1) for i in range(len(pp))],
         tag + ": braille page numbers 1..%d" % len(pp))
    paras = paragraphs(pp)
    want = [s["title"], s["district"]] + [p["list"] for p in s["positions"]]
    got = []
    try:
        got = [braille_text.read(p, s["language"]) for p in paras]
    except ValueError as e:
        t.ok(False, tag + ": every cell reads as a letter", e)
    t.eq(got, [braille_text.normalise(w) for w in want],
         tag + ": the list reads back as the script's title, district and positions")
    n = len(s["positions"])
    t.ok(any(g.startswith("%d. " % n) and (g.endswith("против всех") or g.endswith("барлығына қарсы"))
             for g in got), tag + ": against all is the last position, number %d" % n)

# Leaflets: the heading is the name, then the leaflet text, line by line.
for p in d["parties"]:
    if "leaflet" not in p:
        continue
    for lang in d["election"]["languages"]:
        tag = "leaflet %s/%s" % (p["id"], lang)
        r = bk.run("leaflet", bk.EXAMPLE, "--party", p["id"], "--lang", lang,
                   "--cells", str(CELLS), "--lines", str(LINES), "--format", "pef", check_rc=0)
        pages, fmt, ident, vol = pef_pages(r.stdout)
        t.ok(p["id"] in ident, tag + ": PEF identifier names the party")
        got = [braille_text.read(x, lang) for x in paragraphs(pages)]
        want = [p["name"][lang]] + [l for l in p["leaflet"][lang].split("\n") if l]
        t.eq(got, [braille_text.normalise(w) for w in want], tag + ": reads back as name and text")
r = bk.run("leaflet", bk.EXAMPLE, "--party", "amanat", "--lang", "kk")
t.ok(r.returncode == 64 and b"amanat" in r.stderr, "a party without a leaflet: exit 64, named")

# Same input, same bytes: again under ru_RU.UTF-8 (its decimal point a
# comma), another time zone and another working directory.
import locale
import tempfile
try:
    locale.setlocale(locale.LC_ALL, "ru_RU.UTF-8")
    comma = locale.localeconv()["decimal_point"] == ","
finally:
    locale.setlocale(locale.LC_ALL, "C")
t.ok(comma, "ru_RU.UTF-8 is active with a decimal comma for the second run")
for fmt in ("brf", "pef", "txt"):
    args = ["list", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-03", "--lang", "ru",
            "--format", fmt, "--interpoint", "--binding", "2"]
    a = bk.run(*args, check_rc=0).stdout
    with tempfile.TemporaryDirectory() as cwd:
        old = os.getcwd()
        os.chdir(cwd)
        try:
            b = bk.run(*args, env={"LC_ALL": "ru_RU.UTF-8", "TZ": "Asia/Almaty"}, check_rc=0).stdout
        finally:
            os.chdir(old)
    t.ok(a == b and len(a) > 100, "list as %s: identical bytes across locale, time zone and folder" % fmt)
t.done()
