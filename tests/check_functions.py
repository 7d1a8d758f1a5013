#!/usr/bin/python3
"""Function length and nesting of C sources (a brace-based reader).

    check_functions.py DIR...          a table, longest first (for people)
    check_functions.py --tap DIR...    the test: every function at most
                                       MAX_LINES long and MAX_NESTING deep,
                                       unless the comment directly above it
                                       begins "/* over-long:" (length) or
                                       "/* deep:" (nesting) and says why
                                       (docs/coding-style.md)

Length is counted from the line of the function's name to its closing
brace; nesting is the depth of braces inside the body (a flat body is 0).
Comments and strings are blanked before the braces are counted.
"""
import re, sys, os

def strip(text):
    out = []; i = 0; n = len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2); j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif text.startswith('//', i):
            j = text.find('\n', i); j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + re.sub(r'[^\n]', ' ', text[i+1:j]) + c); i = j + 1
        else:
            out.append(c); i += 1
    return ''.join(out)

MAX_LINES = 120
MAX_NESTING = 4


def marker(raw, text, at):
    """The exception markers in the comment that ends right above the
    function's header (its return type may stand on the line before)."""
    line_start = text.rfind('\n', 0, at) + 1
    before = raw[:line_start].rstrip()
    # the return type on its own line
    prev = before.rfind('\n') + 1
    if not before.endswith('*/') and before[prev:].strip() and '/*' not in before[prev:]:
        before = before[:prev].rstrip()
    if not before.endswith('*/'):
        return set()
    comment = before[before.rfind('/*'):]
    found = set()
    if comment.startswith('/* over-long:'):
        found.add('long')
    if comment.startswith('/* deep:'):
        found.add('deep')
    return found


def functions(path):
    raw = open(path, encoding='utf-8').read()
    text = strip(raw)
    lines = raw.split('\n')
    depth = 0; i = 0; res = []
    start = None; maxd = 0; maxline = 0
    lineno = 1
    for i, c in enumerate(text):
        if c == '\n': lineno += 1
        elif c == '{':
            if depth == 0:
                before = text[:i].rstrip()
                if before.endswith(')') or re.search(r'\)\s*$', before):
                    # header: find the line of the function name
                    k = before.rfind('\n', 0, before.rfind('('))
                    hdr = text[:i].count('\n', 0) + 1
                    m = re.search(r'(\w+)\s*\([^;{}]*\)\s*$', before, re.S)
                    name = m.group(1) if m else '?'
                    hstart = text.count('\n', 0, m.start()) + 1 if m else lineno
                    # include the return type line
                    start = (name, hstart); maxd = 1; maxline = lineno
                    hdr_at = m.start() if m else i
                else:
                    start = None
            depth += 1
            if start and depth > maxd: maxd = depth; maxline = lineno
        elif c == '}':
            depth -= 1
            if depth == 0 and start:
                name, hstart = start
                res.append((name, hstart, lineno, lineno - hstart + 1, maxd - 1, maxline,
                            marker(raw, text, hdr_at)))
                start = None
    return res

def tap(rows):
    n = failed = 0
    for r in sorted(rows, key=lambda r: (r[0], r[2])):
        path, name, start, _, length, nest, _, marks = r
        for what, value, limit, mark in (("lines", length, MAX_LINES, 'long'),
                                         ("nesting", nest, MAX_NESTING, 'deep')):
            if value > limit and mark not in marks:
                n += 1
                failed += 1
                print("not ok %d - %s:%d %s: %d %s (at most %d, or a "
                      "/* %s: ... */ comment saying why)" % (
                          n, path, start, name, value, what, limit,
                          'over-long' if mark == 'long' else 'deep'))
    n += 1
    print("%s %d - %d functions in %d files measured" % (
        "ok" if rows else "not ok", n, len(rows), len({r[0] for r in rows})))
    excused = [r for r in rows if (r[4] > MAX_LINES and 'long' in r[7]) or
               (r[5] > MAX_NESTING and 'deep' in r[7])]
    print("# over the limits with a comment saying why: %s" % (
        ", ".join("%s:%d %s" % (r[0], r[2], r[1]) for r in excused) or "none"))
    print("1..%d" % n)
    return 1 if failed or not rows else 0


if __name__ == '__main__':
    as_tap = '--tap' in sys.argv
    rows = []
    for root in [a for a in sys.argv[1:] if a != '--tap']:
        for d, _, fs in os.walk(root):
            for f in fs:
                if f.endswith('.c'):
                    p = os.path.join(d, f)
                    for r in functions(p): rows.append((p,) + r)
    if as_tap:
        sys.exit(tap(rows))
    rows.sort(key=lambda r: -r[4])
    print(len(rows), 'functions;', sum(1 for r in rows if r[4] > 100), 'over 100;', sum(1 for r in rows if r[4] > 120), 'over 120')
    for r in rows[:60]:
        print(f'{r[4]:4d} nest {r[5]} {r[0]}:{r[2]} {r[1]}')
    print('deepest:')
    for r in sorted(rows, key=lambda r: -r[5])[:25]:
        print(f'nest {r[5]} {r[0]}:{r[6]} {r[1]} ({r[4]} lines)')
