#!/bin/sh
# test-hub-deploy.sh: the deployment files are usable.
#   config HUB CONF: the example configuration passes --check-config, and
#                    broken ones do not
#   unit HUB UNIT:   systemd-analyze verify accepts the unit (with
#                    ExecStart pointed at the built hub); exit 77 (skip)
#                    where systemd-analyze cannot run
set -u
mode=$1 hub=$2 file=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail () { echo "FAIL: $*"; exit 1; }

case $mode in
config)
  "$hub" --check-config "$file" || fail "the example configuration is refused"
  # what must not pass: a misspelt key, plain HTTP beyond loopback, a
  # certificate without its key, a PACS URL that is not one
  printf '[hub]\nlisten=127.0.0.1:8480\nlisen=0.0.0.0:80\n' > "$tmp/typo.conf"
  printf '[hub]\nlisten=0.0.0.0:8480\n' > "$tmp/plain.conf"
  printf '[tls]\ncertificate=/etc/x.pem\n' > "$tmp/half-tls.conf"
  printf '[pacs]\nqingshan-thc=ftp://pacs\n' > "$tmp/pacs.conf"
  for bad in typo plain half-tls pacs; do
    if "$hub" --check-config "$tmp/$bad.conf" 2> "$tmp/err"; then
      fail "$bad.conf was accepted"
    fi
    echo "refused $bad.conf: $(cat "$tmp/err")"
  done
  # the same configuration with a TLS proxy in front is fine
  printf '[hub]\nlisten=0.0.0.0:8480\nallow-insecure-http=true\n' > "$tmp/proxied.conf"
  "$hub" --check-config "$tmp/proxied.conf" || fail "allow-insecure-http=true was refused"
  ;;
unit)
  if ! command -v systemd-analyze > /dev/null; then
    echo "SKIP: systemd-analyze is not installed"; exit 77
  fi
  sed "s#^\(ExecStart[A-Za-z]*=\)[^ ]*huizhen-hub#\1$hub#" "$file" > "$tmp/huizhen-hub.service"
  if ! systemd-analyze verify "$tmp/huizhen-hub.service" > "$tmp/out" 2>&1; then
    cat "$tmp/out"
    # a container without systemd's runtime says so instead of judging the unit
    if grep -qiE 'Failed to (initialize|connect|create|set up)|Permission denied|not been booted' "$tmp/out"; then
      echo "SKIP: systemd-analyze cannot run here"; exit 77
    fi
    fail "systemd-analyze verify refused the unit"
  fi
  # it exits 0 on settings it ignores: any word from it is a fault
  if [ -s "$tmp/out" ]; then
    cat "$tmp/out"; fail "systemd-analyze warned about the unit"
  fi
  grep -q '^User=huizhen-hub' "$file" && grep -q '^ProtectSystem=strict' "$file" &&
    grep -q '^SystemCallFilter=@system-service' "$file" || fail "hardening options missing"
  ;;
*)
  fail "unknown mode $mode" ;;
esac
echo OK
