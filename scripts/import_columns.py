#!/usr/bin/python3
"""Prints the tables and columns of templates/import/tables.json as the
Markdown docs/import.md holds between <!-- columns --> and <!-- end columns -->
(tests/test_import.py checks that the two agree).

Usage: import_columns.py [TEMPLATES_DIR]
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = {
    "id": "id", "ids": "ids, separated by commas or spaces",
    "list": "values, separated by commas or spaces", "string": "text",
    "text": "text, one column per language", "integer": "whole number",
    "year": "year (1971)", "number": "number (1.5 or 1,5)",
    "boolean": "yes or no", "true": "yes (or empty)", "enum": "one of the values",
    "date": "date (2023-03-19 or 19.03.2023)",
}


def main():
    tdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "templates")
    spec = json.load(open(os.path.join(tdir, "import", "tables.json"), encoding="utf-8"))
    out = []
    suf = spec["languages"]
    out.append("Language suffixes of text columns: kk: " +
               ", ".join(f"`{s}`" for s in suf["kk"]) + "; ru: " +
               ", ".join(f"`{s}`" for s in suf["ru"]) + ".")
    out.append("")
    out.append("Yes: " + ", ".join(f"`{s}`" for s in spec["yes"]) +
               "; no: " + ", ".join(f"`{s}`" for s in spec["no"]) + ".")
    for t in spec["tables"]:
        out.append("")
        out.append(f"### `{t['table']}`")
        out.append("")
        out.append("File or sheet names: " + ", ".join(f"`{n}`" for n in t["names"]) +
                   (". One row." if t.get("rows") == "one" else "."))
        out.append("")
        out.append("| field | kind | headers (en, kk, ru, others) |")
        out.append("|---|---|---|")
        for c in t["columns"]:
            kind = KINDS[c["kind"]]
            if c["kind"] == "enum":
                kind += ": " + "; ".join(f"`{k}` ({', '.join(v)})" for k, v in c["values"].items())
            if c.get("partial"):
                kind += ", any languages"
            field = c["field"]
            field = f"({field[1:]}, read by the import)" if field.startswith("@") else f"`{field}`"
            out.append(f"| {field} | {kind} | " + ", ".join(f"`{n}`" for n in c["names"]) + " |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
