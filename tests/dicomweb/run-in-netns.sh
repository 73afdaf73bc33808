#!/bin/sh
# run-in-netns.sh: runs a test in a private network namespace with only lo
# up, so the Orthanc it starts (which listens on 0.0.0.0) is reachable from
# nowhere else. Falls back to the plain network, and says so, where user
# namespaces are not allowed.
if unshare -rn true 2>/dev/null; then
  HZ_TEST_NETNS=private exec unshare -rn sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
echo "# run-in-netns.sh: cannot make a private network namespace; running on plain loopback" >&2
HZ_TEST_NETNS=none exec "$@"
