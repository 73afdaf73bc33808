#!/usr/bin/env python3
# make-zh-tw.py: derives a Traditional Chinese (Taiwan) catalogue from the
# Simplified Chinese one with OpenCC's s2twp (phrase level, Taiwan
# vocabulary) plus po/zh_TW-overrides.tsv, and checks that a derived
# catalogue is current (the `translations` test runs --check, which needs
# no OpenCC).
#
#   build-aux/make-zh-tw.py               po/zh_CN.po -> po/zh_TW.po and
#                                         help/zh_CN/zh_CN.po -> help/zh_TW/zh_TW.po
#   build-aux/make-zh-tw.py SRC.po DST.po just that pair
#   build-aux/make-zh-tw.py --check [SRC.po DST.po]
#
# Only msgstr is converted: msgid, msgctxt, flags and references are copied.
# OpenCC maps CJK text only, so ASCII (format directives, mnemonics, markup,
# escapes) passes through; the script still checks that every msgstr keeps
# its %-directives, and msgfmt --check runs on the result.
#
# The header records a fingerprint of the source's translations and of the
# override table, so --check notices a zh_CN translation that changed
# after zh_TW was made, not only a missing one.
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERRIDES = os.path.join(ROOT, 'po', 'zh_TW-overrides.tsv')
FIELD = 'X-Huizhen-Derived-From'
ME = 'build-aux/make-zh-tw.py'


def die(msg):
    print('FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


DEFAULT_PAIRS = [
    (os.path.join(ROOT, 'po', 'zh_CN.po'), os.path.join(ROOT, 'po', 'zh_TW.po')),
    (os.path.join(ROOT, 'help', 'zh_CN', 'zh_CN.po'), os.path.join(ROOT, 'help', 'zh_TW', 'zh_TW.po')),
]


def regen_command(src, dst):
    if (os.path.abspath(src), os.path.abspath(dst)) in DEFAULT_PAIRS:
        return ME
    return '%s %s %s' % (ME, os.path.relpath(src, ROOT), os.path.relpath(dst, ROOT))


# ---- a small PO reader (entries as lists of lines) ------------------------
class Entry:
    def __init__(self, lines):
        self.lines = lines
        self.fields = {}       # keyword -> joined escaped string
        self.flags = set()
        key = None
        for i, line in enumerate(lines):
            if line.startswith('#,'):
                self.flags |= {f.strip() for f in line[2:].split(',')}
            elif line.startswith('#'):
                key = None
            elif line.startswith('"'):
                self.fields[key] += line.strip()[1:-1]
            else:
                key, _, rest = line.partition(' ')
                self.fields[key] = rest.strip()[1:-1]

    def key(self):
        return (self.fields.get('msgctxt'), self.fields.get('msgid'))

    def msgstrs(self):
        return [k for k in self.fields if k.startswith('msgstr')]

    def translated(self):
        strs = self.msgstrs()
        return 'fuzzy' not in self.flags and strs and all(self.fields[k] for k in strs)

    def is_header(self):
        return self.fields.get('msgid') == '' and 'msgctxt' not in self.fields


def read_po(path):
    # msgattrib drops obsolete (#~) entries; they are not part of a catalogue.
    text = subprocess.run(['msgattrib', '--no-obsolete', '--no-wrap', path],
                          check=True, capture_output=True, text=True).stdout
    entries = []
    for block in re.split(r'\n\s*\n', text):
        lines = [l for l in block.split('\n') if l.strip()]
        if lines:
            entries.append(Entry(lines))
    return entries


def fingerprint(src_entries):
    h = hashlib.sha256()
    rows = []
    for e in src_entries:
        if e.is_header() or not e.translated():
            continue
        rows.append('\x1f'.join([e.fields.get('msgctxt') or '', e.fields['msgid'],
                                 e.fields.get('msgid_plural') or ''] +
                                [e.fields[k] for k in sorted(e.msgstrs())]))
    for r in sorted(rows):
        h.update(r.encode('utf-8') + b'\x1e')
    with open(OVERRIDES, 'rb') as f:
        h.update(f.read())
    return 'sha256:' + h.hexdigest()[:32]


# ---- overrides --------------------------------------------------------------
def read_overrides():
    table = []
    with open(OVERRIDES, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != 3 or not cols[0] or not cols[2]:
                die('%s:%d: want OPENCC-OUTPUT<TAB>TAIWAN<TAB>REASON' % (OVERRIDES, n))
            table.append((cols[0], cols[1], n))
    # Longest first, so a phrase wins over a word inside it.
    table.sort(key=lambda r: -len(r[0]))
    return table


DIRECTIVE = re.compile(r'%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn%]')


def opencc(strings):
    exe = shutil.which('opencc')
    if not exe:
        die('opencc is not installed (Debian: apt-get install opencc); only --check works without it')
    # One string per line: msgstrs are kept escaped (\n stays two ASCII
    # characters), so no msgstr contains a newline.
    out = subprocess.run([exe, '-c', 's2twp.json'], input='\n'.join(strings) + '\n',
                         check=True, capture_output=True, text=True).stdout
    res = out.split('\n')
    if res and res[-1] == '':
        res.pop()
    if len(res) != len(strings):
        die('opencc returned %d lines for %d strings' % (len(res), len(strings)))
    return res


def generate(src, dst):
    entries = read_po(src)
    table = read_overrides()
    fp = fingerprint(entries)
    todo = []
    for e in entries:
        if not e.is_header():
            todo += [(e, k) for k in e.msgstrs() if e.fields[k]]
    converted = opencc([e.fields[k] for e, k in todo])
    used = {}
    for (e, k), tw in zip(todo, converted):
        for frm, to, n in table:
            if frm.startswith('^') and frm.endswith('$'):
                hit = tw == frm[1:-1]     # a whole message, e.g. a lone button label
                if hit:
                    tw = to
            else:
                hit = frm in tw
                if hit:
                    tw = tw.replace(frm, to)
            if hit:
                used[n] = used.get(n, 0) + 1
        if DIRECTIVE.findall(tw) != DIRECTIVE.findall(e.fields[k]):
            die('conversion changed the format directives of %r' % e.fields['msgid'])
        e.fields[k] = tw

    out = ['# Traditional Chinese (Taiwan) translation of Huizhen.',
           '# Generated from %s by %s (OpenCC s2twp and po/zh_TW-overrides.tsv).' %
           (os.path.basename(src), ME),
           '# Do not edit: fix the Simplified catalogue or the override table and run',
           '#   ' + regen_command(src, dst)]
    for e in entries:
        lines = []
        if e.is_header():
            hdr = e.fields['msgstr']
            hdr = re.sub(r'Language: [^\\]*', 'Language: zh_TW', hdr)
            hdr = re.sub(r'Language-Team: [^\\]*', 'Language-Team: Chinese (traditional, Taiwan)', hdr)
            hdr = re.sub(FIELD + r': [^\\]*\\n', '', hdr)
            hdr += '%s: %s %s\\n' % (FIELD, os.path.basename(src), fp)
            e.fields['msgstr'] = hdr
        for i, line in enumerate(e.lines):
            if line.startswith('#') and not (line.startswith('#,') or line.startswith('#.')
                                             or line.startswith('#:') or line.startswith('#|')):
                # The source's translator comments are about its own text;
                # of the header's, only the title line is replaced (a
                # licence line stays).
                if not e.is_header() or i == 0:
                    continue
            if line.startswith('#'):
                lines.append(line)
        for kw in ('msgctxt', 'msgid', 'msgid_plural'):
            if kw in e.fields:
                lines.append('%s "%s"' % (kw, e.fields[kw]))
        for k in sorted(e.msgstrs()):
            lines.append('%s "%s"' % (k, e.fields[k]))
        out.append('\n'.join(lines))
    with tempfile.NamedTemporaryFile('w', encoding='utf-8', suffix='.po', delete=False) as t:
        t.write('\n\n'.join(out) + '\n')
        tmp = t.name
    try:
        # msgcat wraps as msgmerge does, so the file diffs like any catalogue.
        subprocess.run(['msgcat', '--use-first', '-o', dst, tmp], check=True)
    finally:
        os.unlink(tmp)
    subprocess.run(['msgfmt', '--check', '-o', os.devnull, dst], check=True)
    unused = [n for _, _, n in table if n not in used]
    print('%s: %d messages converted, %d overrides applied, %d of %d rows matched nothing' %
          (os.path.relpath(dst, ROOT), len(todo), sum(used.values()), len(unused), len(table)))
    if os.environ.get('VERBOSE'):
        for n in sorted(unused):
            print('note: %s:%d matched nothing' % (os.path.relpath(OVERRIDES, ROOT), n))


def check(src, dst):
    cmd = regen_command(src, dst)
    src_rel, dst_rel = os.path.relpath(src, ROOT), os.path.relpath(dst, ROOT)
    if not os.path.exists(dst):
        die('%s is missing; run %s' % (dst, cmd))
    r = subprocess.run(['msgfmt', '--check', '-o', os.devnull, dst], capture_output=True, text=True)
    if r.returncode != 0:
        die('msgfmt --check complains about %s:\n%s' % (dst, r.stderr))
    src_entries = read_po(src)
    dst_entries = {e.key(): e for e in read_po(dst)}
    missing = [e.fields['msgid'] for e in src_entries
               if not e.is_header() and e.translated()
               and not (e.key() in dst_entries and dst_entries[e.key()].translated())]
    if missing:
        die('%s lacks %d message(s) translated in %s, e.g. "%s"; it is made from %s: '
            'run %s (needs opencc)' % (dst_rel, len(missing), src_rel, missing[0], src_rel, cmd))
    hdr = dst_entries.get((None, ''))
    want = '%s: %s %s\\n' % (FIELD, os.path.basename(src), fingerprint(src_entries))
    if hdr is None or want not in hdr.fields.get('msgstr', ''):
        die('%s was made from an older %s or override table (a translation changed); '
            'run %s (needs opencc)' % (dst_rel, src_rel, cmd))
    print('%s: msgfmt --check clean, covers every translation of %s, current' %
          (os.path.relpath(dst, ROOT), os.path.relpath(src, ROOT)))


def main(argv):
    mode = generate
    if argv and argv[0] == '--check':
        mode = check
        argv = argv[1:]
    if len(argv) not in (0, 2):
        die('usage: %s [--check] [SRC.po DST.po]' % ME)
    pairs = [tuple(argv)] if argv else DEFAULT_PAIRS
    for src, dst in pairs:
        mode(src, dst)


if __name__ == '__main__':
    main(sys.argv[1:])
