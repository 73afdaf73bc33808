#!/bin/sh
# check-schemas.sh SRCDIR: every data/*.gschema.xml (with any
# *.enums.xml beside it) compiles with glib-compile-schemas --strict.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for f in "$src"/data/*.gschema.xml; do
  [ -e "$f" ] || continue
  xmllint --noout "$f"
  cp "$f" "$tmp/"
  echo "schema: ${f#"$src"/}"
  n=$((n + 1))
done
for f in "$src"/data/*.enums.xml; do
  [ -e "$f" ] && cp "$f" "$tmp/"
done
[ "$n" -gt 0 ] || { echo "FAIL: no data/*.gschema.xml" >&2; exit 1; }
glib-compile-schemas --strict --dry-run "$tmp"
echo "$n schema file(s) compile with --strict"
