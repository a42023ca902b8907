#!/usr/bin/env python3
"""Checks on the dashboard's pages, for t/t19-dashboard.t.

  dashboard-check.py valid FILE...   each is UTF-8 HTML whose tags balance,
                                     with no raw control byte and no <script
  dashboard-check.py text FILE       the text a browser shows (entities decoded)
  dashboard-check.py png FILE        the PNG decodes (zlib) and has more than
                                     one colour
"""
import html.parser
import re
import struct
import sys
import zlib

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Balance(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> at line %d closes nothing open (open: %s)" % (tag, self.getpos()[0], self.stack[-3:]))
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(path):
    raw = open(path, "rb").read()
    problems = []
    ctl = sorted({b for b in raw if (b < 0x20 and b not in (9, 10)) or b == 0x7f})
    if ctl:
        problems.append("raw control bytes %s" % ctl[:8])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, problems + ["not UTF-8: %s" % e]
    if not text.startswith("<!DOCTYPE html>"):
        problems.append("no doctype")
    if re.search(r"<\s*script", text, re.I):
        problems.append("a raw <script")
    p = Balance()
    p.feed(text)
    p.close()
    problems += p.errors
    if p.stack:
        problems.append("left open: %s" % p.stack)
    return p, problems


def png_colours(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype = hdr[:4]
    if depth != 8 or ctype not in (2, 6):
        raise ValueError("PNG colour type %d depth %d not handled" % (ctype, depth))
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, colours = zlib.decompress(idat), w * bpp, bytearray(w * bpp), set()
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0 and len(colours) < 1000:
            for x in range(0, w, 3):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return len(colours)


def main():
    mode, files = sys.argv[1], sys.argv[2:]
    if mode == "text":
        p, _ = parse(files[0])
        sys.stdout.write("".join(p.text) if p else "")
        return 0
    if mode == "png":
        n = png_colours(files[0])
        if n <= 1:
            print("%s: one colour only: blank" % files[0])
        return 0 if n > 1 else 1
    bad = 0
    for f in files:
        _, problems = parse(f)
        for m in problems:
            print("%s: %s" % (f, m))
            bad = 1
    return bad


sys.exit(main())
