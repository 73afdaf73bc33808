#!/usr/bin/env python3
# check-icons.py SRCDIR: the app icons parse as SVG, have the sizes the
# hicolor theme expects (scalable 128x128, symbolic 16x16), stay inside
# their canvas, and the symbolic one uses a single colour and no raster or
# text, which GTK could not recolour.
import os
import re
import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
ICONS = {
    'data/icons/hicolor/scalable/apps/cn.huizhen.Huizhen.svg': 128,
    'data/icons/hicolor/symbolic/apps/cn.huizhen.Huizhen-symbolic.svg': 16,
}
failed = []


def fail(msg):
    failed.append(msg)
    print('FAIL: ' + msg, file=sys.stderr)


def check(path, size, symbolic):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        fail('%s does not parse: %s' % (path, e))
        return
    if root.tag != SVG + 'svg':
        fail('%s: root element is %s, not svg' % (path, root.tag))
        return
    for attr in ('width', 'height'):
        if root.get(attr) != str(size):
            fail('%s: %s is %r, expected %d' % (path, attr, root.get(attr), size))
    if root.get('viewBox') != '0 0 %d %d' % (size, size):
        fail('%s: viewBox is %r' % (path, root.get('viewBox')))
    if not root.findall('.//' + SVG + 'path'):
        fail('%s draws nothing' % path)
    for el in root.iter():
        tag = el.tag.replace(SVG, '')
        if tag in ('image', 'script', 'foreignObject'):
            fail('%s contains <%s>' % (path, tag))
        if symbolic and tag == 'text':
            fail('%s: symbolic icons carry no text' % path)
        href = el.get('{http://www.w3.org/1999/xlink}href') or el.get('href') or ''
        if href and not href.startswith('#'):
            fail('%s links outside itself: %s' % (path, href))
    if symbolic:
        colours = set()
        for el in root.iter():
            for attr in ('fill', 'stroke'):
                v = el.get(attr)
                if v and v != 'none':
                    colours.add(v.lower())
        if len(colours) != 1:
            fail('%s uses %d colours %s; a symbolic icon has one' % (path, len(colours), sorted(colours)))
    # Absolute coordinates in path data stay on the canvas (a cheap guard
    # against a shape drawn off the icon).
    for el in root.iter(SVG + 'path'):
        if el.get('transform'):
            continue
        d = el.get('d', '')
        if re.match(r'^M\s*(-?[\d.]+)[ ,](-?[\d.]+)', d):
            x, y = (float(v) for v in re.match(r'^M\s*(-?[\d.]+)[ ,](-?[\d.]+)', d).groups())
            if not (0 <= x <= size and 0 <= y <= size):
                fail('%s: a path starts off the canvas at %g,%g' % (path, x, y))


def main():
    src = sys.argv[1]
    for rel, size in ICONS.items():
        check(os.path.join(src, rel), size, rel.endswith('-symbolic.svg'))
    if failed:
        sys.exit(1)
    print('%d icons parse and fit' % len(ICONS))


main()
