"""The example validates; its summary equals counts computed independently
(tests/oracle/summary.py); every ballot's script has the positions,
numbers, names and against-all line the definition implies."""
import json
import os
import subprocess
import sys

import bk

t = bk.Tap()
rc, out = bk.validate_json(bk.EXAMPLE)
t.eq(rc, 0, "the example is valid")
t.eq(out["errors"], 0, "no errors")
t.eq(out["warnings"], 0, "no warnings")

oracle = subprocess.run([sys.executable, os.path.join(bk.HERE, "oracle", "summary.py"), bk.EXAMPLE],
                        capture_output=True, check=True)
want = json.loads(oracle.stdout)
t.eq(out["summary"], want, "summary counts equal the oracle's")
t.eq(out["notes"], want["derived_spellings"], "one note per derived Russian spelling")

d = bk.load(bk.EXAMPLE)
parties = {p["id"]: p for p in d["parties"]}
cands = {c["id"]: c for c in d["candidates"]}
lang_tpl = bk.load(os.path.join(bk.ROOT, "templates", "language", "kk.json"))
to_ru = lang_tpl["to_russian"]


def spelled(name, lang):
    if lang in name:
        return name[lang]
    if lang == "ru":
        return "".join(to_ru.get(ch, ch) for ch in name["kk"])
    return name["ru"]


def full_name(c, lang):
    parts = [spelled(c["surname"], lang), spelled(c["given_name"], lang)]
    if "patronymic" in c:
        parts.append(spelled(c["patronymic"], lang))
    return " ".join(parts)


def ru_plural(n, one, few, many):
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


AGAINST = {"kk": "Барлығына қарсы", "ru": "Против всех"}
r = bk.run("script", "--json", bk.EXAMPLE, check_rc=0)
scripts = json.loads(r.stdout)
t.eq(len(scripts), len(d["ballots"]) * len(d["election"]["languages"]),
     "one script per ballot and language")
by_key = {(s["ballot"], s["language"]): s for s in scripts}
for b in d["ballots"]:
    for lang in d["election"]["languages"]:
        s = by_key.get((b["id"], lang))
        tag = "%s/%s" % (b["id"], lang)
        if not t.ok(s is not None, tag + ": script exists"):
            continue
        against = b.get("against_all", True)
        n = len(b["options"]) + (1 if against else 0)
        pos = s["positions"]
        t.eq(len(pos), n, tag + ": position count")
        t.eq([p["number"] for p in pos], list(range(1, n + 1)), tag + ": numbers 1..n in ballot order")
        t.eq([p["ref"] for p in pos[:len(b["options"])]], b["options"], tag + ": options in printed order")
        if against:
            t.eq((pos[-1]["kind"], pos[-1]["ref"], pos[-1]["text"]), ("against-all", "", AGAINST[lang]),
                 tag + ": against all is the last numbered position")
        texts, status = [], []
        for o in b["options"]:
            if b["kind"] == "party-list":
                texts.append(parties[o]["name"][lang])
                status.append("standing")
            else:
                texts.append(full_name(cands[o], lang))
                status.append(cands[o].get("status", "standing"))
        t.eq([p["text"] for p in pos[:len(b["options"])]], texts, tag + ": printed names from the definition")
        t.eq([p["status"] for p in pos[:len(b["options"])]], status, tag + ": withdrawn candidates marked")
        t.eq([(p["sheet"], p["box"]) for p in pos], [(1, i + 1) for i in range(n)],
             tag + ": one box per position on sheet 1, top to bottom")
        segs = s["segments"]
        t.eq([x["kind"] for x in segs],
             ["title", "intro", "instructions"] + ["position"] * n + ["closing", "repeat"],
             tag + ": segment order")
        t.eq([x["number"] for x in segs if x["kind"] == "position"], list(range(1, n + 1)),
             tag + ": spoken positions in order")
        ok = True
        for p, x in zip(pos, [x for x in segs if x["kind"] == "position"]):
            say = p["text"]
            ref = parties.get(p["ref"]) if b["kind"] == "party-list" else cands.get(p["ref"])
            if ref and lang in ref.get("pronunciation", {}):
                say = ref["pronunciation"][lang]
            if str(p["number"]) not in x["text"] or say not in x["text"] or x["text"] != p["spoken"]:
                ok = False
        t.ok(ok, tag + ": each spoken position says its number (digits) and its name")
        t.ok(all(x["sentences"] and " ".join(x["sentences"]) == x["text"] for x in segs),
             tag + ": every segment is its sentences joined")
        t.ok(all(x["sentences"][0].endswith(" %d." % x["number"]) for x in segs if x["kind"] == "position"),
             tag + ": the first sentence of each position is its number alone")
        nom_ok = True
        for p, x in zip(pos, [x for x in segs if x["kind"] == "position"]):
            c = cands.get(p["ref"]) if p["kind"] == "candidate" else None
            if c and c.get("party") and c.get("status") != "withdrawn":
                party = parties[c["party"]]
                say = party.get("pronunciation", {}).get(lang, party["name"][lang])
                nom_ok &= say in x["sentences"][-1]
        t.ok(nom_ok, tag + ": a nominating party is spoken by its full name or pronunciation")
        intro = segs[1]["text"]
        t.ok(str(n) in intro, tag + ": intro says the count " + str(n))
        if lang == "ru":
            word = ru_plural(n, "вариант", "варианта", "вариантов")
            t.ok(("%d %s" % (n, word)) in intro, tag + ": Russian plural agrees with %d" % n)
        t.eq(s["braille_title_language"], d["election"]["languages"][0],
             tag + ": the stencil's braille title is in the election's first language")
t.done()
