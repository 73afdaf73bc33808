#!/bin/sh
# check-translations.sh: every string marked for translation in the
# sources has a zh_CN translation, and the catalogue is well-formed.
set -eu
src=$1
cd "$src"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every file with marked strings is listed in POTFILES.in.
for f in $(grep -rlE '(^|[^A-Za-z_])(N?_|C_|ngettext)\(' app --include='*.c' | sort); do
  grep -qx "$f" po/POTFILES.in || fail "$f has translatable strings but is not in po/POTFILES.in"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' po/POTFILES.in | sed '/^$/d' > "$tmp/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=ngettext:1,2 --keyword=g_dngettext:2,3 \
  --add-comments=TRANSLATORS -f "$tmp/files" -o "$tmp/huizhen.pot"

for lang in $(sed 's/#.*//' po/LINGUAS); do
  msgfmt --check --statistics -o /dev/null "po/$lang.po" || fail "msgfmt --check complains about po/$lang.po"
done
# msgcmp fails on any message missing from or untranslated (or fuzzy) in zh_CN.
msgcmp po/zh_CN.po "$tmp/huizhen.pot" || fail "po/zh_CN.po lacks translations; run 'ninja -C build huizhen-update-po' and translate"
echo "zh_CN: every translatable string is translated"
