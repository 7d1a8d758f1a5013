"""Reading a built stencil back, as a user's tools would, for the stencil
tests: the cut paths of its laser SVG (xml.etree) and the braille numbers
of its swell PDF, read from the rendered pixels (tamper.py's reader). None
of it shares code with ballotkit's own writers or verify's decoders."""
import re
import xml.etree.ElementTree as ET

import tamper

SVG = "{http://www.w3.org/2000/svg}"


def path_boxes(d_attr, transform=None):
    """Subpaths of an SVG path: (closed, bbox of all points), with the
    element's transform="matrix(a,b,c,d,e,f)" applied (Cairo writes one
    when the drawing was translated)."""
    a, b, c, dd, e, f = 1, 0, 0, 1, 0, 0
    if transform:
        a, b, c, dd, e, f = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", transform)]
    out = []
    for sub in re.split(r"(?=M )", d_attr.strip()):
        nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", sub)]
        if len(nums) <= 2:  # a lone move after a close
            continue
        pts = [(a * x + c * y + e, b * x + dd * y + f) for x, y in zip(nums[0::2], nums[1::2])]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        out.append((sub.strip().endswith("Z"), (min(xs), min(ys), max(xs), max(ys))))
    return out


# the cutter's figures (issue 17) and the example's braille profile
# (Marburg Medium: dot pitch, cell pitch, line pitch, dot diameter)
MARGIN, BRIDGE = 0.5, 1.5
DOT, CELL, LINE, DIAM = 2.5, 6.0, 10.0, 1.6
BLANK = 2 * CELL - (DOT + DIAM)  # two blocks side by side: a blank cell


def svg_windows(path):
    """The window cuts of a laser SVG (bounding boxes, top to bottom)."""
    cuts = []
    for p in ET.parse(path).getroot().iter(SVG + "path"):
        if "stroke:rgb(100%,0%,0%)" in p.get("style", ""):
            cuts.extend(path_boxes(p.get("d"), p.get("transform")))
    return sorted([bb for _, bb in cuts if bb[2] - bb[0] < 30], key=lambda bb: (bb[0], bb[1]))


def bridges(windows):
    """The narrowest material between two windows, mm."""
    least = float("inf")
    for i, a in enumerate(windows):
        for b in windows[i + 1:]:
            dx = max(0, b[0] - a[2], a[0] - b[2])
            dy = max(0, b[1] - a[3], a[1] - b[3])
            least = min(least, (dx * dx + dy * dy) ** 0.5)
    return least


def number_blocks(pdf, tmp, page=0):
    """The braille numbers of a swell PDF's page, read from its pixels:
    [(number, (left, top, right, bottom))]; blocks that read as no
    number (the title, the reference cell) are left out."""
    img = tamper._render(pdf, page, 200, tmp)
    out = []
    for cells, left, last, top in tamper.pixel_blocks(tamper.pixel_dots(img, 200)):
        n = tamper.cells_number(cells)
        if n:
            out.append((n, (left - DIAM / 2, top - DIAM / 2, last + DOT + DIAM / 2,
                            top + 2 * DOT + DIAM / 2)))
    return out


def check_numbers(t, tag, pdf, windows, numbers, tmp):
    """Each number read once, nearer its own window (centre to centre)
    than any other; blocks on lines closer than the line pitch a blank
    cell apart. Returns the blocks."""
    blocks = number_blocks(pdf, tmp)
    t.eq(sorted(n for n, _ in blocks), sorted(numbers), tag + ": every number reads once from the pixels")
    own = dict(zip(numbers, windows))
    worst = float("inf")
    nearest_ok = True
    for n, r in blocks:
        cx, cy = (r[0] + r[2]) / 2, (r[1] + r[3]) / 2
        dist = sorted((((w[0] + w[2]) / 2 - cx) ** 2 + ((w[1] + w[3]) / 2 - cy) ** 2, k)
                      for k, w in own.items())
        nearest_ok &= dist[0][1] == n and (len(dist) < 2 or dist[1][0] > dist[0][0])
    t.ok(nearest_ok, tag + ": every braille number is nearer its own window than any other")
    for i, (_, a) in enumerate(blocks):
        for _, b in blocks[i + 1:]:
            if abs(a[1] - b[1]) < LINE - 0.2:
                worst = min(worst, max(b[0] - a[2], a[0] - b[2]))
    t.ok(worst >= BLANK - 0.3, tag + ": numbers on lines closer than %.0f mm stand a blank cell "
         "apart (closest %.1f mm, a blank cell %.1f mm)" % (LINE, worst, BLANK))
    return blocks
