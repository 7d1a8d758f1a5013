"""The help and the man page, drawn from the command's tables (src/cli/
args.c, commands.c): each command's own help, its options and their
bounds, and docs/ballotkit.1's SYNOPSIS and option list."""
import os
import re

import bk

t = bk.Tap()
COMMANDS = ["validate", "import", "export", "boxes", "script", "braille", "list", "leaflet", "stencil", "speak",
            "audio", "build", "index", "verify", "print-job", "templates", "defaults", "version"]

general = bk.run("--help", check_rc=0).stdout.decode()
listed = re.findall(r"^  ([a-z-]+) ", general.split("Commands:\n")[1].split("\n\n")[0], re.M)
t.eq([c for c in listed if c != "help"], COMMANDS, "--help lists every command, in order")
t.ok("man-sections" not in general, "the hidden man-sections command is not listed")
t.eq(bk.run("help", check_rc=0).stdout.decode(), general, "'help' alone prints the general help")

for cmd in COMMANDS:
    r = bk.run(cmd, "--help")
    own = r.stdout.decode()
    t.ok(r.returncode == 0 and own.startswith("Usage: ballotkit " + cmd) and own != general,
         "%s --help prints its own usage (exit 0)" % cmd, own[:300])
    r2 = bk.run("help", cmd)
    t.ok(r2.returncode == 0 and r2.stdout.decode() == own,
         "help %s prints the same as %s --help" % (cmd, cmd))

r = bk.run("help", "frobnicate")
t.ok(r.returncode == 64 and b"unknown command frobnicate" in r.stderr, "help of an unknown command: exit 64")
r = bk.run("frobnicate", "--help")
t.eq(r.returncode, 64, "--help of an unknown command: exit 64")


def options_of(cmd):
    """The options a command's help lists (without those of every command)."""
    text = bk.run(cmd, "--help", check_rc=0).stdout.decode()
    if "\nOptions:\n" not in text:
        return {}
    part = text.split("\nOptions:\n")[1].split("\nOptions for every command:")[0]
    return {m.group(1): " ".join(m.group(0).split()) for m in
            re.finditer(r"^  (-[-a-z]+)[^\n]*(?:\n {25}[^\n]*)*", part, re.M)}


build = options_of("build")
t.ok("--jobs" in build and "--shard" in build and "--sheet" not in build and "--quick" not in build,
     "build --help lists --jobs and --shard, not --sheet or --quick", str(sorted(build)))
verify = options_of("verify")
t.ok(set(verify) == {"--definition", "--json", "--quick", "--partial", "--kits"},
     "verify --help lists exactly its options", str(sorted(verify)))
t.eq(options_of("index"), {}, "index --help lists no options of its own")
press = options_of("print-job")
t.ok(set(press) == {"-o", "--sheet", "--gap", "--marks", "--sheets-per-file", "--output-intent"} and
     "SRA3" in press["--sheet"], "print-job --help lists exactly its options", str(press))
stencil = options_of("stencil")
t.ok("--sheet" in stencil and "svg" in stencil["--sheet"] and "--format png" in stencil["--dpi"],
     "stencil --help names the formats --sheet and --dpi belong to", str(stencil))

# Every option a command's help lists is taken by the command (with the
# format the help names), and none it does not list is: the help and the
# check come from one table.
VALUES = {"--ballot": "b", "--lang": "kk", "--format": "txt", "-o": "/nonexistent/x",
          "--party": "p", "--candidate": "c", "--cells": "30", "--lines": "20",
          "--binding": "0", "--brf-break": "ff", "--profile": "p", "--size": "20",
          "--sheet": "1", "--dpi": "100", "--rate": "150", "--pitch": "50", "--volume": "100",
          "--word-gap": "0", "--loudness": "-20", "--true-peak": "-1.5", "--bitrate": "32",
          "--quality": "7", "--speed": "1.5", "--formats": "audio-wav", "--cache": "/nonexistent/c",
          "--jobs": "2", "--shard": "1/2", "--definition": "/nonexistent/d.json"}
FLAGS = ["--json", "--interpoint", "--interline", "--tab", "--counting-dots", "--quick", "--partial"]
ALL = list(VALUES) + FLAGS
for cmd in ["script", "list", "stencil", "build", "verify", "validate"]:
    listed = options_of(cmd)
    wrong = []
    for opt in ALL:
        args = [opt] + ([VALUES[opt]] if opt in VALUES else [])
        m = re.search(r"--format ([a-z-]+)", listed.get(opt, ""))
        if m and opt != "--format":
            args += ["--format", m.group(1)]
        r = bk.run(cmd, *args, "--max-input-size", "1")
        refused = b"does not apply" in r.stderr
        if refused == (opt in listed):
            wrong.append((opt, refused))
    t.ok(not wrong, "%s takes exactly the options its help lists" % cmd, str(wrong))

# Bounds: the help prints them from the table and the parser refuses what
# is past them.
for cmd, opt in [("build", "--jobs"), ("stencil", "--sheet"), ("stencil", "--dpi")]:
    line = options_of(cmd)[opt]
    m = re.search(r"\((\d+)-(\d+)\)", line)
    t.ok(m is not None, "%s --help prints the bounds of %s" % (cmd, opt), line)
    if not m:
        continue
    lo, hi = int(m.group(1)), int(m.group(2))
    for v, bad in [(lo - 1, True), (lo, False), (hi, False), (hi + 1, True)]:
        r = bk.run(cmd, "/nonexistent/f.json", opt, str(v), "--max-input-size", "1")
        refused = r.returncode == 64 and opt.encode() + b" needs" in r.stderr
        t.ok(refused == bad, "%s %s %d is %s" % (cmd, opt, v, "refused" if bad else "taken"),
             r.stderr.decode(errors="replace"))

# The man page's generated parts agree with the tables.
with open(os.path.join(bk.ROOT, "docs", "ballotkit.1"), encoding="utf-8") as f:
    man = f.read()
for part in ["synopsis", "options"]:
    m = re.search(r'^\.\\" BEGIN %s: ballotkit man-sections %s\n(.*?)^\.\\" END %s\n'
                  % (part, part, part), man, re.M | re.S)
    want = bk.run("man-sections", part, check_rc=0).stdout.decode()
    t.ok(m is not None and m.group(1) == want,
         "docs/ballotkit.1's %s is what 'ballotkit man-sections %s' prints" % (part, part),
         "regenerate it between the BEGIN and END lines" if m else "markers missing")
syn = re.search(r"^\.SH SYNOPSIS\n(.*?)^\.SH", man, re.M | re.S).group(1)
for cmd in COMMANDS:
    t.ok("\\fBballotkit\\fR \\fB%s\\fR" % cmd.replace("-", "\\-") in syn,
         "the man page's synopsis has %s" % cmd)
t.done()
