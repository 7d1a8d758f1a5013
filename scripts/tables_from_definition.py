#!/usr/bin/python3
"""Writes a definition (format ballotkit/1) as the tables `ballotkit import`
reads (docs/import.md): the inverse of import, used to make the shipped
example tables (templates/import/example-*/) and the national bench tables.

Usage: tables_from_definition.py DEFINITION OUTDIR [--headers en|kk|ru]
                                 [--separator ,|;|tab] [--encoding NAME]
       tables_from_definition.py DEFINITION BOOK.xlsx [--headers en|kk|ru]

With a name ending in .xlsx, one workbook with a sheet per table (numbers as
numbers, texts as shared strings, as Excel writes them), written with
python3-openpyxl.

Headers are taken from templates/import/tables.json (the name in the chosen
language: the first name is English, the second Kazakh, the third Russian),
so the tables always use headers the import knows. Pronunciations and
leaflets go into their own tables; single-mandate options are left to the
import (each candidate's district, sorted by the Kazakh alphabet, or an
"order" column when the ballot's order is not alphabetical); party-list
options go into the draws table.
"""
import csv
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANG_INDEX = {"en": 0, "kk": 1, "ru": 2}
# a workbook's entries carry this date, not the clock's (same bytes)
STAMP = (1980, 1, 1, 0, 0, 0)


def header(col, suffixes, hl, lang=None):
    names = col["names"]
    base = names[LANG_INDEX[hl]] if len(names) > LANG_INDEX[hl] else names[0]
    if lang is None:
        return base
    suf = suffixes[lang][LANG_INDEX[hl]]
    return f"{base} ({suf})" if hl != "en" else f"{base}_{suf}"


def get(obj, dotted):
    for k in dotted.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def cell(kind, v):
    if v is None:
        return ""
    if kind in ("ids", "list"):
        return ", ".join(v)
    if kind in ("boolean", "true"):
        return "yes" if v else "no"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_table(outdir, spec, rows, suffixes, hl, sep, encoding, skip=(), book=None):
    """rows: dicts of field -> value (text fields: {lang: text})."""
    cols = []
    for col in spec["columns"]:
        f = col["field"]
        if f in skip:
            continue
        if col["kind"] == "text":
            for lang in ("kk", "ru"):
                if any(isinstance(r.get(f), dict) and lang in r[f] for r in rows):
                    cols.append((col, lang))
        elif any(r.get(f) is not None for r in rows):
            cols.append((col, None))
    name = spec["names"][LANG_INDEX[hl]] if hl != "en" else spec["table"]
    if book is not None:
        ws = book.create_sheet(name)
        ws.append([header(c, suffixes, hl, lang) for c, lang in cols])
        for r in rows:
            out = []
            for c, lang in cols:
                v = r.get(c["field"])
                if lang:
                    out.append((v or {}).get(lang))
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    out.append(v)
                else:
                    out.append(cell(c["kind"], v) or None)
            ws.append(out)
        return
    path = os.path.join(outdir, name + ".csv")
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=sep, lineterminator="\r\n")
        w.writerow([header(c, suffixes, hl, lang) for c, lang in cols])
        for r in rows:
            out = []
            for c, lang in cols:
                v = r.get(c["field"])
                out.append((v or {}).get(lang, "") if lang else cell(c["kind"], v))
            w.writerow(out)


def flatten(obj, spec):
    """A record's fields by the spec's dotted names."""
    return {c["field"]: get(obj, c["field"]) for c in spec["columns"]
            if not c["field"].startswith("@")}


def kk_key(alphabet, s):
    rank = {c: i + 1 for i, c in enumerate(alphabet)}
    out = []
    for ch in s.lower():
        out.append(10 + rank[ch] if ch in rank else 1 if ch in " -" else 1000 + ord(ch))
    return out


def share_strings(path):
    """openpyxl writes every string inline; Excel writes them into
    xl/sharedStrings.xml. Rewrites the workbook the way Excel does, so
    that the import's shared-string reader is what the example exercises."""
    import re
    import zipfile
    strings, index = [], {}

    def share(m):
        text = m.group(2)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return '<c%s t="s"><v>%d</v></c>' % (m.group(1), index[text])
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    out = []
    for info, data in parts:
        if info.filename.startswith("xl/worksheets/"):
            data = re.sub(r'<c([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>',
                          share, data.decode("utf-8")).encode("utf-8")
        out.append((info, data))
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'count="%d" uniqueCount="%d">' % (len(strings), len(strings)) +
           "".join('<si><t xml:space="preserve">%s</t></si>' % t for t in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in out:
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.sharedStrings+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdShared" '
                                    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                    b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            info.date_time = STAMP
            z.writestr(info, data)
        z.writestr(zipfile.ZipInfo("xl/sharedStrings.xml", STAMP), sst.encode("utf-8"),
                   zipfile.ZIP_DEFLATED)


def main():
    args = sys.argv[1:]
    opts = {"--headers": "en", "--separator": ",", "--encoding": "utf-8"}
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts:
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    d = json.load(open(pos[0], encoding="utf-8"))
    outdir = pos[1]
    book = None
    if outdir.endswith(".xlsx"):
        import openpyxl
        book = openpyxl.Workbook()
        book.remove(book.active)
        # the workbook's dates from the election, not the clock, so that
        # the same definition gives the same bytes
        import datetime
        day = datetime.datetime.strptime(d["election"]["date"], "%Y-%m-%d")
        book.properties.created = book.properties.modified = day
    else:
        os.makedirs(outdir, exist_ok=True)
    hl = opts["--headers"]
    sep = "\t" if opts["--separator"] == "tab" else opts["--separator"]
    enc = opts["--encoding"]
    spec = json.load(open(os.path.join(ROOT, "templates/import/tables.json"), encoding="utf-8"))
    tables = {t["table"]: t for t in spec["tables"]}
    suffixes = spec["languages"]
    alphabet = json.load(open(os.path.join(ROOT, "templates/language/kk.json"),
                              encoding="utf-8"))["alphabet"].split()

    def put(name, rows, skip=()):
        if rows:
            write_table(outdir, tables[name], rows, suffixes, hl, sep, enc, skip, book)

    put("election", [flatten(d["election"], tables["election"])])
    for name in ("areas", "districts", "polling_stations"):
        put(name, [flatten(r, tables[name]) for r in d.get(name, [])])
    put("parties", [flatten(r, tables["parties"]) for r in d.get("parties", [])],
        skip=("pronunciation", "leaflet"))
    # candidates: their district, and the printed order where the ballot's
    # is not the alphabet's
    cand_rows = {c["id"]: flatten(c, tables["candidates"]) for c in d.get("candidates", [])}
    for c in cand_rows.values():
        c.pop("pronunciation", None)
        c.pop("leaflet", None)
    for b in d["ballots"]:
        if b["kind"] != "single-mandate":
            continue
        cands = {c["id"]: c for c in d["candidates"]}

        def name(cid):
            c = cands[cid]
            return " ".join((c.get(p) or {}).get("kk") or (c.get(p) or {}).get("ru") or ""
                            for p in ("surname", "given_name", "patronymic"))
        alpha = sorted(b["options"], key=lambda cid: (kk_key(alphabet, name(cid)), cid))
        for k, cid in enumerate(b["options"]):
            cand_rows[cid]["@district"] = b["district"]
            if alpha != b["options"]:
                cand_rows[cid]["@order"] = k + 1
    rows = []
    for cid, r in cand_rows.items():
        r2 = dict(r)
        r2["@district"] = r.get("@district")
        r2["@order"] = r.get("@order")
        rows.append(r2)
    put("candidates", rows)
    ballots = []
    draws = []
    for b in d["ballots"]:
        r = flatten(b, tables["ballots"])
        r["options"] = None
        ballots.append(r)
        if b["kind"] == "party-list":
            for k, p in enumerate(b["options"]):
                draws.append({"@ballot": b["id"], "@party": p, "@number": k + 1})
    put("ballots", ballots)
    put("draws", draws)
    pron = []
    leaf = []
    for kind in ("parties", "candidates"):
        key = "@party" if kind == "parties" else "@candidate"
        for r in d.get(kind, []):
            if r.get("pronunciation"):
                pron.append({key: r["id"], "pronunciation": r["pronunciation"]})
            if r.get("leaflet"):
                leaf.append({key: r["id"], "leaflet": r["leaflet"]})
    put("pronunciations", pron)
    put("leaflets", leaf)
    prod = flatten(d.get("production", {}), tables["production"])
    if any(v is not None for v in prod.values()):
        put("production", [prod])
    if book is not None:
        book.save(outdir)
        share_strings(outdir)


if __name__ == "__main__":
    main()
