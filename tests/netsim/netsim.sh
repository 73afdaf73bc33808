#!/bin/bash
# netsim.sh: two peers in their own network namespaces (A, B) joined through
# hz-impair running in a relay namespace (R): the bad-network test bed.
#
#   netsim.sh [-n NAME] check                 exit 0 if usable, 77 and a reason if not
#   netsim.sh [-n NAME] up [--owner PID] [HZ-IMPAIR OPTIONS]   build it, print NAME
#   netsim.sh [-n NAME] exec A|B|R -- CMD...  run CMD inside a namespace
#   netsim.sh [-n NAME] addr A|B              the peer's IPv4 address
#   netsim.sh [-n NAME] set [a2b|b2a|both] rate=384kbit delay=75ms loss=3 queue=50
#   netsim.sh [-n NAME] cut [a2b|b2a|both]    drop everything (also in flight)
#   netsim.sh [-n NAME] restore [a2b|b2a|both]
#   netsim.sh [-n NAME] stats                 the relay's counters, one line per direction
#   netsim.sh [-n NAME] down                  stop the relay, delete everything
#   netsim.sh cleanup                         remove topologies whose owner died
#   netsim.sh run [HZ-IMPAIR OPTIONS] -- CMD  up, run CMD (NETSIM_NAME set), down
#
# NAME defaults to $NETSIM_NAME, else "hzn" + the caller's PID, so parallel
# tests never share one and a dead owner's leftovers can be recognised.
# The relay binary is $HZ_IMPAIR, else hz-impair beside this script or in PATH.
# It runs under SCHED_FIFO (--realtime) unless NETSIM_REALTIME=0.
set -u

NETSIM_SUBNET_A=10.201.0.1
NETSIM_SUBNET_B=10.201.0.2
MAC_A=02:48:5a:00:00:01
MAC_B=02:48:5a:00:00:02
IF_PEER=netsim0

die() { echo "netsim: $*" >&2; exit 1; }
skip() { echo "netsim: SKIP: $*" >&2; exit 77; }

rundir_base() {
  if [ -n "${HZ_NETSIM_RUNDIR:-}" ]; then echo "$HZ_NETSIM_RUNDIR"
  elif [ -w /run ]; then echo /run/hz-netsim
  else echo "${TMPDIR:-/tmp}/hz-netsim"; fi
}

find_impair() {
  if [ -n "${HZ_IMPAIR:-}" ]; then echo "$HZ_IMPAIR"; return; fi
  local here; here=$(dirname "$(readlink -f "$0")")
  if [ -x "$here/hz-impair" ]; then echo "$here/hz-impair"; return; fi
  command -v hz-impair || true
}

do_check() {
  [ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, AF_PACKET)"
  command -v ip >/dev/null || skip "ip (iproute2) is not installed"
  command -v ethtool >/dev/null || skip "ethtool is not installed (veth offloads must be off)"
  local probe="hznchk$$"
  if ! err=$(ip netns add "$probe" 2>&1); then
    skip "cannot create a network namespace: $err"
  fi
  if ! err=$(ip -n "$probe" link add c0 type veth peer name c1 2>&1); then
    ip netns del "$probe" 2>/dev/null
    skip "cannot create a veth pair: $err"
  fi
  ip netns del "$probe"
  local relay; relay=$(find_impair)
  [ -n "$relay" ] && [ -x "$relay" ] || die "hz-impair not found (set HZ_IMPAIR)"
}

ns() { echo "$NAME-$(echo "$1" | tr 'ABR' 'abr')"; }

# A zombie counts as gone: our init may reap orphans late.
pid_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

relay_alive() {
  local pid
  pid=$(cat "$RUN/relay.pid" 2>/dev/null) || return 1
  pid_alive "$pid"
}

# Commands are applied in order, so the stats file that follows them proves
# they were applied: set/cut/restore return only once in effect.
control() {
  relay_alive || die "no relay running for $NAME"
  local done_file="$RUN/done.$$.$RANDOM"
  # Opened read-write: opening a FIFO write-only blocks for ever if the
  # relay exits just now, and the loop below notices that instead.
  exec 3<>"$RUN/control" || die "cannot open $RUN/control"
  printf '%s\nstats %s\n' "$1" "$done_file" >&3
  exec 3>&-
  for _ in $(seq 500); do
    if [ -e "$done_file" ]; then
      if grep -q '^error: ' "$done_file"; then
        sed -n 's/^error: /netsim: /p' "$done_file" >&2
        rm -f "$done_file"
        exit 1
      fi
      [ "${2:-}" = print ] && cat "$done_file"
      rm -f "$done_file"
      return 0
    fi
    relay_alive || die "the relay of $NAME exited"
    sleep 0.01
  done
  die "relay did not answer '$1'"
}

kill_ns_pids() {
  local n=$1 pids
  pids=$(ip netns pids "$n" 2>/dev/null) || return 0
  [ -n "$pids" ] || return 0
  kill -TERM $pids 2>/dev/null
  for _ in $(seq 50); do
    pids=$(ip netns pids "$n" 2>/dev/null)
    [ -n "$pids" ] || return 0
    sleep 0.05
  done
  kill -KILL $pids 2>/dev/null
}

do_down() {
  local pid status=0
  pid=$(cat "$RUN/relay.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && pid_alive "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 100); do pid_alive "$pid" || break; sleep 0.02; done
  elif [ -n "$pid" ] && ! grep -q '^hz-impair: owner .* exited' "$RUN/relay.log" 2>/dev/null; then
    # A relay that died under a test invalidates what the test measured.
    echo "netsim: the relay of $NAME had died before down:" >&2
    tail -n 5 "$RUN/relay.log" >&2
    status=1
  fi
  # Whatever the test left running inside goes with the namespaces.
  for side in A B R; do kill_ns_pids "$(ns $side)"; done
  for side in A B R; do ip netns del "$(ns $side)" 2>/dev/null; done
  if [ -f "$RUN/relay.log" ]; then
    sed -n '/^hz-impair: exit/,$p' "$RUN/relay.log" | grep -v '^hz-impair: exit'
  fi
  rm -rf "$RUN"
  return $status
}

do_cleanup() {
  local base r owner name
  base=$(rundir_base)
  for r in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^hzn.*-r$'); do
    name=${r%-r}
    owner=$(cat "$base/$name/owner" 2>/dev/null || echo "${name#hzn}")
    case $owner in ''|*[!0-9]*) continue ;; esac
    if ! pid_alive "$owner"; then
      echo "netsim: removing stale $name (owner $owner is gone)" >&2
      NAME=$name RUN=$base/$name do_down >/dev/null 2>&1
    fi
  done
}

do_up() {
  local owner=$PPID relay
  if [ "${1:-}" = --owner ]; then owner=$2; shift 2; fi
  [ -z "$NAME_GIVEN" ] && NAME="hzn$owner"
  RUN=$(rundir_base)/$NAME
  [ ${#NAME} -le 32 ] || die "name $NAME is longer than 32 characters"
  do_check
  do_cleanup
  ip netns list | grep -q "^$NAME-r\b" && die "$NAME already exists (netsim.sh -n $NAME down)"
  relay=$(find_impair)
  mkdir -p -m 0700 "$RUN" || die "cannot create $RUN"
  echo "$owner" > "$RUN/owner"

  set -e
  trap 'echo "netsim: set-up failed, tearing down" >&2; do_down >/dev/null' ERR
  for side in A B R; do
    ip netns add "$(ns $side)"
    # No IPv6: router solicitations and MLD reports would be relayed and
    # counted, and DAD would delay the first packets.
    ip netns exec "$(ns $side)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1
    ip -n "$(ns $side)" link set lo up
  done
  ip -n "$(ns R)" link add to-a type veth peer name $IF_PEER netns "$(ns A)"
  ip -n "$(ns R)" link add to-b type veth peer name $IF_PEER netns "$(ns B)"
  ip -n "$(ns A)" link set $IF_PEER address $MAC_A
  ip -n "$(ns B)" link set $IF_PEER address $MAC_B
  # Without this the relayed frames carry checksums the sender's stack left
  # for a NIC to finish, and the far side drops them.
  for pair in "A $IF_PEER" "B $IF_PEER" "R to-a" "R to-b"; do
    set -- $pair
    ip netns exec "$(ns $1)" ethtool -K "$2" tx off rx off gso off tso off gro off >/dev/null
  done
  ip -n "$(ns A)" addr add $NETSIM_SUBNET_A/24 dev $IF_PEER
  ip -n "$(ns B)" addr add $NETSIM_SUBNET_B/24 dev $IF_PEER
  # Fixed neighbours: ARP through a lossy link would add random seconds.
  ip -n "$(ns A)" neigh replace $NETSIM_SUBNET_B lladdr $MAC_B dev $IF_PEER nud permanent
  ip -n "$(ns B)" neigh replace $NETSIM_SUBNET_A lladdr $MAC_A dev $IF_PEER nud permanent
  for pair in "A $IF_PEER" "B $IF_PEER" "R to-a" "R to-b"; do
    set -- $pair
    ip -n "$(ns $1)" link set "$2" up
  done
  set +e
  trap - ERR
}

start_relay() {
  local relay owner
  relay=$(find_impair)
  owner=$(cat "$RUN/owner")
  local rt=--realtime
  [ "${NETSIM_REALTIME:-1}" = 0 ] && rt=
  setsid ip netns exec "$(ns R)" "$relay" --if-a to-a --if-b to-b $rt \
    --control "$RUN/control" --pidfile "$RUN/relay.pid" --owner "$owner" "$@" \
    </dev/null >"$RUN/relay.log" 2>&1 &
  for _ in $(seq 250); do
    [ -s "$RUN/relay.pid" ] && return 0
    kill -0 $! 2>/dev/null || break
    sleep 0.02
  done
  cat "$RUN/relay.log" >&2
  do_down >/dev/null
  die "hz-impair did not start"
}

NAME_GIVEN=
if [ "${1:-}" = -n ]; then NAME=$2; NAME_GIVEN=1; shift 2
elif [ -n "${NETSIM_NAME:-}" ]; then NAME=$NETSIM_NAME; NAME_GIVEN=1
else NAME="hzn$PPID"; fi
cmd=${1:-}; [ $# -gt 0 ] && shift
RUN=$(rundir_base)/$NAME

case $cmd in
  check) do_check ;;
  up)
    owner_args=()
    if [ "${1:-}" = --owner ]; then owner_args=(--owner "$2"); shift 2; fi
    do_up "${owner_args[@]}"
    RUN=$(rundir_base)/$NAME
    start_relay "$@"
    echo "$NAME"
    ;;
  exec)
    side=${1:-}; shift || true
    [ "${1:-}" = -- ] && shift
    case $side in A|B|R) ;; *) die "exec A|B|R -- CMD" ;; esac
    [ $# -gt 0 ] || die "exec $side -- CMD"
    exec ip netns exec "$(ns "$side")" "$@"
    ;;
  addr)
    case ${1:-} in A) echo $NETSIM_SUBNET_A ;; B) echo $NETSIM_SUBNET_B ;; *) die "addr A|B" ;; esac
    ;;
  set) control "set $*" ;;
  cut) control "cut ${1:-both}" ;;
  restore) control "restore ${1:-both}" ;;
  stats) control "" print ;;
  down) do_down ;;
  cleanup) do_cleanup ;;
  run)
    args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    [ $# -gt 0 ] || die "run [OPTIONS] -- CMD"
    [ -z "$NAME_GIVEN" ] && NAME="hzn$$"
    NAME_GIVEN=1
    RUN=$(rundir_base)/$NAME
    do_up --owner $$
    start_relay "${args[@]}"
    trap 'do_down >&2' EXIT
    trap 'exit 130' INT TERM
    NETSIM_NAME=$NAME "$@"
    status=$?
    exit $status
    ;;
  *) sed -n '2,20s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
