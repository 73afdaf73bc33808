#!/bin/sh
# check-merged-translations.sh DESKTOP METAINFO: the built desktop file and
# metainfo carry the zh_CN translations from po/ (i18n.merge_file ran with
# the catalogue, and the strings in the .in files match the catalogue's).
set -eu
desktop=$1
metainfo=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

grep -qx 'Name\[zh_CN\]=会诊' "$desktop" || fail "$desktop has no Name[zh_CN]=会诊"
for key in GenericName Comment Keywords; do
  grep -q "^$key\[zh_CN\]=" "$desktop" || fail "$desktop has no $key[zh_CN]"
done

grep -q '<name xml:lang="zh_CN">会诊</name>' "$metainfo" || fail "$metainfo has no zh_CN name"
grep -q '<summary xml:lang="zh_CN">' "$metainfo" || fail "$metainfo has no zh_CN summary"
# Every English paragraph, list item and caption has a zh_CN twin (no
# captions while the metainfo has no screenshots: data/screenshots/README.md).
for tag in p li caption; do
  en=$(grep -c "<$tag>" "$metainfo" || true)
  zh=$(grep -c "<$tag xml:lang=\"zh_CN\">" "$metainfo" || true)
  [ "$en" -gt 0 ] || [ "$tag" = caption ] || fail "$metainfo has no <$tag>"
  [ "$en" -eq "$zh" ] || fail "$metainfo: $en <$tag> in English but $zh in zh_CN"
done
echo "desktop file and metainfo carry zh_CN"
