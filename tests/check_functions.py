#!/usr/bin/python3
"""Function length and nesting of C sources (a rough, brace-based reader)."""
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
                else:
                    start = None
            depth += 1
            if start and depth > maxd: maxd = depth; maxline = lineno
        elif c == '}':
            depth -= 1
            if depth == 0 and start:
                name, hstart = start
                res.append((name, hstart, lineno, lineno - hstart + 1, maxd - 1, maxline))
                start = None
    return res

if __name__ == '__main__':
    rows = []
    for root in sys.argv[1:]:
        for d, _, fs in os.walk(root):
            for f in fs:
                if f.endswith('.c'):
                    p = os.path.join(d, f)
                    for r in functions(p): rows.append((p,) + r)
    rows.sort(key=lambda r: -r[4])
    print(len(rows), 'functions;', sum(1 for r in rows if r[4] > 100), 'over 100;', sum(1 for r in rows if r[4] > 120), 'over 120')
    for r in rows[:60]:
        print(f'{r[4]:4d} nest {r[5]} {r[0]}:{r[2]} {r[1]}')
    print('deepest:')
    for r in sorted(rows, key=lambda r: -r[5])[:25]:
        print(f'nest {r[5]} {r[0]}:{r[6]} {r[1]} ({r[4]} lines)')
