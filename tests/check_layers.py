#!/usr/bin/python3
"""The layers of docs/architecture.md hold in the build and in the code.

Usage: check_layers.py SRCROOT NINJA BUILDDIR stage=NAME:LOWER,... ... MODULE...

- the doc's table ("## Layers", between <!-- layers and <!-- end layers)
  is ordered: a stage uses only stages above it in the table (lower ones);
- meson.build's `stages` list (given as stage=... arguments) names the same
  stages with the same "may use" sets (the doc adds the header-only
  `common` and the command `cli`);
- every #include "..." in src/ and include/ballotkit/ goes from a stage to
  itself or to a stage it may use (transitively), and only the command
  includes the umbrella ballotkit.h;
- every per-stage module linked with -Wl,-z,defs (tests/meson.build)
  links: this test asks ninja to build each one. They are not built by a
  plain `ninja` (a target that a test names in its arguments or depends
  would be, and their links cost a fifth of a clean build), so the check
  costs test time, not build time (docs/performance.md).
"""
import os
import re
import subprocess
import sys

n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {what}")
    else:
        failed += 1
        print(f"not ok {n} - {what}")
        for line in detail.splitlines():
            print(f"# {line}")


def doc_table(root):
    text = open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8").read()
    m = re.search(r"<!-- layers:.*?-->\n(.*?)<!-- end layers -->", text, re.S)
    if not m:
        sys.exit("docs/architecture.md: no <!-- layers ... --> table")
    rows = []
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("stage", "") or set(cells[0]) <= set("-"):
            continue
        name, folder, header, uses = cells
        folder = folder.strip("`") if folder != "—" else None
        header = header.strip("`") if header != "—" else None
        if uses.startswith("(everything"):
            uses = None  # the command: anything, through ballotkit.h
        elif uses == "—":
            uses = []
        else:
            uses = [u.strip() for u in uses.split(",")]
        rows.append((name, folder, header, uses))
    return rows


def main():
    root, ninja, build = sys.argv[1:4]
    meson = {}
    modules = []
    for a in sys.argv[4:]:
        if a.startswith("stage="):
            name, _, lower = a[len("stage="):].partition(":")
            meson[name] = set(filter(None, lower.split(",")))
        else:
            modules.append(a)

    rows = doc_table(root)
    order = [r[0] for r in rows]
    uses = {r[0]: r[3] for r in rows}
    folder_stage = {r[1].rstrip("/"): r[0] for r in rows if r[1]}
    header_stage = {"ballotkit/" + r[2]: r[0] for r in rows if r[2]}

    # the doc's table is ordered and names known stages only
    bad = []
    for i, name in enumerate(order):
        for u in uses[name] or []:
            if u not in order[:i]:
                bad.append(f"{name} may use {u}, which is not above it in the table")
    ok(not bad, "the doc's table is ordered: every stage uses stages above it only",
       "\n".join(bad))

    # meson.build's table is the doc's (without common and cli)
    doc_libs = {name: set(u) - {"common"} for name, u in uses.items()
                if u is not None and name != "common"}
    diff = []
    for name in sorted(set(doc_libs) | set(meson)):
        if name not in meson:
            diff.append(f"{name}: in the doc, not in meson.build")
        elif name not in doc_libs:
            diff.append(f"{name}: in meson.build, not in the doc")
        elif doc_libs[name] != meson[name]:
            diff.append(f"{name}: doc {sorted(doc_libs[name])}, meson.build {sorted(meson[name])}")
    ok(not diff, "meson.build's stages and the doc's table agree", "\n".join(diff))

    # closure of "may use"
    closure = {}
    for name in order:
        if uses[name] is None:
            closure[name] = set(order)
            continue
        c = set(uses[name])
        for u in uses[name]:
            c |= closure.get(u, set())
        closure[name] = c

    # the include graph
    files = []
    for d, _, fs in os.walk(os.path.join(root, "src")):
        files += [os.path.join(d, f) for f in fs if f.endswith((".c", ".h"))]
    incdir = os.path.join(root, "include", "ballotkit")
    files += [os.path.join(incdir, f) for f in os.listdir(incdir) if f.endswith(".h")]
    files.append(os.path.join(root, "include", "ballotkit.h"))
    inc_re = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
    edges = 0
    bad = []
    unknown = []
    for path in sorted(files):
        rel = os.path.relpath(path, root)
        if rel == "include/ballotkit.h":
            continue  # the umbrella includes every public header
        if rel.startswith("include/"):
            src_stage = header_stage.get("ballotkit/" + os.path.basename(rel))
        else:
            src_stage = folder_stage.get(os.path.dirname(rel))
        if src_stage is None:
            unknown.append(f"{rel}: no stage in the doc's table")
            continue
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = inc_re.match(line)
                if not m:
                    continue
                target = m.group(1)
                if target == "ballotkit.h":
                    dst = "cli"
                elif target.startswith("ballotkit/"):
                    dst = header_stage.get(target)
                elif "/" in target:
                    dst = folder_stage.get("src/" + target.split("/")[0])
                else:
                    dst = src_stage  # a header beside the file
                if dst is None:
                    unknown.append(f"{rel}:{lineno}: {target}: no stage in the doc's table")
                    continue
                edges += 1
                if dst != src_stage and dst not in closure[src_stage]:
                    bad.append(f"{rel}:{lineno}: {src_stage} includes {target} ({dst}), "
                               f"which it may not use")
    ok(not unknown, "every file and every included header belongs to a stage of the doc's table",
       "\n".join(unknown))
    ok(edges > 100 and not bad,
       f"the {edges} #include \"...\" lines of src/ and include/ballotkit/ follow the table",
       "\n".join(bad) or f"only {edges} includes found")

    ok(len(modules) == len(meson), f"a module for each of the {len(meson)} stages",
       f"{len(modules)} modules for {len(meson)} stages")
    for m in modules:
        target = os.path.relpath(m, build)
        r = subprocess.run([ninja, "-C", build, target], capture_output=True, text=True)
        ok(r.returncode == 0 and os.path.exists(m),
           f"{target} links with only the stages below it (-Wl,-z,defs)",
           (r.stdout + r.stderr)[-4000:])

    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
