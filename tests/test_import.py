"""ballotkit import: the commission's tables to a definition (docs/import.md).

The shipped example tables (English, Kazakh and Russian headers) give the
example definition, equal field by field and with equal ballot scripts;
the same tables in every encoding staff meet give the same bytes, whatever
the order of rows and columns; broken tables give their exact located
message, and nothing is written.
"""
import csv
import glob
import io
import json
import os
import random
import shutil
import tempfile

import bk

t = bk.Tap()
TPL = os.path.join(bk.ROOT, "templates", "import")
example = bk.load(bk.EXAMPLE)


def scripts(path):
    r = bk.run("script", path, "--json", check_rc=0)
    text = r.stdout.decode()
    dec = json.JSONDecoder()
    i, out = 0, {}
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        o, i = dec.raw_decode(text, i)
        for s in o if isinstance(o, list) else [o]:
            out[(s["ballot"], s["language"])] = s


def run_import(tables, out, *opts):
    return bk.run("import", *tables, "-o", out, *opts)


def first_diffs(a, b):
    ra, rb = bk.records(a), bk.records(b)
    diffs = []
    for k in sorted(set(ra) | set(rb)):
        if ra.get(k) == rb.get(k):
            continue
        if isinstance(ra.get(k), dict) and isinstance(rb.get(k), dict):
            diffs += [f"{k}.{i}" for i in sorted(set(ra[k]) | set(rb[k]))
                      if ra[k].get(i) != rb[k].get(i)]
        else:
            diffs.append(k)
    return diffs[:5]


with tempfile.TemporaryDirectory() as tmp:
    # the ballots table names the example's ballot PDF (ballot_pdf), a
    # path beside the definition written: the commission keeps them there
    shutil.copy(bk.EXAMPLE_BALLOT_PDF, tmp)
    ref_scripts = scripts(bk.EXAMPLE)
    made = {}
    for lang in ("en", "kk", "ru"):
        tables = sorted(glob.glob(os.path.join(TPL, "example-" + lang, "*.csv")))
        out = os.path.join(tmp, lang + ".json")
        r = run_import(tables, out)
        t.ok(r.returncode == 0, f"the example tables with {lang} headers import", r.stderr.decode())
        if r.returncode:
            continue
        with open(out, "rb") as f:
            made[lang] = f.read()
        d = json.loads(made[lang])
        t.ok(bk.records(d) == bk.records(example),
             f"{lang} headers: the definition equals the example field by field",
             "differs at " + ", ".join(first_diffs(d, example)))
        t.ok(scripts(out) == ref_scripts,
             f"{lang} headers: every ballot script equals the example's")
    t.ok(len(set(made.values())) == 1 and len(made) == 3,
         "the three header languages give the same bytes")
    ref = made.get("en", b"")

    # the same tables in each encoding Excel and Kazakh systems write
    src = sorted(glob.glob(os.path.join(TPL, "example-ru", "*.csv")))
    for enc, opt in (("utf-8-sig", None), ("utf-16", None), ("kz1048", None),
                     ("ptcp154", None), ("kz1048", "RK1048")):
        d = os.path.join(tmp, "enc-" + enc + (opt or ""))
        os.makedirs(d)
        for p in src:
            with open(p, encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(d, os.path.basename(p)), "wb") as f:
                f.write(text.encode(enc))
        out = os.path.join(tmp, "enc.json")
        args = ["--encoding", opt] if opt else []
        r = run_import(sorted(glob.glob(d + "/*.csv")), out, *args)
        same = r.returncode == 0 and open(out, "rb").read() == ref
        t.ok(same, f"tables in {enc}" + (f" (--encoding {opt})" if opt else " (detected)") +
             " give the same bytes", r.stderr.decode())

    # rows and columns in another order, blank rows: the same bytes
    d = os.path.join(tmp, "shuffled")
    os.makedirs(d)
    rnd = random.Random(7)
    for p in sorted(glob.glob(os.path.join(TPL, "example-en", "*.csv"))):
        with open(p, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        order = list(range(len(rows[0])))
        rnd.shuffle(order)
        body = rows[1:]
        rnd.shuffle(body)
        body.append([""] * len(order))
        with open(os.path.join(d, os.path.basename(p)), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t")
            for row in [rows[0]] + body:
                w.writerow([row[i] for i in order])
    out = os.path.join(tmp, "shuffled.json")
    r = run_import(sorted(glob.glob(d + "/*.csv")), out)
    t.ok(r.returncode == 0 and open(out, "rb").read() == ref,
         "shuffled rows and columns, tab separators and a blank row give the same bytes",
         r.stderr.decode())

    # broken tables: (what, table, change, exit code, the exact first line)
    def table(name):
        with open(os.path.join(TPL, "example-en", name + ".csv"), encoding="utf-8", newline="") as f:
            return list(csv.reader(f))

    def col(rows, header):
        return rows[0].index(header)

    def set_cell(name, row, header, value):
        def change(files):
            rows = files[name]
            rows[row - 1][col(rows, header)] = value
        return change

    def add_column(name, header, value):
        def change(files):
            files[name][0].append(header)
            for r in files[name][1:]:
                r.append(value)
        return change

    def rename_column(name, old, new):
        def change(files):
            files[name][0][col(files[name], old)] = new
        return change

    def drop_cols(name, *headers):
        def change(files):
            rows = files[name]
            idx = [col(rows, h) for h in headers]
            files[name] = [[c for i, c in enumerate(r) if i not in idx] for r in rows]
        return change

    def copy_row(name, row, header, value):
        def change(files):
            r = list(files[name][row - 1])
            r[col(files[name], header)] = value
            files[name].append(r)
        return change

    def remove(name):
        def change(files):
            del files[name]
        return change

    def also(name, data):
        def change(files):
            files[name] = data
        return change

    def raw(name, data):
        def change(files):
            files[name] = data
        return change

    cases = [
        ("a personal-data column", add_column("candidates", "ИИН", "850101300123"), 65,
         "candidates.csv:1:13: error: the candidates table has no column \"ИИН\": see "
         "docs/import.md for its columns, or leave it unread with --ignore-column \"ИИН\" "
         "(column M, \"ИИН\") [unknown-column]"),
        ("a column twice", add_column("candidates", "Тегі (қаз)", "x"), 65,
         "candidates.csv:1:13: error: the column is there twice: column C, \"surname_kk\", "
         "is the same (column M, \"Тегі (қаз)\") [duplicate-column]"),
        ("a year typed as a date", set_cell("candidates", 3, "birth_year", "01.02.1983"), 65,
         "candidates.csv:3:9: error: \"01.02.1983\" is a date, not a year: type the year "
         "alone (1971), and format the column as text or a plain number (column I, "
         "\"birth_year\") [bad-value]"),
        ("«?» for a Kazakh letter", set_cell("candidates", 2, "surname_kk", "?бдіров"), 65,
         "candidates.csv:2:3: error: \"?бдіров\": the «?» stands where a letter was lost: "
         "the table was saved in an encoding without the Kazakh letters (Windows-1251 "
         "writes «?» for ә ғ қ ң ө ұ ү һ і); save it as \"CSV UTF-8\" or as an XLSX "
         "workbook (column C, \"surname_kk\") [lost-letter]"),
        ("an unknown party", set_cell("candidates", 2, "party", "no-such-party"), 65,
         "candidates.csv:2:10: error: there is no party with the id \"no-such-party\" in "
         "\"parties\" (column J, \"party\") [dangling-reference] at $.candidates[0].party"),
        ("a candidate's district that does not exist", set_cell("candidates", 2, "district", "mz-99"), 65,
         "candidates.csv:2:2: error: there is no district with the id \"mz-99\" in the "
         "districts table (column B, \"district\") [dangling-reference]"),
        ("a yes/no cell that says neither", set_cell("ballots", 2, "two_sided", "maybe"), 65,
         "ballots.csv:2:10: error: \"maybe\" is neither yes nor no (иә / жоқ, да / нет, "
         "yes / no, 1 / 0) (column J, \"two_sided\") [bad-value]"),
        ("an unknown kind", set_cell("areas", 2, "kind", "planet"), 65,
         "areas.csv:2:2: error: \"planet\" is not one of: country, region, city, district "
         "(or their Kazakh and Russian names, docs/import.md) (column B, \"kind\") [bad-value]"),
        ("two parties with one draw number", set_cell("draws", 3, "draw_number", "1"), 65,
         "draws.csv:3: error: parties \"amanat\" and \"auyl\" have the same draw number (1) "
         "on ballot \"mazhilis-list\" [duplicate]"),
        ("a draw for a ballot that does not exist", set_cell("draws", 2, "ballot", "nope"), 65,
         "draws.csv:2: error: there is no ballot with the id \"nope\" in the ballots "
         "table [dangling-reference]"),
        ("a stray quote", raw("areas", 'id,kind,name_kk,name_ru\nkz,country,Қазақ"стан,Казахстан\n'), 65,
         "areas.csv:2: error: a stray quote (line 2 of the file): a field that holds \" must "
         "be quoted as a whole, with each \" in it doubled (\"\"), as Excel writes it [csv]"),
        ("a quote never closed", raw("areas", 'id,kind,name_kk,name_ru\nkz,country,"Қазақстан,Казахстан\n'), 65,
         "areas.csv:2: error: a quoted field is never closed: a field that starts with \" "
         "runs on to the end of the file [csv]"),
        ("mixed separators", raw("areas", "id;kind,name_kk;name_ru\n"), 65,
         "areas.csv:1: error: the header row holds both \",\" and \";\" between its columns: "
         "name the separator with --separator [separator]"),
        ("an empty table", raw("areas", ""), 65,
         "areas.csv: error: the table is empty: its first row must name the columns "
         "(docs/import.md) [empty]"),
        ("a truncated workbook", raw("areas", b"PK\x03\x04\x14\x00"), 65,
         "areas.csv: error: not a readable XLSX workbook (zip: Not a zip archive) [unreadable]"),
        ("a second election row", lambda f: f["election"].append(list(f["election"][1])), 65,
         "election.csv:3: error: the election table has one row: this is a second [bad-value]"),
        ("a header with a lost letter", rename_column("candidates", "surname_kk", "т?гі (қаз)"), 65,
         "candidates.csv:1:3: error: the header \"т?гі (қаз)\" has a «?» where a letter was "
         "lost: the table was saved in an encoding without the Kazakh letters; save it as "
         "\"CSV UTF-8\" or as an XLSX workbook (column C, \"т?гі (қаз)\") [lost-letter]"),
        ("a pronunciation for both a party and a candidate",
         lambda f: (add_column("pronunciations", "candidate", "c-101")(f)), 65,
         "pronunciations.csv:2: error: give either a party or a candidate, not both [bad-value]"),
        ("no surname columns", drop_cols("candidates", "surname_kk", "surname_ru"), 65,
         "candidates.csv:2: error: a candidate needs the field \"surname\" [missing-field] "
         "at $.candidates[0]"),
        ("a candidate in two districts", copy_row("candidates", 2, "district", "mz-07"), 65,
         "candidates.csv:44: error: the id \"c-101\" is also on row 2 of candidates.csv: "
         "ids must be unique (a candidate stands in one district) [duplicate-id]"),
        ("no election table", remove("election"), 65,
         "the tables: error: the definition needs the field \"election\" [missing-field]"),
        ("a date that never was", set_cell("election", 2, "date", "2023-02-30"), 65,
         "election.csv:2:2: error: the date \"2023-02-30\" is not a real date between 1991 and "
         "2100 written YYYY-MM-DD (column B, \"date\") [bad-value] at $.election.date"),
        ("no kits for a station", set_cell("polling_stations", 2, "kits", "0"), 65,
         "polling_stations.csv:2:9: error: kits must be between 1 and 1000, not 0 (column I, "
         "\"kits\") [bad-value] at $.polling_stations[0].kits"),
        ("a station in a district that does not exist",
         set_cell("polling_stations", 2, "districts", "nationwide, mz-99"), 65,
         "polling_stations.csv:2:8: error: there is no district with the id \"mz-99\" in "
         "\"districts\" (column H, \"districts\") [dangling-reference] at "
         "$.polling_stations[0].districts[1]"),
        ("a draw number that is no number", set_cell("draws", 2, "draw_number", "first"), 65,
         "draws.csv:2:3: error: \"first\" is not a whole number (column C, \"draw_number\") "
         "[bad-value]"),
        ("a level for a Mazhilis district", set_cell("districts", 3, "level", "regional"), 65,
         "districts.csv:3:3: error: only a maslikhat district has a level; remove \"level\" "
         "(column C, \"level\") [unexpected-field] at $.districts[2].level"),
        ("a party and self-nomination", set_cell("candidates", 2, "self_nominated", "yes"), 65,
         "candidates.csv:2:11: error: a candidate is nominated by a party or self-nominated, "
         "not both; remove one (column K, \"self_nominated\") [unexpected-field] at "
         "$.candidates[0].self_nominated"),
        ("a number with letters", set_cell("districts", 3, "number", "3a"), 65,
         "districts.csv:3:4: error: \"3a\" is not a whole number (column D, \"number\") "
         "[bad-value]"),
        ("a file that is no table", also("notes", "a,b\n"), 65,
         "notes.csv: error: no table is called \"notes\": name the file after its table "
         "(election, areas, districts, polling_stations, parties, candidates, ballots, draws, "
         "pronunciations, leaflets, production, or their Kazakh or Russian names: "
         "docs/import.md) [unknown-table]"),
        ("a second candidates table", also("кандидаты", "id\nc-999\n"), 65,
         "кандидаты.csv: error: a second candidates table: candidates.csv is one already "
         "[duplicate]"),
        ("one line in another encoding",
         also("areas", "id,kind,name_kk,name_ru\nkz,country,Қазақстан,".encode() +
              "Казахстан\n".encode("cp1251")), 65,
         "areas.csv:2: error: the file is not UTF-8 (byte 0xCA on this line is not), and "
         "read as Windows-1251, RK1048 or PT154 it holds characters that are neither Kazakh "
         "nor Russian: save it as \"CSV UTF-8\" or as an XLSX workbook, or name its encoding "
         "with --encoding [encoding]"),
        ("UTF-16 without a byte-order mark",
         also("areas", "id,kind,name_kk,name_ru\n".encode("utf-16-le")), 65,
         "areas.csv: error: the file holds NUL bytes: UTF-16 without a byte-order mark, or not "
         "a text file; save it as \"CSV UTF-8\" [encoding]"),
        ("a column without a header", add_column("areas", "", "x"), 65,
         "areas.csv:1:6: error: the column has no header: give it one, or delete the column "
         "(column F, \"\") [unknown-column]"),
        ("an unknown encoding", lambda f: None, 64,
         "error: unknown encoding \"KOI8-R\": UTF-8, UTF-16, CP1251, RK1048 or PT154 [usage]"),
    ]
    extra_opts = {"an unknown encoding": ("--encoding", "KOI8-R")}
    for what, change, rc, line in cases:
        d = os.path.join(tmp, "broken")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        files = {os.path.basename(p)[:-4]: table(os.path.basename(p)[:-4])
                 for p in glob.glob(os.path.join(TPL, "example-en", "*.csv"))}
        change(files)
        for name, rows in files.items():
            path = os.path.join(d, name + ".csv")
            if isinstance(rows, (str, bytes)):
                with open(path, "wb") as f:
                    f.write(rows.encode() if isinstance(rows, str) else rows)
                continue
            with open(path, "w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows(rows)
        out = os.path.join(tmp, "broken.json")
        r = bk.run("import", *sorted(glob.glob(d + "/*.csv")), "-o", out,
                   *extra_opts.get(what, ()))
        lines = [l for l in r.stderr.decode().splitlines() if "error: " in l]
        first = lines[0].replace(d + "/", "") if lines else ""
        t.ok(r.returncode == rc and first == line and not os.path.exists(out) and
             not glob.glob(out + ".tmp-*"),
             f"{what}: exit {rc}, the located message, nothing written",
             f"exit {r.returncode}\n got: {first}\nwant: {line}")

    # RFC 4180: a quoted field holds the separator, a line break and a
    # doubled quote; the record is still one row
    d = os.path.join(tmp, "quoted")
    shutil.copytree(os.path.join(TPL, "example-en"), d)
    with open(os.path.join(d, "leaflets.csv"), "a", encoding="utf-8", newline="") as f:
        f.write('zhsdp,"Бірінші жол, үтірмен\nекінші ""жол""","Первая строка, с запятой\nвторая ""строка"""\r\n')
    out = os.path.join(tmp, "quoted.json")
    r = run_import(sorted(glob.glob(d + "/*.csv")), out)
    got = {p["id"]: p for p in bk.load(out)["parties"]}.get("zhsdp", {}) if r.returncode == 0 else {}
    t.ok(got.get("leaflet") == {"kk": 'Бірінші жол, үтірмен\nекінші "жол"',
                                "ru": 'Первая строка, с запятой\nвторая "строка"'},
         "a quoted field keeps its comma, line break and doubled quotes", r.stderr.decode())

    # an ignored column is read by nobody and copied nowhere
    d = os.path.join(tmp, "ignored")
    shutil.copytree(os.path.join(TPL, "example-en"), d)
    files = {"candidates": table("candidates")}
    add_column("candidates", "ИИН", "850101300123")(files)
    with open(os.path.join(d, "candidates.csv"), "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(files["candidates"])
    out = os.path.join(tmp, "ignored.json")
    r = run_import(sorted(glob.glob(d + "/*.csv")), out, "--ignore-column", "иин")
    t.ok(r.returncode == 0 and open(out, "rb").read() == ref,
         "--ignore-column (any case) leaves the column unread: the same bytes, no ИИН",
         r.stderr.decode())
    r = run_import([os.path.join(tmp, "nonexistent.csv")], out)
    t.eq(r.returncode, 66, "a table that cannot be read: exit 66")
    r = bk.run("import", *glob.glob(os.path.join(TPL, "example-en", "*.csv")))
    t.eq(r.returncode, 64, "import without -o: exit 64")


# XLSX workbooks (python3-openpyxl writes them; zipfile edits their XML
# where openpyxl cannot: a formula's cached value, an inline string)
import datetime
import re
import zipfile

import openpyxl

BOOK = os.path.join(TPL, "example.xlsx")


def edit_zip(src, dst, fn):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, fn(info.filename, zin.read(info.filename)))


def header_col(ws, header):
    for c in ws[1]:
        if c.value == header:
            return c.column_letter
    raise KeyError(header)


with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(bk.EXAMPLE_BALLOT_PDF, tmp)
    out = os.path.join(tmp, "book.json")
    r = run_import([BOOK], out)
    t.ok(r.returncode == 0 and open(out, "rb").read() == ref,
         "the example workbook (Kazakh sheet names and headers) gives the same bytes as the CSV tables",
         r.stderr.decode())

    def book(name, change):
        wb = openpyxl.load_workbook(BOOK)
        change(wb)
        path = os.path.join(tmp, name + ".xlsx")
        wb.save(path)
        return path

    def cands(wb):
        return wb["кандидаттар"]

    merged = book("merged", lambda wb: cands(wb).merge_cells("C2:D2"))
    formula = book("formula", lambda wb: cands(wb).__setitem__(
        header_col(cands(wb), "туған жылы") + "3", "=1980+3"))

    def as_date(wb):
        ws = cands(wb)
        c = ws[header_col(ws, "туған жылы") + "3"]
        c.value = datetime.date(1983, 1, 1)
        c.number_format = "DD.MM.YYYY"
    dated = book("dated", as_date)
    extra = book("extra", lambda wb: wb.create_sheet("Нұсқаулық").append(["Толтыру тәртібі"]))
    cached = os.path.join(tmp, "cached.xlsx")
    edit_zip(formula, cached, lambda n, d: re.sub(rb"<f>1980\+3</f>(<v\s*/>|<v></v>)?",
                                                  b"<f>1980+3</f><v>1983</v>", d)
             if n.startswith("xl/worksheets/") else d)

    # one shared string of the candidates sheet written inline instead
    def inline(n, d):
        if n != "xl/worksheets/sheet6.xml":
            return d
        return re.sub(rb'<c r="C2"([^>]*) t="s"><v>\d+</v></c>',
                      '<c r="C2"\\1 t="inlineStr"><is><t>Әбдіров</t></is></c>'.encode(), d, count=1)
    inlined = os.path.join(tmp, "inline.xlsx")
    edit_zip(BOOK, inlined, inline)
    with zipfile.ZipFile(BOOK) as z:
        shared = (b"inlineStr" not in z.read("xl/worksheets/sheet6.xml") and
                  "xl/sharedStrings.xml" in z.namelist())
    with zipfile.ZipFile(inlined) as z:
        has_inline = shared and z.read("xl/worksheets/sheet6.xml").count(b"inlineStr") == 1
    r = run_import([inlined], out)
    t.ok(has_inline and r.returncode == 0 and open(out, "rb").read() == ref,
         "an inline string reads as the shared one it replaces", r.stderr.decode())
    r = run_import([cached], out)
    t.ok(r.returncode == 0 and open(out, "rb").read() == ref and
         "cached.xlsx[кандидаттар]:3:9: note: cell I3 holds a formula: its value as last "
         "saved, \"1983\", is read [formula]" in r.stderr.decode(),
         "a formula is read through its cached value, with a note naming the cell",
         r.stderr.decode())
    r = run_import([extra], out)
    t.ok(r.returncode == 0 and open(out, "rb").read() == ref and
         "extra.xlsx[Нұсқаулық]: warning: no table is called \"Нұсқаулық\"; the sheet is not read"
         in r.stderr.decode(),
         "a sheet that is no table is left unread, with a warning", r.stderr.decode())

    notzip = os.path.join(tmp, "candidates.xlsx")
    with open(notzip, "w", encoding="utf-8") as f:
        f.write("id,surname_kk\n")
    bomb = os.path.join(tmp, "bomb.xlsx")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook>" + b" " * (4 << 20) + b"</workbook>")
    damaged = os.path.join(tmp, "damaged.xlsx")
    edit_zip(BOOK, damaged, lambda n, d: d.replace(b"worksheets/sheet6.xml", b"worksheets/sheet66.xml")
             if n == "xl/_rels/workbook.xml.rels" else d)
    xcases = [
        ("merged cells", [merged], (),
         "merged.xlsx[кандидаттар]:2:3: error: cells C2:D2 are merged: a table has one value a "
         "cell; unmerge them and fill in every row [merged-cells]"),
        ("a formula without a cached value", [formula], (),
         "formula.xlsx[кандидаттар]:3:9: error: cell I3 holds a formula with no value saved: "
         "open the workbook in Excel or LibreOffice and save it again, or type the value [formula]"),
        ("a year formatted as a date", [dated], (),
         "dated.xlsx[кандидаттар]:3:9: error: \"01.01.1983\" is a date, not a year: type the "
         "year alone (1971), and format the column as text or a plain number (column I, "
         "\"туған жылы\") [bad-value]"),
        ("an .xlsx that is not a zip", [notzip], (),
         "candidates.xlsx: error: the name says XLSX, but the file is not a zip archive, as every "
         "XLSX workbook is: save it again as an Excel workbook (.xlsx), or as \"CSV UTF-8\" with "
         "a .csv name [unreadable]"),
        ("a zip bomb", [bomb], ("--max-input-size", "1M"),
         "bomb.xlsx: error: the workbook unpacks to more than the input cap of 1048576 bytes (at "
         "its part xl/workbook.xml): a zip bomb, or a workbook too large; --max-input-size "
         "raises the cap [unreadable]"),
        ("a sheet whose part is missing", [damaged], (),
         "damaged.xlsx: error: the workbook names the sheet \"кандидаттар\" but has no part "
         "xl/worksheets/sheet66.xml: it is damaged [unreadable]"),
    ]
    for what, files, opts, line in xcases:
        r = run_import(files, out + ".x", *opts)
        lines = [l for l in r.stderr.decode().splitlines() if ": error: " in l]
        first = lines[0].replace(tmp + "/", "") if lines else ""
        t.ok(r.returncode == 65 and first == line and not os.path.exists(out + ".x"),
             f"{what}: exit 65, the located message, nothing written",
             f"exit {r.returncode}\n got: {first}\nwant: {line}")

# docs/import.md lists every table, column and header tables.json has
import subprocess
gen = subprocess.run(["/usr/bin/python3", os.path.join(bk.ROOT, "scripts", "import_columns.py"),
                      os.path.join(bk.ROOT, "templates")], capture_output=True, text=True).stdout
with open(os.path.join(bk.ROOT, "docs", "import.md"), encoding="utf-8") as f:
    doc = f.read()
section = doc.split("<!-- columns -->\n", 1)[-1].split("<!-- end columns -->", 1)[0]
t.ok(gen and section == gen, "docs/import.md lists the tables and headers of tables.json",
     "run scripts/import_columns.py and paste its output between the markers")

t.done()
