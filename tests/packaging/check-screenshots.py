#!/usr/bin/env python3
# check-screenshots.py: the metainfo's screenshots both ways. The build's own
# metainfo has no <screenshots> unless -Dscreenshot_base_url was given (then
# they are under that address); the variant built with a test-only address
# lists screenshots whose images all exist in data/screenshots/ as PNGs,
# with a zh_CN and a zh_TW image and caption for each, and nothing in
# data/screenshots/ goes unlisted.
#
#   check-screenshots.py --metainfo BUILT --configured-url URL
#                        --variant TEST_VARIANT --test-url URL
#                        --dir DATA_SCREENSHOTS --langs zh_CN,zh_TW
import argparse
import os
import struct
import sys
import xml.etree.ElementTree as ET

LANG = '{http://www.w3.org/XML/1998/namespace}lang'
failures = []


def fail(msg):
    failures.append(msg)


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        return None
    return struct.unpack('>II', head[16:24])


def check_screenshots(path, base, shots_dir, langs, seen):
    root = ET.parse(path).getroot()
    block = root.find('screenshots')
    if block is None:
        fail('%s has no <screenshots>, though built with base URL %s' % (path, base))
        return
    shots = block.findall('screenshot')
    if not shots:
        fail('%s: <screenshots> is empty' % path)
    defaults = [s for s in shots if s.get('type') == 'default']
    if len(defaults) != 1:
        fail('%s: %d screenshots of type="default", want exactly 1' % (path, len(defaults)))
    for n, shot in enumerate(shots, 1):
        captions = {c.get(LANG): c.text for c in shot.findall('caption')}
        images = {i.get(LANG): (i.text or '').strip() for i in shot.findall('image')}
        if not captions.get(None):
            fail('%s: screenshot %d has no caption' % (path, n))
        for lang in langs:
            if not captions.get(lang):
                fail('%s: screenshot %d ("%s") has no %s caption: is it translated in po/%s.po?'
                     % (path, n, captions.get(None), lang, lang))
            if lang not in images:
                fail('%s: screenshot %d has no %s image' % (path, n, lang))
        sizes = set()
        for lang, url in images.items():
            if not url.startswith(base + '/'):
                fail('%s: image %s is not under %s/' % (path, url, base))
                continue
            name = url[len(base) + 1:]
            if '/' in name or not name.endswith('.png'):
                fail('%s: image %s is not a PNG in data/screenshots/' % (path, url))
                continue
            seen.add(name)
            local = os.path.join(shots_dir, name)
            if not os.path.isfile(local):
                fail('%s: %s has no file data/screenshots/%s' % (path, url, name))
                continue
            size = png_size(local)
            if size is None:
                fail('data/screenshots/%s is not a PNG' % name)
                continue
            w, h = size
            # AppStream asks for at least 620 wide; software centres scale
            # down, and a screenshot larger than the window helps nobody.
            if not (620 <= w <= 1920 and 400 <= h <= 1200):
                fail('data/screenshots/%s is %d x %d; want 620-1920 x 400-1200' % (name, w, h))
            sizes.add(size)
        if len(sizes) > 1:
            fail('%s: screenshot %d has images of different sizes %s (not the same screen?)'
                 % (path, n, sorted(sizes)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--metainfo', required=True)
    ap.add_argument('--configured-url', default='')
    ap.add_argument('--variant', required=True)
    ap.add_argument('--test-url', required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--langs', required=True)
    args = ap.parse_args()
    langs = [l for l in args.langs.split(',') if l]
    configured = args.configured_url.strip().strip('/')

    with open(args.metainfo, encoding='utf-8') as f:
        text = f.read()
    if '@SCREENSHOT_BASE_URL@' in text or '@SCREENSHOT_BASE_URL@' in open(args.variant, encoding='utf-8').read():
        fail('a metainfo still has @SCREENSHOT_BASE_URL@ in it')
    if configured:
        check_screenshots(args.metainfo, configured, args.dir, langs, set())
    elif ET.parse(args.metainfo).getroot().find('screenshots') is not None:
        fail('%s has <screenshots> but the build has no screenshot_base_url: '
             'they would point nowhere' % args.metainfo)

    seen = set()
    check_screenshots(args.variant, args.test_url, args.dir, langs, seen)
    present = {f for f in os.listdir(args.dir) if f.endswith('.png')}
    for name in sorted(present - seen):
        fail('data/screenshots/%s is not listed in the metainfo' % name)

    for msg in failures:
        print('FAIL: ' + msg, file=sys.stderr)
    if failures:
        sys.exit(1)
    print('screenshots: %s %s; %d images checked in the test variant' %
          (args.metainfo, 'under ' + configured if configured else 'without <screenshots>', len(seen)))


if __name__ == '__main__':
    main()
