#!/bin/sh
# run-under-xvfb.sh: runs a widget test on its own virtual X server (a
# fresh one each time, so tests may run in parallel), or on the display
# already given in WAYLAND_DISPLAY/DISPLAY when HUIZHEN_TEST_DISPLAY=keep.
set -e
if [ "$HUIZHEN_TEST_DISPLAY" = keep ] && [ -n "$DISPLAY$WAYLAND_DISPLAY" ]; then
  exec "$@"
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "xvfb-run is missing (Debian package xvfb)" >&2
  exit 1
fi
unset WAYLAND_DISPLAY
export GDK_BACKEND=x11
exec xvfb-run -a -s "-screen 0 1600x1200x24 -nolisten tcp" "$@"
