"""Validation and script output are the same bytes under C, ru_RU.UTF-8 and
kk_KZ.UTF-8, whose decimal point is a comma. Each locale is first shown to
be real and to use the comma, so the test cannot pass vacuously."""
import locale
import os

import bk

t = bk.Tap()
LOCALES = ["C", "ru_RU.UTF-8", "kk_KZ.UTF-8"]
frac = os.path.join(bk.BROKEN, "63-override-out-of-range.json")
multi = os.path.join(bk.BROKEN, "61-multi-semantic-faults.json")
runs = [("validate", "--json", bk.EXAMPLE), ("validate", bk.EXAMPLE),
        ("script", bk.EXAMPLE), ("script", "--json", bk.EXAMPLE),
        ("validate", frac), ("validate", "--json", multi)]

baseline = None
for loc in LOCALES:
    if loc != "C":
        try:
            locale.setlocale(locale.LC_ALL, loc)
            switched = True
            point = locale.localeconv()["decimal_point"]
        except locale.Error as e:
            switched, point = False, str(e)
        finally:
            locale.setlocale(locale.LC_ALL, "C")
        t.ok(switched, loc + ": the locale exists (scripts/setup.sh generates it)")
        t.eq(point, ",", loc + ": its decimal point is a comma")
    env = {"LC_ALL": loc, "LANG": loc}
    outs = []
    for args in runs:
        r = bk.run(*args, env=env)
        outs.append((r.returncode, r.stdout, r.stderr))
    text = outs[4][1] + outs[4][2]
    t.ok(b"offset_x is 25.5 mm" in text and b"25,5" not in text,
         loc + ": numbers in messages keep the decimal point")
    t.eq(outs[0][0], 0, loc + ": the example validates")
    if baseline is None:
        baseline = outs
    else:
        for args, a, b in zip(runs, baseline, outs):
            t.ok(a == b, loc + ": same bytes as under C for " + " ".join(os.path.basename(x) for x in args))
t.done()
