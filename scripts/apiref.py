#!/usr/bin/python3
"""Writes ballotkit's API reference, one HTML page, from the public headers.

Usage: apiref.py OUTPUT.html include/ballotkit.h include/ballotkit/*.h

The headers are the reference: each header's opening comment, then its
declarations in file order, each with the comment written beside it
(ownership, bounds, errors), as blocks separated by blank lines. Every
BK_API function gets an anchor (id = its name) and a line in the index.
No clock, no host name: the same headers give the same bytes. Why a
script and not doxygen: docs/decisions.md, "API reference".
"""
import html
import os
import re
import sys

API_RE = re.compile(r"BK_API[^;(]*?\b(bk_\w+)\s*\(", re.S)
TYPE_RE = re.compile(r"^typedef\s+(?:struct|enum)\s+(bk_\w+)", re.M)


def split_header(text):
    """(opening comment, body blocks): the body is what lies between
    BK_BEGIN_DECLS and BK_END_DECLS (or the include guard), cut at blank
    lines that are outside comments and braces."""
    m = re.match(r"\s*/\*(.*?)\*/", text, re.S)
    intro = ""
    if m:
        intro = "\n".join(re.sub(r"^\s?\*\s?", "", l) for l in m.group(1).splitlines()).strip()
    start = text.find("BK_BEGIN_DECLS")
    end = text.rfind("BK_END_DECLS")
    if start < 0:
        start = text.find("#define", text.find("#ifndef"))
        start = text.find("\n", start)
        end = text.rfind("#endif")
    else:
        start = text.find("\n", start)
    body = text[start:end if end > start else len(text)]
    blocks, cur, depth, in_comment = [], [], 0, False
    for line in body.splitlines():
        if not line.strip() and not in_comment and depth == 0:
            if cur:
                blocks.append("\n".join(cur))
                cur = []
            continue
        cur.append(line.rstrip())
        code = re.sub(r"/\*.*?\*/", "", line)
        if in_comment:
            if "*/" in line:
                in_comment = False
                code = line[line.index("*/") + 2:]
            else:
                code = ""
        if "/*" in code and "*/" not in code[code.index("/*"):]:
            in_comment = True
            code = code[:code.index("/*")]
        code = re.sub(r"//.*", "", code)
        depth += code.count("{") - code.count("}")
    if cur:
        blocks.append("\n".join(cur))
    return intro, [b for b in blocks if not b.lstrip().startswith("#include")]


def main():
    out, headers = sys.argv[1], sys.argv[2:]
    index, sections = [], []
    for path in headers:
        name = "ballotkit.h" if os.path.basename(os.path.dirname(path)) != "ballotkit" \
            else "ballotkit/" + os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            intro, blocks = split_header(f.read())
        hid = name.replace("/", "-").replace(".", "-")
        sec = [f'<section id="{hid}">\n<h2>&lt;{html.escape(name)}&gt;</h2>']
        if intro:
            sec.append(f"<pre class=\"intro\">{html.escape(intro)}</pre>")
        funcs = []
        for b in blocks:
            names = API_RE.findall(b)
            types = TYPE_RE.findall(b)
            ids = "".join(f'<span id="{n}"></span>' for n in names + types)
            sec.append(f"{ids}<pre>{html.escape(b)}</pre>")
            funcs += names
        sec.append("</section>")
        sections.append("\n".join(sec))
        links = ", ".join(f'<a href="#{n}"><code>{n}</code></a>' for n in funcs)
        index.append(f'<li><a href="#{hid}">&lt;{html.escape(name)}&gt;</a>'
                     + (f": {links}" if links else "") + "</li>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>ballotkit API reference</title>\n"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
            "pre{background:#f6f6f6;padding:.5em;overflow-x:auto}"
            "pre.intro{background:none;font-family:inherit;white-space:pre-wrap}</style>\n"
            "</head>\n<body>\n<h1>ballotkit API reference</h1>\n"
            "<p>Generated from the public headers' comments (scripts/apiref.py). "
            "Include <code>&lt;ballotkit.h&gt;</code>; compile with "
            "<code>pkg-config --cflags --libs ballotkit</code>.</p>\n"
            "<ul>\n" + "\n".join(index) + "\n</ul>\n"
            + "\n".join(sections) + "\n</body>\n</html>\n")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
