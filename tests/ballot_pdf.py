"""Ballot PDFs drawn for tests, three independent ways, with the boxes'
true places known from what was drawn, never from ballotkit's finder:
Cairo (python3-cairo), PostScript through Ghostscript's ps2pdf, and PDF
bytes written by hand (a Form XObject, DeviceCMYK, /Rotate); and a 300
dpi scan of one (pdftoppm's pixels wrapped by PIL). Used by
test_boxes.py (the finder) and test_stencil_ballot.py (stencils made
from them). Coordinates are mm from the top-left corner of the page."""
import math
import os
import subprocess
import zlib

import cairo
from PIL import Image

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
