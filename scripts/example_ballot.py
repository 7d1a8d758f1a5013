#!/usr/bin/python3
"""Draws the example's ballot PDF: the paper ballot of one party-list
ballot of examples/kz-2023/election.json as a printer would receive it,
so that the example can show a stencil made from a ballot's own PDF
(docs/stencil.md, "A stencil from the ballot's PDF").

    /usr/bin/python3 scripts/example_ballot.py ELECTION.json BALLOT-ID OUT.pdf

The sheet is A5 (148 x 210 mm), both languages on one face as the 2023
ballots have them: the heading, then a table with a row per party (Kazakh
name over Russian) and the row «Барлығына қарсы / Против всех», each with
an empty square on the right, then the commission's signature lines. The
squares are placed on purpose where the a5-party-list template does not
put them (9 mm squares at a 20 mm pitch from y = 52 mm, where the template
assumes 10 mm at 18 mm from y = 40 mm), so that a stencil made from this
PDF shows that its windows follow the ballot and not the template. The
top-right corner cut is printed as a diagonal line.

The bytes depend on nothing but the definition, the wording and this
script (Cairo's PDF, fonts from Debian's fonts-dejavu, a fixed date), so
that the PDF shipped in examples/ can be made again and compared:
tests/test_example_ballot.py does that. BOXES (below) is what this script
draws, the ground truth a test compares a stencil's windows with; it is
never read back from the PDF.
"""
import json
import os
import sys

import cairo

MM = 72 / 25.4
PAPER = (148.0, 210.0)
FONT = "DejaVu Sans"
BOX = 9.0              # the squares' side, mm
BOX_X = 124.0          # their left edge
FIRST_Y = 52.0         # the first square's top edge
PITCH = 20.0           # from one row to the next
TABLE = (8.0, 140.0)   # the table's left and right edges
COLUMN = 118.0         # the rule between the names and the squares
CORNER = 10.0          # the corner cut's legs
LINE = 0.3             # a square's stroke, mm


def boxes(n):
    """The n squares this script draws, (x, y, w, h) mm from the top-left
    corner, top to bottom: the centre line of each square's stroke."""
    return [(BOX_X, FIRST_Y + k * PITCH, BOX, BOX) for k in range(n)]


def wrap(c, text, width):
    """text broken into lines no wider than width at the current font."""
    lines, line = [], ""
    for word in text.split():
        trial = (line + " " + word).strip()
        if line and c.text_extents(trial).x_advance > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def text(c, x, y, s, size, bold=False, centre=False, width=None):
    """s set at size (mm) from x, baseline y; wrapped to width; each line
    centred on x when centre. Returns the baseline after the last line."""
    c.select_font_face(FONT, cairo.FONT_SLANT_NORMAL,
                       cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
    c.set_font_size(size)
    for line in wrap(c, s, width) if width else [s]:
        dx = -c.text_extents(line).x_advance / 2 if centre else 0
        c.move_to(x + dx, y)
        c.show_text(line)
        y += size * 1.25
    return y


def rows(election, ballot):
    """The rows' texts, (kk, ru), in the ballot's order, with against all
    when the ballot has it."""
    parties = {p["id"]: p for p in election["parties"]}
    out = [(parties[o]["name"]["kk"], parties[o]["name"]["ru"]) for o in ballot["options"]]
    if ballot.get("against_all", True):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "templates", "print")
        kk, ru = (json.load(open(os.path.join(root, lang + ".json"), encoding="utf-8"))
                  for lang in ("kk", "ru"))
        out.append((kk["against_all"], ru["against_all"]))
    return out


def draw(election, ballot, path):
    district = {d["id"]: d for d in election["districts"]}[ballot["district"]]
    surface = cairo.PDFSurface(path, PAPER[0] * MM, PAPER[1] * MM)
    surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, election["election"]["date"] + "T00:00:00")
    surface.set_metadata(cairo.PDFMetadata.TITLE, "Ballot " + ballot["id"])
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "ballotkit scripts/example_ballot.py")
    c = cairo.Context(surface)
    c.scale(MM, MM)
    c.set_source_rgb(0, 0, 0)
    w = PAPER[0]
    # the heading
    y = text(c, w / 2, 12, "САЙЛАУ БЮЛЛЕТЕНІ", 4.2, bold=True, centre=True)
    y = text(c, w / 2, y, "ИЗБИРАТЕЛЬНЫЙ БЮЛЛЕТЕНЬ", 4.2, bold=True, centre=True)
    for lang in ("kk", "ru"):
        y = text(c, w / 2, y + 0.5, district["name"][lang], 2.6, centre=True, width=124)
    text(c, 12, y + 1.5, "Таңдаған партияңыздың оң жағындағы бос шаршыға кез келген белгі қойыңыз. "
         "Поставьте любой знак в пустом квадрате справа от выбранной партии.", 2.3, width=124)
    # the table: a frame, a rule between rows, a rule before the squares
    r = rows(election, ballot)
    top = FIRST_Y - (PITCH - BOX) / 2
    bottom = top + len(r) * PITCH
    c.set_line_width(0.25)
    c.rectangle(TABLE[0], top, TABLE[1] - TABLE[0], bottom - top)
    for k in range(1, len(r)):
        c.move_to(TABLE[0], top + k * PITCH)
        c.line_to(TABLE[1], top + k * PITCH)
    c.move_to(COLUMN, top)
    c.line_to(COLUMN, bottom)
    c.stroke()
    for k, ((kk, ru), (x, by, bw, bh)) in enumerate(zip(r, boxes(len(r)))):
        ty = text(c, TABLE[0] + 3, top + k * PITCH + 6.5, kk, 3.0, bold=True, width=COLUMN - TABLE[0] - 6)
        text(c, TABLE[0] + 3, ty, ru, 2.7, width=COLUMN - TABLE[0] - 6)
        c.set_line_width(LINE)
        c.rectangle(x, by, bw, bh)
        c.stroke()
    # the signature lines of the station's commission
    y = text(c, 12, bottom + 9, "Учаскелік сайлау комиссиясы мүшелерінің қолдары / "
             "Подписи членов участковой избирательной комиссии:", 2.3, width=124)
    c.set_line_width(0.2)
    for k in range(2):
        c.move_to(12 + k * 64, y + 6)
        c.line_to(72 + k * 64, y + 6)
    c.stroke()
    # the corner cut, top right
    c.set_line_width(0.25)
    c.move_to(w - CORNER, 0)
    c.line_to(w, CORNER)
    c.stroke()
    surface.finish()


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    election = json.load(open(argv[1], encoding="utf-8"))
    found = [b for b in election["ballots"] if b["id"] == argv[2]]
    if not found:
        sys.stderr.write("%s: no ballot %s\n" % (argv[1], argv[2]))
        return 1
    tmp = argv[3] + ".tmp"
    draw(election, found[0], tmp)
    os.replace(tmp, argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
