#!/bin/sh
# make-metainfo-in.sh APP_ID BASE_URL IN OUT: the metainfo template with the
# application ID put in and, when BASE_URL is given, the screenshot
# addresses under it; without BASE_URL the <screenshots> block is dropped
# (AppStream takes screenshots only as web addresses: see
# data/screenshots/README.md). data/meson.build checks BASE_URL first
# (https://, no characters sed or XML would take specially).
set -eu
app_id=$1
base=$2
in=$3
out=$4
if [ -n "$base" ]; then
  sed -e "s/@APP_ID@/$app_id/g" -e "s|@SCREENSHOT_BASE_URL@|$base|g" "$in" > "$out"
else
  sed -e "s/@APP_ID@/$app_id/g" -e '/<screenshots>/,/<\/screenshots>/d' "$in" > "$out"
fi
