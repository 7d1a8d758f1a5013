"""Shared helpers for the Python tests (run by /usr/bin/python3).

The tests call the built `ballotkit` command named by $BALLOTKIT and read
the templates in $BALLOTKIT_TEMPLATES; meson sets both. $BALLOTKIT_WRAPPER
(e.g. "valgrind -q --error-exitcode=99") is put in front of every run.
"""
import importlib
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EXAMPLE = os.path.join(ROOT, "examples", "kz-2023", "election.json")
BROKEN = os.path.join(HERE, "broken")
SCHEMA = os.path.join(ROOT, "schema", "ballotkit-1.schema.json")
# The example's ballot PDF and the script that drew it: its boxes() are
# what was drawn, the ground truth for that ballot's stencil.
EXAMPLE_BALLOT_ID = "maslikhat-abai-list"
EXAMPLE_BALLOT_PDF = os.path.join(ROOT, "examples", "kz-2023",
                                  "ballot-maslikhat-abai-list.pdf")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
example_ballot = importlib.import_module("example_ballot")


def exe():
    return os.environ.get("BALLOTKIT", os.path.join(ROOT, "build", "ballotkit"))


def run(*args, env=None, check_rc=None, cwd=None):
    cmd = shlex.split(os.environ.get("BALLOTKIT_WRAPPER", "")) + [exe()] + list(args)
    e = dict(os.environ)
    e.setdefault("BALLOTKIT_TEMPLATES", os.path.join(ROOT, "templates"))
    if env:
        e.update(env)
    r = subprocess.run(cmd, capture_output=True, env=e, cwd=cwd)
    if check_rc is not None and r.returncode != check_rc:
        raise AssertionError("%s exited %d, expected %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), r.returncode, check_rc, r.stdout.decode(errors="replace")[:2000],
            r.stderr.decode(errors="replace")[:2000]))
    return r


def validate_json(path, **kw):
    r = run("validate", "--json", path, **kw)
    return r.returncode, json.loads(r.stdout)


def records(d):
    """A definition with its lists of records keyed by id, to compare two
    definitions in content (an import sorts records by id; a ballot's
    options keep their order)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, list) and v and isinstance(v[0], dict) and "id" in v[0]:
            out[k] = {r["id"]: r for r in v}
        else:
            out[k] = v
    return out


def load(path):
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def load_example():
    """The example definition, its ballots' relative paper.source made
    absolute (against the example's folder, as ballotkit reads them), so
    that a test may write it, changed, anywhere."""
    d = load(EXAMPLE)
    for b in d["ballots"]:
        src = b.get("paper", {}).get("source")
        if src and not os.path.isabs(src):
            b["paper"]["source"] = os.path.join(os.path.dirname(EXAMPLE), src)
    return d


class Tap:
    """Minimal TAP producer: one line per check, a plan at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, name))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, name))
            for line in str(detail).splitlines()[:40]:
                print("# " + line)
        sys.stdout.flush()
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, "got:  %r\nwant: %r" % (got, want))

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed or self.n == 0 else 0)
