#!/usr/bin/env python3
"""Check the links of the documentation (t/t32-doc-links.t runs it).

Usage: doc-links.py SRCDIR FILE...          (FILE relative to SRCDIR)
       doc-links.py --cites SRCDIR FILE...  (source files)

Each [text](target) and ![alt](target) outside code must stay inside the
repository: a relative path to a file that exists under SRCDIR (no ../ out
of the tree, no http://, no absolute path), and its #anchor, if any, must
name a heading of the target (GitHub's anchors: lowercase, spaces to '-',
punctuation dropped, a repeated heading gets -1, -2, ...).  Prints one line
per broken link and exits 1 when there is one.

With --cites, the FILEs are code and its comments are checked instead: each
file named as docs/NAME.md (or README.md, SECURITY.md, ...) must exist, a
"Section" right after it must be a heading there, a bare WORKFLOW.md (not
docs/WORKFLOW.md) is a file that is not in the tree, and README "Section"
must be a heading of README.md.
"""
import os
import re
import sys

LINK = re.compile(r'!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)')
AUTOLINK = re.compile(r'<((?:https?|ftp|mailto):[^>\s]+)>')


def prose_lines(text):
    """(line number, line) of what is not code: fenced blocks, indented
    blocks after a blank line and `code spans` are left out."""
    fence = None
    prev_blank = True
    in_indented = False
    for n, line in enumerate(text.split('\n'), 1):
        s = line.lstrip()
        if fence:
            if s.startswith(fence):
                fence = None
            prev_blank = False
            continue
        m = re.match(r'(`{3,}|~{3,})', s)
        if m and len(line) - len(s) < 4:
            fence = m.group(1)
            continue
        if line.strip() == '':
            prev_blank = True
            continue
        if (line.startswith('    ') or line.startswith('\t')) and (prev_blank or in_indented):
            in_indented = True
            prev_blank = False
            continue
        in_indented = False
        prev_blank = False
        yield n, re.sub(r'(`+)(?:(?!\1).)+?\1', '', line)


def slug(heading):
    h = heading.strip().rstrip('#').strip()
    h = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', h)   # a link's text
    h = h.replace('`', '').replace('*', '')
    h = h.lower()
    h = ''.join(c for c in h if c.isalnum() or c in ' -_')
    return h.replace(' ', '-')


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        out = set()
        with open(path, encoding='utf-8') as f:
            text = f.read()
        fence = None
        for line in text.split('\n'):
            s = line.lstrip()
            m = re.match(r'(`{3,}|~{3,})', s)
            if fence:
                if s.startswith(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            h = re.match(r'#{1,6}\s+(.*)', line)
            if not h:
                continue
            a = slug(h.group(1))
            if a in seen:
                seen[a] += 1
                a = '%s-%d' % (a, seen[a])
            else:
                seen[a] = 0
            out.add(a)
        for m in re.finditer(r'<a\s+(?:name|id)="([^"]+)"', text):
            out.add(m.group(1))
        _anchors[path] = out
    return _anchors[path]


def cites(src, files):
    bad = 0
    doc = re.compile(r'((?:[\w.-]+/)*[\w.-]+\.md)(?::)?(?:\s+(?:#\s+)?"([^"]+)")?')
    readme = re.compile(r'README(?::)?\s+(?:#\s+)?"([^"]+)"')
    for rel in files:
        with open(os.path.join(src, rel), encoding='utf-8', errors='replace') as f:
            text = f.read()
        # a citation may be wrapped over two comment lines: join them
        flat = re.sub(r'\n\s*(?:\*|#|//)?\s*', ' ', text)
        for m in doc.finditer(flat):
            name, section = m.group(1), m.group(2)
            if name.startswith(('t/', 'tmp/')) or '/tmp' in name:
                continue
            where = '%s: %s' % (rel, name)
            if name == 'WORKFLOW.md' and not flat[:m.start()].endswith('docs/'):
                print('%s: not in the tree (docs/WORKFLOW.md is)' % where)
                bad += 1
                continue
            path = os.path.join(src, name)
            if not os.path.isfile(path):
                if name.count('/') == 0 and os.path.isfile(os.path.join(src, 'docs', name)):
                    continue
                print('%s: no such file in the repository' % where)
                bad += 1
            elif section and slug(section) not in anchors(path):
                print('%s "%s": no such heading there' % (where, section))
                bad += 1
        for m in readme.finditer(flat):
            if slug(m.group(1)) not in anchors(os.path.join(src, 'README.md')):
                print('%s: README "%s": no such heading in README.md' % (rel, m.group(1)))
                bad += 1
    return 1 if bad else 0


def main():
    if sys.argv[1] == '--cites':
        return cites(os.path.realpath(sys.argv[2]), sys.argv[3:])
    src = os.path.realpath(sys.argv[1])
    bad = 0
    for rel in sys.argv[2:]:
        path = os.path.join(src, rel)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        for n, line in prose_lines(text):
            targets = [m.group(1) for m in LINK.finditer(line)]
            targets += [m.group(1) for m in AUTOLINK.finditer(line)]
            for t in targets:
                where = '%s:%d: %s' % (rel, n, t)
                if re.match(r'[a-zA-Z][a-zA-Z0-9+.-]*:', t) or t.startswith('//'):
                    print('%s: leaves the repository (a URL)' % where)
                    bad += 1
                    continue
                if t.startswith('/'):
                    print('%s: an absolute path, outside the repository' % where)
                    bad += 1
                    continue
                file_part, _, anchor = t.partition('#')
                if file_part:
                    target = os.path.realpath(os.path.join(os.path.dirname(path), file_part))
                    if os.path.commonpath([src, target]) != src:
                        print('%s: leaves the repository' % where)
                        bad += 1
                        continue
                    if not os.path.exists(target):
                        print('%s: no such file in the repository' % where)
                        bad += 1
                        continue
                else:
                    target = path
                if anchor:
                    if not target.endswith('.md') or not os.path.isfile(target):
                        print('%s: an anchor into a file that is not Markdown' % where)
                        bad += 1
                    elif anchor not in anchors(target):
                        print('%s: no heading "%s" in %s' % (where, anchor, os.path.relpath(target, src)))
                        bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
