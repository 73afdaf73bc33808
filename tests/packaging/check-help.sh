#!/bin/sh
# check-help.sh SRCDIR: the Mallard help validates with yelp-check in
# English and in every translation in help/LINGUAS, has no broken links or
# orphan pages, lists every page in help/meson.build, and each
# translation is complete and up to date with the English pages.
set -eu
src=$1
cd "$src/help"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pages=$(ls C/*.page)
[ -n "$pages" ] || fail "no pages in help/C"
for p in $pages C/legal.xml; do
  grep -q "'$(basename "$p")'" meson.build || fail "help/meson.build does not list $(basename "$p")"
done
yelp-check validate $pages || fail "yelp-check validate failed on help/C"
out=$(yelp-check links $pages)
[ -z "$out" ] || fail "broken links: $out"
out=$(yelp-check orphans $pages)
[ -z "$out" ] || fail "orphan pages: $out"

itstool -o "$tmp/help.pot" $pages C/legal.xml
for lang in $(sed 's/#.*//' LINGUAS); do
  po=$lang/$lang.po
  [ -f "$po" ] || fail "help/LINGUAS names $lang but help/$po is missing"
  msgfmt --check --statistics -o "$tmp/$lang.mo" "$po" || fail "msgfmt --check complains about help/$po"
  # zh_TW is made from zh_CN (build-aux/make-zh-tw.py): current with it, or
  # the message names the command that remakes it.
  if [ "$lang" = zh_TW ]; then
    python3 ../build-aux/make-zh-tw.py --check zh_CN/zh_CN.po zh_TW/zh_TW.po || fail "help/$po is not current"
  fi
  msgcmp "$po" "$tmp/help.pot" || fail "help/$po lacks translations or is out of date with help/C; run 'ninja -C build help-cn.huizhen.Huizhen-update-po' and translate"
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
  [ "$fuzzy" -eq 0 ] || fail "help/$po has $fuzzy fuzzy entries"
  untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
  [ "$untranslated" -eq 0 ] || fail "help/$po has untranslated entries"
  mkdir -p "$tmp/$lang"
  (cd C && itstool -m "$tmp/$lang.mo" -l "$lang" -o "$tmp/$lang" $(for p in $pages; do basename "$p"; done) legal.xml)
  yelp-check validate "$tmp/$lang"/*.page || fail "yelp-check validate failed on the $lang pages"
  echo "$lang: $(ls "$tmp/$lang"/*.page | wc -l) pages translated and valid"
done
grep -qx 'zh_CN' LINGUAS || fail "help/LINGUAS must name zh_CN"
