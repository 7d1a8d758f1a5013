"""ballotkit print-job (issue 19, item 2): the example's stencils imposed
on press sheets, read back as a print shop's tools would, apart from
ballotkit's own code. Both kinds: the print stencils (plates CutContour
and Braille) and the swell stencils (plates Black, which swells, and
Cyan, which stays flat).

- Counts: every stencil row of print-quantities.csv has copies x pages
  slots in the ticket, and no more; the slots lie on the sheet and no two
  overlap with their bleeds.
- Each sheet split into its plates by Ghostscript (tiffsep): slot by slot,
  the cut plate (CutContour; Cyan on swell sheets) holds the stencil's
  outline on the slot's trim and the same windows as the kit's own PDF,
  and the dot plate (Braille; Black on swell sheets) the same dots, whose
  numbers read the same; nothing is cut or raised outside the slots (on
  swell sheets, nothing but the job's own black marks); the registration
  marks are black squares where the mark set puts them.
- Every sheet file passes the PDF/X-4 preflight (tests/preflight.py) and
  its SHA-256 is the ticket's; the CSV ticket agrees with the JSON one.
- A second run, under another locale and zone, gives the same bytes.
- Refusals name what is wrong, and write nothing: an unknown sheet, a gap
  the crop marks do not fit in, a sheet the stencils do not fit on, a mark
  set with a mark off its corner, a stencil changed after the build.
- verify passes the job, and fails each tampered one: slots swapped
  (print and swell sheets), moved or dropped in the ticket, the dots of a
  swell slot taken off its sheet, a sheet changed (ticket resealed), a
  sheet changed (not resealed), the kits' quantities changed."""
import csv
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile

import numpy
import pikepdf
from PIL import Image
from scipy import ndimage

import bk
import tamper
from preflight import PRINT, SWELL, preflight

t = bk.Tap()
DPI = 100
PX = 25.4 / DPI


# the kinds of stencil a job imposes, by the kit file's name: the kind, the
# plate that is cut (or cut along) and the plate that holds the dots
KINDS = {"-stencil-print.pdf": ("print", "CutContour", "Braille"),
         "-stencil-swell.pdf": ("swell", "Cyan", "Black")}


def kind_of(name):
    return next((v for k, v in KINDS.items() if name.endswith(k)), None)


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def plates(pdf, tmp, page):
    """The page's plates (tiffsep) as boolean arrays: True where inked."""
    d = tempfile.mkdtemp(dir=tmp)
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep",
                    "-r%d" % DPI, "-dFirstPage=%d" % (page + 1), "-dLastPage=%d" % (page + 1),
                    "-sOutputFile=" + os.path.join(d, "p.tif"), pdf], check=True)
    out = {}
    for f in glob.glob(os.path.join(d, "p(*).tif")):
        name = re.search(r"\((.*)\)", os.path.basename(f)).group(1)
        out[name] = numpy.asarray(Image.open(f).convert("L")) < 128
    shutil.rmtree(d)
    return out


def blobs(mask, grow=0):
    """Connected inked regions: bounding boxes in mm (x0, y0, x1, y1). A
    hairline cut renders broken at this resolution: grow joins its pieces
    (pixels added round every inked one, taken off the boxes again)."""
    if grow:
        mask = ndimage.binary_dilation(mask, iterations=grow)
    lab, n = ndimage.label(mask)
    out = []
    for sl in ndimage.find_objects(lab):
        out.append(((sl[1].start + grow) * PX, (sl[0].start + grow) * PX,
                    (sl[1].stop - grow) * PX, (sl[0].stop - grow) * PX))
    return out


def trim_of(pdf, page):
    """The page's TrimBox top-left corner, mm from the MediaBox's top left."""
    with pikepdf.open(pdf) as p:
        pg = p.pages[page]
        mb = [float(v) for v in pg.MediaBox]
        tb = [float(v) for v in pg.obj.get("/TrimBox", pg.MediaBox)]
        return (min(tb[0], tb[2]) - mb[0]) / (72 / 25.4), (mb[3] - max(tb[1], tb[3])) / (72 / 25.4)


def shifted(boxes, dx, dy):
    return sorted((round(b[0] - dx, 1), round(b[1] - dy, 1), round(b[2] - dx, 1),
                   round(b[3] - dy, 1)) for b in boxes)


def same_boxes(a, b):
    """Each box of a matches its own box of b within 3 pixels (matched one
    by one, not by sorted order: boxes a pixel apart can sort either way
    at another pixel phase)."""
    if len(a) != len(b):
        return False
    left = list(b)
    for p in a:
        q = next((q for q in left if max(abs(x - y) for x, y in zip(p, q)) <= 3 * PX), None)
        if q is None:
            return False
        left.remove(q)
    return True


def same_ink(a, b):
    """Two plates' pixels agree within 3 pixels each way inside the trim
    (the text of a
    swell stencil's labels breaks into blobs differently at another pixel
    phase, so it is compared as pixels)."""
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    # 3 pixels in from the trim, where the page's own edge clips the
    # outline (its place is checked apart)
    a, b = a[3:h - 3, 3:w - 3], b[3:h - 3, 3:w - 3]
    return a.any() and not (a & ~ndimage.binary_dilation(b, iterations=3)).any() and \
        not (b & ~ndimage.binary_dilation(a, iterations=3)).any()


def numbers(mask, ox, oy):
    """The numbers read from a Braille plate's dots (tamper.py's reader)."""
    img = numpy.where(mask, 0, 255).astype(numpy.uint8)
    dots = [(x - ox, y - oy) for x, y in tamper.pixel_dots(img, DPI)]
    return sorted(n for n in (tamper.cells_number(b[0]) for b in tamper.pixel_blocks(dots))
                  if n)


def verify(job, *extra):
    r = bk.run("verify", job, *extra)
    return r.returncode, r.stdout.decode() + r.stderr.decode()


with tempfile.TemporaryDirectory() as tmp:
    kits = os.path.join(tmp, "out")
    bk.run("build", bk.EXAMPLE, "-o", kits, check_rc=0)
    job = os.path.join(kits, "job")
    r = bk.run("print-job", kits, "-o", job)
    ticket = json.load(open(os.path.join(job, "job-ticket.json")))
    # files are made a few at a time: the progress counts them as they end
    said = re.findall(r"print-job: (\S+) \(file (\d+) of (\d+),", r.stderr.decode())
    n = len(ticket["files"])
    t.ok(r.returncode == 0 and sorted(f for f, _, _ in said) == sorted(f["file"] for f in ticket["files"]) and
         [int(k) for _, k, _ in said] == list(range(1, n + 1)) and all(int(m) == n for _, _, m in said),
         "print-job on the example writes its sheets with progress, each file once", r.stderr.decode()[-800:])

    # ---- counts against print-quantities.csv
    rows = [r for r in csv.DictReader(open(os.path.join(kits, "print-quantities.csv")))
            if kind_of(r["file"])]
    slots = [(f, s) for f in ticket["files"] for s in f["slots"]]
    t.eq(sorted({kind_of(r["file"])[0] for r in rows}), ["print", "swell"],
         "print-quantities.csv lists print and swell stencils")
    t.ok(all(kind_of(s["file"])[0] == f["kind"] for f, s in slots) and
         {f["kind"] for f in ticket["files"]} == {"print", "swell"} and
         all(f["file"].startswith("stencil-%s-" % f["kind"]) for f in ticket["files"]),
         "both kinds are imposed, each on files of its own",
         str([(f["file"], f["kind"]) for f in ticket["files"]]))
    pages = {}
    for row in rows:
        src = os.path.join(kits, "kits", row["kit"], row["file"])
        with pikepdf.open(src) as p:
            pages[(row["kit"], row["file"])] = len(p.pages)
    for row in rows:
        key = (row["kit"], row["file"])
        n = sum(1 for _, s in slots if (s["kit"], s["file"]) == key)
        t.eq(n, int(row["copies"]) * pages[key],
             "%s: copies x pages slots, as print-quantities.csv asks" % row["kit"])
        copies = sorted((s["page"], s["copy"]) for _, s in slots if (s["kit"], s["file"]) == key)
        t.eq(copies, sorted((p, c) for p in range(1, pages[key] + 1)
                            for c in range(1, int(row["copies"]) + 1)),
             "%s: each copy of each page once" % row["kit"])
    t.eq(len(slots), sum(int(r["copies"]) * pages[(r["kit"], r["file"])] for r in rows),
         "no slot beyond the stations' copies")
    ok, why = True, ""
    for f in ticket["files"]:
        W, H = f["sheet"]["width_mm"], f["sheet"]["height_mm"]
        rects = {}
        for s in f["slots"]:
            x, y, w, h = s["trim_mm"]
            bl, bt, br, bb = s["bleed_mm"]
            rect = (x - bl, y - bt, x + w + br, y + h + bb)
            if rect[0] < 0 or rect[1] < 0 or rect[2] > W or rect[3] > H:
                ok, why = False, "off the sheet: %s" % (s,)
            for o in rects.get(s["sheet"], []):
                if rect[0] < o[2] and o[0] < rect[2] and rect[1] < o[3] and o[1] < rect[3]:
                    ok, why = False, "overlap: %s %s" % (rect, o)
            rects.setdefault(s["sheet"], []).append(rect)
    t.ok(ok, "every slot on its sheet, none overlapping another with the bleeds", why)

    # ---- the files: checksums, preflight, the CSV ticket
    for f in ticket["files"]:
        path = os.path.join(job, f["file"])
        t.ok(sha(path) == f["sha256"] and os.path.getsize(path) == f["bytes"],
             f["file"] + ": SHA-256 and size are the ticket's")
        t.eq(preflight(path, SWELL if f["kind"] == "swell" else PRINT), [],
             f["file"] + ": passes the PDF/X-4 preflight")
        with pikepdf.open(path) as p:
            t.eq(len(p.pages), f["sheets"], f["file"] + ": one page per sheet")
    rows_csv = list(csv.DictReader(open(os.path.join(job, "job-ticket.csv"))))
    t.eq(sorted((r["file"], r["kit"], int(r["slots"]), r["sha256"]) for r in rows_csv),
         sorted((f["file"], st["kit"], st["slots"], f["sha256"]) for f in ticket["files"]
                for st in f["stencils"]),
         "the CSV ticket lists each file's stencils and slots as the JSON one")
    t.ok(all(r["stock"] and "die cut" in r["processes"] and "Braille" in r["processes"]
             for r in rows_csv if r["kind"] == "print") and
         all("swell" in r["stock"] and "heat" in r["processes"] and "Black plate only" in r["processes"]
             for r in rows_csv if r["kind"] == "swell"),
         "the CSV ticket names the stock and the processes of each kind")

    # ---- each sheet decoded, slot by slot
    source = {}
    for key in pages:
        src = os.path.join(kits, "kits", key[0], key[1])
        for pg in range(pages[key]):
            pl = plates(src, tmp, pg)
            ox, oy = trim_of(src, pg)
            _, cut_ink, dot_ink = kind_of(key[1])
            source[key + (pg + 1,)] = (shifted(blobs(pl[cut_ink], 2), ox, oy),
                                       shifted(blobs(pl[dot_ink]), ox, oy),
                                       numbers(pl[dot_ink], ox, oy),
                                       pl[cut_ink][round(oy / PX):, round(ox / PX):])
    marks = json.load(open(os.path.join(bk.ROOT, "templates", "print", "marks", "default.json")))
    decoded = 0
    for f in ticket["files"]:
        path = os.path.join(job, f["file"])
        W, H = f["sheet"]["width_mm"], f["sheet"]["height_mm"]
        for sheet in range(1, f["sheets"] + 1):
            pl = plates(path, tmp, sheet - 1)
            swell = f["kind"] == "swell"
            _, cut_ink, dot_ink = KINDS["-stencil-%s.pdf" % f["kind"]]
            if swell:
                t.ok(sorted(pl) == ["Black", "Cyan", "Magenta", "Yellow"] and
                     not pl["Magenta"].any() and not pl["Yellow"].any(),
                     "%s sheet %d: black and cyan only, no spot colour" % (f["file"], sheet),
                     str(sorted(pl)))
            else:
                t.ok(not any(pl[c].any() for c in ("Cyan", "Magenta", "Yellow")),
                     "%s sheet %d: no process colour but black" % (f["file"], sheet))
            cut, dots = blobs(pl[cut_ink], 2), blobs(pl[dot_ink])
            claimed_cut, claimed_dots = 0, 0
            for s in f["slots"]:
                if s["sheet"] != sheet:
                    continue
                x, y, w, h = s["trim_mm"]
                bl, bt, br, bb = s["bleed_mm"]

                def inside(b):
                    return b[0] >= x - bl - 0.5 and b[1] >= y - bt - 0.5 and \
                        b[2] <= x + w + br + 0.5 and b[3] <= y + h + bb + 0.5
                want_cut, want_dots, want_numbers, want_plate = source[(s["kit"], s["file"], s["page"])]
                got_cut = shifted([b for b in cut if inside(b)], x, y)
                got_dots = shifted([b for b in dots if inside(b)], x, y)
                claimed_cut += len(got_cut)
                claimed_dots += len(got_dots)
                outline = max(got_cut, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), default=None)
                t.ok(outline and abs(outline[0]) <= 2 * PX and abs(outline[1]) <= 2 * PX and
                     abs(outline[2] - w) <= 2 * PX and abs(outline[3] - h) <= 2 * PX,
                     "%s sheet %d: %s's outline is on the slot's trim (%s)" % (f["file"], sheet, s["kit"], cut_ink),
                     "%s vs %s" % (outline, (0, 0, w, h)))
                if swell:
                    # the cut plate from the slot's trim corner, as pixels
                    same_cut = same_ink(pl[cut_ink][round(y / PX):round((y + h) / PX),
                                                    round(x / PX):round((x + w) / PX)], want_plate)
                else:
                    same_cut = same_boxes(got_cut, want_cut)
                t.ok(same_cut and same_boxes(got_dots, want_dots),
                     "%s sheet %d: the slot at %.0f, %.0f mm holds %s's stencil (%d %s, %d "
                     "%s marks, as its own %s PDF)" % (f["file"], sheet, x, y, s["kit"],
                                                      len(want_cut), cut_ink, len(want_dots),
                                                      dot_ink, f["kind"]))
                x0, y0 = int((x - bl) / PX), int((y - bt) / PX)
                sub = pl[dot_ink][y0:int((y + h + bb) / PX) + 1, x0:int((x + w + br) / PX) + 1]
                got_numbers = numbers(sub, x - x0 * PX, y - y0 * PX)
                t.ok(got_numbers and got_numbers == want_numbers,
                     "%s sheet %d: the braille read in %s's slot gives the numbers of its own "
                     "%s PDF" % (f["file"], sheet, s["kit"], f["kind"]),
                     "%s vs %s" % (got_numbers, want_numbers))
                decoded += 1
            # on swell sheets the job's own marks (crop marks, slugs,
            # registration) are black too, outside every slot
            t.ok(claimed_cut == len(cut) and (swell or claimed_dots == len(dots)),
                 "%s sheet %d: nothing cut or raised outside the slots" % (f["file"], sheet),
                 "%d/%d cuts, %d/%d dots" % (claimed_cut, len(cut), claimed_dots, len(dots)))
            black = pl["Black"]
            ok = True
            for m in marks["registration"]:
                cx = m["x"] + m["size"] / 2
                cy = m["y"] + m["size"] / 2
                if "right" in m["corner"]:
                    cx = W - cx
                if "bottom" in m["corner"]:
                    cy = H - cy
                ok &= bool(black[int(cy / PX), int(cx / PX)])
            t.ok(ok, "%s sheet %d: the registration marks are black where the mark set puts "
                 "them" % (f["file"], sheet))
    t.eq(decoded, len(slots), "every slot of every sheet was decoded")

    # ---- the same bytes again, under another locale, zone and folder
    again = os.path.join(tmp, "again")
    r = bk.run("print-job", os.path.relpath(kits, tmp), "-o", "again",
               env={"LC_ALL": "ru_RU.UTF-8", "TZ": "Asia/Almaty"}, cwd=tmp)
    t.ok(r.returncode == 0 and sorted(os.listdir(again)) == sorted(os.listdir(job)) and
         all(sha(os.path.join(again, n)) == sha(os.path.join(job, n)) for n in os.listdir(job)),
         "a second run gives the same bytes (ru_RU, another zone and folder)", r.stderr.decode()[-500:])

    # ---- a shop's own mark set: circles, another margin
    own = os.path.join(tmp, "circles.json")
    m2 = dict(marks, name="circles", margin=20,
              registration=[dict(r, shape="circle", size=6, x=4, y=4) for r in marks["registration"]])
    json.dump(m2, open(own, "w"))
    r = bk.run("print-job", kits, "-o", os.path.join(tmp, "own"), "--marks", own, "--sheet", "330x488")
    ok = r.returncode == 0
    if ok:
        tk = json.load(open(os.path.join(tmp, "own", "job-ticket.json")))
        f0 = tk["files"][0]
        W, H = f0["sheet"]["width_mm"], f0["sheet"]["height_mm"]
        pl = plates(os.path.join(tmp, "own", f0["file"]), tmp, 0)
        ok = tk["marks"]["name"] == "circles" and {W, H} == {330, 488} and \
            pl["Black"][int(7 / PX), int((W - 7) / PX)] and \
            not pl["Black"][int(4.3 / PX), int((W - 4.3) / PX)]
        ok = ok and all(s["trim_mm"][0] - s["bleed_mm"][0] >= 20 for s in f0["slots"])
    t.ok(ok, "--marks FILE and --sheet WxH: the shop's circles stand where its file says, "
         "its margin is kept", r.stderr.decode()[-500:])

    # ---- refusals: a message naming what is wrong, and nothing written
    def refused(args, rc, says, what):
        out = os.path.join(tmp, "refused")
        r = bk.run("print-job", kits, "-o", out, *args)
        err = r.stderr.decode()
        t.ok(r.returncode == rc and all(w in err for w in says) and not os.path.exists(out),
             "refused: %s (exit %d, nothing written)" % (what, rc), "rc %d: %s" % (r.returncode, err[-600:]))
    refused(["--sheet", "A5"], 64, ["--sheet", "A5", "SRA3"], "a sheet that is no size")
    refused(["--gap", "4"], 64, ["--gap", "10"], "a gap too narrow for the crop marks")
    refused(["--sheet", "A4"], 64, ["does-not-fit", "stencil-print.pdf", "--sheet"],
            "a sheet the stencils do not fit on")
    bad = os.path.join(tmp, "bad-marks.json")
    m3 = json.loads(json.dumps(marks))
    m3["registration"][2]["x"] = 14
    json.dump(m3, open(bad, "w"), indent=2)
    refused(["--marks", bad], 78, ["bad-marks.json", "registration[2]", "corner"],
            "a mark set with a mark off its corner (file and field named)")
    refused(["--marks", "nosuch"], 78, ["nosuch.json"], "a mark set that does not exist")
    # a kind whose files verify cannot decode is refused before anything is
    # made, not by the job's self-check after its sheets
    own_tpl = os.path.join(tmp, "own-templates")
    shutil.copytree(os.path.join(bk.ROOT, "templates"), os.path.join(own_tpl, "templates"))
    shutil.copytree(os.path.join(bk.ROOT, "fonts"), os.path.join(own_tpl, "fonts"))
    table = os.path.join(own_tpl, "templates", "print", "job.json")
    jt = json.load(open(table))
    jt["kinds"].append(dict(jt["kinds"][0], kind="brf", source="braille/{kit}-kk.brf",
                            file="brf-{n}.pdf"))
    json.dump(jt, open(table, "w"), indent=2)
    out = os.path.join(tmp, "refused")
    r = bk.run("print-job", kits, "-o", out,
               env={"BALLOTKIT_TEMPLATES": os.path.join(own_tpl, "templates")})
    err = r.stderr.decode()
    t.ok(r.returncode == 78 and "job.json" in err and "kinds[2].source" in err and
         "verify cannot check" in err and not os.path.exists(out),
         "refused: a kind of job.json whose files verify cannot decode (field named, nothing "
         "written)", err[-600:])
    changed = os.path.join(tmp, "changed")
    shutil.copytree(kits, changed, ignore=shutil.ignore_patterns("job"))
    victim = os.path.join(changed, "kits", "mazhilis-03", "stencil", "mazhilis-03-stencil-print.pdf")
    with open(victim, "ab") as fh:
        fh.write(b"% changed\n")
    r = bk.run("print-job", changed, "-o", os.path.join(tmp, "refused"))
    err = r.stderr.decode()
    t.ok(r.returncode == 65 and "mazhilis-03-stencil-print.pdf" in err and "SHA-256" in err and
         not os.path.exists(os.path.join(tmp, "refused")),
         "refused: a stencil changed after the build (file named, nothing written)", err[-500:])

    # ---- verify: the job passes, each tampered one fails
    rc, out = verify(job)
    t.ok(rc == 0 and "print job" in out, "verify passes the job (kits: the job folder's parent)", out[-500:])

    def tampered(what, change, says, reseal=True):
        d = os.path.join(tmp, "tampered")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(job, d)
        tk = json.load(open(os.path.join(d, "job-ticket.json")))
        change(d, tk)
        if reseal:
            for f in tk["files"]:
                p = os.path.join(d, f["file"])
                f["sha256"], f["bytes"] = sha(p), os.path.getsize(p)
        json.dump(tk, open(os.path.join(d, "job-ticket.json"), "w"), indent=2)
        rc, out = verify(d, "--kits", kits)
        t.ok(rc == 65 and all(w in out for w in says), "verify refuses a job with " + what,
             "rc %d: %s" % (rc, out[-700:]))

    def swapper(kind):
        def swap(d, tk):
            sl = next(f for f in tk["files"] if f["kind"] == kind)["slots"]
            a = next(i for i, s in enumerate(sl) if s["kit"] != sl[0]["kit"])
            for k in ("kit", "file"):
                sl[0][k], sl[a][k] = sl[a][k], sl[0][k]
        return swap
    tampered("two slots' stencils swapped in the ticket", swapper("print"),
             ["does not hold that stencil"])
    tampered("two swell slots' stencils swapped in the ticket", swapper("swell"),
             ["does not hold that stencil", "Black marks"])

    def undot(d, tk):
        # the swell sheet's first stencil drawn without its black fills:
        # the form XObject's "/BKblack cs 1 scn" fills become white paint
        f = next(f for f in tk["files"] if f["kind"] == "swell")
        p = os.path.join(d, f["file"])
        with pikepdf.open(p, allow_overwriting_input=True) as pdf:
            xo = pdf.pages[0].Resources.XObject
            form = xo[sorted(xo.keys())[0]]
            ops, white = [], False
            for operands, op in pikepdf.parse_content_stream(form):
                if str(op) == "cs" and str(operands[0]) == "/BKblack":
                    operands, op, white = [1], pikepdf.Operator("g"), True
                elif str(op) == "scn" and white:
                    white = False
                    continue  # its tint: g has set the colour
                ops.append((operands, op))
            form.write(pikepdf.unparse_content_stream(ops))
            pdf.save(p)
    tampered("a swell slot's braille dots taken off the sheet (ticket resealed)", undot,
             ["does not hold that stencil", "Black marks"])

    def move(d, tk):
        tk["files"][0]["slots"][1]["trim_mm"][0] += 5
    tampered("a slot moved 5 mm in the ticket", move, ["does not hold that stencil"])

    def drop(d, tk):
        del tk["files"][0]["slots"][-1]
    tampered("a slot dropped from the ticket", drop, ["slots, where", "belongs to no stencil"])

    def copies(d, tk):
        tk["stencils"][0]["copies"] += 1
    tampered("more copies than the packing lists ask", copies, ["print-quantities.csv"])

    def shift_sheet(d, tk):
        p = os.path.join(d, tk["files"][0]["file"])
        with pikepdf.open(p, allow_overwriting_input=True) as pdf:
            pg = pdf.pages[0]
            ops = pikepdf.parse_content_stream(pg)
            out = []
            for operands, op in ops:
                if str(op) == "cm" and len(out) and str(out[-1][1]) == "q" and \
                        float(operands[0]) == 1 and float(operands[3]) == 1 and float(operands[4]) > 100:
                    operands = list(operands)
                    operands[5] = float(operands[5]) + 2 / 25.4 * 72
                out.append((operands, op))
            pg.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
            pdf.save(p)
    tampered("a stencil moved 2 mm on a sheet (ticket resealed)", shift_sheet,
             ["does not hold that stencil"])

    def touch(d, tk):
        with open(os.path.join(d, tk["files"][-1]["file"]), "ab") as fh:
            fh.write(b"%")
    tampered("a sheet file changed after the job", touch, ["SHA-256"], reseal=False)

    stale = os.path.join(tmp, "stale")
    shutil.copytree(kits, stale, ignore=shutil.ignore_patterns("job"))
    q = os.path.join(stale, "print-quantities.csv")
    text = open(q).read().replace("-stencil-print.pdf,2,", "-stencil-print.pdf,3,", 1)
    open(q, "w").write(text)
    rc, out = verify(job, "--kits", stale)
    t.ok(rc == 65 and "print-quantities.csv" in out and "make the print job again" in out,
         "verify refuses a job whose kits' quantities changed since", out[-600:])
    rc, out = verify(again)
    t.ok(rc == 65 and "--kits" in out, "verify of a job away from its kits asks for --kits", out[-400:])
t.done()
