"""The command's usage, help, version and exit codes."""
import os
import re
import tempfile

import bk

t = bk.Tap()
r = bk.run()
t.eq(r.returncode, 64, "no command: exit 64")
r = bk.run("--help")
t.ok(r.returncode == 0 and b"validate" in r.stdout and b"script" in r.stdout, "--help lists the commands")
r = bk.run("--version")
with open(os.path.join(bk.ROOT, "meson.build"), encoding="utf-8") as f:
    version = re.search(r"version: '(\d+\.\d+\.\d+)'", f.read()).group(1)
t.eq(r.stdout.decode().strip(), "ballotkit " + version, "--version prints the project version")
t.eq(bk.run("frobnicate").returncode, 64, "unknown command: exit 64")
t.eq(bk.run("validate").returncode, 64, "validate without a file: exit 64")
t.eq(bk.run("validate", bk.EXAMPLE, "--bogus").returncode, 64, "unknown option: exit 64")
r = bk.run("validate", "/nonexistent/election.json")
t.ok(r.returncode == 66 and b"/nonexistent/election.json" in r.stderr, "unreadable file: exit 66, named")
with tempfile.TemporaryDirectory() as d:
    r = bk.run("validate", d)
    t.eq(r.returncode, 66, "a folder instead of a file: exit 66")
r = bk.run("validate", os.path.join(bk.BROKEN, "08-unknown-field-nmae.json"))
t.eq(r.returncode, 65, "invalid definition: exit 65")
r = bk.run("validate", bk.EXAMPLE, env={"BALLOTKIT_TEMPLATES": "/nonexistent"})
t.ok(r.returncode == 78 and b"/nonexistent" in r.stderr, "missing templates: exit 78, folder named")
r = bk.run("script", bk.EXAMPLE, "--ballot", "no-such-ballot")
t.ok(r.returncode == 64 and b"no-such-ballot" in r.stderr, "unknown ballot: exit 64, named")
r = bk.run("script", bk.EXAMPLE, "--lang", "en")
t.eq(r.returncode, 64, "a language the election does not use: exit 64")
r = bk.run("script", bk.EXAMPLE, "--ballot", "mazhilis-list", "--lang", "ru", check_rc=0)
out = r.stdout.decode()
t.ok(out.count("ballot mazhilis-list (ru)") == 1 and "(kk)" not in out.split("\n")[0],
     "--ballot and --lang select one script")
r = bk.run("stencil", bk.EXAMPLE, "--ballot", "mazhilis-03", "--format", "print-pdf", "--sheet", "2",
           "-o", "/nonexistent/x.pdf")
t.ok(r.returncode == 64 and b"--sheet does not apply" in r.stderr,
     "an option that does not apply to the format is refused, not ignored")
r = bk.run("list", bk.EXAMPLE, "--ballot", "mazhilis-03", "--lang", "kk", "--format", "swell-pdf",
           "--cells", "20", "-o", "/nonexistent/x.pdf")
t.ok(r.returncode == 64 and b"does not apply" in r.stderr, "page options do not apply to swell-pdf")
if os.path.exists("/dev/full"):
    with open("/dev/full", "wb") as full:
        import subprocess, shlex
        e = dict(os.environ)
        e.setdefault("BALLOTKIT_TEMPLATES", os.path.join(bk.ROOT, "templates"))
        r2 = subprocess.run(shlex.split(os.environ.get("BALLOTKIT_WRAPPER", "")) +
                            [bk.exe(), "list", bk.EXAMPLE, "--ballot", "mazhilis-03", "--lang", "kk"],
                            stdout=full, stderr=subprocess.PIPE, env=e)
    t.ok(r2.returncode == 70 and b"standard output" in r2.stderr,
         "a full standard output: exit 70 with a message")
r = bk.run("templates", check_rc=0)
t.ok(b"a5-party-list" in r.stdout and b"holds 8 positions" in r.stdout, "templates lists capacities")

# A braille profile outside the standard ranges is refused, with its file
# and line.
import json
import shutil
with tempfile.TemporaryDirectory() as d:
    tdir = os.path.join(d, "templates")
    shutil.copytree(os.path.join(bk.ROOT, "templates"), tdir)
    prof = os.path.join(tdir, "braille", "profiles", "marburg-medium.json")
    with open(prof, encoding="utf-8") as f:
        text = f.read()
    with open(prof, "w", encoding="utf-8") as f:
        f.write(text.replace('"dot_diameter": 1.6', '"dot_diameter": 2.0'))
    r = bk.run("templates", "--templates", tdir)
    err = r.stderr.decode()
    t.ok(r.returncode == 78 and "marburg-medium.json:" in err and "dot_diameter" in err
         and "1.3 and 1.7" in err, "a profile's dot diameter of 2.0 mm is refused (exit 78)", err)


def broken_templates(edit, what, needle):
    """Copies the templates, edits one wording file and expects exit 78
    with a message naming the file and the needle."""
    with tempfile.TemporaryDirectory() as d:
        tdir = os.path.join(d, "templates")
        shutil.copytree(os.path.join(bk.ROOT, "templates"), tdir)
        path = os.path.join(tdir, "speech", "ru.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        edit(doc)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=2)
        r = bk.run("validate", bk.EXAMPLE, "--templates", tdir)
        err = r.stderr.decode()
        t.ok(r.returncode == 78 and "speech/ru.json:" in err and needle in err, what, err)


broken_templates(lambda d: d.update(title="{number}: " + d["title"]),
                 "a placeholder the text never gets ({number} in the title) is refused",
                 "{number} cannot be used here")
broken_templates(lambda d: d["corners"].pop("top-right"),
                 "a missing corner is refused", '"top-right"')
broken_templates(lambda d: d["words"]["option"].pop("few"),
                 "a missing Russian plural form is refused", '"few" form')
broken_templates(lambda d: d.update(intro=d["intro"].replace("{count:option}", "{count:options}")),
                 "a plural of an unknown word is refused", "{count:options} cannot be used here")
t.done()
