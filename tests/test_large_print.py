"""Large print of every ballot's list and every leaflet: the text extracted
with pdftotext equals the ballot script (or the definition's leaflet), the
only fonts are embedded DejaVu Sans faces, headings are tagged, the body is
at least 18 pt, and the same input gives the same bytes.

For assistive technology (issue 20, item 4), read with pikepdf: the
catalogue says Marked true, /Lang is the script's language, the viewer
shows the title (DisplayDocTitle), and the XMP's dc:title and dc:language
are the Info's title and that language; pdfinfo says "Tagged: yes". A kit
whose large print lacks /MarkInfo (checksums resealed) is refused by
verify, naming what is missing."""
import json
import os
import re
import shutil
import subprocess
import tempfile

import pikepdf

import bk
import tamper

t = bk.Tap()


def words(s):
    """Text with white space folded. pdftotext joins a word broken after
    its hyphen at a line end and drops the hyphen; fold "-" too."""
    return re.sub(r"\s+", " ", s.replace("-", "")).strip()


def pdf_text(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def fonts(path):
    out = subprocess.run(["pdffonts", path], capture_output=True, check=True).stdout.decode()
    return [l.split()[0] for l in out.splitlines()[2:] if l.strip()], out


def access(path, lang):
    """What the PDF lacks for assistive technology ([] when nothing)."""
    bad = []
    with pikepdf.open(path) as p:
        root = p.Root
        if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked") is True):
            bad.append("marked")
        if "/StructTreeRoot" not in root:
            bad.append("structure")
        if str(root.get("/Lang", "")) != lang:
            bad.append("lang")
        vp = root.get("/ViewerPreferences")
        if not (vp and vp.get("/DisplayDocTitle") is True):
            bad.append("display-title")
        title = str(p.trailer.Info.get("/Title", ""))
        with p.open_metadata() as m:
            if not title or str(m.get("dc:title", "")) != title:
                bad.append("xmp-title")
            if m.get("dc:language") != {lang}:  # an rdf:Bag, read as a set
                bad.append("xmp-language")
    info = subprocess.run(["pdfinfo", path], capture_output=True).stdout.decode()
    if "Tagged:          yes" not in info:
        bad.append("pdfinfo-tagged")
    return bad


def font_sizes(path):
    """Sizes of the text on page 1, from pdftotext's bounding boxes."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", path, "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', out)]


d = bk.load_example()
scripts = json.loads(bk.run("script", "--json", bk.EXAMPLE, check_rc=0).stdout)
with tempfile.TemporaryDirectory() as tmp:
    for s in scripts:
        tag = "%s/%s" % (s["ballot"], s["language"])
        path = os.path.join(tmp, "%s-%s.pdf" % (s["ballot"], s["language"]))
        bk.run("list", bk.EXAMPLE, "--ballot", s["ballot"], "--lang", s["language"],
               "--format", "large-print-pdf", "-o", path, check_rc=0)
        want = " ".join([s["title"], s["district"]] + [p["list"] for p in s["positions"]])
        t.eq(words(pdf_text(path)), words(want), tag + ": pdftotext gives the script's text")
        names, raw = fonts(path)
        t.ok(names and all(re.match(r"^[A-Z]{6}\+DejaVuSans(-Bold)?$", n) for n in names)
             and " no " not in raw.split("\n", 2)[2], tag + ": only embedded DejaVu Sans subsets", raw)
        sizes = font_sizes(path)
        # a word box's height is the font's line height: DejaVu Sans's is
        # 1.164 em, so 18 pt text gives boxes of about 21 pt
        t.ok(sizes and min(sizes) >= 18 * 1.1, tag + ": every word on page 1 is at least 18 pt")
        with pikepdf.open(path) as pdf:
            kinds = set()
            todo = [pdf.Root.StructTreeRoot]
            while todo:
                e = todo.pop()
                if "/S" in e:
                    kinds.add(str(e.S))
                k = e.get("/K")
                todo.extend(x for x in (k if isinstance(k, pikepdf.Array) else [k])
                            if isinstance(x, pikepdf.Dictionary))
        t.ok({"/H1", "/H2", "/P"} <= kinds, tag + ": headings are tagged H1 and H2, the lines P",
             str(kinds))
        t.eq(access(path, s["language"]), [], tag + ": tagged, its language, its title shown, "
             "the XMP agreeing")
    # leaflets
    for p in d["parties"]:
        if "leaflet" not in p:
            continue
        for lang in d["election"]["languages"]:
            path = os.path.join(tmp, "leaflet-%s-%s.pdf" % (p["id"], lang))
            bk.run("leaflet", bk.EXAMPLE, "--party", p["id"], "--lang", lang,
                   "--format", "large-print-pdf", "--size", "24", "-o", path, check_rc=0)
            t.eq(words(pdf_text(path)), words(p["name"][lang] + " " + p["leaflet"][lang]),
                 "leaflet %s/%s: pdftotext gives the name and the leaflet" % (p["id"], lang))
            t.eq(access(path, lang), [], "leaflet %s/%s: readable by assistive technology"
                 % (p["id"], lang))
    # a leaflet paragraph longer than a page runs on: nothing is lost
    import json as _json
    long_def = bk.load_example()
    words_kk = " ".join("сайлау%d" % i for i in range(400))
    for p in long_def["parties"]:
        if p["id"] == "amanat":
            p["leaflet"] = {"kk": words_kk, "ru": "выборы"}
    lf = os.path.join(tmp, "long.json")
    with open(lf, "w", encoding="utf-8") as f:
        _json.dump(long_def, f, ensure_ascii=False)
    path = os.path.join(tmp, "long.pdf")
    bk.run("leaflet", lf, "--party", "amanat", "--lang", "kk", "--format", "large-print-pdf",
           "--size", "36", "-o", path, check_rc=0)
    t.eq(words(pdf_text(path)), words(long_def["parties"][0]["name"]["kk"] + " " + words_kk),
         "a leaflet paragraph longer than a page: every word is printed")

    # verify refuses a kit whose large print is not marked as tagged
    kits = os.path.join(tmp, "kits")
    bk.run("build", bk.EXAMPLE, "--ballot", "mazhilis-07", "-o", kits, "--formats",
           "large-print-pdf", check_rc=0)
    kit = os.path.join(kits, "kits", "mazhilis-07")
    lp = os.path.join(kit, "large-print", "mazhilis-07-kk-large-print.pdf")
    r = bk.run("verify", kits)
    t.ok(r.returncode == 0, "verify passes the kit's large print", r.stdout.decode()[-300:])
    with pikepdf.open(lp, allow_overwriting_input=True) as pdf:
        del pdf.Root["/MarkInfo"]
        del pdf.Root["/Lang"]
        pdf.save(lp)
    tamper.reseal(kit, index=os.path.join(kits, "index.json"))
    r = bk.run("verify", kits)
    out = r.stdout.decode() + r.stderr.decode()
    t.ok(r.returncode == 65 and "mazhilis-07-kk-large-print.pdf" in out and "MarkInfo" in out and
         "/Lang" in out, "verify refuses large print without /MarkInfo and /Lang, naming both",
         out[-600:])
    shutil.rmtree(kits)

    # below 18 pt is refused, and nothing is left behind
    bad = os.path.join(tmp, "small.pdf")
    r = bk.run("list", bk.EXAMPLE, "--ballot", "mazhilis-list", "--lang", "kk",
               "--format", "large-print-pdf", "--size", "12", "-o", bad)
    t.ok(r.returncode == 64 and not os.path.exists(bad) and
         not [f for f in os.listdir(tmp) if ".tmp-" in f], "12 pt is refused and no file is left")
    # same bytes across locale, time zone and folder
    a = os.path.join(tmp, "a.pdf")
    b = os.path.join(tmp, "b.pdf")
    args = ["list", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-07", "--lang", "kk",
            "--format", "large-print-pdf"]
    bk.run(*args, "-o", a, check_rc=0)
    old = os.getcwd()
    os.chdir(tmp)
    try:
        bk.run(*args, "-o", "b.pdf", env={"LC_ALL": "kk_KZ.UTF-8", "TZ": "America/New_York"},
               check_rc=0)
    finally:
        os.chdir(old)
    with open(a, "rb") as fa, open(b, "rb") as fb:
        t.ok(fa.read() == fb.read(), "large print: identical bytes under kk_KZ.UTF-8, another zone and folder")
    # the swell-paper PDF, with interline print, likewise
    args = ["list", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-03", "--lang", "ru",
            "--format", "swell-pdf", "--interline", "--profile", "nls-bana"]
    bk.run(*args, "-o", a, check_rc=0)
    os.chdir(tmp)
    try:
        bk.run(*args, "-o", "b.pdf", env={"LC_ALL": "ru_RU.UTF-8", "TZ": "Asia/Almaty"},
               check_rc=0)
    finally:
        os.chdir(old)
    with open(a, "rb") as fa, open(b, "rb") as fb:
        pa = fa.read()
        t.ok(pa == fb.read() and b"/CreationDate (20230319" in pa,
             "swell PDF: identical bytes under ru_RU.UTF-8, another zone and folder, dated by the election")
t.done()
