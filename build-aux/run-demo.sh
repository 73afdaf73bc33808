#!/bin/sh
# run-demo.sh BUILDDIR: the consult network on loopback — Orthanc with the
# fixture studies, huizhen-hub --demo, and two huizhen windows (the
# township doctor dr.zhou and the cardiologist dr.chen, each with a
# profile of their own). Everything it started is stopped when it ends
# (closing both windows, Ctrl+C, or a kill).
set -eu

build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
demo="$build/demo-run"
pids=""

cleanup() {
  trap - EXIT INT TERM
  for pid in $pids; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $pids; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rm -rf "$demo"
mkdir -p "$demo"
chmod 700 "$demo"

# Orthanc: loopback, authentication on, remote access off, UTF-8 names.
pacs_url=""
if [ -x /usr/sbin/Orthanc ] && [ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]; then
  port=$(free_port)
  password="demo-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  mkdir -p "$demo/orthanc"
  cat > "$demo/orthanc/orthanc.json" <<JSON
{
  "Name": "huizhen-demo-pacs",
  "StorageDirectory": "$demo/orthanc/storage",
  "IndexDirectory": "$demo/orthanc/index",
  "HttpPort": $port,
  "DicomServerEnabled": false,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": true,
  "RegisteredUsers": { "huizhen": "$password" },
  "DefaultEncoding": "Utf8",
  "Plugins": [ "/usr/share/orthanc/plugins/libOrthancDicomWeb.so" ],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
  /usr/sbin/Orthanc "$demo/orthanc/orthanc.json" > "$demo/orthanc/orthanc.log" 2>&1 &
  pids="$pids $!"
  tries=0
  until curl -sf -u "huizhen:$password" "http://127.0.0.1:$port/system" > /dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then
      echo "run-demo: Orthanc did not start; see $demo/orthanc/orthanc.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  n=0
  for f in $(find "$src/tests/data/dicom" -name '*.dcm' | sort); do
    curl -sf -u "huizhen:$password" -X POST -H 'Content-Type: application/dicom' \
      --data-binary "@$f" "http://127.0.0.1:$port/instances" > /dev/null && n=$((n + 1))
  done
  pacs_url="http://127.0.0.1:$port/dicom-web/"
  echo "Orthanc (PACS): $pacs_url with $n fixture instances (user huizhen, password $password)"
else
  echo "run-demo: Orthanc with its DICOMweb plugin is not installed; going on without a PACS" >&2
fi

# The hub, with the demo network and cases.
{
  echo "[pacs]"
  [ -n "$pacs_url" ] && echo "qingshan-thc=$pacs_url"
  [ -n "$pacs_url" ] && echo "county-hospital=$pacs_url"
} > "$demo/hub.conf"
mkdir -p "$demo/hub"
"$build/app/hub/huizhen-hub" --demo --listen 127.0.0.1:0 --data-dir "$demo/hub" \
  --config "$demo/hub.conf" > "$demo/hub.log" 2>&1 &
pids="$pids $!"
tries=0
until grep -q 'listening on' "$demo/hub.log" 2>/dev/null; do
  tries=$((tries + 1))
  if [ $tries -gt 100 ]; then
    echo "run-demo: the hub did not start; its log:" >&2
    cat "$demo/hub.log" >&2
    exit 1
  fi
  sleep 0.1
done
hub_url=$(sed -n 's/^huizhen-hub listening on //p' "$demo/hub.log" | head -n1)
echo "Hub: $hub_url (demo password huizhen-demo)"

# Two doctors, each with a profile of their own, signed in.
export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
export XDG_DATA_HOME="$demo/profiles"
export HUIZHEN_LOCALEDIR="$build/po"
# Calls use test pictures and tones unless a camera is asked for; the
# workspace reads the demo PACS with its credentials.
[ -n "${HUIZHEN_CAMERA:-}" ] || export HUIZHEN_TEST_SOURCES=1
if [ -n "$pacs_url" ]; then
  export HUIZHEN_PACS_USER=huizhen HUIZHEN_PACS_PASSWORD="$password"
fi
"$build/app/ui/huizhen" --profile zhou --hub "$hub_url" --demo-sign-in dr.zhou \
  --patient-folder "$src/data/demo/fhir" &
zhou=$!
pids="$pids $zhou"
"$build/app/ui/huizhen" --profile chen --hub "$hub_url" --demo-sign-in dr.chen &
chen=$!
pids="$pids $chen"
echo "Two windows: dr.zhou (青山镇卫生院) and dr.chen (cardiology). Close both, or press Ctrl+C, to stop."
wait "$zhou" 2>/dev/null || true
wait "$chen" 2>/dev/null || true
