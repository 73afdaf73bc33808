#!/bin/sh
# check-merged-translations.sh DESKTOP METAINFO: the built desktop file and
# metainfo carry the zh_CN and zh_TW translations from po/ (i18n.merge_file
# ran with the catalogues, and the strings in the .in files match theirs).
set -eu
desktop=$1
metainfo=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

for pair in zh_CN:会诊 zh_TW:會診; do
  lang=${pair%%:*}
  name=${pair#*:}
  grep -qx "Name\[$lang\]=$name" "$desktop" || fail "$desktop has no Name[$lang]=$name"
  for key in GenericName Comment Keywords; do
    grep -q "^$key\[$lang\]=" "$desktop" || fail "$desktop has no $key[$lang]"
  done

  grep -q "<name xml:lang=\"$lang\">$name</name>" "$metainfo" || fail "$metainfo has no $lang name"
  grep -q "<summary xml:lang=\"$lang\">" "$metainfo" || fail "$metainfo has no $lang summary"
  grep -q "<lang percentage=\"100\">$lang</lang>" "$metainfo" || fail "$metainfo does not list $lang in <languages>"
  # Every English paragraph, list item and caption has a twin in $lang
  # (no captions unless the build has -Dscreenshot_base_url).
  for tag in p li caption; do
    en=$(grep -c "<$tag>" "$metainfo" || true)
    tr=$(grep -c "<$tag xml:lang=\"$lang\">" "$metainfo" || true)
    [ "$en" -gt 0 ] || [ "$tag" = caption ] || fail "$metainfo has no <$tag>"
    [ "$en" -eq "$tr" ] || fail "$metainfo: $en <$tag> in English but $tr in $lang"
  done
  echo "$desktop and $metainfo carry $lang"
done
