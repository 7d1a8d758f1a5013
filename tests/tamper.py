"""Tampering with written kit files, for tests that must catch it
(run by /usr/bin/python3; needs python3-pikepdf, and numpy for the self-check).

swap_stencil_numbers(pdf_in, pdf_out, a, b, page=0)
    Rewrites a stencil's swell-paper PDF so that the braille numbers beside
    the windows numbered a and b (on that page, 0-based) are exchanged and
    nothing else changes: the dots of each number are moved, in the content
    stream, to where the other number stood.

How the swell PDF is drawn (src/stencil/stencil.c, Cairo, then made
PDF/X-4 by src/render/pdfpost.c): the page's content stream starts with a
y-down CTM (1 0 0 -1 0 H cm) in points; the cutting guides (outline and
windows) are strokes in the Separation Cyan (a colour space whose CMYK
alternate is 1 0 0 0), each window a closed subpath; the braille dots are
filled paths in the Separation Black (alternate 0 0 0 1), each dot one
subpath "m c c c c h". A Separation's colour is taken at full tint (the
writer's "1 scn"). A number stands left of its window
(where windows stand closer than a braille line, every other number in a
second column a blank cell further left, or right of its window when
another column of windows stands to the right), level with its centre, its last cell's right edge window_gap (3 mm) from the
window: the writer aligns numbers by their right edge, so a number with
more cells extends further left. The swap keeps that: the moved number's
last cell takes the place of the other number's last cell (and its top row
the other's top row), so "10" moved beside window 9 still ends 3 mm from
that window.

When the two numbers have different cell counts (9 and 10), the print
numbers move too, unchanged, to stay 2 mm left of the braille they now
stand beside, as the writer would have put them (move_print=False: only
the dots move, and the longer number's first cells cover a print number).
The print text is found in Cairo's single BT block of the bold numbers: each
number a Tj or TJ placed by a relative Td; moving one means changing that Td
and the next one back.

The numbers are found here without the library: windows from the blue
strokes, dots from the black fills, a window's number the run of dots
beside it as the C decoder takes it (src/decode/stencil-numbers.c), read
with the digit cells a-j after the number sign (dots 3456).

reseal(kd) rewrites a tampered kit's manifest.json and SHA256SUMS so
that every checksum agrees again: verify must then find the tampering by
decoding, not by the checksums.

Run as a script: a self-check that builds a stencil of the example, swaps 2
and 3 (and 9 and 10, of different lengths), renders the pages with pdftoppm
and reads the dots back from the pixels.
"""
import decimal
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile

import pikepdf

PT_MM = 25.4 / 72

# digits 1-9, 0 as the cells a-j (bit k-1 = dot k)
DIGIT_CELLS = {0x01: 1, 0x03: 2, 0x09: 3, 0x19: 4, 0x11: 5, 0x0B: 6,
               0x1B: 7, 0x13: 8, 0x0A: 9, 0x1A: 0}
NUMBER_SIGN = 0x3C


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def reseal(kd, drop=(), index=None):
    """Rewrites the kit's manifest and SHA256SUMS to list every file the
    kit folder holds with its size and SHA-256 (but those in drop, and
    the files deleted); with index (the folder's index.json), the
    manifest's hash there too."""
    with open(os.path.join(kd, "manifest.json"), encoding="utf-8") as fh:
        m = json.load(fh)
    on_disk = []
    for root, dirs, files in os.walk(kd):
        dirs.sort()
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), kd)
            if rel not in ("manifest.json", "SHA256SUMS") and rel not in drop:
                on_disk.append(rel)
    m["files"] = [{"path": f} for f in sorted(on_disk, key=lambda x: x.encode())]
    for f in m["files"]:
        p = os.path.join(kd, f["path"])
        f["size"] = os.path.getsize(p)
        f["sha256"] = sha(p)
    with open(os.path.join(kd, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(m, fh, ensure_ascii=False, indent=2)
    with open(os.path.join(kd, "SHA256SUMS"), "w") as fh:
        for f in m["files"]:
            fh.write("%s  %s\n" % (f["sha256"], f["path"]))
    if index:
        with open(index, encoding="utf-8") as fh:
            idx = json.load(fh)
        for k in idx["kits"]:
            if k["kit"] == os.path.basename(os.path.normpath(kd)):
                k["manifest_sha256"] = sha(os.path.join(kd, "manifest.json"))
        with open(index, "w", encoding="utf-8") as fh:
            json.dump(idx, fh, ensure_ascii=False, indent=2)


def _mul(m, n):
    """m after n, both [a b c d e f] as in PDF's cm."""
    a, b, c, d, e, f = n
    A, B, C, D, E, F = m
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


def _apply(m, x, y):
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _num(v):
    return float(v)


class _Sub:
    """One subpath: where its points are in the instruction list."""

    def __init__(self):
        self.refs = []    # (instruction index, operand index of x)
        self.pts = []     # page mm, from the top-left
        self.closed = False
        self.ops = []


def _page_paths(pdf, page):
    """The page's instructions, its dots and its window guides.

    dots: list of (centre x, centre y, diameter, subpath) in page mm;
    windows: list of (x, y, w, h) in page mm; ctm per dot for moving it."""
    pg = pdf.pages[page]
    box = [float(v) for v in pg.obj.MediaBox]
    ins = list(pikepdf.parse_content_stream(pg))

    def to_mm(p):
        return ((p[0] - box[0]) * PT_MM, (box[3] - p[1]) * PT_MM)

    spaces = pg.obj.get("/Resources", pikepdf.Dictionary()).get("/ColorSpace", pikepdf.Dictionary())

    def separation_rgb(name):
        """A Separation colour space's full tint as RGB, from its CMYK
        alternate (the stencil PDFs are PDF/X-4: black and the cutting
        guides are the process plates Black and Cyan)."""
        cs = spaces.get(str(name))
        if not isinstance(cs, pikepdf.Array) or cs[0] != "/Separation":
            return None
        c, m, y, k = (float(v) for v in cs[3].C1)
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))

    ctm = [1, 0, 0, 1, 0, 0]
    stack = []
    fill = stroke = None
    subs = []
    cur = None
    dots, guides, texts = [], [], []
    tlm, setter = None, None
    for i, inst in enumerate(ins):
        op = str(inst.operator)
        ops = list(inst.operands)
        if op == "BT":
            tlm, setter = [1, 0, 0, 1, 0, 0], None
        elif op == "Tm":
            tlm, setter = [_num(v) for v in ops], i
        elif op in ("Td", "TD"):
            tlm = _mul(tlm, [1, 0, 0, 1, _num(ops[0]), _num(ops[1])])
            setter = i
        elif op in ("T*", "'", '"'):
            setter = None  # not used by Cairo; such text is never moved
        if op in ("Tj", "TJ") and tlm is not None:
            # where the line starts, and the transform of its text space
            texts.append((i, setter, to_mm(_apply(_mul(ctm, tlm), 0, 0)),
                          tuple(_mul(ctm, tlm))))
        if op == "q":
            stack.append((ctm, fill, stroke))
        elif op == "Q":
            if stack:
                ctm, fill, stroke = stack.pop()
        elif op == "cm":
            ctm = _mul(ctm, [_num(v) for v in ops])
        elif op == "rg":
            fill = tuple(_num(v) for v in ops)
        elif op == "g":
            fill = (_num(ops[0]),) * 3
        elif op == "RG":
            stroke = tuple(_num(v) for v in ops)
        elif op == "cs":
            fill = separation_rgb(ops[0])
        elif op == "CS":
            stroke = separation_rgb(ops[0])
        elif op == "G":
            stroke = (_num(ops[0]),) * 3
        elif op in ("m", "l", "c", "v", "y", "re"):
            if op == "m" or op == "re" or cur is None:
                cur = _Sub()
                subs.append(cur)
            for k in range(0, 4 if op == "re" else len(ops), 2):
                if op == "re" and k == 2:
                    break
                cur.refs.append((i, k, tuple(ctm)))
                cur.pts.append(to_mm(_apply(ctm, _num(ops[k]), _num(ops[k + 1]))))
            if op == "re":
                x, y, w, h = (_num(v) for v in ops)
                for px, py in ((x + w, y), (x + w, y + h), (x, y + h)):
                    cur.pts.append(to_mm(_apply(ctm, px, py)))
                cur.closed = True
                cur = None
        elif op == "h":
            if cur is not None:
                cur.closed = True
        elif op in ("f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "n"):
            filled = op in ("f", "F", "f*", "B", "B*", "b", "b*")
            stroked = op in ("S", "s", "B", "B*", "b", "b*")
            for s in subs:
                if len(s.pts) < 2:
                    continue
                xs = [p[0] for p in s.pts]
                ys = [p[1] for p in s.pts]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
                if (filled and fill is not None and max(fill) < 0.01 and
                        s.closed and 1.0 <= w <= 2.0 and abs(w - h) < 0.05):
                    dots.append((cx, cy, w, s))
                if (stroked and stroke is not None and stroke[2] > 0.5 and
                        stroke[0] < 0.1 and s.closed and w > 3 and h > 3):
                    guides.append((min(xs), min(ys), w, h))
            subs = []
            cur = None
    # the outline is the largest guide; the windows are the others
    if guides:
        big = max(guides, key=lambda g: g[2] * g[3])
        guides = [g for g in guides if g is not big]
    return ins, dots, guides, texts


def _side(by_x, x_edge, cy, direction):
    """The run of dots level with cy on one side of a window edge
    (direction -1: left, 1: right), from the first within 40 mm outwards
    until a gap wider than 10 mm; (distance of its first dot, run)."""
    run, last, first = [], None, float("inf")
    for d in (by_x if direction < 0 else reversed(by_x)):
        out = (d[0] - x_edge) * direction
        if out <= 0 or abs(d[1] - cy) > 4.0:
            continue
        if (not run and out > 40) or (run and (d[0] - last) * direction > 10):
            break
        if not run:
            first = out
        run.append(d)
        last = d[0]
    return first, run


def _runs(dots, windows):
    """For each window, the run of dots beside it (as
    src/decode/stencil-numbers.c): left of it, or right of it where that
    run starts nearer."""
    by_x = sorted(dots, key=lambda d: -d[0])
    runs = []
    for (x, y, w, h) in windows:
        cy = y + h / 2
        dl, left = _side(by_x, x, cy, -1)
        dr, right = _side(by_x, x + w, cy, 1)
        runs.append(right if dr < dl else left)
    return runs


def _columns(run):
    cols = []
    for x in sorted(d[0] for d in run):
        if not cols or x - cols[-1] > 0.5:
            cols.append(x)
    return cols


def _pitches(runs):
    dp, cp = [], []
    for r in runs:
        cols = _columns(r)
        if len(cols) >= 2 and 1.5 <= cols[1] - cols[0] <= 4:
            dp.append(cols[1] - cols[0])
        if len(cols) >= 3 and 4 <= cols[2] - cols[0] <= 12:
            cp.append(cols[2] - cols[0])
    if not dp or not cp:
        raise ValueError("no braille numbers to measure the pitches by")
    return sorted(dp)[len(dp) // 2], sorted(cp)[len(cp) // 2]


def read_cells(points, dot_pitch, cell_pitch):
    """Cells of one line of dots (x, y in mm): the leftmost dot in the
    first cell's first column, the highest in its first row. None when a
    dot is off that grid by more than 0.4 mm."""
    x0 = min(p[0] for p in points)
    y0 = min(p[1] for p in points)
    cells = {}
    for p in points:
        u, v = p[0] - x0, p[1] - y0
        cell = math.floor((u + dot_pitch / 2) / cell_pitch)
        col = round((u - cell * cell_pitch) / dot_pitch)
        row = round(v / dot_pitch)
        if (col not in (0, 1) or row not in (0, 1, 2) or
                abs(u - cell * cell_pitch - col * dot_pitch) > 0.4 or
                abs(v - row * dot_pitch) > 0.4):
            return None
        cells[cell] = cells.get(cell, 0) | (1 << (col * 3 + row))
    return [cells.get(i, 0) for i in range(max(cells) + 1)]


def cells_number(cells):
    """The number ⠼ + digits reads, or 0."""
    if not cells or len(cells) < 2 or cells[0] != NUMBER_SIGN:
        return 0
    digits = [DIGIT_CELLS.get(c) for c in cells[1:]]
    if None in digits or (digits[0] == 0 and len(digits) > 1):
        return 0
    return int("".join(str(d) for d in digits))


def _shift_dot(ins, sub, dx_mm, dy_mm):
    """Moves one dot by dx, dy mm on the page (y down)."""
    for (i, k, ctm) in sub.refs:
        # page delta -> default user space (y up) -> the path's space
        ux, uy = dx_mm / PT_MM, -dy_mm / PT_MM
        a, b, c, d = ctm[0], ctm[1], ctm[2], ctm[3]
        det = a * d - b * c
        px = (d * ux - c * uy) / det
        py = (-b * ux + a * uy) / det
        ops = list(ins[i].operands)
        ops[k] = decimal.Decimal("%.4f" % (float(ops[k]) + px))
        ops[k + 1] = decimal.Decimal("%.4f" % (float(ops[k + 1]) + py))
        ins[i] = pikepdf.ContentStreamInstruction(ops, ins[i].operator)
    return ins


def _print_number(texts, run, window):
    """The text drawn left of a number's braille, level with its window:
    the print number."""
    left = min(d[0] for d in run)
    cy = window[1] + window[3] / 2
    best = None
    for t in texts:
        x, y = t[2]
        if left - 25 < x < left and abs(y - cy) < 5:
            if best is None or x > best[2][0]:
                best = t
    return best


def _shift_text(ins, text, dx_mm):
    """Moves one text-showing operator dx mm across the page: the Td (or
    Tm) that placed it, and the next Td back, so nothing else moves."""
    i, setter, _, m = text
    if setter is None:
        raise ValueError("cannot move a print number placed by T* or quotes")
    # page mm -> default user space -> this text's unscaled text space
    ux, uy = dx_mm / PT_MM, 0.0
    det = m[0] * m[3] - m[1] * m[2]
    tx = (m[3] * ux - m[2] * uy) / det
    ty = (-m[1] * ux + m[0] * uy) / det

    def add(k, dx, dy):
        ops = list(ins[k].operands)
        if str(ins[k].operator) == "Tm":
            # e, f are in user space: text space through Tm's own a b c d
            a_, b_, c_, d_ = (float(v) for v in ops[:4])
            ops[4] = decimal.Decimal("%.6f" % (float(ops[4]) + a_ * dx + c_ * dy))
            ops[5] = decimal.Decimal("%.6f" % (float(ops[5]) + b_ * dx + d_ * dy))
        else:
            ops[0] = decimal.Decimal("%.6f" % (float(ops[0]) + dx))
            ops[1] = decimal.Decimal("%.6f" % (float(ops[1]) + dy))
        ins[k] = pikepdf.ContentStreamInstruction(ops, ins[k].operator)

    add(setter, tx, ty)
    for k in range(i + 1, len(ins)):
        op = str(ins[k].operator)
        if op in ("Td", "TD"):
            add(k, -tx, -ty)
            break
        if op in ("Tm", "ET", "T*", "'", '"'):
            break


def page_numbers(pdf_path, page=0):
    """[(window rectangle, number read, run of dots)] of one page."""
    with pikepdf.open(pdf_path) as pdf:
        ins, dots, windows, _ = _page_paths(pdf, page)
    runs = _runs(dots, windows)
    dp, cp = _pitches(runs)
    out = []
    for w, r in zip(windows, runs):
        cells = read_cells([(d[0], d[1]) for d in r], dp, cp) if r else None
        out.append((w, cells_number(cells), r))
    return out


def swap_stencil_numbers(pdf_in, pdf_out, a, b, page=0, move_print=True):
    """Exchanges the braille numbers beside windows a and b of page.

    When the two have different cell counts, the longer one's first cells
    would land on the print number of its new window (the writer puts the
    print number 2 mm left of the braille, which it right-aligns 3 mm from
    the window); move_print then moves each print number (unchanged) as far
    as the writer would have put it beside the braille it now has. With
    move_print=False, or equal cell counts, only dots move."""
    with pikepdf.open(pdf_in) as pdf:
        ins, dots, windows, texts = _page_paths(pdf, page)
        runs = _runs(dots, windows)
        dp, cp = _pitches(runs)
        found = {}
        for r, w in zip(runs, windows):
            if not r:
                continue
            cells = read_cells([(d[0], d[1]) for d in r], dp, cp)
            v = cells_number(cells)
            if v in (a, b):
                if v in found:
                    raise ValueError("number %d stands beside two windows" % v)
                found[v] = (r, len(cells), w)
        for v in (a, b):
            if v not in found:
                raise ValueError("no window on page %d has the braille number %d"
                                 % (page + 1, v))

        def anchor(v):
            """The last cell's first column and the top row."""
            r, n, _ = found[v]
            return (min(d[0] for d in r) + (n - 1) * cp, min(d[1] for d in r))

        pa, pb = anchor(a), anchor(b)
        for d in found[a][0]:
            _shift_dot(ins, d[3], pb[0] - pa[0], pb[1] - pa[1])
        for d in found[b][0]:
            _shift_dot(ins, d[3], pa[0] - pb[0], pa[1] - pb[1])
        extra = (found[b][1] - found[a][1]) * cp  # b is this much longer
        if move_print and abs(extra) > 1e-6:
            ta = _print_number(texts, found[a][0], found[a][2])
            tb = _print_number(texts, found[b][0], found[b][2])
            if ta is None or tb is None:
                raise ValueError("no print number beside the braille of %d or %d"
                                 % (a, b))
            _shift_text(ins, ta, -extra)  # a's window now has b's braille
            _shift_text(ins, tb, extra)
        pg = pdf.pages[page]
        pg.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ins))
        pdf.save(pdf_out)


# ---- self-check: the pixels of the rendered pages ----

def _render(pdf_path, page, dpi, tmp):
    """The page as a grey numpy array (0 = black), via pdftoppm."""
    import numpy
    base = os.path.join(tmp, "page")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page + 1),
                    "-l", str(page + 1), "-singlefile", pdf_path, base], check=True)
    with open(base + ".pgm", "rb") as f:
        data = f.read()
    # P5 width height maxval, then the bytes
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    w, h = int(fields[1]), int(fields[2])
    return numpy.frombuffer(data, dtype=numpy.uint8, count=w * h, offset=pos).reshape(h, w)


def pixel_dots(img, dpi):
    """Centres (mm) of the round black blobs 1-2 mm across."""
    import numpy
    dark = img < 60
    seen = numpy.zeros(dark.shape, dtype=bool)
    ys, xs = numpy.nonzero(dark)
    h, w = dark.shape
    px = 25.4 / dpi
    out = []
    for y0, x0 in zip(ys.tolist(), xs.tolist()):
        if seen[y0, x0]:
            continue
        stack = [(y0, x0)]
        seen[y0, x0] = True
        pts = []
        while stack:
            y, x = stack.pop()
            pts.append((y, x))
            for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= ny < h and 0 <= nx < w and dark[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        py = [p[0] for p in pts]
        pxs = [p[1] for p in pts]
        bw, bh = (max(pxs) - min(pxs) + 1) * px, (max(py) - min(py) + 1) * px
        d = 2 * math.sqrt(len(pts) / math.pi) * px
        if 1.0 <= d <= 2.0 and 0.8 * d < bw < 1.3 * d and 0.8 * d < bh < 1.3 * d:
            out.append(((sum(pxs) / len(pts) + 0.5) * px, (sum(py) / len(pts) + 0.5) * px))
    return out


def pixel_blocks(dots):
    """Dots grouped into lines of braille: neighbours closer than 7 mm
    across and 5.2 mm down (the example's rows stand 10.5 mm or more
    apart). [(cells, left, last cell's first column, top)], for the
    example's Marburg Medium (2.5 and 6.0 mm)."""
    n = len(dots)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    order = sorted(range(n), key=lambda i: dots[i][0])
    for ii, i in enumerate(order):
        for j in order[ii + 1:]:
            if dots[j][0] - dots[i][0] > 7:
                break
            if abs(dots[j][1] - dots[i][1]) < 5.2:
                parent[find(i)] = find(j)
    groups = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(dots[i])
    out = []
    for g in groups.values():
        cells = read_cells(g, 2.5, 6.0)
        left = min(p[0] for p in g)
        out.append((cells, left, left + (len(cells or [0]) - 1) * 6.0,
                    min(p[1] for p in g)))
    return out


def _self_check():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    exe = os.environ.get("BALLOTKIT", os.path.join(root, "build", "ballotkit"))
    example = os.path.join(root, "examples", "kz-2023", "election.json")
    env = dict(os.environ)
    env.setdefault("BALLOTKIT_TEMPLATES", os.path.join(root, "templates"))
    failed = 0
    n = 0

    def ok(cond, what):
        nonlocal failed, n
        n += 1
        print("%sok %d - %s" % ("" if cond else "not ", n, what))
        if not cond:
            failed += 1

    with tempfile.TemporaryDirectory() as tmp:
        for ballot, a, b, extra in (("mazhilis-list", 2, 3, []),
                                    ("mazhilis-03", 9, 10, ["--tab"])):
            src = os.path.join(tmp, ballot + ".pdf")
            out = os.path.join(tmp, ballot + "-swapped.pdf")
            subprocess.run([exe, "stencil", example, "--ballot", ballot,
                            "--format", "swell-pdf", "-o", src] + extra,
                           env=env, check=True)
            swap_stencil_numbers(src, out, a, b)
            before = _render(src, 0, 300, tmp)
            after = _render(out, 0, 300, tmp)
            ok(before.shape == after.shape, "%s: the page keeps its size" % ballot)
            bb = pixel_blocks(pixel_dots(before, 300))
            ab = pixel_blocks(pixel_dots(after, 300))
            num_b = {cells_number(c): blk for blk in bb for c in [blk[0]]}
            num_a = {cells_number(c): blk for blk in ab for c in [blk[0]]}
            ok(a in num_b and b in num_b, "%s: %d and %d read from the pixels before"
               % (ballot, a, b))
            ok(a in num_a and b in num_a, "%s: and after" % ballot)
            if not (a in num_b and b in num_b and a in num_a and b in num_a):
                continue
            # b now stands where a stood, right edges and tops kept
            for x, y in ((a, b), (b, a)):
                was, now = num_b[x], num_a[y]
                ok(abs(was[2] - now[2]) < 0.15 and abs(was[3] - now[3]) < 0.15,
                   "%s: %d stands where %d stood (last cell %.2f -> %.2f mm, top "
                   "%.2f -> %.2f)" % (ballot, y, x, was[2], now[2], was[3], now[3]))
            # every other line of braille as it was
            rest_b = sorted((blk for blk in bb if cells_number(blk[0]) not in (a, b)),
                            key=lambda k: (round(k[3]), k[1]))
            rest_a = sorted((blk for blk in ab if cells_number(blk[0]) not in (a, b)),
                            key=lambda k: (round(k[3]), k[1]))
            same = len(rest_b) == len(rest_a) and all(
                p[0] == q[0] and abs(p[1] - q[1]) < 0.1 and abs(p[3] - q[3]) < 0.1
                for p, q in zip(rest_b, rest_a))
            ok(same, "%s: the other %d lines of braille are unchanged" % (ballot, len(rest_b)))
            # no pixel changed outside the two numbers (braille, and the
            # print number left of it, which moves when the lengths differ)
            import numpy
            diff = before != after
            px = 300 / 25.4
            for blk in (num_b[a], num_b[b], num_a[a], num_a[b]):
                x0, x1 = int((blk[1] - 18) * px), int((blk[2] + 5) * px)
                y0, y1 = int((blk[3] - 2) * px), int((blk[3] + 8) * px)
                diff[max(0, y0):y1, max(0, x0):x1] = False
            ok(not diff.any(), "%s: nothing else on the page changed (%d pixels)"
               % (ballot, int(numpy.count_nonzero(diff))))
            # the print numbers keep 2 mm from the braille they stand beside
            def print_left(path):
                with pikepdf.open(path) as pdf:
                    _, dots, windows, texts = _page_paths(pdf, 0)
                rs = _runs(dots, windows)
                return [(_print_number(texts, r, w) or (0, 0, (0, 0)))[2][0]
                        for r, w in zip(rs, windows)]
            pl_b, pl_a = print_left(src), print_left(out)
            extra = (len(str(b)) - len(str(a))) * 6.0
            ok(abs(pl_a[a - 1] - (pl_b[a - 1] - extra)) < 0.01 and
               abs(pl_a[b - 1] - (pl_b[b - 1] + extra)) < 0.01 and
               all(abs(p - q) < 1e-6 for k, (p, q) in enumerate(zip(pl_a, pl_b))
                   if k not in (a - 1, b - 1)),
               "%s: print numbers %d and %d moved %.1f mm, the others not at all"
               % (ballot, a, b, extra))
            # the vector reader agrees
            read = [v for (_, v, _) in page_numbers(out)]
            want = list(range(1, len(read) + 1))
            want[a - 1], want[b - 1] = b, a
            ok(read == want, "%s: the windows read %s" % (ballot, read))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_self_check())
