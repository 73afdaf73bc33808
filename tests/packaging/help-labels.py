#!/usr/bin/env python3
# help-labels.py SRCDIR: the help names only what the app shows. Every
# <gui> label of the English help must be a translatable string of the app
# (extracted from the files in po/POTFILES.in; mnemonics and a trailing
# ellipsis ignored), and each translated help (zh_CN, zh_TW: help/LINGUAS
# with a catalogue in po/) must use the app's translation of it
# (po/LANG.po). Labels listed in
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
    langs = [l.split('#', 1)[0].strip() for l in open(os.path.join(src, 'help/LINGUAS'), encoding='utf-8')]
    langs = [l for l in langs if l and os.path.exists(os.path.join(src, 'po', l + '.po'))]
    tr_app, tr_labels = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        app = app_strings(src, tmp)
        cdir = os.path.join(src, 'help/C')
        pages = [os.path.basename(p) for p in glob.glob(os.path.join(cdir, '*.page'))]
        for lang in langs:
            tr_app[lang] = {}
            for msgid, msgstr in po_entries(os.path.join(src, 'po', lang + '.po')):
                if msgstr:
                    tr_app[lang].setdefault(norm(msgid), set()).add(norm(msgstr))
            mo = os.path.join(tmp, lang + '.mo')
            out = os.path.join(tmp, lang)
            os.mkdir(out)
            subprocess.run(['msgfmt', '-o', mo, os.path.join(src, 'help', lang, lang + '.po')], check=True)
            subprocess.run(['itstool', '-m', mo, '-l', lang, '-o', out] + pages + ['legal.xml'],
                           cwd=cdir, check=True)
            tr_labels[lang] = set(gui_labels(glob.glob(os.path.join(out, '*.page'))))
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
        else:
            for lang in langs:
                if tr_app[lang].get(label) and not tr_app[lang][label] & tr_labels[lang]:
                    failures += 1
                    print('%s DIFFERS           %-40s app: %s' %
                          (lang, label, ' or '.join(sorted(tr_app[lang][label]))))
    for label in sorted(pending - set(labels)):
        failures += 1
        print('PENDING BUT NOT IN HELP %-40s remove it from help-labels-pending.txt' % label)
    print('%d labels in the help, %d pending, %d failures' % (len(labels), len(pending & set(labels)), failures))
    return 1 if failures else 0


sys.exit(main())
