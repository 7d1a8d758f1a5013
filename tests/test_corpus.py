"""Every broken definition is reported at the right place.

Each tests/broken/NN-name.json has NN-name.expect: '# schema: yes|no', then
one '<severity> <kind> <line>:<column> <path>' line per error or warning, in
the order `ballotkit validate` must list them. Notes are not listed."""
import glob
import os

import bk

t = bk.Tap()
files = sorted(glob.glob(os.path.join(bk.BROKEN, "[0-9]*.json")))
t.ok(len(files) >= 30, "the corpus has at least 30 broken definitions (%d)" % len(files))
for f in files:
    name = os.path.basename(f)
    with open(f[:-5] + ".expect", encoding="utf-8") as e:
        lines = [l.strip() for l in e if l.strip()]
    want = [l for l in lines if not l.startswith("#")]
    rc, out = bk.validate_json(f)
    got = ["%s %s %d:%d %s" % (d["severity"], d["kind"], d["line"], d["column"], d["path"])
           for d in out["diagnostics"] if d["severity"] != "note"]
    t.eq(got, want, name + ": diagnostics and their locations")
    has_error = any(l.startswith("error ") for l in want)
    t.eq(rc, 65 if has_error else 0, name + ": exit code")
    t.eq(out["valid"], not has_error, name + ": valid flag")
    t.ok(all(d["file"] == f and d["message"] for d in out["diagnostics"]),
         name + ": every diagnostic names the file and has a message")
    # The text report carries the same locations, "file:line:col: severity:".
    r = bk.run("validate", f)
    text = (r.stdout + r.stderr).decode()
    for w in want:
        sev, kind, pos, path = w.split(" ", 3)
        t.ok(("%s:%s: %s:" % (f, pos, sev)) in text and ("[%s]" % kind) in text,
             name + ": text report shows " + w)
# A definition on one line (as tools export it) is located the same way:
# same kinds and paths, line 1, columns pointing at the value.
import json
import tempfile
multi = os.path.join(bk.BROKEN, "61-multi-semantic-faults.json")
with open(multi, encoding="utf-8") as f:
    doc = json.load(f)
with tempfile.TemporaryDirectory() as d:
    one = os.path.join(d, "one-line.json")
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    with open(one, "w", encoding="utf-8") as f:
        f.write(text)
    rc1, a = bk.validate_json(multi)
    rc2, b = bk.validate_json(one)
    key = lambda x: (x["kind"], x["path"])
    t.eq(sorted(map(key, b["diagnostics"])), sorted(map(key, a["diagnostics"])),
         "one-line file: the same diagnostics at the same paths")
    t.ok(all(x["line"] == 1 for x in b["diagnostics"]), "one-line file: all on line 1")
    # the election date's value starts where its quote is on that line
    date = [x for x in b["diagnostics"] if x["path"] == "$.election.date"]
    t.ok(date and text[date[0]["column"] - 1:].startswith('"' + doc["election"]["date"] + '"'),
         "one-line file: the column points at the value (code points)")
t.ok(os.path.exists(os.path.join(bk.BROKEN, "base.json")), "base.json exists")
rc, out = bk.validate_json(os.path.join(bk.BROKEN, "base.json"))
t.eq((rc, out["errors"], out["warnings"]), (0, 0, 0), "base.json is valid without warnings")
t.done()
