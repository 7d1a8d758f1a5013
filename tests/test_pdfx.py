"""PDF/X-4 preflight of the print shop's stencil PDFs (issue 19, item 1).

preflight() below checks, by parsing the PDF with pikepdf (never by
searching its bytes), what a prepress department's preflight asks of a
PDF/X-4 file: version 1.6 or later; no encryption; a document ID; the
Info's GTS_PDFXVersion "PDF/X-4", Trapped False, CreationDate and ModDate
(D:...) equal to the XMP's dates, and its Title the XMP's dc:title; an OutputIntent /GTS_PDFX with an
OutputConditionIdentifier and an embedded CMYK ICC profile; XMP metadata
saying PDF/X-4 with xmpMM DocumentID, VersionID and RenditionClass; on
every page a TrimBox inside a BleedBox inside the MediaBox; every font
embedded; no actions or JavaScript; the spot colours as Separations
named CutContour and Braille with DeviceCMYK alternates.

It runs on the print PDF and the swell PDF of every example ballot (the
stencil command; the swell PDF's separations are the process plates Black,
which swells, and Cyan, which stays flat: Ghostscript's tiffsep gives
those two plates and no other ink), and must fail on a PDF that lacks any one requirement: one such PDF is
written per requirement, from a good one, with pikepdf. Each of them is
also put into a built kit (checksums resealed): ballotkit verify's own
decoder (src/decode/pdfx.c, written apart from this) must refuse it,
naming what is missing (a swell PDF without its XMP too). Ghostscript still renders every page, and two
builds give the same bytes. The output profile can be swapped
($BALLOTKIT_OUTPUT_INTENT), and a missing or RGB one is refused."""
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

import numpy
import pikepdf
from PIL import Image

import bk
import tamper
from preflight import SWELL, preflight

t = bk.Tap()


# one broken PDF per requirement, from a good one: (name, how)
def drop_key(d, k):
    del d[k]


BREAK = [
    ("version", lambda p: None, {"min_version": "1.5", "force_version": "1.5"}),
    ("encrypted", lambda p: None, {"encryption": pikepdf.Encryption(owner="o", user="")}),
    ("gts-version", lambda p: drop_key(p.trailer.Info, "/GTS_PDFXVersion"), {}),
    ("trapped", lambda p: drop_key(p.trailer.Info, "/Trapped"), {}),
    ("dates", lambda p: drop_key(p.trailer.Info, "/ModDate"), {}),
    ("output-intent", lambda p: drop_key(p.Root, "/OutputIntents"), {}),
    ("xmp", lambda p: drop_key(p.Root, "/Metadata"), {}),
    ("boxes", lambda p: drop_key(p.pages[0].obj, "/TrimBox"), {}),
    ("actions", lambda p: p.Root.__setitem__("/OpenAction", pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))), {}),
    ("fonts", lambda p: [drop_key(f.FontDescriptor, k) for f in
                         (p.pages[0].Resources.Font[n] for n in p.pages[0].Resources.Font.keys())
                         if "/FontDescriptor" in f
                         for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in f.FontDescriptor], {}),
]
# what verify's decoder says for each
SAYS = {"version": "version is below 1.6", "encrypted": "encrypted",
        "gts-version": "GTS_PDFXVersion", "trapped": "Trapped", "dates": "ModDate",
        "output-intent": "OutputIntent", "xmp": "XMP", "boxes": "TrimBox or BleedBox",
        "actions": "action or JavaScript", "fonts": "font not embedded"}

with tempfile.TemporaryDirectory() as tmp:
    d = bk.load(bk.EXAMPLE)
    good = None
    for b in d["ballots"]:
        out = os.path.join(tmp, b["id"] + ".pdf")
        bk.run("stencil", bk.EXAMPLE, "--ballot", b["id"], "--format", "print-pdf", "-o", out,
               check_rc=0)
        t.eq(preflight(out), [], "%s: the print PDF passes the PDF/X-4 preflight" % b["id"])
        r = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", out],
                           capture_output=True)
        t.ok(r.returncode == 0 and not r.stderr, "%s: Ghostscript renders it without a word" % b["id"],
             r.stderr.decode()[:500])
        if b["id"] == "mazhilis-list":
            good = out
        swell = os.path.join(tmp, b["id"] + "-swell.pdf")
        bk.run("stencil", bk.EXAMPLE, "--ballot", b["id"], "--format", "swell-pdf", "-o", swell,
               check_rc=0)
        t.eq(preflight(swell, SWELL), [], "%s: the swell PDF passes the PDF/X-4 preflight" % b["id"])
        sep = os.path.join(tmp, "sep-" + b["id"])
        os.mkdir(sep)
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", "-r50",
                        "-sOutputFile=" + os.path.join(sep, "p%d.tif"), swell], check=True)
        inked = {}
        for f in glob.glob(os.path.join(sep, "p*(*).tif")):
            name = f.rsplit("(", 1)[1][:-5]
            inked[name] = inked.get(name, 0) + int((numpy.asarray(Image.open(f).convert("L")) < 128).sum())
        t.ok(sorted(inked) == ["Black", "Cyan", "Magenta", "Yellow"] and inked["Black"] and
             inked["Cyan"] and not inked["Magenta"] and not inked["Yellow"],
             "%s: the swell PDF separates into Black and Cyan only" % b["id"], str(inked))
    again = os.path.join(tmp, "again.pdf")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "print-pdf", "-o", again,
           check_rc=0)
    t.ok(open(again, "rb").read() == open(good, "rb").read(), "the same stencil, the same bytes")
    with pikepdf.open(good) as p:
        with p.open_metadata() as m:
            t.eq((str(p.trailer.Info.CreationDate), m.get("xmp:CreateDate")),
                 ("D:20230319000000+00'00'", "2023-03-19T00:00:00+00:00"),
                 "the dates are the election's (no clock)")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    sde = os.path.join(tmp, "sde.pdf")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "print-pdf", "-o", sde,
           env=env, check_rc=0)
    with pikepdf.open(sde) as p:
        with p.open_metadata() as m:
            t.ok(str(p.trailer.Info.ModDate) == "D:20231114221320+00'00'" and
                 m.get("xmp:ModifyDate") == "2023-11-14T22:13:20+00:00" and preflight(sde) == [],
                 "SOURCE_DATE_EPOCH sets both dates, in the Info and the XMP")

    # the output profile: another CMYK one is embedded as it is; a missing
    # or an RGB one is refused by validate, naming it, before anything is made
    icc_dir = "/usr/share/color/icc/ghostscript"
    other = os.path.join(tmp, "other.pdf")
    env = dict(os.environ, BALLOTKIT_OUTPUT_INTENT=os.path.join(icc_dir, "ps_cmyk.icc"))
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "print-pdf", "-o", other,
           env=env, check_rc=0)
    with pikepdf.open(other) as p:
        embedded = p.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        said = str(p.Root.OutputIntents[0].OutputCondition)
    with pikepdf.open(good) as p:
        said_default = str(p.Root.OutputIntents[0].OutputCondition)
    t.ok(embedded == open(os.path.join(icc_dir, "ps_cmyk.icc"), "rb").read() and preflight(other) == [],
         "$BALLOTKIT_OUTPUT_INTENT: a shop's CMYK profile is embedded byte for byte")
    t.ok("ps_cmyk.icc" in said and "default_cmyk" not in said and "default_cmyk.icc" in said_default,
         "the output intent names the profile it embeds: %r / %r" % (said, said_default))
    # the swell PDF embeds the profile too: a definition that asks for it
    # alone is refused without one, and one without either stencil PDF is not
    for outputs, rc in ((["stencil-swell-pdf"], 78), (["braille-list-brf"], 0)):
        only = bk.load(bk.EXAMPLE)
        only["production"]["outputs"] = outputs
        # beside a copy of the example's ballot PDF, which it names
        where = os.path.join(tmp, "only-" + outputs[0])
        os.mkdir(where)
        shutil.copy(os.path.join(os.path.dirname(bk.EXAMPLE), "ballot-maslikhat-abai-list.pdf"), where)
        only_path = os.path.join(where, "election.json")
        with open(only_path, "w", encoding="utf-8") as fh:
            json.dump(only, fh, ensure_ascii=False)
        env = dict(os.environ, BALLOTKIT_OUTPUT_INTENT=os.path.join(tmp, "no-such.icc"))
        r = bk.run("validate", only_path, env=env)
        t.ok(r.returncode == rc and (rc == 0 or b"no-such.icc" in r.stderr),
             "outputs %s without a readable output profile: validate exits %d" % (outputs, rc),
             r.stderr.decode()[-400:])
    for name, path, why in (("missing", os.path.join(tmp, "no-such.icc"), "No such file"),
                            ("RGB", os.path.join(icc_dir, "default_rgb.icc"), "not a CMYK output")):
        env = dict(os.environ, BALLOTKIT_OUTPUT_INTENT=path)
        r = bk.run("validate", bk.EXAMPLE, env=env)
        err = r.stderr.decode()
        t.ok(r.returncode == 78 and path in err and why in err and "[unavailable]" in err,
             "a %s output profile: validate exits 78 naming it" % name, err[-400:])
        out = os.path.join(tmp, "none-%s.pdf" % name)
        r = bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "print-pdf",
                   "-o", out, env=env)
        t.ok(r.returncode != 0 and not os.path.exists(out) and why in r.stderr.decode(),
             "... and the stencil command writes no print PDF", r.stderr.decode()[-300:])

    # --output-intent does what the variable does, for validate, stencil and
    # build; a build with another profile rebuilds its kits (the profile's
    # SHA-256 is in the resume key and the manifest's versions)
    ps_cmyk = os.path.join(icc_dir, "ps_cmyk.icc")
    flag = os.path.join(tmp, "flag.pdf")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "print-pdf", "-o", flag,
           "--output-intent", ps_cmyk, check_rc=0)
    t.ok(open(flag, "rb").read() == open(other, "rb").read(),
         "stencil --output-intent gives the bytes $BALLOTKIT_OUTPUT_INTENT gives")
    r = bk.run("validate", bk.EXAMPLE, "--output-intent", os.path.join(icc_dir, "default_rgb.icc"))
    t.ok(r.returncode == 78 and b"not a CMYK output" in r.stderr,
         "validate --output-intent with an RGB profile: exit 78")
    rebuilt = os.path.join(tmp, "rebuilt")
    args = ("build", bk.EXAMPLE, "--ballot", "mazhilis-list", "-o", rebuilt, "--formats", "stencil",
            "--json")
    bk.run(*args, check_rc=0)
    man = os.path.join(rebuilt, "kits", "mazhilis-list", "manifest.json")
    first = bk.load(man)["versions"].get("output_intent_sha256")
    again = json.loads(bk.run(*args, check_rc=0).stdout)
    swapped = json.loads(bk.run(*args, "--output-intent", ps_cmyk, check_rc=0).stdout)
    with open(ps_cmyk, "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    t.ok(again.get("skipped") == 1 and swapped.get("built") == ["mazhilis-list"] and
         bk.load(man)["versions"].get("output_intent_sha256") == want != first,
         "build: the same profile skips the kit, another rebuilds it and the manifest names it",
         "%s %s" % (again, swapped))

    # a kit to put the broken PDFs into
    kits = os.path.join(tmp, "kits")
    bk.run("build", bk.EXAMPLE, "--ballot", "mazhilis-list", "-o", kits, "--formats", "stencil",
           check_rc=0)
    for name, how, save in BREAK:
        broken = os.path.join(tmp, "broken-%s.pdf" % name)
        with pikepdf.open(good) as p:
            how(p)
            p.save(broken, **save)
        t.ok(name in preflight(broken), "the preflight refuses a PDF that breaks %s: %s"
             % (name, preflight(broken)))
        kd = os.path.join(tmp, "k-" + name)
        shutil.copytree(kits, kd)
        kit = os.path.join(kd, "kits", "mazhilis-list")
        shutil.copy(broken, os.path.join(kit, "stencil", "mazhilis-list-stencil-print.pdf"))
        tamper.reseal(kit, index=os.path.join(kd, "index.json"))
        r = bk.run("verify", kd, "--definition", bk.EXAMPLE, "--quick", "--json")
        rep = json.loads(r.stdout)
        hits = [p for p in rep["problems"] if p["check"] == "stencil-print" and
                SAYS[name] in p["message"]]
        t.ok(r.returncode == 65 and hits, "verify refuses a kit whose print PDF breaks %s" % name,
             json.dumps([p for p in rep["problems"] if p["check"] != "missing"])[:600])
    # the swell PDF is a print-shop file too (print-job imposes it)
    kd = os.path.join(tmp, "k-swell")
    shutil.copytree(kits, kd)
    kit = os.path.join(kd, "kits", "mazhilis-list")
    sw = os.path.join(kit, "stencil", "mazhilis-list-stencil-swell.pdf")
    with pikepdf.open(sw, allow_overwriting_input=True) as p:
        del p.Root["/Metadata"]
        p.save(sw)
    tamper.reseal(kit, index=os.path.join(kd, "index.json"))
    r = bk.run("verify", kd, "--definition", bk.EXAMPLE, "--quick", "--json")
    hits = [p for p in json.loads(r.stdout)["problems"]
            if p["file"].endswith("-stencil-swell.pdf") and "XMP" in p["message"]]
    t.ok(r.returncode == 65 and hits, "verify refuses a kit whose swell PDF has no XMP metadata",
         r.stdout.decode()[-600:])
t.done()
