"""The printable packing lists (issue 19, item 3): packing/STATION.pdf
beside each station's text list, read back as a user's tools would.

- pdftotext of the list's pages is, word for word, the station's list as
  the index and the print wording's packing_* texts (templates/print/LANG.json) give it: title,
  station, name, address, copies, each kit with its copies and titles in
  order, the total, the lines to sign; the last page holds the two box
  labels, word for word.
- A4 pages; every word 18 pt or more (pdftotext's boxes); black on white
  only (every colour operator of the pages is black or white).
- verify passes them and fails a list swapped with another station's, a
  list cut to one page, and a text list with a kit left out."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import pikepdf

import bk

t = bk.Tap()
LANGS = ("kk", "ru")


def fill(s, **kw):
    return re.sub(r"\{(\w+)\}", lambda m: str(kw[m.group(1)]) if m.group(1) in kw else m.group(0), s)


def flat(s):
    return re.sub(r"\s+", "", s)


def pages_text(pdf):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                         check=True).stdout.decode()
    return [p for p in out.split("\f") if p.strip()]


words = {}
for _lg in LANGS:
    _w = json.load(open(os.path.join(bk.ROOT, "templates", "print", _lg + ".json"), encoding="utf-8"))
    words[_lg] = {k[len("packing_"):]: v for k, v in _w.items() if k.startswith("packing_")}

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "out")
    bk.run("build", bk.EXAMPLE, "-o", out, "--formats", "stencil-print-pdf", check_rc=0)
    index = json.load(open(os.path.join(out, "index.json")))
    titles = {k["kit"]: k["titles"] for k in index["kits"]}
    for entry in index["stations"]:
        st = entry["station"]
        pdf = os.path.join(out, "packing", st["id"] + ".pdf")
        t.ok(os.path.exists(pdf) and os.path.exists(pdf[:-4] + ".txt"),
             "%s: a PDF beside the text list" % st["id"])
        kw = dict(number=st["number"], copies=st["copies"], kits=len(entry["kits"]))
        want = [words[lg]["title"] for lg in LANGS]
        want += [fill(words[lg]["station"], **kw) for lg in LANGS]
        want += [st["name"][lg] for lg in LANGS if lg in st.get("name", {})]
        want += [fill(words[lg]["address"], address=st["address"][lg]) for lg in LANGS
                 if lg in st.get("address", {})]
        want += [fill(words[lg]["copies"], **kw) for lg in LANGS]
        for kit in entry["kits"]:
            want.append("%s × %d" % (kit, st["copies"]))
            want += [titles[kit][lg] for lg in LANGS if lg in titles[kit]]
        want += [fill(words[lg]["total"], **kw) for lg in LANGS]
        want += [words[lg]["packed"] for lg in LANGS] + [words[lg]["received"] for lg in LANGS]
        label = ["№ %d" % st["number"]] + [fill(words[lg]["station"], **kw) for lg in LANGS]
        label += [st["address"][lg] for lg in LANGS if lg in st.get("address", {})]
        label += [words[lg]["label"] for lg in LANGS] + [fill(words[lg]["label_kits"], **kw)
                                                         for lg in LANGS]
        pages = pages_text(pdf)
        t.eq(flat("".join(pages[:-1])), flat("".join(want)),
             "%s: the list's pages read back as the station's list, word for word" % st["id"])
        t.eq(flat(pages[-1]), flat("".join(label * 2)),
             "%s: the last page is two box labels, word for word" % st["id"])
        with pikepdf.open(pdf) as p:
            sizes = {tuple(round(float(v) / (72 / 25.4)) for v in list(pg.MediaBox)[2:]) for pg in p.pages}
            t.eq(sizes, {(210, 297)}, "%s: A4 pages" % st["id"])
            colours = set()
            for pg in p.pages:
                for operands, op in pikepdf.parse_content_stream(pg):
                    if str(op) in ("rg", "RG", "g", "G", "k", "K"):
                        colours.add(tuple(float(v) for v in operands))
            t.ok(colours and colours <= {(0.0, 0.0, 0.0), (0.0,), (1.0, 1.0, 1.0), (1.0,)},
                 "%s: black on white only" % st["id"], str(colours))
        bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True,
                              check=True).stdout.decode()
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", bbox).replace(
            'xmlns="http://www.w3.org/1999/xhtml"', ""))
        heights = [float(w.get("yMax")) - float(w.get("yMin")) for w in root.iter("word")]
        t.ok(heights and min(heights) >= 18.0,
             "%s: every word 18 pt or more (smallest box %.1f pt)" % (st["id"], min(heights or [0])))

    # verify reads them, and refuses tampered ones
    r = bk.run("verify", out, "--quick", "--json")
    rep = json.loads(r.stdout)
    checks = [c for c in rep["checks"] if c["check"] in ("packing-pdf", "packing-list")]
    t.ok(r.returncode == 0 and len(checks) == 2 * len(index["stations"]) and
         all(c["outcome"] == "passed" for c in checks),
         "verify reads every packing list, text and PDF, and passes them", str(checks))

    def tampered(what, change, says):
        d = os.path.join(tmp, "t")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(out, d)
        change(d)
        r = bk.run("verify", d, "--quick")
        err = r.stderr.decode()
        t.ok(r.returncode == 65 and all(s in err for s in says), "verify refuses " + what, err[-800:])

    a, b = (s["station"]["id"] for s in index["stations"][:2])
    tampered("one station's PDF list in place of another's",
             lambda d: shutil.copy(os.path.join(d, "packing", b + ".pdf"),
                                   os.path.join(d, "packing", a + ".pdf")),
             ["packing-pdf", "packing/%s.pdf" % a, "does not"])

    def cut(d):
        p = os.path.join(d, "packing", a + ".pdf")
        subprocess.run(["qpdf", p, "--pages", p, "1", "--", p + ".x"], check=True)
        os.replace(p + ".x", p)
    tampered("a PDF list cut to its first page", cut, ["packing-pdf", "labels"])

    def drop(d):
        p = os.path.join(d, "packing", a + ".txt")
        text = open(p, encoding="utf-8").read()
        first = re.search(r"^\[ \] .*\n(?:      .*\n)*", text, re.M)
        open(p, "w", encoding="utf-8").write(text.replace(first.group(0), "", 1))
    tampered("a text list with a kit left out", drop, ["packing-list", "does not list the kit"])
t.done()
