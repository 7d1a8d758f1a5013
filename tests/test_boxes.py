"""The box finder (`ballotkit boxes`, include/ballotkit/boxes.h) on ballot
PDFs made here three independent ways, with the boxes' true places known
from what was drawn, never from the finder: Cairo (python3-cairo),
PostScript through Ghostscript's ps2pdf, and PDF bytes written by hand
(a Form XObject, DeviceCMYK, a page with /Rotate 90); and a 300 dpi scan
(pdftoppm's pixels wrapped by PIL). A5 and A4, 2 to 40 boxes, shifted off
a template by 0-5 mm and of other sizes, drawn as rectangles, four
strokes, filled frames and «☐» glyphs, among decoys (a logo, table rules,
a coat of arms in a square frame, text). Each box must be found within
0.2 mm (0.1 mm from a scan), in reading order, with the page size; a wrong
count and overlapping boxes are refused with the message's exact shape;
damaged files are refused, never crash; the proof is read back."""
import json
import os
import random
import re
import subprocess
import tempfile

import cairo
from PIL import Image

import bk
from ballot_pdf import (A4, A5, MM, TOL, TOL_SCAN, cairo_pdf, hand_pdf, layout, ps_pdf,
                        scan_pdf)

t = bk.Tap()
# ---- the finder ----

def find(pdf, *args, env=None):
    r = bk.run("boxes", pdf, "--json", *args, env=env)
    if r.returncode:
        return None, r
    return json.loads(r.stdout), r


def check_boxes(name, pdf, want, paper, method, tol=TOL, args=()):
    got, r = find(pdf, "--expected", str(len(want)), *args)
    if not t.ok(got is not None, "%s: found" % name, r.stderr.decode()):
        return None
    t.eq(got["method"], method, "%s: method" % name)
    t.ok(abs(got["page_width"] - paper[0]) < 0.1 and
         abs(got["page_height"] - paper[1]) < 0.1,
         "%s: page size" % name, "%r %r" % (got["page_width"], got["page_height"]))
    worst, where = 0.0, None
    for i, (g, w) in enumerate(zip(got["boxes"], want)):
        d = max(abs(g["x"] - w[0]), abs(g["y"] - w[1]), abs(g["w"] - w[2]),
                abs(g["h"] - w[3]))
        if d > worst:
            worst, where = d, (i + 1, g, w)
    t.ok(len(got["boxes"]) == len(want) and worst <= tol,
         "%s: %d boxes in order within %.1f mm (worst %.3f)" % (
             name, len(want), tol, worst), repr(where))
    return got


def main():
    rng = random.Random(17)
    with tempfile.TemporaryDirectory() as tmp:
        p = lambda n: os.path.join(tmp, n)
        # Cairo: every style, A5 and A4, counts 2..40, shifts 0..5 mm,
        # other sizes, among decoys
        cases = [(A5, 2, (8, 8), "rect"), (A5, 11, (8, 8), "strokes"),
                 (A4, 17, (7.5, 7.5), "frame"), (A5, 9, (9, 9), "glyph"),
                 (A4, 40, (6, 6), "rect"), (A5, 40, (5, 5), "strokes"),
                 (A4, 24, (10, 7), "rect"), (A5, 6, (12, 12), "frame")]
        for k, (paper, n, size, style) in enumerate(cases):
            shift = (rng.uniform(0, 5), rng.uniform(0, 5))
            boxes = layout(paper, n, size, shift, rng)
            pdf = p("cairo-%d.pdf" % k)
            drawn = cairo_pdf(pdf, paper, boxes, style, cmyk_like=k % 2 == 1)
            check_boxes("cairo %s %s %d boxes shifted %.1f,%.1f" % (
                style, "A5" if paper == A5 else "A4", n, *shift),
                pdf, drawn, paper, "vector")
        # PostScript through Ghostscript
        for paper, n in ((A5, 12), (A4, 30)):
            boxes = layout(paper, n, (8, 8), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
            pdf = p("ps-%d.pdf" % n)
            ps_pdf(pdf, paper, boxes, tmp)
            check_boxes("ps2pdf %d boxes" % n, pdf, boxes, paper, "vector")
        # hand-written: plain, a Form XObject, DeviceCMYK, /Rotate 90
        boxes = layout(A5, 8, (8, 8), (2.5, 4.0), rng)
        for name, kw in (("plain", {}), ("form", {"form": True}),
                         ("cmyk", {"cmyk": True}),
                         ("form+cmyk", {"form": True, "cmyk": True})):
            pdf = p("hand-%s.pdf" % name)
            hand_pdf(pdf, A5, boxes, **kw)
            check_boxes("hand-written %s" % name, pdf, boxes, A5, "vector")
        landscape = (210.0, 148.0)
        rboxes = layout(landscape, 10, (8, 8), (1.0, 3.0), rng)
        pdf = p("hand-rotate.pdf")
        hand_pdf(pdf, landscape, rboxes, rotate=90)
        check_boxes("hand-written /Rotate 90", pdf, rboxes, landscape, "vector")
        # scans at 300 dpi of a Cairo ballot with decoys
        for k, (paper, n, style) in enumerate(((A5, 12, "rect"), (A4, 33, "glyph"))):
            boxes = layout(paper, n, (8, 8), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
            src, pdf = p("scan-src-%d.pdf" % k), p("scan-%d.pdf" % k)
            drawn = cairo_pdf(src, paper, boxes, style)
            scan_pdf(src, pdf, tmp)
            check_boxes("scan 300 dpi %s %d boxes" % (style, n), pdf, drawn,
                        paper, "raster", tol=TOL_SCAN)
        corners(p, rng)
        refusals(p, rng)
        damaged(p)
        locale_and_proof(p, rng)
    t.done()


def corners(p, rng):
    """A printed cut-corner mark: a diagonal line, a filled triangle."""
    boxes = layout(A5, 5, (8, 8), (0, 0), rng)
    for name, (cx, cy), legs, want in (("line", (148, 0), (10, 10), "top-right"),
                                       ("triangle", (0, 0), (12, 8), "top-left"),
                                       ("none", (0, 0), None, None)):
        pdf = p("corner-%s.pdf" % name)
        s = cairo.PDFSurface(pdf, A5[0] * MM, A5[1] * MM)
        c = cairo.Context(s)
        c.scale(MM, MM)
        c.set_line_width(0.3)
        for (x, y, w, h) in boxes:
            c.rectangle(x, y, w, h)
        c.stroke()
        if name == "line":
            c.move_to(cx - legs[0], 0)
            c.line_to(cx, legs[1])
            c.stroke()
        elif name == "triangle":
            c.move_to(0, 0)
            c.line_to(legs[0], 0)
            c.line_to(0, legs[1])
            c.close_path()
            c.fill()
        s.finish()
        got, r = find(pdf, "--expected", "5")
        cc = got and got["cut_corner"]
        if want:
            t.ok(cc and cc["corner"] == want and
                 abs(cc["size"] - sum(legs) / 2) < 0.05,
                 "a cut corner printed as a %s: %s" % (name, want), repr(cc))
        else:
            t.ok(got and cc is None, "no cut corner when none is printed", repr(got))


BOX = r"x (\d+\.\d) y (\d+\.\d) w (\d+\.\d) h (\d+\.\d)"


def refusals(p, rng):
    boxes = layout(A5, 6, (8, 8), (1, 1), rng)
    pdf = p("count.pdf")
    cairo_pdf(pdf, A5, boxes, "rect")
    r = bk.run("boxes", pdf, "--expected", "7")
    msg = r.stderr.decode().strip()
    m = re.fullmatch(re.escape(pdf) + r": error: page 1: 6 marking boxes found, 7 "
                     r"expected \(vector; mm from the page's top-left corner\): "
                     r"(.*) \[box-count\]", msg)
    t.ok(r.returncode == 65 and m, "a wrong count is refused (exit 65)", msg)
    if m:
        listed = [tuple(float(v) for v in re.fullmatch(r"#\d+ " + BOX, e).groups())
                  for e in m.group(1).split("; ")]
        t.ok(len(listed) == 6 and all(max(abs(a - b) for a, b in zip(l, w)) <= 0.051
                                      for l, w in zip(listed, boxes)),
             "the refusal lists the boxes found, in mm", m.group(1))
    # two boxes overlapping
    over = boxes[:3] + [(boxes[3][0] + 3.0, boxes[3][1] - 3.0, 8.0, 8.0)] + boxes[3:]
    pdf = p("overlap.pdf")
    cairo_pdf(pdf, A5, over, "rect", decoys=False)
    r = bk.run("boxes", pdf)
    msg = r.stderr.decode().strip()
    t.ok(r.returncode == 65 and re.fullmatch(
        re.escape(pdf) + r": error: page 1: marking boxes overlap: " + BOX + " and " +
        BOX + r" \(mm from the page's top-left corner\) \[box-overlap\]", msg),
        "overlapping boxes are refused", msg)
    # no such page; a page with no box
    r = bk.run("boxes", p("count.pdf"), "--page", "2")
    t.ok(r.returncode == 65 and r.stderr.decode().strip() ==
         p("count.pdf") + ": error: page 2: no such page, the PDF has 1 [no-page]",
         "a page the PDF lacks is refused", r.stderr.decode())
    pdf = p("empty.pdf")
    cairo_pdf(pdf, A5, [], "rect", decoys=False)
    r = bk.run("boxes", pdf)
    t.ok(r.returncode == 65 and re.fullmatch(
        re.escape(pdf) + r": error: page 1: no marking box found \(vector, \d+ shapes "
        r"looked at\) \[no-boxes\]", r.stderr.decode().strip()),
        "a page without boxes is refused", r.stderr.decode())


def damaged(p):
    good = p("count.pdf")
    data = open(good, "rb").read()
    r = bk.run("boxes", p("missing.pdf"))
    t.ok(r.returncode == 73 and "cannot read the ballot PDF" in r.stderr.decode()
         and p("missing.pdf") in r.stderr.decode(), "a missing file is refused",
         r.stderr.decode())
    enc = p("encrypted.pdf")
    subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", good, enc],
                   check=True)
    r = bk.run("boxes", enc)
    t.ok(r.returncode == 65 and "[encrypted]" in r.stderr.decode() and
         enc in r.stderr.decode(), "an encrypted PDF is refused", r.stderr.decode())
    rng = random.Random(5)
    crashes = []
    cuts = [0, 1, 9, 100, len(data) // 3, len(data) // 2, len(data) - 40, len(data) - 1]
    for k, cut in enumerate(cuts):
        f = p("cut-%d.pdf" % k)
        open(f, "wb").write(data[:cut])
        r = bk.run("boxes", f)
        if r.returncode not in (0, 65) or (r.returncode and f not in r.stderr.decode()):
            crashes.append((cut, r.returncode, r.stderr[:200]))
    for k in range(12):
        b = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        f = p("garbled-%d.pdf" % k)
        open(f, "wb").write(bytes(b) if k < 10 else bytes(rng.randrange(256) for _ in range(5000)))
        r = bk.run("boxes", f)
        if r.returncode not in (0, 65):
            crashes.append(("garbled %d" % k, r.returncode, r.stderr[:200]))
    t.ok(not crashes, "truncated and garbled PDFs: found or refused (65), never a crash",
         repr(crashes))


def locale_and_proof(p, rng):
    boxes = layout(A4, 14, (8, 8), (3.3, 1.7), rng)
    pdf = p("locale.pdf")
    cairo_pdf(pdf, A4, boxes, "rect")
    outs = []
    for loc in ("C", "ru_RU.UTF-8", "kk_KZ.UTF-8"):
        r = bk.run("boxes", pdf, env={"LC_ALL": loc})
        outs.append(r.stdout)
    t.ok(outs[0] == outs[1] == outs[2] and b"," not in outs[1].split(b"\n", 1)[1],
         "the same output, with decimal points, under C, ru_RU and kk_KZ",
         outs[1].decode()[:400])
    proof = p("proof.pdf")
    r = bk.run("boxes", pdf, "--proof", proof, env={"LC_ALL": "ru_RU.UTF-8"})
    t.ok(r.returncode == 0 and os.path.exists(proof) and
         not [f for f in os.listdir(os.path.dirname(proof)) if ".tmp" in f],
         "the proof is written, no temporary file left", r.stderr.decode())
    # the numbers stand beside each box's top-right corner (pdftotext)
    bbox = subprocess.run(["pdftotext", "-bbox", proof, "-"], capture_output=True,
                          check=True).stdout.decode()
    words = [(float(a) / MM, float(b) / MM, w) for a, b, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)]
    placed = 0
    for i, (x, y, w, h) in enumerate(boxes):
        if any(s == str(i + 1) and abs(wx - (x + w + 0.8)) < 1.0 and abs(wy - y) < 1.5
               for wx, wy, s in words):
            placed += 1
    t.eq(placed, len(boxes), "the proof numbers every box beside it, in order")
    # the red outline runs along each box's edges (pdftoppm)
    base = p("proof")
    subprocess.run(["pdftoppm", "-r", "150", "-singlefile", "-png", proof, base],
                   check=True)
    img = Image.open(base + ".png").convert("RGB")
    px = img.load()
    s = 150 / 25.4
    red = lambda X, Y: (lambda c: c[0] > 180 and c[1] < 90 and c[2] < 90)(
        px[int(X * s), int(Y * s)])
    hits = sum(red(x + w / 2, y) and red(x, y + h / 2) and red(x + w, y + h / 2) and
               red(x + w / 2, y + h) and not red(x + w / 2, y + h / 2)
               for (x, y, w, h) in boxes)
    t.eq(hits, len(boxes), "the proof outlines every box in red along its edges")


main()
