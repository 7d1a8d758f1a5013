#!/usr/bin/python3
"""The installed API reference lists every function the library exports.

Usage: check_apiref.py REFERENCE.html LIBBALLOTKIT.so

The list of functions comes from the shared library (nm -D), not from the
headers the page was made from, so a function whose declaration the
generator missed (or a page made from old headers) fails here. Each
function must have its anchor and a link in the index, and the block that
declares it must hold its comment (ownership, errors) as well as the
declaration.
"""
import html
import re
import subprocess
import sys

ref, lib = sys.argv[1], sys.argv[2]
page = open(ref, encoding="utf-8").read()
out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True,
                     check=True, text=True).stdout
exported = sorted({l.split()[-1].split("@")[0] for l in out.splitlines()
                   if len(l.split()) == 3 and l.split()[1] in "T"})
n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {what}")
    if not cond:
        failed += 1
        for line in detail.splitlines():
            print("# " + line)


ok(len(exported) > 100, f"the library exports the API ({len(exported)} functions)")
no_anchor = [f for f in exported if f'id="{f}"' not in page]
ok(not no_anchor, "every exported function has its entry in the reference",
   "missing: " + " ".join(no_anchor))
no_link = [f for f in exported if f'href="#{f}"' not in page]
ok(not no_link, "every exported function is in the reference's index",
   "missing: " + " ".join(no_link))
# the block after each anchor holds a comment and the BK_API declaration
blocks = {}
for m in re.finditer(r'((?:<span id="[^"]+"></span>)+)<pre>(.*?)</pre>', page, re.S):
    for name in re.findall(r'id="([^"]+)"', m.group(1)):
        blocks[name] = html.unescape(m.group(2))
bare = [f for f in exported
        if f in blocks and not (re.search(r"BK_API[^;(]*\b%s\s*\(" % f, blocks[f])
                                and "/*" in blocks[f])]
ok(not bare, "each function's entry holds its declaration and its comment",
   "without: " + " ".join(bare))
print(f"1..{n}")
sys.exit(1 if failed else 0)
