"""Stencils registered to the real ballot (issue 17): a ballot of the
example gets its boxes from a ballot PDF (paper.source) drawn here in
several independent ways (Cairo, PostScript through ps2pdf, PDF bytes by
hand with a Form XObject in CMYK, a 300 dpi scan, a page with /Rotate),
A5 and A4, shifted off the template by up to 5 mm and of other sizes,
among decoys; or from boxes given in mm (paper.boxes). Each window of the
cut SVG must stand over the box as drawn, centre within 0.2 mm, showing
the whole box, and the braille number read from the swell PDF's pixels
must be nearer its own window than any other. The true places come from
what was drawn, never from ballotkit. Refusals (a wrong count,
overlapping boxes) are reported by validate at paper.source; a built kit
verifies against the PDF, and a changed PDF makes verify fail and the
kit rebuild."""
import copy
import hashlib
import json
import os
import random
import shutil
import subprocess
import tempfile

import pikepdf
from PIL import Image

import bk
import tamper
from ballot_pdf import A4, A5, cairo_pdf, hand_pdf, layout, ps_pdf, scan_pdf
from stencil_read import MARGIN, check_numbers, svg_windows

t = bk.Tap()
TOL = 0.2
WINDOW_MIN = 5.0  # the narrowest window (docs/stencil.md)
EXAMPLE = bk.load_example()


def positions(ballot):
    against = ballot.get("against_all", True)
    return len(ballot["options"]) + (1 if against else 0)


def definition(tmp, name, ballot_id, paper):
    """The example with ballot_id's paper replaced, written beside its
    ballot PDF (paper.source is resolved against the definition's
    folder)."""
    d = copy.deepcopy(EXAMPLE)
    for b in d["ballots"]:
        if b["id"] == ballot_id:
            b["paper"] = paper
    path = os.path.join(tmp, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, indent=1)
    return path


def ballot(ballot_id):
    return next(b for b in EXAMPLE["ballots"] if b["id"] == ballot_id)


def check_windows(tag, svg, boxes):
    """Each window over its box (in reading order = position order)."""
    wins = sorted(svg_windows(svg), key=lambda w: (round(w[1]), w[0]))
    want = sorted(boxes, key=lambda b: (round(b[1]), b[0]))
    t.eq(len(wins), len(want), tag + ": one window per box (%d)" % len(want))
    worst, spare, ok = 0.0, float("inf"), True
    for w, (x, y, bw, bh) in zip(wins, want):
        dc = max(abs((w[0] + w[2]) / 2 - (x + bw / 2)), abs((w[1] + w[3]) / 2 - (y + bh / 2)))
        worst = max(worst, dc)
        spare = min(spare, x - w[0], y - w[1], w[2] - x - bw, w[3] - y - bh)
        ok &= w[2] - w[0] >= WINDOW_MIN - 0.01 and w[3] - w[1] >= WINDOW_MIN - 0.01
    t.ok(worst <= TOL, tag + ": every window centred on its drawn box within %.1f mm (worst %.3f)"
         % (TOL, worst))
    t.ok(spare >= MARGIN - TOL, tag + ": every window shows its whole box (%.2f mm to spare)" % spare)
    t.ok(ok, tag + ": every window at least %.0f mm across" % WINDOW_MIN)
    return wins


def stencil(tag, defn, ballot_id, boxes, tmp):
    svg = os.path.join(tmp, tag + ".svg")
    r = bk.run("stencil", defn, "--ballot", ballot_id, "--format", "svg", "-o", svg)
    t.eq(r.returncode, 0, tag + ": stencil made" +
         (" (%s)" % r.stderr.decode()[-300:] if r.returncode else ""))
    if r.returncode:
        return
    wins = check_windows(tag, svg, boxes)
    swell = os.path.join(tmp, tag + "-swell.pdf")
    bk.run("stencil", defn, "--ballot", ballot_id, "--format", "swell-pdf", "-o", swell, check_rc=0)
    # numbers follow the positions: reading order of the drawn boxes
    order = sorted(range(len(boxes)), key=lambda k: (round(boxes[k][1]), boxes[k][0]))
    check_numbers(t, tag, swell, wins, [order.index(k) + 1 for k in order], tmp)


def from_pdf(tmp, rng):
    small = "maslikhat-ayagoz-05"  # A5 single-mandate, 5 positions
    big = "mazhilis-03"            # 17 positions
    n_small, n_big = positions(ballot(small)), positions(ballot(big))
    p = lambda n: os.path.join(tmp, n)
    cases = []
    boxes = layout(A5, n_small, (9, 7), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
    cases.append(("cairo A5 rect", small, cairo_pdf(p("cairo.pdf"), A5, boxes, "rect"), "cairo.pdf"))
    boxes = layout(A5, n_small, (8, 8), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
    cases.append(("cairo A5 glyph", small, cairo_pdf(p("glyph.pdf"), A5, boxes, "glyph"), "glyph.pdf"))
    boxes = layout(A4, n_big, (7, 7), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
    ps_pdf(p("ps.pdf"), A4, boxes, tmp)
    cases.append(("ps2pdf A4", big, boxes, "ps.pdf"))
    boxes = layout(A5, n_small, (10, 8), (4.0, 1.5), rng)
    hand_pdf(p("hand.pdf"), A5, boxes, form=True, cmyk=True)
    cases.append(("hand-written form+cmyk A5", small, boxes, "hand.pdf"))
    landscape = (A5[1], A5[0])
    boxes = layout(landscape, n_small, (8, 8), (1.0, 3.0), rng)
    hand_pdf(p("rotated.pdf"), landscape, boxes, rotate=90)
    cases.append(("hand-written rotate 90 landscape", small, boxes, "rotated.pdf"))
    boxes = layout(A5, n_small, (8, 8), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
    drawn = cairo_pdf(p("scan-src.pdf"), A5, boxes, "strokes")
    scan_pdf(p("scan-src.pdf"), p("scan.pdf"), tmp)
    cases.append(("scan 300 dpi A5", small, drawn, "scan.pdf"))
    for tag, bid, boxes, pdf in cases:
        name = tag.replace(" ", "-")
        defn = definition(tmp, name, bid, {"source": pdf})
        rc, out = bk.validate_json(defn)
        t.eq(rc, 0, tag + ": validate accepts the ballot PDF")
        stencil(name, defn, bid, boxes, tmp)


def refusals(tmp, rng):
    bid = "maslikhat-ayagoz-05"
    n = positions(ballot(bid))
    p = lambda n: os.path.join(tmp, n)
    boxes = layout(A5, n - 1, (8, 8), (1, 1), rng)
    cairo_pdf(p("short.pdf"), A5, boxes, "rect")
    defn = definition(tmp, "short", bid, {"source": "short.pdf"})
    rc, out = bk.validate_json(defn)
    errs = [d for d in out["diagnostics"] if d["severity"] == "error"]
    t.eq((rc, [(d["kind"], d["path"]) for d in errs]),
         (65, [("box-count", "$.ballots[4].paper.source")]),
         "a ballot PDF with a box too few is refused at paper.source")
    msg = errs[0]["message"] if errs else ""
    t.ok("short.pdf" in msg and "page 1" in msg and ("%d marking boxes found" % (n - 1)) in msg,
         "the message names the file, the page and the boxes found: " + msg)
    boxes = layout(A5, n, (8, 8), (1, 1), rng)
    boxes[1] = (boxes[0][0] + 3, boxes[0][1] + 3, 8, 8)
    cairo_pdf(p("overlap.pdf"), A5, boxes, "rect", decoys=False)
    defn = definition(tmp, "overlap", bid, {"source": "overlap.pdf"})
    rc, out = bk.validate_json(defn)
    t.eq((rc, [d["kind"] for d in out["diagnostics"] if d["severity"] == "error"]),
         (65, ["box-overlap"]), "a ballot PDF with overlapping boxes is refused")
    r = bk.run("stencil", defn, "--ballot", bid, "--format", "svg", "-o", p("overlap.svg"))
    t.ok(r.returncode != 0 and not os.path.exists(p("overlap.svg")),
         "stencil refuses it too and writes nothing")


def command_line(tmp, rng):
    """stencil --ballot-pdf on the example as it is, with --show-boxes."""
    bid = "maslikhat-ayagoz-05"
    n = positions(ballot(bid))
    boxes = layout(A5, n, (8, 9), (rng.uniform(0, 5), rng.uniform(0, 5)), rng)
    pdf = os.path.join(tmp, "cli-ballot.pdf")
    cairo_pdf(pdf, A5, boxes, "frame")
    svg, show = os.path.join(tmp, "cli.svg"), os.path.join(tmp, "cli-show.pdf")
    r = bk.run("stencil", bk.EXAMPLE, "--ballot", bid, "--format", "svg", "-o", svg,
               "--ballot-pdf", pdf, "--page", "1", "--show-boxes", show)
    t.eq(r.returncode, 0, "stencil --ballot-pdf --show-boxes")
    if r.returncode == 0:
        check_windows("--ballot-pdf", svg, boxes)
        info = subprocess.run(["pdfinfo", show], capture_output=True, text=True).stdout
        t.ok("419.528 x 595.276 pts" in info, "--show-boxes writes the ballot page (A5)")
        # each box found outlined in red on the page: red along every drawn
        # box's left and right edges, none in the page's middle column
        png = os.path.join(tmp, "cli-show")
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", show, png], check=True)
        img = Image.open(png + ".png").convert("RGB")
        px = img.load()

        def red(x_mm, y_mm):
            cx, cy = round(x_mm / 25.4 * 100), round(y_mm / 25.4 * 100)
            return any(px[x, y][0] > 150 and px[x, y][1] < 90 and px[x, y][2] < 90
                       for x in range(cx - 2, cx + 3) for y in range(cy - 2, cy + 3))
        t.ok(all(red(x, y + h / 2) and red(x + w, y + h / 2) for x, y, w, h in boxes) and
             not red(20, 100), "--show-boxes outlines every box of the PDF in red, and nothing else")
    r = bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "svg",
               "-o", os.path.join(tmp, "cli2.svg"), "--ballot-pdf", pdf)
    err = r.stderr.decode()
    t.ok(r.returncode == 65 and "box-count" in err and "$.ballots[0].paper.source" in err
         and not os.path.exists(os.path.join(tmp, "cli2.svg")),
         "a ballot PDF with too few boxes for the ballot: exit 65, nothing written")


def small_ovals(tmp):
    """NIST physical_ballot_def_2.json's marks: 8.75 × 6 pt ovals, given as
    paper.boxes in mm."""
    bid = "maslikhat-ayagoz-05"
    n = positions(ballot(bid))
    w, h = 8.75 * 25.4 / 72, 6 * 25.4 / 72
    boxes = [(120.0, 40.0 + 20 * k, w, h) for k in range(n)]
    paper = {"boxes": [{"x": x, "y": y, "width": bw, "height": bh} for x, y, bw, bh in boxes]}
    defn = definition(tmp, "ovals", bid, paper)
    rc, _ = bk.validate_json(defn)
    t.eq(rc, 0, "small ovals as paper.boxes: valid")
    stencil("small-ovals", defn, bid, boxes, tmp)


def kit(tmp, rng):
    """build, verify, then the ballot PDF changes under the kit."""
    bid = "maslikhat-ayagoz-05"
    n = positions(ballot(bid))
    boxes = layout(A5, n, (8, 8), (2.0, 3.0), rng)
    pdf = os.path.join(tmp, "kit-ballot.pdf")
    cairo_pdf(pdf, A5, boxes, "rect")
    defn = definition(tmp, "kit", bid, {"source": "kit-ballot.pdf"})
    out = os.path.join(tmp, "kit")
    r = bk.run("build", defn, "--ballot", bid, "-o", out)
    t.eq(r.returncode, 0, "build with a ballot PDF")
    r = bk.run("verify", out, "--definition", defn, "--json")
    rep = json.loads(r.stdout)
    # the other ballots were not built: only they may be missing
    t.eq([c for c in rep["problems"] if c["check"] != "missing"], [],
         "verify finds the windows over the boxes found in the PDF")
    # the kit says what it was built for: its scripts record the boxes
    # and the PDF's hash, so verify can check the windows from the kit alone
    kd = os.path.join(out, "kits", bid)
    sc = bk.load(os.path.join(kd, "script", bid + "-kk.json"))
    with open(pdf, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    t.ok(sc.get("paper", {}).get("ballot_pdf") == {"file": "kit-ballot.pdf", "page": 1,
                                                   "sha256": digest} and
         all(abs(a - b) <= TOL for got, drawn in zip(sc["paper"]["boxes"], boxes)
             for a, b in zip(got, drawn)) and len(sc["paper"]["boxes"]) == n,
         "the kit's script records the PDF (name, page, SHA-256) and its boxes as drawn")
    r = bk.run("verify", out, "--json")
    rep = json.loads(r.stdout)
    notes = [c.get("note", "") for c in rep["checks"] if c["check"] == "stencil-boxes"]
    t.ok(r.returncode == 0 and not rep["problems"] and
         any("kit-ballot.pdf" in x and digest[:16] in x for x in notes) and
         any(c["check"] == "stencil-windows" and c["outcome"] == "passed" for c in rep["checks"]),
         "without the definition, verify compares the windows with the boxes the kit "
         "records, and says so", json.dumps(rep)[:1500])
    # tampered: the scripts' boxes moved 2 mm down, checksums resealed
    bad = os.path.join(tmp, "kit-tampered")
    shutil.copytree(out, bad)
    bkd = os.path.join(bad, "kits", bid)
    for lang in ("kk", "ru"):
        p = os.path.join(bkd, "script", "%s-%s.json" % (bid, lang))
        s = bk.load(p)
        s["paper"]["boxes"][0][1] += 2.0
        with open(p, "w", encoding="utf-8") as f:
            json.dump(s, f, ensure_ascii=False)
    tamper.reseal(bkd, index=os.path.join(bad, "index.json"))
    rep = json.loads(bk.run("verify", bad, "--json").stdout)
    t.ok(any(c["check"] == "stencil-windows" for c in rep["problems"]),
         "the kit's recorded box moved 2 mm: verify without the definition says the "
         "window stands off it", json.dumps(rep["problems"])[:800])
    rep = json.loads(bk.run("verify", bad, "--definition", defn, "--json").stdout)
    t.ok(any(c["check"] == "definition" and "box 1: the kit was built for" in c["message"]
             for c in rep["problems"]),
         "... and with the definition, that the kit was built for other boxes than the PDF's",
         json.dumps(rep["problems"])[:800])
    # tampered: the proof's page is not the ballot's sheet (A4 for A5)
    bad = os.path.join(tmp, "kit-proof")
    shutil.copytree(out, bad)
    bkd = os.path.join(bad, "kits", bid)
    proof = os.path.join(bkd, "stencil", bid + "-ballot-proof.pdf")
    with pikepdf.open(proof, allow_overwriting_input=True) as p:
        p.pages[0].MediaBox = [0, 0, 595.276, 841.89]
        p.save(proof)
    tamper.reseal(bkd, index=os.path.join(bad, "index.json"))
    rep = json.loads(bk.run("verify", bad, "--definition", defn, "--json").stdout)
    t.ok(any(c["check"] == "stencil-proof" and "210.0 × 297.0 mm, the ballot's sheet 148.0 × 210.0"
             in c["message"] for c in rep["problems"]),
         "a proof whose page is not the ballot's sheet: verify says so", json.dumps(rep["problems"])[:600])
    shutil.copy(pdf, pdf + ".orig")
    moved = [(x + 0.6, y, w, h) for x, y, w, h in boxes]
    cairo_pdf(pdf, A5, moved, "rect")
    r = bk.run("verify", out, "--definition", defn)
    text = (r.stdout + r.stderr).decode()
    t.ok(r.returncode != 0 and "stencil-windows" in text and "0.60 mm left" in text,
         "the ballot PDF moved 0.6 mm: verify says the windows stand off the boxes")
    t.ok("kit-ballot.pdf has changed since the kit was built" in text,
         "... and that the ballot PDF changed since the build", text[-1500:])
    r = bk.run("build", defn, "--ballot", bid, "-o", out)
    t.ok(r.returncode == 0 and b"1 skipped" not in r.stdout + r.stderr,
         "a changed ballot PDF rebuilds the kit (its hash is in the resume key)")
    r = bk.run("build", defn, "--ballot", bid, "-o", out)
    t.ok(b"1 skipped" in r.stdout + r.stderr, "an unchanged one does not")


def main():
    rng = random.Random(1717)
    with tempfile.TemporaryDirectory() as tmp:
        from_pdf(tmp, rng)
        refusals(tmp, rng)
        command_line(tmp, rng)
        small_ovals(tmp)
        kit(tmp, rng)
    t.done()


main()
