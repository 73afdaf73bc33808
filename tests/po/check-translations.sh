#!/bin/sh
# check-translations.sh: every string marked for translation in the
# sources (C, GtkBuilder .ui, the desktop file, the metainfo, GSettings
# schemas) has a translation in every catalogue of po/LINGUAS, and the
# catalogues are well-formed.
set -eu
src=$1
cd "$src"
fail() { echo "FAIL: $*" >&2; exit 1; }

listed() { grep -qx "$1" po/POTFILES.in || fail "$1 has translatable strings but is not in po/POTFILES.in"; }

# Every file with marked strings is listed in POTFILES.in.
for f in $(grep -rlE '(^|[^A-Za-z_])(N?_|C_|NC_|ngettext|g_dngettext)\(' app --include='*.c' | sort); do
  listed "$f"
done
for f in $(grep -rl 'translatable="yes"' app --include='*.ui' | sort); do
  listed "$f"
done
for f in data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml; do
  [ -e "$f" ] && listed "$f"
done
# ... and every listed file exists.
grep -v '^#' po/POTFILES.in | sed '/^$/d' | while read -r f; do
  [ -e "$f" ] || fail "po/POTFILES.in lists $f, which does not exist"
done
# ... in sorted order (C locale), so merges do not fight over it.
grep -v '^#' po/POTFILES.in | sed '/^$/d' > "${TMPDIR:-/tmp}/potfiles.$$"
LC_ALL=C sort -c "${TMPDIR:-/tmp}/potfiles.$$" 2>/dev/null || { rm -f "${TMPDIR:-/tmp}/potfiles.$$"; fail "po/POTFILES.in is not sorted"; }
rm -f "${TMPDIR:-/tmp}/potfiles.$$"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' po/POTFILES.in | sed '/^$/d' > "$tmp/files"
grep -E '\.(c|h)$' "$tmp/files" > "$tmp/c-files" || true
grep -vE '\.(c|h)$' "$tmp/files" > "$tmp/other-files" || true

# C with the glib preset's keywords; the rest by their extension (.in is
# looked through), with gettext's ITS rules for .ui, metainfo and schemas.
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=ngettext:1,2 --keyword=g_dngettext:2,3 \
  --add-comments=TRANSLATORS -f "$tmp/c-files" -o "$tmp/huizhen.pot"
if [ -s "$tmp/other-files" ]; then
  xgettext --from-code=UTF-8 --add-comments=TRANSLATORS -j -f "$tmp/other-files" -o "$tmp/huizhen.pot"
  # A data file that yields no message was parsed as the wrong kind.
  for f in $(cat "$tmp/other-files"); do
    grep -q "^#: .*$f:" "$tmp/huizhen.pot" || fail "xgettext found no translatable string in $f"
  done
fi

# zh_TW is made from zh_CN by build-aux/make-zh-tw.py (OpenCC and an override
# table): it is checked against zh_CN below, once zh_CN is known complete.
derived=zh_TW
for lang in $(sed 's/#.*//' po/LINGUAS); do
  [ -f "po/$lang.po" ] || fail "po/LINGUAS names $lang but po/$lang.po is missing"
  case " $derived " in *" $lang "*) continue ;; esac
  msgfmt --check --statistics -o /dev/null "po/$lang.po" || fail "msgfmt --check complains about po/$lang.po"
  # msgcmp fails on any message missing from, untranslated or fuzzy in the catalogue.
  msgcmp "po/$lang.po" "$tmp/huizhen.pot" || fail "po/$lang.po lacks translations; run 'ninja -C build huizhen-update-po' and translate"
  # A fuzzy entry is not a translation, even where msgcmp lets it pass.
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "po/$lang.po" | grep -c '^msgid ' || true)
  [ "$fuzzy" -eq 0 ] || fail "po/$lang.po has $fuzzy fuzzy entries"
  echo "$lang: every translatable string is translated"
done
grep -qx 'zh_CN' po/LINGUAS || fail "po/LINGUAS must name zh_CN"
# zh_TW: msgfmt --check clean, a translation for every message zh_CN
# translates, made from the current zh_CN and override table; the message
# names the one command that regenerates it.
if grep -qx 'zh_TW' po/LINGUAS; then
  python3 build-aux/make-zh-tw.py --check po/zh_CN.po po/zh_TW.po || fail "po/zh_TW.po is not current"
fi
