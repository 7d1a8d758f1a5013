"""Stencils of every example ballot: the laser SVG parsed as XML, its cut
windows compared with the marking boxes of the shipped templates written
here by hand (not read through the template parser); every cut path
closed; colours mapped to their operations; the proof's boxes; the PNG
preview's size; identical bytes across locale, time zone and folder."""
import os
import re
import struct
import tempfile
import xml.etree.ElementTree as ET

import bk

t = bk.Tap()

# The marking boxes as the templates should have them, by hand:
# (x, y of the first box, width, height, pitch), mm from the top left.
BOXES = {
    "a5-party-list": (126.0, 40.0, 10.0, 10.0, 18.0),
    "a5-single-mandate": (128.0, 22.0, 8.0, 8.0, 10.5),
    "a4-single-mandate": (189.0, 20.0, 7.0, 7.0, 8.5),
}
PAPER = {"a5-party-list": (148, 210), "a5-single-mandate": (148, 210), "a4-single-mandate": (210, 297)}
d = bk.load(bk.EXAMPLE)
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


with tempfile.TemporaryDirectory() as tmp:
    for b in d["ballots"]:
        tpl = b["paper"]["template"]
        n = len(b["options"]) + (1 if b.get("against_all", True) else 0)
        tag = b["id"]
        svg = os.path.join(tmp, tag + ".svg")
        bk.run("stencil", bk.EXAMPLE, "--ballot", tag, "--format", "svg", "-o", svg, check_rc=0)
        root = ET.parse(svg).getroot()
        t.eq((root.get("width"), root.get("height"), root.get("viewBox")),
             ("%dmm" % PAPER[tpl][0], "%dmm" % PAPER[tpl][1], "0 0 %d %d" % PAPER[tpl]),
             tag + ": SVG in mm, the size of the paper")
        cuts, scores, other = [], [], []
        for p in root.iter(SVG + "path"):
            style = p.get("style", "")
            if "stroke:rgb(100%,0%,0%)" in style:
                cuts.extend(path_boxes(p.get("d"), p.get("transform")))
            elif "stroke:rgb(0%,0%,100%)" in style:
                scores.extend(path_boxes(p.get("d"), p.get("transform")))
            elif "stroke:none" not in style and "stroke:" in style:
                other.append(style)
        t.ok(cuts and all(c for c, _ in cuts), tag + ": every cut path is closed")
        t.eq(other, [], tag + ": strokes are only red (cut) or blue (score)")
        outline = [bb for _, bb in cuts if bb[2] - bb[0] > 100]
        windows = sorted([bb for _, bb in cuts if bb[2] - bb[0] < 30], key=lambda bb: bb[1])
        t.eq([tuple(round(v, 3) for v in o) for o in outline], [(0.0, 0.0) + PAPER[tpl]],
             tag + ": one outline, the paper (its corner cut included)")
        t.eq(len(windows), n, tag + ": one window per position (%d)" % n)
        x0, y0, bw, bh, pitch = BOXES[tpl]
        ok, worst = True, 0.0
        for k, w in enumerate(windows):
            box = (x0, y0 + k * pitch, x0 + bw, y0 + k * pitch + bh)
            covers = w[0] <= box[0] + 1e-6 and w[1] <= box[1] + 1e-6 and \
                w[2] >= box[2] - 1e-6 and w[3] >= box[3] - 1e-6
            dc = max(abs((w[0] + w[2]) / 2 - (box[0] + box[2]) / 2),
                     abs((w[1] + w[3]) / 2 - (box[1] + box[3]) / 2))
            worst = max(worst, dc)
            ok &= covers and dc <= 0.2
        t.ok(ok, tag + ": every window covers its box, centres within 0.2 mm (worst %.3f)" % worst)
        t.ok(len(scores) >= n, tag + ": a scored place for every braille label")
        # the proof: the boxes as the ballot has them
        proof = os.path.join(tmp, tag + "-proof.pdf")
        bk.run("stencil", bk.EXAMPLE, "--ballot", tag, "--format", "proof-pdf", "-o", proof, check_rc=0)
        with open(proof, "rb") as f:
            t.ok(f.read(5) == b"%PDF-", tag + ": the proof is a PDF")
        png = os.path.join(tmp, tag + ".png")
        bk.run("stencil", bk.EXAMPLE, "--ballot", tag, "--format", "png", "--dpi", "100", "-o", png,
               check_rc=0)
        with open(png, "rb") as f:
            head = f.read(24)
        w_px, h_px = struct.unpack(">II", head[16:24])
        t.eq((head[:8], w_px, h_px),
             (b"\x89PNG\r\n\x1a\n", -(-PAPER[tpl][0] * 100 // 25.4) // 1, -(-PAPER[tpl][1] * 100 // 25.4) // 1),
             tag + ": PNG preview at 100 dpi, the paper's size")

    # the optional tab: the sheet grows above the ballot's top edge, the
    # windows keep their place on the ballot (the SVG shifts them down)
    svg = os.path.join(tmp, "tab.svg")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "svg", "--tab", "-o", svg,
           check_rc=0)
    root = ET.parse(svg).getroot()
    cuts = []
    for p in root.iter(SVG + "path"):
        if "stroke:rgb(100%,0%,0%)" in p.get("style", ""):
            cuts.extend(path_boxes(p.get("d"), p.get("transform")))
    outline = [bb for _, bb in cuts if bb[2] - bb[0] > 100]
    windows = sorted([bb for _, bb in cuts if bb[2] - bb[0] < 30], key=lambda bb: bb[1])
    t.eq([tuple(round(v, 3) for v in o) for o in outline], [(0.0, 0.0, 148.0, 222.0)],
         "tab: the outline reaches 12 mm above the ballot")
    x0, y0, bw, bh, pitch = BOXES["a5-party-list"]
    t.ok(len(windows) == 8 and all(
        abs((w[1] + w[3]) / 2 - (12 + y0 + k * pitch + bh / 2)) < 0.2 for k, w in enumerate(windows)),
        "tab: the windows stay over the boxes")

    # a ballot longer than its template: each sheet has its SVG
    import json
    # one name for all: told apart by the birth year
    cands = [{"id": "c%03d" % i, "surname": {"kk": "Ахметов"}, "given_name": {"kk": "Әлі"},
              "birth_year": 1900 + i, "self_nominated": True} for i in range(70)]
    big = {"format": "ballotkit/1",
           "election": {"id": "e", "date": "2023-03-19", "name": {"kk": "С", "ru": "В"},
                        "languages": ["kk", "ru"]},
           "districts": [{"id": "d", "kind": "mazhilis", "number": 9,
                          "name": {"kk": "Округ", "ru": "Округ"}}],
           "candidates": cands,
           "ballots": [{"id": "b", "body": "mazhilis", "kind": "single-mandate", "district": "d",
                        "paper": {"template": "a4-two-columns-continued"},
                        "options": [c["id"] for c in cands]}]}
    bigf = os.path.join(tmp, "big.json")
    with open(bigf, "w", encoding="utf-8") as f:
        json.dump(big, f, ensure_ascii=False)
    counts = []
    for sheet in (1, 2):
        svg = os.path.join(tmp, "big-%d.svg" % sheet)
        bk.run("stencil", bigf, "--ballot", "b", "--format", "svg", "--sheet", str(sheet), "-o", svg,
               check_rc=0)
        root = ET.parse(svg).getroot()
        cuts = []
        for p in root.iter(SVG + "path"):
            if "stroke:rgb(100%,0%,0%)" in p.get("style", ""):
                cuts.extend(path_boxes(p.get("d"), p.get("transform")))
        counts.append(len([bb for _, bb in cuts if bb[2] - bb[0] < 30]))
    t.eq(counts, [62, 9], "70 candidates and against all: 62 windows on sheet 1, 9 on sheet 2")
    r = bk.run("stencil", bigf, "--ballot", "b", "--format", "svg", "--sheet", "3", "-o",
               os.path.join(tmp, "big-3.svg"))
    t.ok(r.returncode == 64 and b"2 sheet" in r.stderr and not os.path.exists(os.path.join(tmp, "big-3.svg")),
         "--sheet 3 of a two-sheet stencil: exit 64, nothing written")

    # same bytes across locale, time zone and folder
    import locale
    try:
        locale.setlocale(locale.LC_ALL, "kk_KZ.UTF-8")
        comma = locale.localeconv()["decimal_point"] == ","
    finally:
        locale.setlocale(locale.LC_ALL, "C")
    t.ok(comma, "kk_KZ.UTF-8 is active with a decimal comma for the second runs")
    for fmt in ("swell-pdf", "svg", "png", "proof-pdf"):
        a = os.path.join(tmp, "a." + fmt)
        bk.run("stencil", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-03", "--format", fmt,
               "-o", a, check_rc=0)
        old = os.getcwd()
        os.chdir(tmp)
        try:
            bk.run("stencil", os.path.abspath(bk.EXAMPLE), "--ballot", "mazhilis-03", "--format", fmt,
                   "-o", "b." + fmt, env={"LC_ALL": "kk_KZ.UTF-8", "TZ": "Pacific/Auckland"},
                   check_rc=0)
        finally:
            os.chdir(old)
        with open(a, "rb") as fa, open(os.path.join(tmp, "b." + fmt), "rb") as fb:
            t.ok(fa.read() == fb.read(), "stencil %s: identical bytes across locale, zone and folder" % fmt)
t.done()
