"""The example's ballot PDF and the stencil made from it (issue 17's
walkthrough in the README and docs/stencil.md).

- scripts/example_ballot.py draws the PDF shipped in examples/ again,
  byte for byte, so the shipped file is the project's own drawing.
- The example definition names it (paper.source): `ballotkit boxes`
  finds in it exactly the squares the script says it drew, which are
  not the template's, and validate's summary says so.
- The stencil of that ballot in a built kit: its laser SVG's windows
  stand over those squares (centres within 0.2 mm, the whole square
  shown), and verify accepts the kit.
- The proof lays the stencil over the ballot's own page: rendered by
  pdftoppm, each square drawn by the script is dark along its edges (the
  page is there), the window's red outline runs round it, and the blue
  braille number stands left of it; pdftotext reads the page's heading
  and the stencil's label naming the ballot. A proof of a ballot on a
  template still draws the template's boxes in black, without red.
The true places come from what the script drew, never from ballotkit."""
import json
import os
import shutil
import subprocess
import tempfile

from PIL import Image

import bk
from bk import example_ballot
from stencil_read import MARGIN, svg_windows

t = bk.Tap()
TOL = 0.2
DPI = 200
BID = bk.EXAMPLE_BALLOT_ID
EXAMPLE = bk.load(bk.EXAMPLE)
BALLOT = [b for b in EXAMPLE["ballots"] if b["id"] == BID][0]
N = len(BALLOT["options"]) + (1 if BALLOT.get("against_all", True) else 0)
DRAWN = example_ballot.boxes(N)


def px(mm):
    return int(round(mm / 25.4 * DPI))


def colour(pix, x_mm, y_mm, reach=0.4):
    """The kinds of ink within reach (mm) of a point: 'dark', 'red',
    'blue'."""
    kinds = set()
    r = max(1, px(reach))
    cx, cy = px(x_mm), px(y_mm)
    for y in range(cy - r, cy + r + 1):
        for x in range(cx - r, cx + r + 1):
            R, G, B = pix[x, y][:3]
            if R < 90 and G < 90 and B < 90:
                kinds.add("dark")
            elif R > 150 and G < 90 and B < 90:
                kinds.add("red")
            elif B > 150 and R < 90:
                kinds.add("blue")
    return kinds


with tempfile.TemporaryDirectory() as tmp:
    # the shipped PDF is the script's drawing
    again = os.path.join(tmp, "again.pdf")
    r = subprocess.run(["/usr/bin/python3", os.path.join(bk.ROOT, "scripts", "example_ballot.py"),
                        bk.EXAMPLE, BID, again], capture_output=True)
    t.eq(r.returncode, 0, "scripts/example_ballot.py runs")
    with open(again, "rb") as f1, open(bk.EXAMPLE_BALLOT_PDF, "rb") as f2:
        t.ok(f1.read() == f2.read(), "the shipped ballot PDF is what scripts/example_ballot.py draws")

    # the definition names it; the boxes found are the ones drawn
    t.eq(BALLOT["paper"].get("source"), os.path.basename(bk.EXAMPLE_BALLOT_PDF),
         "the example's %s takes its boxes from the ballot PDF" % BID)
    r = bk.run("boxes", bk.EXAMPLE_BALLOT_PDF, "--expected", str(N), "--json", check_rc=0)
    found = json.loads(r.stdout)
    got = [(b["x"], b["y"], b["w"], b["h"]) for b in found["boxes"]]
    t.ok(len(got) == N and all(abs(a - b) <= TOL for g, d in zip(got, DRAWN) for a, b in zip(g, d)),
         "the finder gives the %d squares drawn: %s" % (N, got))
    r = bk.run("validate", bk.EXAMPLE, check_rc=0)
    t.ok(("  %s: its stencil stands over the %d boxes found on page 1 of its print PDF (vector)"
          % (BID, N)) in r.stdout.decode().splitlines(),
         "validate's summary says the ballot's stencil follows its print PDF", r.stdout.decode()[-400:])
    tx, ty, tw, th, tpitch = 126.0, 40.0, 10.0, 10.0, 18.0  # the a5-party-list template
    t.ok(all(abs(d[1] - (ty + k * tpitch)) > 2 for k, d in enumerate(DRAWN[1:], 1)),
         "the drawn squares are not where the template puts its boxes")

    # the kit: windows over the drawn squares, verify accepts it
    out = os.path.join(tmp, "out")
    r = bk.run("build", bk.EXAMPLE, "--ballot", BID, "-o", out, check_rc=0)
    kit = os.path.join(out, "kits", BID)
    windows = sorted(svg_windows(os.path.join(kit, "stencil", BID + "-stencil-cut-1.svg")),
                     key=lambda w: w[1])
    t.eq(len(windows), N, "the kit's stencil has a window per position")
    worst, spare = 0.0, 99.0
    for w, (x, y, bw, bh) in zip(windows, DRAWN):
        worst = max(worst, abs((w[0] + w[2]) / 2 - (x + bw / 2)), abs((w[1] + w[3]) / 2 - (y + bh / 2)))
        spare = min(spare, x - w[0], y - w[1], w[2] - x - bw, w[3] - y - bh)
    t.ok(worst <= TOL and spare >= MARGIN - 0.01,
         "every window stands over its drawn square (worst centre %.3f mm, %.2f mm to spare)"
         % (worst, spare))
    rep = json.loads(bk.run("verify", out, "--definition", bk.EXAMPLE, "--json").stdout)
    # the other ballots were not built: only they may be missing
    t.eq([c for c in rep["problems"] if c["check"] != "missing"], [],
         "verify accepts the kit built from the ballot PDF")
    passed = {c["check"] for c in rep["checks"] if c["kit"] == BID and c["outcome"] == "passed"}
    t.ok({"stencil-windows", "stencil-boxes", "stencil-proof"} <= passed,
         "verify compared its windows with the boxes in the PDF: " + " ".join(sorted(passed)))

    # the proof: the stencil over the ballot's own page
    proof = os.path.join(kit, "stencil", BID + "-ballot-proof.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-singlefile", proof,
                    os.path.join(tmp, "proof")], check=True)
    img = Image.open(os.path.join(tmp, "proof.png")).convert("RGB")
    pix = img.load()
    t.ok(abs(img.size[0] - 148 / 25.4 * DPI) <= 1 and abs(img.size[1] - 210 / 25.4 * DPI) <= 1,
         "the proof is the ballot page's size (%d × %d px at %d dpi)" % (img.size + (DPI,)))
    page_ok = red_ok = blue_ok = True
    for (x, y, bw, bh), w in zip(DRAWN, windows):
        # the square's own edges, drawn by the script: the middle of each side
        for ex, ey in ((x, y + bh / 2), (x + bw, y + bh / 2), (x + bw / 2, y), (x + bw / 2, y + bh)):
            page_ok &= "dark" in colour(pix, ex, ey)
        # the window's outline, red, round the square
        for ex, ey in ((w[0], (w[1] + w[3]) / 2), (w[2], (w[1] + w[3]) / 2),
                       ((w[0] + w[2]) / 2, w[1]), ((w[0] + w[2]) / 2, w[3])):
            red_ok &= "red" in colour(pix, ex, ey)
        # the braille number, blue, within 15 mm left of the window
        cy = (w[1] + w[3]) / 2
        blue_ok &= any("blue" in colour(pix, w[0] - d, cy + dy, 0.3)
                       for d in range(2, 16) for dy in (-2, 0, 2))
    t.ok(page_ok, "the proof shows the ballot page: every drawn square's edges are dark")
    t.ok(red_ok, "the proof shows each window in red round its square")
    t.ok(blue_ok, "the proof shows a braille number in blue left of each window")
    text = subprocess.run(["pdftotext", "-layout", proof, "-"], capture_output=True,
                          check=True).stdout.decode()
    t.ok("САЙЛАУ БЮЛЛЕТЕНІ" in text and "«Байтақ» Жасылдар партиясы" in text,
         "the proof's text holds the ballot page's heading and rows")
    t.ok(BID in text, "the proof's label names the ballot")

    # a template ballot's proof: template boxes in black, nothing red
    other = os.path.join(tmp, "tpl-proof.pdf")
    bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-list", "--format", "proof-pdf", "-o", other,
           check_rc=0)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", other, os.path.join(tmp, "tpl")],
                   check=True)
    timg = Image.open(os.path.join(tmp, "tpl.png")).convert("RGB")
    reds = sum(1 for p in timg.getdata() if p[0] > 150 and p[1] < 90 and p[2] < 90)
    t.eq(reds, 0, "a template ballot's proof has no stencil drawn over it")

    # a changed ballot PDF is refused when its boxes no longer fit the count
    broken = os.path.join(tmp, "def")
    os.mkdir(broken)
    shutil.copy(bk.EXAMPLE, broken)
    with open(os.path.join(broken, os.path.basename(bk.EXAMPLE_BALLOT_PDF)), "wb") as f:
        f.write(b"%PDF-1.4\n% not a ballot\n")
    r = bk.run("validate", os.path.join(broken, "election.json"))
    err = r.stderr.decode() + r.stdout.decode()
    t.ok(r.returncode != 0 and "paper.source" in err and "ballot-maslikhat-abai-list.pdf" in err,
         "a damaged ballot PDF beside the definition is refused at paper.source: " + err[-200:])
t.done()
