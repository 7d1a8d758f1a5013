"""Tampering with a kit's print PDFs, for the tamper corpus
(tests/test_verify.py; run by /usr/bin/python3 with python3-pikepdf).

replace_text(pdf_in, pdf_out, old, new)
    Changes the text old (as pdftotext reads it, one page's text, spaces
    between runs) into new, of the same length, by replacing glyph codes in
    the content stream with codes the same font subset maps (ToUnicode) to
    the new characters. Raises ValueError when a new character has no code
    in that font.

separation_paths(pdf, page, name)
    The subpaths painted in the Separation colour space called name:
    [(instruction indexes, bbox in mm from the TrimBox's top-left corner,
    filled)], with the page's parsed instructions.

remove_subpath(ins, sub) / shift_subpath(ins, sub, dx_mm, dy_mm)
    Deletes or moves (on the page, y down) one subpath found above.

Nothing here imports the library or shares code with it: the content
streams are read with pikepdf alone.
"""
import decimal
import re

import pikepdf

from tamper import _apply, _mul  # the same matrix arithmetic

PT_MM = 25.4 / 72


def _cmap(font):
    """code bytes -> Unicode string, from the font's ToUnicode CMap."""
    tu = font.get("/ToUnicode")
    out = {}
    if tu is None:
        return out, 1
    text = tu.read_bytes().decode("latin-1")
    width = 2 if re.search(r"begincodespacerange\s*<[0-9a-fA-F]{4}>", text) else 1
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            lo, hi, d = int(a, 16), int(b, 16), int(dst, 16)
            for c in range(lo, hi + 1):
                out[c.to_bytes(len(a) // 2, "big")] = chr(d + c - lo)
    return out, width


def replace_text(pdf_in, pdf_out, old, new, page=None):
    if len(old) != len(new):
        raise ValueError("old and new must have the same length")
    with pikepdf.open(pdf_in) as pdf:
        pages = range(len(pdf.pages)) if page is None else [page]
        for pg_i in pages:
            pg = pdf.pages[pg_i]
            fonts = {str(k): v for k, v in pg.Resources.get("/Font", {}).items()}
            maps = {k: _cmap(f) for k, f in fonts.items()}
            ins = list(pikepdf.parse_content_stream(pg))
            chars = []  # (char, instruction, operand index or (array, item), offset, font)
            font = None
            for i, inst in enumerate(ins):
                op = str(inst.operator)
                if op == "Tf":
                    font = str(inst.operands[0])
                elif op in ("Tj", "TJ") and font in maps:
                    cmap, width = maps[font]
                    items = [inst.operands[0]] if op == "Tj" else list(inst.operands[0])
                    for j, it in enumerate(items):
                        if not isinstance(it, pikepdf.String):
                            continue
                        raw = bytes(it)
                        for off in range(0, len(raw) - width + 1, width):
                            ch = cmap.get(raw[off:off + width], "\ufffd")
                            chars.append((ch, i, j, off, font))
            text = "".join(c[0] for c in chars)
            at = text.find(old)
            if at < 0:
                continue
            for q in range(len(old)):
                if old[q] == new[q]:
                    continue
                _, i, j, off, f = chars[at + q]
                cmap, width = maps[f]
                code = next((k for k, v in cmap.items() if v == new[q]), None)
                if code is None:
                    raise ValueError("no code for %r in font %s" % (new[q], f))
                inst = ins[i]
                op = str(inst.operator)
                if op == "Tj":
                    raw = bytearray(bytes(inst.operands[0]))
                    raw[off:off + width] = code
                    ins[i] = pikepdf.ContentStreamInstruction(
                        [pikepdf.String(bytes(raw))], inst.operator)
                else:
                    arr = list(inst.operands[0])
                    raw = bytearray(bytes(arr[j]))
                    raw[off:off + width] = code
                    arr[j] = pikepdf.String(bytes(raw))
                    ins[i] = pikepdf.ContentStreamInstruction(
                        [pikepdf.Array(arr)], inst.operator)
            pg.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ins))
            pdf.save(pdf_out)
            return
    raise ValueError("%r is not in %s" % (old, pdf_in))


class Sub:
    def __init__(self, ctm):
        self.refs = []   # (instruction index, operand index of an x)
        self.ops = []    # instruction indexes
        self.pts = []
        self.ctm = ctm


def separation_paths(pdf, page, name):
    pg = pdf.pages[page]
    trim = [float(v) for v in pg.obj.get("/TrimBox", pg.obj.MediaBox)]
    spaces = pg.Resources.get("/ColorSpace", {})
    ink = set()
    for k, v in spaces.items():
        if isinstance(v, pikepdf.Array) and len(v) > 1 and str(v[0]) == "/Separation" \
                and str(v[1]) == "/" + name:
            ink.add(str(k))
    ins = list(pikepdf.parse_content_stream(pg))

    def to_mm(p):
        return ((p[0] - trim[0]) * PT_MM, (trim[3] - p[1]) * PT_MM)

    ctm = [1, 0, 0, 1, 0, 0]
    stack = []
    fill = stroke = False
    subs, cur, out = [], None, []
    for i, inst in enumerate(ins):
        op = str(inst.operator)
        ops = [float(v) if isinstance(v, (int, float, decimal.Decimal)) else v
               for v in inst.operands]
        if op == "q":
            stack.append((ctm, fill, stroke))
        elif op == "Q" and stack:
            ctm, fill, stroke = stack.pop()
        elif op == "cm":
            ctm = _mul(ctm, [float(v) for v in ops])
        elif op == "cs":
            fill = str(inst.operands[0]) in ink
        elif op == "CS":
            stroke = str(inst.operands[0]) in ink
        elif op in ("g", "rg", "k"):
            fill = False
        elif op in ("G", "RG", "K"):
            stroke = False
        elif op in ("m", "l", "c", "v", "y", "re"):
            if op in ("m", "re") or cur is None:
                cur = Sub(ctm)
                subs.append(cur)
            cur.ops.append(i)
            n = 2 if op == "re" else len(ops)
            for k in range(0, n, 2):
                cur.refs.append((i, k))
                cur.pts.append(to_mm(_apply(ctm, ops[k], ops[k + 1])))
            if op == "re":
                x, y, w, h = ops
                for px, py in ((x + w, y), (x + w, y + h), (x, y + h)):
                    cur.pts.append(to_mm(_apply(ctm, px, py)))
        elif op == "h":
            if cur is not None:
                cur.ops.append(i)
        elif op in ("f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "n"):
            filled = op in ("f", "F", "f*", "B", "B*", "b", "b*") and fill
            stroked = op in ("S", "s", "B", "B*", "b", "b*") and stroke
            for s in subs:
                if len(s.pts) < 2 or not (filled or stroked):
                    continue
                xs = [p[0] for p in s.pts]
                ys = [p[1] for p in s.pts]
                out.append((s, (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)),
                            filled))
            subs, cur = [], None
    return ins, out


def remove_subpath(ins, sub):
    """ins without the subpath's instructions (a lone 'm' is kept, so the
    path's other subpaths are not joined to this one's start)."""
    drop = set(sub.ops)
    return [x for i, x in enumerate(ins) if i not in drop]


def shift_subpath(ins, sub, dx_mm, dy_mm):
    ux, uy = dx_mm / PT_MM, -dy_mm / PT_MM
    a, b, c, d = sub.ctm[0], sub.ctm[1], sub.ctm[2], sub.ctm[3]
    det = a * d - b * c
    px = (d * ux - c * uy) / det
    py = (-b * ux + a * uy) / det
    for (i, k) in sub.refs:
        ops = list(ins[i].operands)
        ops[k] = decimal.Decimal("%.4f" % (float(ops[k]) + px))
        ops[k + 1] = decimal.Decimal("%.4f" % (float(ops[k + 1]) + py))
        ins[i] = pikepdf.ContentStreamInstruction(ops, ins[i].operator)
    return ins


def save_page(pdf, page, ins, path):
    pdf.pages[page].Contents = pdf.make_stream(pikepdf.unparse_content_stream(ins))
    pdf.save(path)
