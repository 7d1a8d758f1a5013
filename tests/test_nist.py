"""NIST SP 1500-20: ballotkit export --format nist-1500-20 and
ballotkit import --from nist-1500-20 (docs/nist-1500-20.md).

The export validates against NIST's JSON Schema (shared/reference, beside
the checkout or a folder above it; $BALLOTKIT_NIST_DIR names another place), gives the same
bytes twice, and imports back to a definition equal in content; NIST's own
example files are read, with a note for each element format 1 has no place
for.
"""
import json
import os
import shutil
import tempfile

import bk
import stencil_read

t = bk.Tap()


def find_nist():
    """shared/reference/nist-1500-20 beside the checkout or beside one of
    its parent folders (a worktree), or $BALLOTKIT_NIST_DIR."""
    if os.environ.get("BALLOTKIT_NIST_DIR"):
        return os.environ["BALLOTKIT_NIST_DIR"]
    d = bk.ROOT
    while True:
        cand = os.path.join(os.path.dirname(d), "shared", "reference", "nist-1500-20")
        if os.path.isdir(cand) or os.path.dirname(d) == d:
            return cand
        d = os.path.dirname(d)


NIST = find_nist()
SCHEMA = os.path.join(NIST, "NIST_V1_ballot_definition.json")


def schema_errors(doc):
    import jsonschema
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return ["%s: %s" % ("/".join(map(str, e.path)), e.message[:200])
            for e in v.iter_errors(doc)]


with tempfile.TemporaryDirectory() as tmp:
    # the example's ballot PDF travels with the definition (paper.source,
    # kept in the export's ballotkit-paper): beside the file imported back
    shutil.copy(bk.EXAMPLE_BALLOT_PDF, tmp)
    bd = os.path.join(tmp, "bd.json")
    bk.run("export", bk.EXAMPLE, "--format", "nist-1500-20", "-o", bd, check_rc=0)
    with open(bd, "rb") as f:
        first = f.read()
    bk.run("export", bk.EXAMPLE, "--format", "nist-1500-20", "-o", bd, check_rc=0)
    t.ok(open(bd, "rb").read() == first, "the export gives the same bytes twice")
    doc = json.loads(first)
    if os.path.exists(SCHEMA):
        errs = schema_errors(doc)
        t.ok(not errs, "the export validates against NIST's JSON Schema", "\n".join(errs[:10]))
    else:
        t.ok(True, "# SKIP NIST's schema is not at " + SCHEMA)

    # what a reader of another system finds: every ballot a contest with its
    # options in printed order, against all last; names in kk and ru
    ex = bk.load(bk.EXAMPLE)
    contests = {c["Name"]: c for c in doc["Election"][0]["Contest"]}
    styles = doc["Election"][0]["BallotStyle"]
    ok = len(contests) == len(ex["ballots"]) == len(styles)
    for b in ex["ballots"]:
        c = contests.get(b["id"], {})
        opts = c.get("ContestOption", [])
        ids = [(o.get("CandidateIds") or o.get("PartyIds") or [None])[0] for o in opts]
        want = [("party-" if b["kind"] == "party-list" else "candidate-") + o for o in b["options"]]
        if b.get("against_all", True):
            want.append(None)
        ok = ok and ids == want
    t.ok(ok, "a contest per ballot, its options in printed order and against all last")
    names = {c["@id"]: {ls["Language"]: ls["Content"] for ls in c["BallotName"]["Text"]}
             for c in doc["Election"][0]["Candidate"]}
    t.ok(names.get("candidate-c-101") == {"kk": "Әбдіров Ғалымжан Серікұлы",
                                           "ru": "Абдиров Галымжан Серикулы"},
         "a candidate's BallotName in kk and ru")
    t.ok(all(len(n) == 2 for n in names.values()),
         "every BallotName in both languages (derived Russian spellings included)")

    out = os.path.join(tmp, "back.json")
    r = bk.run("import", "--from", "nist-1500-20", bd, "-o", out)
    t.ok(r.returncode == 0 and bk.records(bk.load(out)) == bk.records(ex),
         "export then import gives the example back, equal in content", r.stderr.decode()[-2000:])

    # the ballot with its own PDF: its boxes are exported as NIST's physical
    # layout (mm, top-left origin), which another system reads without
    # ballotkit's extension; imported back, they are paper.boxes
    d = json.load(open(bd, encoding="utf-8"))
    bid = bk.EXAMPLE_BALLOT_ID
    drawn = bk.example_ballot.boxes(6)
    style = [s_ for s_ in d["Election"][0]["BallotStyle"]
             if any(x.get("Value") == bid for x in s_.get("ExternalIdentifier", []))][0]
    phys = style["OrderedContent"][0].get("Physical", [{}])[0]
    fmt = {f["@id"]: f for f in d.get("BallotFormat", [])}.get(phys.get("BallotFormatId"), {})
    got = [(p_["OptionPosition"][0]["X"], p_["OptionPosition"][0]["Y"], p_["OptionPosition"][0]["W"],
            p_["OptionPosition"][0]["H"]) for p_ in phys.get("PhysicalContestOption", [])]
    t.ok(fmt.get("MeasurementUnit") == "mm" and (fmt.get("ShortEdge"), fmt.get("LongEdge")) == (148.0, 210.0)
         and len(got) == 6 and all(abs(a - b) <= 0.2 for g, w in zip(got, drawn) for a, b in zip(g, w)),
         "the example's ballot PDF boxes are exported as OptionPositions in mm", got)
    for c in d["Election"][0]["Contest"]:
        c["ExternalIdentifier"] = [x for x in c.get("ExternalIdentifier", [])
                                   if x.get("OtherType") != "ballotkit-paper"]
    other = os.path.join(tmp, "other-system.json")
    json.dump(d, open(other, "w", encoding="utf-8"), ensure_ascii=False)
    back2 = os.path.join(tmp, "back2.json")
    r = bk.run("import", "--from", "nist-1500-20", other, "-o", back2)
    paper = [b for b in bk.load(back2)["ballots"] if b["id"] == bid][0]["paper"] \
        if r.returncode == 0 else {}
    boxes2 = [(x["x"], x["y"], x["width"], x["height"]) for x in paper.get("boxes", [])]
    t.ok(r.returncode == 0 and (paper.get("width"), paper.get("height")) == (148.0, 210.0) and
         len(boxes2) == 6 and all(abs(a - b) <= 0.2 for g, w in zip(boxes2, drawn) for a, b in zip(g, w)),
         "read by another system (no ballotkit extension) and imported: paper.boxes as drawn",
         r.stderr.decode()[-600:])

    # another system's files: read, with notes for what has no place
    ex3 = os.path.join(NIST, "physical_ballot_def_3.json")
    if os.path.exists(ex3):
        r = bk.run("import", "--from", "nist-1500-20", ex3, "--language-map", "en=ru",
                   "-o", os.path.join(tmp, "x.json"))
        err = r.stderr.decode().replace(NIST + "/", "")
        t.ok("physical_ballot_def_3.json: note: a BallotDefinition.BallotMeasureContest has no "
             "place in format 1: left out [no-place] at $.Election[0].Contest[22]" in err and
             "physical_ballot_def_3.json: note: voting \"n-of-m\" with 3 votes has no place in "
             "format 1 (one mark, plurality): read as one mark [no-place] at "
             "$.Election[0].Contest[7]" in err,
             "NIST's example: ballot measures and n-of-m voting are noted at their elements", err[:3000])
        t.ok(r.returncode == 65 and "a candidate needs the field \"birth_year\"" in err and
             not os.path.exists(os.path.join(tmp, "x.json")),
             "NIST's example lacks what format 1 needs (birth years): exit 65, located, nothing written")
        r = bk.run("import", "--from", "nist-1500-20", ex3, "-o", os.path.join(tmp, "x.json"))
        t.ok("note: texts in \"en\" have no place in a definition (kk and ru): they are left out; "
             "--language-map en=ru (or en=kk) reads them as Russian (or Kazakh)" in r.stderr.decode(),
             "English texts without --language-map are named, with the way to read them")
        # with birth years and names in Russian, another system's file builds
        d = json.load(open(ex3, encoding="utf-8"))
        for c in d["Election"][0]["Candidate"]:
            c.setdefault("ExternalIdentifier", []).append(
                {"@type": "BallotDefinition.ExternalIdentifier", "Type": "other",
                 "OtherType": "ballotkit-birth-year", "Value": "1970"})
        fixed = os.path.join(tmp, "fixed.json")
        json.dump(d, open(fixed, "w", encoding="utf-8"))
        r = bk.run("import", "--from", "nist-1500-20", fixed, "--language-map", "en=ru",
                   "-o", os.path.join(tmp, "y.json"))
        errs = [l for l in r.stderr.decode().splitlines() if ": error: " in l]
        t.ok(errs and all(" at $." in l for l in errs),
             "what is still missing is reported at the element of the NIST file",
             "\n".join(errs[:5]))
    else:
        t.ok(True, "# SKIP NIST's examples are not at " + NIST)

    # physical layouts: OptionPositions become paper.boxes, top-left origin,
    # Y down, in the BallotFormat's unit (docs/nist-1500-20.md)
    ex1 = os.path.join(NIST, "physical_ballot_def_1.json")
    if os.path.exists(ex1):
        d = json.load(open(ex1, encoding="utf-8"))
        for c in d["Election"][0]["Candidate"]:
            c.setdefault("ExternalIdentifier", []).append(
                {"@type": "BallotDefinition.ExternalIdentifier", "Type": "other",
                 "OtherType": "ballotkit-birth-year", "Value": "1970"})
        # the marks at X = 224 pt (79 mm), before the names: too little room
        # left of the numbers for the braille title, which goes right of
        # the windows
        phys = d["Election"][0]["BallotStyle"][0]["OrderedContent"][0]["Physical"][0]
        pt = 25.4 / 72
        by_option = {pco["ContestOptionId"]: pco["OptionPosition"][0]
                     for pco in phys["PhysicalContestOption"] if "ContestOptionId" in pco}
        want = [by_option[o["@id"]] for o in d["Election"][0]["Contest"][0]["ContestOption"]]
        want = [(p["X"] * pt, p["Y"] * pt, p["W"] * pt, p["H"] * pt) for p in want]
        phys_in = os.path.join(tmp, "phys1.json")
        json.dump(d, open(phys_in, "w", encoding="utf-8"))
        phys_out = os.path.join(tmp, "phys1-def.json")
        r = bk.run("import", "--from", "nist-1500-20", phys_in, "--language-map", "en=ru",
                   "-o", phys_out)
        t.eq(r.returncode, 0, "physical_ballot_def_1.json (birth years added) imports")
        if r.returncode == 0:
            b = bk.load(phys_out)["ballots"][0]
            paper = b["paper"]
            got = [(x["x"], x["y"], x["width"], x["height"]) for x in paper["boxes"]]
            t.ok(len(got) == len(want) and all(abs(a - c) < 0.001 for g, w in zip(got, want)
                                                for a, c in zip(g, w)),
                 "its OptionPositions are the ballot's paper.boxes in mm, in option order", got)
            t.eq((paper["width"], paper["height"]), (215.9, 355.6),
                 "the BallotFormat (612 × 1008 pt, portrait) is the sheet")
            t.ok(all(a[1] < c[1] for a, c in zip(got, got[1:])),
                 "top-left origin, Y down: the options stand top to bottom in the order listed")
            svg = os.path.join(tmp, "phys1.svg")
            r = bk.run("stencil", phys_out, "--ballot", b["id"], "--format", "svg", "-o", svg)
            wins = stencil_read.svg_windows(svg) if r.returncode == 0 else []
            wins = sorted(wins, key=lambda w: w[1])
            t.ok(len(wins) == len(want) and all(
                abs((w[0] + w[2]) / 2 - (x + bw / 2)) <= 0.2 and abs((w[1] + w[3]) / 2 - (y + bh / 2)) <= 0.2
                for w, (x, y, bw, bh) in zip(wins, want)),
                "the stencil's windows stand over the NIST marks within 0.2 mm", wins)
    else:
        t.ok(True, "# SKIP NIST's examples are not at " + NIST)

    r = bk.run("import", "--from", "nist-1500-20", bd, "--language-map", "en", "-o", out + "2")
    t.ok(r.returncode == 64 and b"--language-map takes FROM=kk or FROM=ru" in r.stderr,
         "a bad --language-map: exit 64")
    notbd = os.path.join(tmp, "not.json")
    open(notbd, "w").write('{"@type": "BallotDefinition.Election"}')
    r = bk.run("import", "--from", "nist-1500-20", notbd, "-o", out + "2")
    t.ok(r.returncode == 65 and b"not a NIST SP 1500-20 BallotDefinition" in r.stderr and
         not os.path.exists(out + "2"), "a JSON file that is no BallotDefinition: exit 65")
    r = bk.run("export", os.path.join(bk.BROKEN, "08-unknown-field-nmae.json"),
               "--format", "nist-1500-20", "-o", out + "3")
    t.ok(r.returncode == 65 and not os.path.exists(out + "3"),
         "an invalid definition is not exported: exit 65")
    r = bk.run("export", bk.EXAMPLE, "--format", "xml", "-o", out + "3")
    t.eq(r.returncode, 64, "an unknown export format: exit 64")

t.done()
