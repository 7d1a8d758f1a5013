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
import math
import os
import random
import re
import subprocess
import tempfile
import zlib

import cairo
from PIL import Image

import bk

t = bk.Tap()
MM = 72 / 25.4
TOL = 0.2
TOL_SCAN = 0.1
A5, A4 = (148.0, 210.0), (210.0, 297.0)
GLYPH_FONT = "DejaVu Sans"


def layout(paper, n, size, shift, rng):
    """n boxes of size (w, h) in one or two columns near the right edge
    of a template, shifted by shift (dx, dy), in reading order."""
    pw, ph = paper
    cols = 1 if n <= 15 else 2
    rows = (n + cols - 1) // cols
    pitch = min(14.0, (ph - 60.0) / rows)
    w, h = size
    h = min(h, pitch - 2.5)
    w = min(w, 1.5 * h)
    out = []
    for r in range(rows):
        for c in range(cols):
            if len(out) == n:
                break
            x = pw - 25.0 - (cols - 1 - c) * (pw / 2 - 10) + shift[0]
            y = 35.0 + r * pitch + shift[1]
            out.append((round(x, 3), round(y, 3), round(w, 3), round(h, 3)))
    return out


# ---- Cairo ----

def cairo_text(c, x, y, s, size=3.5):
    c.select_font_face(GLYPH_FONT)
    c.set_font_size(size)
    c.move_to(x, y)
    c.show_text(s)


def cairo_decoys(c, paper, boxes):
    pw, ph = paper
    c.set_source_rgb(0, 0, 0)
    # table rules: long thin lines between the rows and down the page
    c.set_line_width(0.25)
    for (x, y, w, h) in boxes:
        c.move_to(10, y - 1.5)
        c.line_to(pw - 10, y - 1.5)
        c.stroke()
    c.move_to(pw - 40, 30)
    c.line_to(pw - 40, ph - 20)
    c.stroke()
    # the coat of arms in a 30 mm square frame, top centre
    c.set_line_width(0.6)
    c.rectangle(pw / 2 - 15, 4, 30, 25)
    c.stroke()
    c.arc(pw / 2, 16.5, 9, 0, 2 * math.pi)
    c.stroke()
    # a logo: a filled square, a small square frame and a ring, top left
    c.rectangle(12, 8, 6, 6)
    c.fill()
    c.set_line_width(0.4)
    c.rectangle(20, 8, 6, 6)
    c.stroke()
    c.arc(31, 11, 3, 0, 2 * math.pi)
    c.stroke()
    # candidates' names
    for i, (x, y, w, h) in enumerate(boxes):
        cairo_text(c, 14, y + h / 2, "Кандидат %d ТӨРТБҰРЫШ" % (i + 1))


def glyph_boxes(c, x, y, size):
    """Draws «☐» at (x, y) (baseline) and returns its frame's centre-line
    box, read from Cairo's own outline of the glyph."""
    c.select_font_face(GLYPH_FONT)
    c.set_font_size(size)
    c.move_to(x, y)
    c.text_path("\u2610")
    path = c.copy_path_flat()
    c.fill()
    rects, cur = [], []
    for kind, pts in path:
        if kind == cairo.PATH_MOVE_TO:
            cur = [pts]
        elif kind == cairo.PATH_LINE_TO:
            cur.append(pts)
        elif kind == cairo.PATH_CLOSE_PATH and cur:
            xs, ys = [p[0] for p in cur], [p[1] for p in cur]
            rects.append((min(xs), min(ys), max(xs), max(ys)))
    rects.sort(key=lambda r: -(r[2] - r[0]))
    o, i = rects[0], rects[1]
    return ((o[0] + i[0]) / 2, (o[1] + i[1]) / 2,
            (o[2] + i[2] - o[0] - i[0]) / 2, (o[3] + i[3] - o[1] - i[1]) / 2)


def cairo_pdf(path, paper, boxes, style, decoys=True, cmyk_like=False):
    """Boxes drawn by Cairo; returns the boxes as drawn (for glyphs, the
    glyph's frame)."""
    s = cairo.PDFSurface(path, paper[0] * MM, paper[1] * MM)
    c = cairo.Context(s)
    c.scale(MM, MM)
    if decoys:
        cairo_decoys(c, paper, boxes)
    c.set_source_rgb(0.1, 0.2, 0.6) if cmyk_like else c.set_source_rgb(0, 0, 0)
    drawn = []
    for (x, y, w, h) in boxes:
        if style == "rect":
            c.set_line_width(0.3)
            c.rectangle(x, y, w, h)
            c.stroke()
        elif style == "strokes":
            c.set_line_width(0.35)
            c.set_line_cap(cairo.LINE_CAP_SQUARE)
            for a, b in (((x, y), (x + w, y)), ((x + w, y), (x + w, y + h)),
                         ((x + w, y + h), (x, y + h)), ((x, y + h), (x, y))):
                c.move_to(*a)
                c.line_to(*b)
                c.stroke()
        elif style == "frame":
            t2 = 0.25
            c.set_fill_rule(cairo.FILL_RULE_EVEN_ODD)
            c.rectangle(x - t2, y - t2, w + 2 * t2, h + 2 * t2)
            c.rectangle(x + t2, y + t2, w - 2 * t2, h - 2 * t2)
            c.fill()
        elif style == "glyph":
            c.save()
            got = glyph_boxes(c, x, y + h, h * 1.2)
            c.restore()
            drawn.append(got)
            continue
        drawn.append((x, y, w, h))
    s.finish()
    return drawn


# ---- PostScript through ps2pdf ----

def ps_pdf(path, paper, boxes, tmp):
    pw, ph = paper[0] * MM, paper[1] * MM
    lines = ["%!PS-Adobe-3.0", "%%%%BoundingBox: 0 0 %d %d" % (round(pw), round(ph)),
             "<< /PageSize [%.4f %.4f] >> setpagedevice" % (pw, ph),
             "0.8 setlinewidth 0 setgray",
             # a table rule and a logo
             "newpath 20 %.3f moveto %.3f %.3f lineto stroke" % (ph - 60, pw - 20, ph - 60),
             "newpath 40 %.3f 12 0 360 arc stroke" % (ph - 40)]
    for (x, y, w, h) in boxes:
        lines.append("newpath %.4f %.4f moveto %.4f 0 rlineto 0 %.4f rlineto "
                     "%.4f 0 rlineto closepath stroke" % (
                         x * MM, ph - y * MM, w * MM, -h * MM, -w * MM))
    lines.append("showpage")
    ps = os.path.join(tmp, "ballot.ps")
    with open(ps, "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(["ps2pdf", "-dDEVICEWIDTHPOINTS=%.4f" % pw,
                    "-dDEVICEHEIGHTPOINTS=%.4f" % ph, "-dFIXEDMEDIA", ps, path],
                   check=True, capture_output=True)


# ---- PDF bytes by hand ----

def hand_pdf(path, paper, boxes, form=False, cmyk=False, rotate=0):
    """A one-page PDF written byte by byte. form: the boxes inside a Form
    XObject placed with a translation; cmyk: DeviceCMYK colours; rotate:
    the page's /Rotate (the boxes are given as displayed)."""
    pw, ph = paper  # as displayed
    if rotate == 90:
        mw, mh = ph, pw
    else:
        mw, mh = pw, ph

    def to_user(x, y):
        # displayed mm (top-left, y down) to the page's user space (pt)
        if rotate == 90:
            # displayed = the page turned clockwise: user x = y, user y = x
            return y * MM, x * MM
        return x * MM, (ph - y) * MM

    ops = []
    colour = "0 0 0 1 K 0.2 0.9 0 0 k" if cmyk else "0 G"
    ops.append("q %s 0.7 w" % colour)
    ops.append("30 30 m %.2f 30 l S" % (mw * MM - 30))   # a rule
    ops.append("40 %.2f 25 25 re f" % (mh * MM - 80))     # a solid logo
    ops.append("Q")
    box_ops = ["q %s 0.85 w" % colour]
    dx = dy = 0.0
    if form:
        dx, dy = 15.0, -10.0  # the form's /Matrix moves it back
    for (x, y, w, h) in boxes:
        x0, y0 = to_user(x, y)
        x1, y1 = to_user(x + w, y + h)
        box_ops.append("%.4f %.4f %.4f %.4f re S" % (
            min(x0, x1) - dx, min(y0, y1) - dy, abs(x1 - x0), abs(y1 - y0)))
    box_ops.append("Q")
    objs = []
    if form:
        fs = "\n".join(box_ops).encode()
        objs.append(b"<< /Type /XObject /Subtype /Form /BBox [-1000 -1000 3000 3000] "
                    b"/Matrix [1 0 0 1 %.4f %.4f] /Length %d >>\nstream\n" % (dx, dy, len(fs))
                    + fs + b"\nendstream")
        ops.append("/Fm1 Do")
    else:
        ops.extend(box_ops)
    content = zlib.compress("\n".join(ops).encode())
    res = b"<< /XObject << /Fm1 5 0 R >> >>" if form else b"<< >>"
    rot = b" /Rotate %d" % rotate if rotate else b""
    body = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f]%s /Resources %s "
            b"/Contents 4 0 R >>" % (mw * MM, mh * MM, rot, res),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content + b"\nendstream"] + objs
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(body):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def scan_pdf(src, path, tmp):
    """src rendered at 300 dpi in grey by pdftoppm and wrapped as an
    image-only PDF (JPEG) by PIL: what a scanner gives."""
    base = os.path.join(tmp, "scan")
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-singlefile", src, base],
                   check=True)
    Image.open(base + ".pgm").save(path, resolution=300.0, quality=92)


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
