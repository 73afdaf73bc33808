#!/usr/bin/env python3
# help-labels.py SRCDIR: the help names only what the app shows. Every
# <gui> label of the English help must be a translatable string of the app
# (extracted from the files in po/POTFILES.in; mnemonics and a trailing
# ellipsis ignored), and the zh_CN help must use the app's zh_CN
# translation of it (po/zh_CN.po). Labels listed in
# help-labels-pending.txt (next to this script) are allowed to be missing,
# and must be missing: see that file. Exits 1 on any failure.
import glob
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MAL = '{http://projectmallard.org/1.0/}'
KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=ngettext:1,2', '--keyword=g_dngettext:2,3']


def norm(s):
    s = ' '.join(s.split()).replace('_', '')
    s = re.sub(r'(…|\.\.\.)$', '', s)
    # zh_CN mnemonics: 接受(_A) becomes 接受(A) above; drop it.
    return re.sub(r'\([A-Za-z]\)$', '', s)


def gui_labels(pages):
    out = {}
    for page in pages:
        root = ET.parse(page).getroot()
        for el in root.iter(MAL + 'gui'):
            label = norm(''.join(el.itertext()))
            out.setdefault(label, set()).add(os.path.basename(page))
    return out


def po_entries(path):
    """(msgid, msgstr) of each live entry; plural forms give their first msgstr."""
    entries, cur, key = [], {}, None

    def flush():
        if cur.get('msgid'):
            entries.append((cur['msgid'], cur.get('msgstr', cur.get('msgstr[0]', ''))))

    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\]) (".*")$', line)
        if m:
            if m.group(1) in ('msgctxt', 'msgid') and any(k.startswith('msgstr') for k in cur):
                flush()
                cur = {}
            key = m.group(1)
            cur[key] = eval(m.group(2))
        elif line.startswith('"') and key:
            cur[key] += eval(line)
        else:
            key = None
            if not line.strip():
                flush()
                cur = {}
    flush()
    return entries


def app_strings(src, tmp):
    """The normalised msgids of the sources listed in po/POTFILES.in."""
    files = [f.strip() for f in open(os.path.join(src, 'po/POTFILES.in'), encoding='utf-8')
             if f.strip() and not f.startswith('#')]
    c_files = [f for f in files if f.endswith(('.c', '.h'))]
    other = [f for f in files if not f.endswith(('.c', '.h'))]
    pot = os.path.join(tmp, 'app.pot')
    subprocess.run(['xgettext', '--from-code=UTF-8', '--language=C', *KEYWORDS, '-o', pot] + c_files,
                   cwd=src, check=True)
    if other:
        subprocess.run(['xgettext', '--from-code=UTF-8', '-j', '-o', pot] + other, cwd=src, check=True)
    return {norm(k) for k, _ in po_entries(pot)}


def main():
    src = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    pending = set()
    for line in open(os.path.join(here, 'help-labels-pending.txt'), encoding='utf-8'):
        line = line.split('#', 1)[0].strip()
        if line:
            pending.add(norm(line))
    labels = gui_labels(sorted(glob.glob(os.path.join(src, 'help/C/*.page'))))
    zh_app = {}
    for msgid, msgstr in po_entries(os.path.join(src, 'po/zh_CN.po')):
        if msgstr:
            zh_app.setdefault(norm(msgid), set()).add(norm(msgstr))
    with tempfile.TemporaryDirectory() as tmp:
        app = app_strings(src, tmp)
        mo = os.path.join(tmp, 'zh_CN.mo')
        subprocess.run(['msgfmt', '-o', mo, os.path.join(src, 'help/zh_CN/zh_CN.po')], check=True)
        cdir = os.path.join(src, 'help/C')
        pages = [os.path.basename(p) for p in glob.glob(os.path.join(cdir, '*.page'))]
        subprocess.run(['itstool', '-m', mo, '-l', 'zh_CN', '-o', tmp] + pages + ['legal.xml'],
                       cwd=cdir, check=True)
        zh_labels = gui_labels(glob.glob(os.path.join(tmp, '*.page')))
    failures = 0
    for label, where in sorted(labels.items()):
        if label in pending:
            if label in app:
                failures += 1
                print('PENDING BUT IN THE APP  %-40s remove it from help-labels-pending.txt' % label)
            else:
                print('pending (allowed)       %-40s (%s)' % (label, ', '.join(sorted(where))))
        elif label not in app:
            failures += 1
            print('NOT IN THE APP          %-40s (%s)' % (label, ', '.join(sorted(where))))
        elif zh_app.get(label) and not zh_app[label] & set(zh_labels):
            failures += 1
            print('zh_CN DIFFERS           %-40s app: %s' % (label, ' or '.join(sorted(zh_app[label]))))
    for label in sorted(pending - set(labels)):
        failures += 1
        print('PENDING BUT NOT IN HELP %-40s remove it from help-labels-pending.txt' % label)
    print('%d labels in the help, %d pending, %d failures' % (len(labels), len(pending & set(labels)), failures))
    return 1 if failures else 0


sys.exit(main())
