"""Bounds on input (docs/decisions.md, "Bounds on input"): only regular
files are read, and refused at once otherwise (a FIFO must not block); a
file over the input cap is refused before it is read; the diagnostics a
command shows stop after --max-diagnostics (200), followed by how many more
there are, in text and JSON alike; a long leaflet paragraph is laid out
right (its layout is linear in its length: bench/layout.c measures that);
and each bounded option and definition field takes its bounds (the
BK_..._MIN/_MAX constants of the public headers) and refuses a value just
outside them, naming them."""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import threading

import bk
from oracle import braille_text

t = bk.Tap()
# A FIFO that blocked would hang: every run has a deadline, so a regression
# fails instead (the refusals themselves take milliseconds; the margin is
# for the sanitizers and valgrind).
DEADLINE = 120


def run(*args, env=None):
    """Runs ballotkit; returns (exit code, or None when it had to be killed
    at the deadline; stdout; stderr; the process's own peak resident
    memory in KiB, from wait4)."""
    cmd = shlex.split(os.environ.get("BALLOTKIT_WRAPPER", "")) + [bk.exe()] + list(args)
    e = dict(os.environ)
    e.setdefault("BALLOTKIT_TEMPLATES", os.path.join(bk.ROOT, "templates"))
    if env:
        e.update(env)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=e)
        killed = []
        timer = threading.Timer(DEADLINE, lambda: (killed.append(1), p.kill()))
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
            p.returncode = 0  # reaped by wait4
        out.seek(0)
        err.seek(0)
        return (None if killed else os.waitstatus_to_exitcode(status),
                out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                usage.ru_maxrss)


tmp = tempfile.mkdtemp(prefix="bk-bounds-")
try:
    # ---- only regular files: the definition --------------------------
    fifo = os.path.join(tmp, "election.json")
    os.mkfifo(fifo)
    link = os.path.join(tmp, "link-to-fifo.json")
    os.symlink(fifo, link)
    folder = os.path.join(tmp, "a-folder.json")
    os.mkdir(folder)
    cases = [(fifo, "a FIFO", "FIFO"), (link, "a symbolic link to a FIFO", "FIFO"),
             ("/dev/zero", "/dev/zero", "character device"), (folder, "a folder", "folder")]
    for path, what, word in cases:
        rc, out, err, _ = run("validate", path)
        t.ok(rc == 66 and path in err and word in err and "not a regular file" in err,
             "validate %s: refused at once, exit 66, the path named" % what,
             "exit %s\n%s" % (rc, err[:1500]))
    rc, out, err, _ = run("validate", "--json", fifo)
    ok = False
    try:
        j = json.loads(out)
        ok = rc == 66 and j["valid"] is False and j["diagnostics"][0]["file"] == fifo and \
            "FIFO" in j["diagnostics"][0]["message"]
    except (ValueError, KeyError, IndexError):
        pass
    t.ok(ok, "validate --json of a FIFO: exit 66, the refusal in the report",
         "exit %s\n%s\n%s" % (rc, out[:1000], err[:1000]))
    kits = os.path.join(tmp, "kits")
    for path, what, word in cases[:3]:
        rc, out, err, _ = run("build", path, "-o", kits, "--formats", "braille")
        t.ok(rc == 66 and path in err and word in err and not os.path.exists(os.path.join(kits, "index.json")),
             "build %s: refused at once, exit 66, nothing built" % what,
             "exit %s\n%s" % (rc, err[:1500]))
    for cmd in (["script", fifo], ["list", fifo, "--ballot", "x", "--lang", "kk"]):
        rc, out, err, _ = run(*cmd)
        t.ok(rc == 66 and "FIFO" in err, "%s of a FIFO: exit 66 at once" % cmd[0],
             "exit %s\n%s" % (rc, err[:1000]))

    # ---- only regular files: the templates -----------------------------
    for sub, name in (("stencil", "fifo.json"), ("braille", "fifo.utb")):
        tpl = os.path.join(tmp, "templates-" + sub)
        shutil.copytree(os.path.join(bk.ROOT, "templates"), tpl)
        bad = os.path.join(tpl, sub, name)
        os.mkfifo(bad)
        rc, out, err, _ = run("validate", bk.EXAMPLE, "--templates", tpl)
        t.ok(rc == 78 and bad in err and "FIFO" in err,
             "a FIFO in the templates (%s/%s): refused at once, exit 78, named" % (sub, name),
             "exit %s\n%s" % (rc, err[:1500]))

    # ---- the input cap ---------------------------------------------------
    # A sparse file of 1 GiB: refused before it is read, so memory stays
    # far below the file's size (reading it would take a gigabyte).
    huge = os.path.join(tmp, "huge.json")
    with open(huge, "wb") as f:
        f.truncate(1 << 30)
    rc, out, err, kib = run("validate", huge)
    t.ok(rc == 66 and huge in err and "1 GiB (1073741824 bytes)" in err and
         "256 MiB (268435456 bytes)" in err and "--max-input-size" in err,
         "a file over the cap: exit 66, its path, size, the cap and how to raise it named",
         "exit %s\n%s" % (rc, err[:1500]))
    t.ok(kib is not None and kib < 400 * 1024,
         "a file over the cap is refused before it is read (peak memory %s KiB, the file 1 GiB)" % kib)
    rc, out, err, kib = run("build", huge, "-o", kits)
    t.ok(rc == 66 and "over the input cap" in err and kib < 400 * 1024,
         "build refuses it too, before reading (peak %s KiB)" % kib, err[:1000])
    # the example without its ballot PDF: the definition is the only input
    plain = os.path.join(tmp, "plain.json")
    d = bk.load(bk.EXAMPLE)
    for b in d["ballots"]:
        b["paper"].pop("source", None)
    with open(plain, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, indent=1)
    size = os.path.getsize(plain)
    rc, out, err, _ = run("validate", plain, "--max-input-size", "%d" % size)
    t.eq(rc, 0, "--max-input-size of exactly the file's size reads it")
    rc, out, err, _ = run("validate", plain, "--max-input-size", "%d" % (size - 1))
    t.ok(rc == 66 and plain in err and ("(%d bytes)" % size) in err and
         ("(%d bytes)" % (size - 1)) in err, "one byte less refuses it, exit 66", err[:1000])
    # the cap holds for a ballot PDF too, reported where the definition names it
    pdf = bk.EXAMPLE_BALLOT_PDF
    psize = os.path.getsize(pdf)
    rc, out, err, _ = run("validate", bk.EXAMPLE, "--max-input-size", "%d" % psize)
    t.eq(rc, 0, "--max-input-size of exactly the ballot PDF's size (the largest input) reads it")
    rc, out, err, _ = run("validate", bk.EXAMPLE, "--max-input-size", "%d" % (psize - 1))
    t.ok(rc == 65 and "(%d bytes), over the input cap" % psize in err and
         "[unreadable] at $.ballots[3].paper.source" in err,
         "one byte less refuses the ballot PDF at its paper.source, exit 65", err[:1000])
    rc, out, err, _ = run("validate", huge, "--max-input-size", "2G", "--json")
    ok = False
    try:
        ok = rc == 65 and json.loads(out)["diagnostics"][0]["kind"] in ("syntax", "utf8")
    except (ValueError, KeyError, IndexError):
        pass
    t.ok(ok, "--max-input-size 2G lets the 1 GiB file be read (and refused as JSON)", err[:500])
    for bad in ("0", "abc", "12X", "-5", "99999999999G"):
        rc, out, err, _ = run("validate", bk.EXAMPLE, "--max-input-size", bad)
        t.ok(rc == 64 and "--max-input-size" in err, "--max-input-size %s: exit 64" % bad, err[:300])
    tdir = os.path.join(bk.ROOT, "templates")
    rc, out, err, _ = run("validate", bk.EXAMPLE, "--max-input-size", "1K", "--templates", tdir)
    tfiles = [os.path.join(dp, f) for dp, _, fs in os.walk(tdir) for f in fs]
    big_tpl = [p for p in tfiles if os.path.getsize(p) > 1024]
    t.ok(rc == 78 and big_tpl and all(p in err for p in big_tpl) and
         not any(p in err for p in tfiles if p not in big_tpl) and "1 KiB (1024 bytes)" in err,
         "the cap holds for template files too: each one over 1 KiB is named (%d), exit 78"
         % len(big_tpl), err[:1500])

    # ---- diagnostics stop after a cap ------------------------------------
    d = bk.load_example()
    N = 1000000
    for k in range(N):
        d["x%d" % k] = 0
    many = os.path.join(tmp, "million.json")
    with open(many, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False)
    del d
    rc, out, err, _ = run("validate", "--json", many)
    j = {}
    try:
        j = json.loads(out)
    except ValueError:
        pass
    diags = j.get("diagnostics", [])
    ns = j.get("diagnostics_not_shown", {})
    t.ok(rc == 65 and j.get("errors") == N, "validate --json: a million unknown fields, all counted",
         "exit %s, errors %s" % (rc, j.get("errors")))
    t.eq(len(diags), 200, "validate --json: the first 200 diagnostics only")
    shown = {s: sum(1 for x in diags if x["severity"] == s) for s in ("error", "warning", "note")}
    t.ok(ns and all(shown[s] + ns.get(s + "s", -1) == j.get(s + "s") for s in ("error", "warning", "note")),
         "validate --json: diagnostics_not_shown counts the rest, per severity",
         "shown %r, not shown %r, totals %r" % (shown, ns, {s: j.get(s + "s") for s in ("errors", "warnings", "notes")}))
    t.ok(all(x["kind"] == "unknown-field" for x in diags if x["severity"] == "error") and
         [x["path"] for x in diags if x["severity"] == "error"][:3] == ["$.x0", "$.x1", "$.x2"],
         "validate --json: the ones shown are the first in the file")
    notes = j.get("notes", 0)

    rc, out, err, _ = run("validate", many)
    lines = err.splitlines()
    shown_e = sum(1 for l in lines if ": error: " in l)
    shown_n = sum(1 for l in lines if ": note: " in l)
    more = [l for l in lines if "more not shown" in l]
    want_more = "ballotkit: … and %d more not shown: %d errors, 0 warnings, %d notes" % (
        N + notes - 200, N - shown_e, notes - shown_n)
    t.ok(rc == 65 and shown_e + shown_n == 200 and len(lines) <= 203,
         "validate: 200 diagnostics printed, not a million (%d lines)" % len(lines))
    t.ok(len(more) == 1 and more[0].startswith(want_more), "validate: then the count of the rest",
         "got:  %r\nwant: %r" % (more, want_more))
    t.ok(("invalid, errors: %d, warnings: 0" % N) in err, "validate: the total still counts them all")

    os.unlink(many)

    # the same with 300 unknown fields, for the other commands and options
    d = bk.load_example()
    for k in range(300):
        d["x%d" % k] = 0
    some = os.path.join(tmp, "some.json")
    with open(some, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False)
    rc, out, err, _ = run("validate", some, "--max-diagnostics", "5")
    lines = err.splitlines()
    t.ok(rc == 65 and sum(1 for l in lines if ": error: " in l or ": note: " in l) == 5 and
         any(("… and %d more not shown" % (300 + notes - 5)) in l for l in lines),
         "--max-diagnostics 5: five, then the count", err[:1500])
    for cmd in (["build", some, "-o", kits], ["script", some]):
        rc, out, err, _ = run(*cmd)
        lines = err.splitlines()
        t.ok(rc == 65 and len(lines) <= 203 and sum(1 for l in lines if ": error: " in l) == 200 and
             any("… and 100 more not shown: 100 errors, 0 warnings (" in l for l in lines),
             "%s: 200 errors, then the count of the rest (notes are not shown)" % cmd[0],
             "%d lines\n%s" % (len(lines), "\n".join(lines[-3:])))
    rc, out, err, _ = run("validate", some, "--max-diagnostics", "0")
    t.ok(rc == 65 and sum(1 for l in err.splitlines() if ": error: " in l) == 300 and "more not shown" not in err,
         "--max-diagnostics 0: all 300 shown, no count line")
    rc, out, err, _ = run("validate", some, "--max-diagnostics", "0", "--json")
    t.ok(rc == 65 and len(json.loads(out)["diagnostics"]) == 300 + notes and
         json.loads(out)["diagnostics_not_shown"] == {"errors": 0, "warnings": 0, "notes": 0},
         "--max-diagnostics 0 --json: all of them, none left")
    for bad in ("-1", "x", ""):
        rc, out, err, _ = run("validate", some, "--max-diagnostics", bad)
        t.eq(rc, 64, "--max-diagnostics %r: exit 64" % bad)

    # ---- a long paragraph laid out right ---------------------------------
    # One leaflet paragraph of about 35 pages of 30 x 14 cells, with the
    # words the rules keep together (a number and its unit, an initial and
    # a surname) and words long enough to be hyphenated: read back line by
    # line and as a whole by the test's own reader.
    words = ["сайлауалды", "бағдарламасының", "ауылдарды", "дамыту", "5", "мм", "жастарға",
             "жұмыс", "Д.", "Жумабеков", "денсаулық", "сақтау", "1", "000", "және",
             "мемлекеттік", "қызметкерлердің", "құқықтарын", "қорғау", "Ж.", "Бекова",
             # longer than a line: hyphenated
             "мемлекеттікқызметкерлердіңқұқықтарынқорғау"]
    # (2000 words: under the leaflet's cap of 20,000 characters)
    text = " ".join(words[i % len(words)] for i in range(2000))
    d = bk.load_example()
    party = next(p for p in d["parties"] if "leaflet" in p)
    party["leaflet"] = {"kk": text, "ru": "Листовка."}
    long_def = os.path.join(tmp, "long-leaflet.json")
    with open(long_def, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False)
    CELLS, LINES = 30, 14
    r = bk.run("leaflet", long_def, "--party", party["id"], "--lang", "kk", "--cells", str(CELLS),
               "--lines", str(LINES), "--format", "txt", check_rc=0)
    pages = [p.strip("\n").split("\n") for p in r.stdout.decode("utf-8").split("\f\n")]
    body = [l.rstrip("⠀") for p in pages for l in p[1:]]
    t.ok(len(pages) >= 30 and all(len(l) <= CELLS for p in pages for l in p),
         "a long paragraph: %d pages, no line over %d cells" % (len(pages), CELLS))
    # the paragraph: the lines after the heading and the blank line
    start = body.index("") + 1
    para_lines = [l for l in body[start:] if l]
    joined = para_lines[0]
    for l in para_lines[1:]:
        assert l.startswith("⠀⠀"), l
        joined = joined[:-1] + l[2:] if joined.endswith("⠤") else joined + "⠀" + l[2:]
    t.eq(braille_text.read(joined, "kk"), braille_text.normalise(text),
         "a long paragraph reads back as its text")
    read_lines = [braille_text.read(l.lstrip("⠀").rstrip("⠤"), "kk").split() for l in para_lines]
    # a blank before or after an initial, or after a number, is no break
    kept = [(a[-1], b[0]) for a, b in zip(read_lines, read_lines[1:])
            if b[0] in ("д.", "ж.") or a[-1] in ("д.", "ж.") or a[-1].isdigit()]
    t.ok(not kept, "no line ends inside a number and its unit or next to an initial",
         repr(kept[:5]))
    # the Kazakh syllable rule (docs/braille.md): a hyphen stands before a
    # consonant followed by a vowel, both parts with two letters and a vowel
    vowels = set("аәеёиоөуұүыіэюя")
    bad, hyph = [], 0
    for i, l in enumerate(para_lines[:-1]):
        if not l.endswith("⠤"):
            continue
        hyph += 1
        a, b = read_lines[i][-1], read_lines[i + 1][0]
        if not (len(a) >= 2 and vowels & set(a) and len(b) >= 2 and b[0] not in vowels and
                b[0] not in "йьъ" and b[1] in vowels):
            bad.append(a + "-" + b)
    t.ok(hyph > 0 and not bad, "words longer than a line are hyphenated by the syllable rule "
         "(%d hyphens)" % hyph, repr(bad[:5]))

    # ---- option bounds: the constants of the public headers -------------
    # Each bounded CLI option and definition field: the value at a bound is
    # accepted, one just outside refused with a message naming the bounds.
    # The bounds are read from include/ballotkit/*.h, where the checks, the
    # messages and the help take them from.
    consts = {}
    hdir = os.path.join(bk.ROOT, "include", "ballotkit")
    for name in sorted(os.listdir(hdir)):
        with open(os.path.join(hdir, name), encoding="utf-8") as f:
            for m in re.finditer(r"^#define (BK_\w+_(?:MIN|MAX)) \(?(-?[0-9.]+)\)?$",
                                 f.read(), re.M):
                consts[m.group(1)] = float(m.group(2))

    def num(v):
        """A value as the command line takes it and most messages write
        it: a whole number without a point."""
        return "%d" % v if v == int(v) else "%g" % v

    def bound(name):
        return consts[name]

    E, ballot = bk.EXAMPLE, "mazhilis-03"
    cache = os.path.join(tmp, "clips")

    def speak_ballot(*opts):
        out = os.path.join(tmp, "speak-%d" % len(os.listdir(tmp)))
        return run("speak", E, "--ballot", ballot, "--lang", "kk", "-o", out,
                   "--formats", "audio-mp3", "--cache", cache, *opts)

    def speak_text(*opts):
        return run("speak", "--lang", "kk", "сәлем", *opts)

    def braille_list(*opts):
        return run("list", E, "--ballot", ballot, "--lang", "kk", *opts)

    def large_print(*opts):
        return run("list", E, "--ballot", ballot, "--lang", "kk", "--format",
                   "large-print-pdf", "-o", os.path.join(tmp, "lp.pdf"), *opts)

    def png(*opts):
        return run("stencil", E, "--ballot", ballot, "--format", "png", "-o",
                   os.path.join(tmp, "st.png"), *opts)

    lufs = "%s to %s LUFS" % (num(bound("BK_LOUDNESS_LUFS_MIN")), num(bound("BK_LOUDNESS_LUFS_MAX")))
    peak = "%s to %s dBTP" % (num(bound("BK_AUDIO_TRUE_PEAK_MIN")), num(bound("BK_AUDIO_TRUE_PEAK_MAX")))
    speed = "%.1f-%.1f" % (bound("BK_AUDIO_SPEED_MIN"), bound("BK_AUDIO_SPEED_MAX"))
    rate = "%s to %s" % (num(bound("BK_SPEECH_RATE_MIN")), num(bound("BK_SPEECH_RATE_MAX")))
    page = "%s–%s cells per line, %s–%s lines" % tuple(num(bound(n)) for n in (
        "BK_BRAILLE_CELLS_MIN", "BK_BRAILLE_CELLS_MAX", "BK_BRAILLE_LINES_MIN", "BK_BRAILLE_LINES_MAX"))
    size = "%s–%s pt" % (num(bound("BK_LARGE_PRINT_SIZE_MIN")), num(bound("BK_LARGE_PRINT_SIZE_MAX")))
    dpi = "%s–%s" % (num(bound("BK_STENCIL_DPI_MIN")), num(bound("BK_STENCIL_DPI_MAX")))
    # (option, command, lower bound or None, upper bound, step outside,
    # the bounds as the refusal names them)
    cases = [
        ("--loudness", speak_ballot, "BK_LOUDNESS_LUFS_MIN", "BK_LOUDNESS_LUFS_MAX", 0.5, lufs),
        ("--true-peak", speak_ballot, "BK_AUDIO_TRUE_PEAK_MIN", "BK_AUDIO_TRUE_PEAK_MAX", 0.5, peak),
        ("--quality", speak_ballot, None, "BK_AUDIO_QUALITY_MAX", 1,
         "0 (best) to %s (fastest)" % num(bound("BK_AUDIO_QUALITY_MAX"))),
        ("--speed", speak_ballot, "BK_AUDIO_SPEED_MIN", "BK_AUDIO_SPEED_MAX", 0.1, speed),
        ("--rate", speak_text, "BK_SPEECH_RATE_MIN", "BK_SPEECH_RATE_MAX", 1, rate),
        ("--pitch", speak_text, None, "BK_SPEECH_PITCH_MAX", 1,
         "0 to %s" % num(bound("BK_SPEECH_PITCH_MAX"))),
        ("--volume", speak_text, None, "BK_SPEECH_VOLUME_MAX", 1,
         "0 to %s" % num(bound("BK_SPEECH_VOLUME_MAX"))),
        ("--word-gap", speak_text, None, "BK_SPEECH_WORD_GAP_MAX", 1,
         "0 to %s" % num(bound("BK_SPEECH_WORD_GAP_MAX"))),
        ("--cells", braille_list, "BK_BRAILLE_CELLS_MIN", "BK_BRAILLE_CELLS_MAX", 1, page),
        ("--lines", braille_list, "BK_BRAILLE_LINES_MIN", "BK_BRAILLE_LINES_MAX", 1, page),
        ("--size", large_print, "BK_LARGE_PRINT_SIZE_MIN", "BK_LARGE_PRINT_SIZE_MAX", 0.5, size),
        ("--dpi", png, "BK_STENCIL_DPI_MIN", None, 1, dpi),
        ("--jobs", None, None, "BK_KIT_JOBS_MAX", 1, "1-%s" % num(bound("BK_KIT_JOBS_MAX"))),
    ]
    for opt, cmd, lo, hi, step, named in cases:
        for which, name, sign in (("lower", lo, -1), ("upper", hi, 1)):
            if name is None:
                continue
            at = bound(name)
            if cmd is None:  # --jobs: what a build with nothing to build says
                cmd = lambda *o: run("build", E, "-o", os.path.join(tmp, "jobs"),
                                     "--formats", "braille", "--ballot", ballot, *o)
            rc, out, err, _ = cmd(opt, num(at))
            t.ok(rc == 0, "%s %s (the %s bound, %s): accepted" % (opt, num(at), which, name),
                 "exit %s\n%s" % (rc, err[-1500:]))
            rc, out, err, _ = cmd(opt, num(at + sign * step))
            t.ok(rc == 64 and named in err,
                 "%s %s (just outside %s): refused, the bounds named (%s)"
                 % (opt, num(at + sign * step), name, named),
                 "exit %s\n%s" % (rc, err[-1500:]))
    # --dpi's upper bound: accepted by the option (the sheet is what is
    # refused; rendering a sheet at 1200 dpi would take a gigabyte)
    rc, out, err, _ = png("--dpi", num(bound("BK_STENCIL_DPI_MAX")), "--sheet", "99")
    t.ok(rc == 64 and "--dpi" not in err and "--sheet 99" in err,
         "--dpi %s (the upper bound): accepted" % num(bound("BK_STENCIL_DPI_MAX")), err[-800:])
    rc, out, err, _ = png("--dpi", num(bound("BK_STENCIL_DPI_MAX") + 1))
    t.ok(rc == 64 and dpi in err, "--dpi just over the upper bound: refused, the bounds named", err[-800:])

    # the definition's bounded fields (production.speech)
    def validate_with(key, value):
        d = bk.load_example()
        d.setdefault("production", {}).setdefault("speech", {})[key] = value
        path = os.path.join(tmp, "speech-%s.json" % key)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False)
        return run("validate", path)

    fields = [("rate", "BK_SPEECH_RATE_MIN", "BK_SPEECH_RATE_MAX", 1),
              ("loudness_lufs", "BK_LOUDNESS_LUFS_MIN", "BK_LOUDNESS_LUFS_MAX", 0.5)]
    for key, lo, hi, step in fields:
        named = "between %s and %s" % (num(bound(lo)), num(bound(hi)))
        for name, sign in ((lo, -1), (hi, 1)):
            at = bound(name)
            value = int(at) if step == 1 else at
            rc, out, err, _ = validate_with(key, value)
            t.ok(rc == 0, "production.speech.%s %s (%s): valid" % (key, num(at), name), err[-800:])
            rc, out, err, _ = validate_with(key, value + sign * step)
            t.ok(rc == 65 and named in err and "production.speech.%s" % key in err,
                 "production.speech.%s %s (just outside %s): refused, the bounds named"
                 % (key, num(value + sign * step), name), err[-800:])
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
