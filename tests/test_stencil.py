"""Stencils of every example ballot: the laser SVG parsed as XML, its cut
windows compared with the marking boxes of the shipped templates written
here by hand (not read through the template parser), or, for the ballot
whose boxes come from its own PDF (paper.source), with the squares
scripts/example_ballot.py says it drew; every cut path
closed; colours mapped to their operations; the proof's boxes; the PNG
preview's size; identical bytes across locale, time zone and folder.

A stencil a cutter can cut (issue 17): every window shows its whole box
with at least 0.5 mm to spare on each side and at least 1.5 mm of
material stays between windows (the SVG's cuts); every braille number,
read from the swell PDF's pixels (pdftoppm), is nearer its own window
than any other, and numbers on lines closer than the profile's line
pitch stand a blank cell apart (on A4, in two columns); a template whose
boxes cannot give both is a warning with the figures in validate and in
build; a template larger than the default is a note naming it; the
labels read back from the print PDF and the proof (pdftotext) as whole
words; the calibration bar, found in the print PDF's pixels, is 100 mm
long with its label «100 мм» beside its middle."""
import hashlib
import json
import os
import re
import subprocess
import struct
import tempfile
import xml.etree.ElementTree as ET

import bk
import tamper
from bk import example_ballot
from stencil_read import (BLANK, BRIDGE, MARGIN, SVG, bridges, check_numbers, number_blocks,
                          path_boxes, svg_windows)

t = bk.Tap()

# The marking boxes as the templates should have them, by hand:
# (x, y of the first box, width, height, pitch), mm from the top left.
BOXES = {
    "a5-party-list": (126.0, 40.0, 10.0, 10.0, 18.0),
    "a5-single-mandate": (128.0, 22.0, 8.0, 8.0, 10.5),
    "a4-single-mandate": (189.5, 20.5, 6.0, 6.0, 8.5),
}
PAPER = {"a5-party-list": (148, 210), "a5-single-mandate": (148, 210), "a4-single-mandate": (210, 297)}
d = bk.load(bk.EXAMPLE)
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
        if "source" in b["paper"]:
            want = example_ballot.boxes(n)
        else:
            x0, y0, bw, bh, pitch = BOXES[tpl]
            want = [(x0, y0 + k * pitch, bw, bh) for k in range(n)]
        ok, worst = True, 0.0
        for k, w in enumerate(windows):
            box = (want[k][0], want[k][1], want[k][0] + want[k][2], want[k][1] + want[k][3])
            covers = w[0] <= box[0] + 1e-6 and w[1] <= box[1] + 1e-6 and \
                w[2] >= box[2] - 1e-6 and w[3] >= box[3] - 1e-6
            dc = max(abs((w[0] + w[2]) / 2 - (box[0] + box[2]) / 2),
                     abs((w[1] + w[3]) / 2 - (box[1] + box[3]) / 2))
            worst = max(worst, dc)
            ok &= covers and dc <= 0.2
        t.ok(ok, tag + ": every window covers its box, centres within 0.2 mm (worst %.3f)" % worst)
        spare = min(min(want[k][0] - w[0], want[k][1] - w[1], w[2] - want[k][0] - want[k][2],
                        w[3] - want[k][1] - want[k][3]) for k, w in enumerate(windows))
        t.ok(spare >= MARGIN - 0.01, tag + ": every window shows its whole box with %.2f mm to spare "
             "(at least %.1f)" % (spare, MARGIN))
        least = bridges(windows)
        t.ok(least >= BRIDGE - 0.01, tag + ": %.2f × %.2f mm windows, bridges %.2f mm (at least %.1f)"
             % (windows[0][2] - windows[0][0], windows[0][3] - windows[0][1], least, BRIDGE))
        swell = os.path.join(tmp, tag + "-swell.pdf")
        bk.run("stencil", bk.EXAMPLE, "--ballot", tag, "--format", "swell-pdf", "-o", swell, check_rc=0)
        check_numbers(t, tag, swell, windows, list(range(1, n + 1)), tmp)
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

    # A4, windows 8.5 mm apart, closer than a braille line: the numbers
    # of neighbouring rows alternate between two columns
    swell = os.path.join(tmp, "a4.pdf")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-07", "--format", "swell-pdf", "-o", swell,
           check_rc=0)
    blocks = dict(number_blocks(swell, tmp))
    rights = sorted(set(round(blocks[k][2]) for k in blocks))
    apart = all(blocks[k][2] < blocks[k + 1][0] or blocks[k + 1][2] < blocks[k][0]
                for k in blocks if k + 1 in blocks)
    t.ok(apart and len(rights) >= 2, "A4: the numbers of neighbouring rows stand side by side in two "
         "columns (right edges at %s mm)" % rights)
    gaps = sorted(set(round(min(abs(blocks[k + 1][0] - blocks[k][2]), abs(blocks[k][0] - blocks[k + 1][2])), 1)
                      for k in blocks if k + 1 in blocks))
    t.ok(gaps and gaps[0] >= BLANK - 0.3, "A4: neighbouring rows' numbers %s mm apart across" % gaps)

    # A4 two columns of windows: the left column's second numbers stand
    # right of its windows; all read and pair with their windows
    def definition(n, paper, outputs=None):
        cands = [{"id": "c%03d" % i, "surname": {"kk": "Ахметов"}, "given_name": {"kk": "Әлі"},
                  "birth_year": 1900 + i, "self_nominated": True} for i in range(n)]
        doc = {"format": "ballotkit/1",
               "election": {"id": "e", "date": "2023-03-19", "name": {"kk": "С", "ru": "В"},
                            "languages": ["kk", "ru"]},
               "districts": [{"id": "d", "kind": "mazhilis", "number": 9,
                              "name": {"kk": "Округ", "ru": "Округ"}}],
               "candidates": cands,
               "ballots": [{"id": "b", "body": "mazhilis", "kind": "single-mandate", "district": "d",
                            "options": [c["id"] for c in cands]}]}
        if paper:
            doc["ballots"][0]["paper"] = paper
        if outputs:
            doc["production"] = {"outputs": outputs}
        path = os.path.join(tmp, "def-%d-%d.json" % (n, len(json.dumps(paper))))
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return path
    two = definition(40, {"template": "a4-two-columns"})
    svg, swell = os.path.join(tmp, "two.svg"), os.path.join(tmp, "two.pdf")
    bk.run("stencil", two, "--ballot", "b", "--format", "svg", "-o", svg, check_rc=0)
    bk.run("stencil", two, "--ballot", "b", "--format", "swell-pdf", "-o", swell, check_rc=0)
    wins = svg_windows(svg)  # left column top to bottom, then the right one
    t.eq(len(wins), 41, "two columns: 41 windows")
    t.ok(bridges(wins) >= BRIDGE - 0.01, "two columns: bridges %.2f mm" % bridges(wins))
    blocks = dict(check_numbers(t, "two columns", swell, wins, list(range(1, 42)), tmp))
    t.ok(all(blocks[k][0] > wins[k - 1][2] for k in range(2, 31, 2)) and
         all(blocks[k][2] < wins[k - 1][0] for k in range(1, 32, 2)),
         "two columns: the left column's even numbers right of their windows, odd ones left")
    # verify's decoders (an independent reader) read every number of both
    # columns and pair it with its window
    two = definition(40, {"template": "a4-two-columns"},
                     ["stencil-print-pdf", "stencil-swell-pdf", "stencil-svg", "stencil-proof-pdf"])
    kd = os.path.join(tmp, "two-kit")
    bk.run("build", two, "-o", kd, check_rc=0)
    r = bk.run("verify", os.path.join(kd, "kits", "b"), "--definition", two, "--json")
    rep = json.loads(r.stdout)
    t.ok(r.returncode == 0 and not rep.get("problems"),
         "two columns: verify reads every number beside its window: %s" % rep.get("problems"))
    # and catches a number right of its window swapped with one left of its
    # own (the manifest resealed, so only the stencil check can tell)
    swell = os.path.join(kd, "kits", "b", "stencil", "b-stencil-swell.pdf")
    tamper.swap_stencil_numbers(swell, swell + ".new", 2, 3)
    os.replace(swell + ".new", swell)
    kit = os.path.join(kd, "kits", "b")
    m = bk.load(os.path.join(kit, "manifest.json"))
    with open(swell, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    for e in m["files"]:
        if e["path"].endswith("b-stencil-swell.pdf"):
            e["sha256"], e["size"] = digest, os.path.getsize(swell)
    with open(os.path.join(kit, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(m, f, ensure_ascii=False, indent=2)
    with open(os.path.join(kit, "SHA256SUMS"), "w") as f:
        for e in m["files"]:
            f.write("%s  %s\n" % (e["sha256"], e["path"]))
    r = bk.run("verify", os.path.join(kd, "kits", "b"), "--definition", two, "--json")
    hits = [p for p in json.loads(r.stdout).get("problems", [])
            if p.get("check") == "stencil" and p.get("where") == "position 2"]
    t.ok(r.returncode == 65 and hits, "two columns: numbers 2 (right of its window) and 3 (left) "
         "swapped: verify names position 2: %s" % json.loads(r.stdout).get("problems"))

    # boxes that cannot give 0.5 mm margins and 1.5 mm bridges: a warning
    # with the figures, in validate (located) and in build; the shipped
    # templates give none
    narrow = definition(10, {"template": "a5-single-mandate", "overrides": {"pitch": 9.5}})
    r = bk.run("validate", narrow, "--json")
    diags = [x for x in json.loads(r.stdout)["diagnostics"] if x["kind"] == "stencil-bridge"]
    t.ok(len(diags) == 1 and diags[0]["severity"] == "warning" and
         diags[0]["path"] == "$.ballots[0].paper.overrides" and diags[0].get("line") and
         all(f in diags[0]["message"] for f in ("1.5 mm apart", "0.5 mm to spare", "leave 0.5 mm",
                                               "needs 1.5 mm", "2.5 mm apart would give")),
         "boxes 1.5 mm apart: validate warns at paper.overrides with the figures: %s"
         % (diags[0]["message"] if diags else r.stdout[-300:]))
    r = bk.run("build", narrow, "-o", os.path.join(tmp, "narrow"), "--formats", "stencil")
    said = r.stdout + r.stderr
    t.ok(r.returncode == 0 and b"[stencil-bridge]" in said and b"leave 0.5 mm" in said and
         os.path.exists(os.path.join(tmp, "narrow", "kits", "b", "stencil", "b-stencil-cut-1.svg")),
         "boxes 1.5 mm apart: build makes the stencil and warns")
    r = bk.run("validate", bk.EXAMPLE, "--json")
    t.eq([x["message"] for x in json.loads(r.stdout)["diagnostics"] if x["kind"] == "stencil-bridge"], [],
         "the example's templates: no bridge warning")

    # 17 candidates and against all without a template: the A5 default
    # does not hold them; the A4 template chosen is a note naming it
    c17 = definition(17, None)
    r = bk.run("validate", c17, "--json")
    notes = [x for x in json.loads(r.stdout)["diagnostics"] if x["kind"] == "larger-template"]
    t.ok(len(notes) == 1 and notes[0]["severity"] == "note" and
         '"a4-single-mandate"' in notes[0]["message"] and '"a5-single-mandate"' in notes[0]["message"]
         and "18 positions" in notes[0]["message"],
         "17 candidates: a note names the larger template: %s" % (notes[0]["message"] if notes else r.stdout[-300:]))
    c16 = definition(16, None)
    r = bk.run("validate", c16, "--json")
    t.eq([x for x in json.loads(r.stdout)["diagnostics"] if x["kind"] == "larger-template"], [],
         "16 candidates fit the default: no note")

    # the labels read back as whole words (hinting and metric rounding
    # off), in the print PDF and the proof
    for fmt in ("print-pdf", "proof-pdf"):
        for ballot in ("mazhilis-list", "mazhilis-07"):
            out = os.path.join(tmp, "%s.%s" % (ballot, fmt))
            bk.run("stencil", bk.EXAMPLE, "--ballot", ballot, "--format", fmt, "-o", out, check_rc=0)
            words = set(subprocess.run(["pdftotext", out, "-"], capture_output=True,
                                       check=True).stdout.decode().split())
            want = {"басылған", "бюллетеньмен", "жоғары", "Осы", ballot, "парақ"}
            t.eq(sorted(want - words), [], "%s %s: the labels' words whole (pdftotext)" % (ballot, fmt))

    # the calibration bar: 100 mm long in the print PDF's pixels, its label
    # «100 мм» beside its middle (pdftotext's word boxes)
    for ballot, height in (("mazhilis-list", 210), ("mazhilis-07", 297)):
        out = os.path.join(tmp, ballot + "-bar.pdf")
        bk.run("stencil", bk.EXAMPLE, "--ballot", ballot, "--format", "print-pdf", "-o", out, check_rc=0)
        img = tamper._render(out, 0, 150, tmp)
        px = 25.4 / 150
        off = 13.0  # bleed and slug around the trim
        best = (0, 0, 0)
        for col in range(int((off + 1.0) / px), int((off + 3.0) / px) + 1):
            dark = img[:, col] < 128
            run = start = 0
            for y, v in enumerate(list(dark) + [False]):
                if v:
                    run += 1
                    continue
                if run > best[0]:
                    best = (run, y - run, col)
                run = 0
        length = best[0] * px
        middle = (best[1] + best[0] / 2) * px - off
        t.ok(abs(length - 100) < 0.5 and abs(middle - height / 2) < 0.5,
             "%s: the calibration bar %.1f mm long, its middle %.1f mm down" % (ballot, length, middle))
        bbox = subprocess.run(["pdftotext", "-bbox", out, "-"], capture_output=True, check=True).stdout.decode()
        found = {}
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                             bbox):
            found.setdefault(m.group(5), [float(v) * 25.4 / 72 - off for v in m.group(1, 2, 3, 4)])
        lab = [found.get("100"), found.get("мм")]
        t.ok(all(lab) and all(2 < w[0] < 12 and abs((w[1] + w[3]) / 2 - middle) < 2 for w in lab) and
             lab[0][2] < lab[1][0],
             "%s: «100 мм» beside the bar's middle (%s)" % (ballot, lab))

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
