"""The print shop's stencil PDF: page boxes read from the page dictionaries
themselves (qpdf's QDF form, not pdfinfo); Ghostscript's tiffsep splits the
plates: CutContour holds exactly the outline with its corner cut and one
closed ring per window at the template's boxes (written here by hand),
Braille holds only round dots, cyan, magenta and yellow are empty; no RGB
colour operator is left; the same bytes across locale, zone and folder."""
import glob
import os
import re
import subprocess
import tempfile

from PIL import Image

import bk

t = bk.Tap()
MM = 72 / 25.4
BLEED, SLUG = 3.0, 10.0
# (template, paper w, h, first box x, y, w, h, pitch, positions) by hand
CASES = [("mazhilis-03", 148, 210, 128.0, 22.0, 8.0, 8.0, 10.5, 17),
         ("mazhilis-list", 148, 210, 126.0, 40.0, 10.0, 10.0, 18.0, 8)]
DPI = 150


def components(img):
    """Connected dark regions: (bbox in mm from the trim's top left, pixels)."""
    w, h = img.size
    px = img.load()
    seen = bytearray(w * h)
    out = []
    for y0 in range(h):
        for x0 in range(w):
            if seen[y0 * w + x0] or px[x0, y0] >= 128:
                continue
            stack = [(x0, y0)]
            seen[y0 * w + x0] = 1
            xs, ys, n = [x0, x0], [y0, y0], 0
            while stack:
                x, y = stack.pop()
                n += 1
                xs[0], xs[1] = min(xs[0], x), max(xs[1], x)
                ys[0], ys[1] = min(ys[0], y), max(ys[1], y)
                for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    if 0 <= nx < w and 0 <= ny < h and not seen[ny * w + nx] and px[nx, ny] < 128:
                        seen[ny * w + nx] = 1
                        stack.append((nx, ny))
            f = 25.4 / DPI
            off = BLEED + SLUG
            out.append(((xs[0] * f - off, ys[0] * f - off, (xs[1] + 1) * f - off, (ys[1] + 1) * f - off), n))
    return out


with tempfile.TemporaryDirectory() as tmp:
    for ballot, pw, ph, bx, by, bw, bh, pitch, n in CASES:
        pdf = os.path.join(tmp, ballot + ".pdf")
        bk.run("stencil", bk.EXAMPLE, "--ballot", ballot, "--format", "print-pdf", "-o", pdf, check_rc=0)
        qdf = os.path.join(tmp, ballot + "-qdf.pdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
        with open(qdf, "rb") as f:
            text = re.sub(r"\s+", " ", f.read().decode("latin-1"))

        def box(name):
            m = re.search(r"/%s \[ ?([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ?\]" % name, text)
            return tuple(float(v) / MM for v in m.groups()) if m else None

        W, H = pw + 2 * (BLEED + SLUG), ph + 2 * (BLEED + SLUG)
        want = {"MediaBox": (0, 0, W, H),
                "TrimBox": (BLEED + SLUG, BLEED + SLUG, BLEED + SLUG + pw, BLEED + SLUG + ph),
                "BleedBox": (SLUG, SLUG, SLUG + pw + 2 * BLEED, SLUG + ph + 2 * BLEED)}
        for name, w in want.items():
            got = box(name)
            t.ok(got is not None and all(abs(a - b) < 0.01 for a, b in zip(got, w)),
                 "%s: %s is %s mm (got %s)" % (ballot, name, w, got))
        t.ok(not re.search(r"\d\s+(rg|RG)\b", text), ballot + ": no RGB colour operator is left")
        t.ok("/Separation /CutContour" in text and "/Separation /Braille" in text and
             "/OP true" in text, ballot + ": CutContour and Braille separations, overprint set")
        t.ok("/CS /DeviceRGB" not in text, ballot + ": no RGB page group")
        # the plates
        sep = os.path.join(tmp, ballot)
        os.mkdir(sep)
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep",
                        "-r%d" % DPI, "-sOutputFile=" + os.path.join(sep, "p.tif"), pdf], check=True)
        plates = {re.search(r"\((.*)\)", os.path.basename(f)).group(1): Image.open(f).convert("L")
                  for f in glob.glob(os.path.join(sep, "p(*).tif"))}
        t.eq(sorted(plates), sorted(["Black", "Braille", "Cyan", "CutContour", "Magenta", "Yellow"]),
             ballot + ": the plates")
        for c in ("Cyan", "Magenta", "Yellow"):
            t.ok(plates[c].getextrema()[0] >= 128, "%s: the %s plate is empty" % (ballot, c))
        cut = components(plates["CutContour"])
        big = [c for c in cut if c[0][2] - c[0][0] > 100]
        small = sorted([c for c in cut if c[0][2] - c[0][0] <= 100], key=lambda c: c[0][1])
        px = 25.4 / DPI
        t.ok(len(big) == 1 and all(abs(a - b) < 2 * px for a, b in zip(big[0][0], (0, 0, pw, ph))),
             ballot + ": the CutContour outline is the trim, corner cut included")
        ok = len(small) == n
        for k, (bb, _) in enumerate(small if ok else []):
            cx, cy = (bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2
            ok &= abs(cx - (bx + bw / 2)) < 0.2 + px and abs(cy - (by + k * pitch + bh / 2)) < 0.2 + px
            ok &= bb[0] <= bx + px and bb[2] >= bx + bw - px and bb[1] <= by + k * pitch + px
        t.ok(ok, "%s: the CutContour plate holds %d windows on the boxes (found %d)" % (ballot, n, len(small)))
        dots = components(plates["Braille"])
        sizes = [(bb[2] - bb[0], bb[3] - bb[1]) for bb, _ in dots]
        t.ok(dots and all(1.3 < w < 1.9 and 1.3 < h < 1.9 for w, h in sizes),
             "%s: the Braille plate holds only dots (%d, 1.6 mm across)" % (ballot, len(dots)))
        black = components(plates["Black"])
        t.ok(black, ballot + ": print (numbers, labels, crop marks) on the black plate")
    # with a tab the trim is the whole sheet: the ballot and the 12 mm tab
    tab = os.path.join(tmp, "tab.pdf")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "print-pdf", "--tab",
           "-o", tab, check_rc=0)
    qdf = os.path.join(tmp, "tab-qdf.pdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", tab, qdf], check=True)
    with open(qdf, "rb") as f:
        text = re.sub(r"\s+", " ", f.read().decode("latin-1"))
    m = re.search(r"/TrimBox \[ ?([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ?\]", text)
    got = tuple(float(v) / MM for v in m.groups()) if m else None
    t.ok(got and abs((got[3] - got[1]) - 222) < 0.01 and abs((got[2] - got[0]) - 148) < 0.01,
         "tab: the TrimBox is the sheet with its tab, 148 x 222 mm (got %s)" % (got,))

    # same bytes across locale, zone and folder
    a = os.path.join(tmp, "a.pdf")
    bk.run("stencil", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-07", "--format", "print-pdf",
           "-o", a, check_rc=0)
    old = os.getcwd()
    os.chdir(tmp)
    try:
        bk.run("stencil", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-07", "--format",
               "print-pdf", "-o", "b.pdf", env={"LC_ALL": "ru_RU.UTF-8", "TZ": "Asia/Tokyo"}, check_rc=0)
    finally:
        os.chdir(old)
    with open(a, "rb") as fa, open(os.path.join(tmp, "b.pdf"), "rb") as fb:
        t.ok(fa.read() == fb.read(), "print PDF: identical bytes across locale, zone and folder")
t.done()
