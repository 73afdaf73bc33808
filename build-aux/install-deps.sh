#!/bin/sh
# Installs the Debian packages in debian-packages.txt that are missing, and
# the zh_CN.UTF-8 locale the Chinese checks use. Quick when nothing is.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
list="$here/debian-packages.txt"

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi

wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
missing=""
for pkg in $wanted; do
  if ! dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed; then
    missing="$missing $pkg"
  fi
done

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  echo "Generating the zh_CN.UTF-8 locale"
  if [ -f /etc/locale.gen ] && grep -q '^# *zh_CN.UTF-8' /etc/locale.gen; then
    $sudo sed -i 's/^# *\(zh_CN.UTF-8\)/\1/' /etc/locale.gen
    $sudo locale-gen >/dev/null
  else
    $sudo localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
  fi
fi
