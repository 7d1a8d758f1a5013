"""The shared library exports exactly the functions the public headers
declare with BK_API, and nothing else; and the library's own globals that
are not public carry the private prefix bki_ (docs/coding-style.md,
"Names"), so no internal helper passes for API."""
import glob
import os
import re
import subprocess
import sys

import bk

t = bk.Tap()
lib = sys.argv[1]
static = sys.argv[2]
out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, check=True).stdout.decode()
exported = {l.split()[-1].split("@")[0] for l in out.splitlines() if l.split() and l.split()[-2] in "TDBR"}
declared = set()
for h in glob.glob(os.path.join(bk.ROOT, "include", "ballotkit", "*.h")):
    with open(h, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"BK_API[^;(]*?\b(bk_\w+)\s*\(", text, re.S):
        declared.add(m.group(1))
t.ok(len(declared) > 20, "the headers declare the public API (%d functions)" % len(declared))
t.eq(sorted(exported - declared), [], "nothing exported that the headers do not declare")
t.eq(sorted(declared - exported), [], "everything declared is exported")

# every global the static library defines (hidden or not)
out = subprocess.run(["nm", "--defined-only", static], capture_output=True, check=True).stdout.decode()
defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3 and l.split()[1] in "TDBRC"}
t.eq(sorted(n for n in defined if n.startswith("bk_") and n not in declared), [],
     "no internal global is named bk_: the private prefix is bki_")
t.ok(any(n.startswith("bki_") for n in defined),
     "the internal globals read (%d named bki_)" % sum(n.startswith("bki_") for n in defined))
t.done()
