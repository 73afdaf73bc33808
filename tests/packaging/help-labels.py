#!/usr/bin/env python3
# help-labels.py SRCDIR [BUILD_HELP_DIR]: a report for whoever merges the UI
# and the help: every <gui> label the English help names, whether the app
# has that string (po/zh_CN.po, mnemonics and a trailing ellipsis ignored),
# and whether the zh_CN help uses the app's zh_CN translation of it.
# Not a test: it prints, and exits 0. Run after `ninja -C build huizhen-pot`
# and msgmerge, so po/zh_CN.po holds every UI string.
import glob
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MAL = '{http://projectmallard.org/1.0/}'


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
    entries, cur, key = {}, {}, None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        m = re.match(r'^(msgctxt|msgid|msgstr) (".*")$', line)
        if m:
            if m.group(1) == 'msgid' and 'msgid' in cur:
                entries[cur['msgid']] = cur.get('msgstr', '')
                cur = {}
            key = m.group(1)
            cur[key] = eval(m.group(2))
        elif line.startswith('"') and key:
            cur[key] += eval(line)
        elif not line.strip() and 'msgid' in cur:
            entries[cur['msgid']] = cur.get('msgstr', '')
            cur, key = {}, None
    if 'msgid' in cur:
        entries[cur['msgid']] = cur.get('msgstr', '')
    return {norm(k): norm(v) for k, v in entries.items() if k}


def main():
    src = sys.argv[1]
    labels = gui_labels(sorted(glob.glob(os.path.join(src, 'help/C/*.page'))))
    app = po_entries(os.path.join(src, 'po/zh_CN.po'))
    with tempfile.TemporaryDirectory() as tmp:
        mo = os.path.join(tmp, 'zh_CN.mo')
        subprocess.run(['msgfmt', '-o', mo, os.path.join(src, 'help/zh_CN/zh_CN.po')], check=True)
        cdir = os.path.join(src, 'help/C')
        pages = [os.path.basename(p) for p in glob.glob(os.path.join(cdir, '*.page'))]
        subprocess.run(['itstool', '-m', mo, '-l', 'zh_CN', '-o', tmp] + pages + ['legal.xml'],
                       cwd=cdir, check=True)
        zh_labels = gui_labels(glob.glob(os.path.join(tmp, '*.page')))
    missing = []
    for label, where in sorted(labels.items()):
        if label not in app:
            missing.append(label)
            print('NOT IN THE APP   %-45s (%s)' % (label, ', '.join(sorted(where))))
        elif app[label] and app[label] not in zh_labels:
            print('zh_CN DIFFERS    %-45s app: %s' % (label, app[label]))
    print('%d labels in the help, %d not found in po/zh_CN.po' % (len(labels), len(missing)))


main()
