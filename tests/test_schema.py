"""The shipped JSON Schema agrees with the C validator on the example, the
corpus' base file and every broken file tagged schema-expressible."""
import glob
import json
import os

import jsonschema

import bk

t = bk.Tap()
schema = bk.load(bk.SCHEMA)
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)

for f in [bk.EXAMPLE, os.path.join(bk.BROKEN, "base.json")]:
    errs = list(v.iter_errors(bk.load(f)))
    t.eq([e.message for e in errs], [], os.path.basename(f) + ": the schema accepts it")
    rc, _ = bk.validate_json(f)
    t.eq(rc, 0, os.path.basename(f) + ": the validator accepts it")

count = 0
for f in sorted(glob.glob(os.path.join(bk.BROKEN, "[0-9]*.json"))):
    with open(f[:-5] + ".expect", encoding="utf-8") as e:
        tag = e.readline().strip()
    t.ok(tag in ("# schema: yes", "# schema: no"), os.path.basename(f) + ": tagged")
    if tag != "# schema: yes":
        continue
    count += 1
    doc = bk.load(f)
    errs = list(v.iter_errors(doc))
    t.ok(len(errs) > 0, os.path.basename(f) + ": the schema rejects it")
    rc, _ = bk.validate_json(f)
    t.eq(rc, 65, os.path.basename(f) + ": the validator rejects it")
t.ok(count >= 20, "at least 20 schema-expressible files (%d)" % count)
t.done()
