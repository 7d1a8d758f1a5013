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
t.ok(os.path.exists(os.path.join(bk.BROKEN, "base.json")), "base.json exists")
rc, out = bk.validate_json(os.path.join(bk.BROKEN, "base.json"))
t.eq((rc, out["errors"], out["warnings"]), (0, 0, 0), "base.json is valid without warnings")
t.done()
