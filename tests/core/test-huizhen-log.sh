#!/bin/sh
# test-huizhen-log.sh: the auditors' command-line tool, run as they would.
set -eu

tool=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=$dir/log.db
fail() { echo "FAIL: $*" >&2; exit 1; }

"$tool" --db "$db" demo > "$dir/demo.out" || fail "demo exited $?"
grep -q "HZ-DEMO-0001" "$dir/demo.out" || fail "demo lists no consult"
grep -q "intact: 19 events" "$dir/demo.out" || fail "demo log not intact: $(cat "$dir/demo.out")"
"$tool" --db "$db" demo | grep -q "already holds" || fail "demo is not idempotent"

"$tool" --db "$db" verify > /dev/null || fail "verify of an intact log exited $?"

"$tool" --db "$db" show HZ-DEMO-0001 > "$dir/show.out"
grep -q "opinion.signed" "$dir/show.out" || fail "show lacks the opinion event"
grep -q "不稳定型心绞痛" "$dir/show.out" || fail "show lost the Chinese text"

# Every exported line hashes, by an independent implementation, to its hash.
"$tool" --db "$db" export HZ-DEMO-0001 > "$dir/export.jsonl"
[ "$(wc -l < "$dir/export.jsonl")" -eq 10 ] || fail "export has $(wc -l < "$dir/export.jsonl") lines, not 10"
/usr/bin/python3 "$(dirname "$0")/check-export-hashes.py" "$dir/export.jsonl" || fail "export hashes"

# In Chinese (HUIZHEN_LOCALEDIR points at the build's catalogues).
LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$tool" --db "$db" show HZ-DEMO-0001 > "$dir/show-zh.out"
grep -q "患者" "$dir/show-zh.out" || fail "no Chinese labels: $(head -3 "$dir/show-zh.out")"
grep -q "已出具意见" "$dir/show-zh.out" || fail "state not translated"
LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$tool" --db "$db" verify | grep -q "日志完整" || fail "verify not translated"

# Bad input: exit 2 with a message, nothing changed.
set +e
"$tool" --db "$dir/missing.db" verify 2> "$dir/err"; [ $? -eq 2 ] || fail "missing log: wrong status"
[ ! -e "$dir/missing.db" ] || fail "verify created a log"
head -c 5000 /dev/urandom > "$dir/junk.db"; cp "$dir/junk.db" "$dir/junk.orig"
"$tool" --db "$dir/junk.db" verify 2> "$dir/err"; [ $? -eq 2 ] || fail "junk file: wrong status"
grep -q "not a consultation log" "$dir/err" || fail "junk file: unclear message: $(cat "$dir/err")"
cmp -s "$dir/junk.db" "$dir/junk.orig" || fail "junk file was changed"
"$tool" --db "$db" frobnicate 2> /dev/null; [ $? -eq 2 ] || fail "unknown command: wrong status"
"$tool" --db "$db" show NO-SUCH 2> "$dir/err"; [ $? -eq 2 ] || fail "unknown consult: wrong status"
set -e

# Tampering with the sqlite3 shell: verify says where, and exits 1.
sqlite3 "$db" "DROP TRIGGER events_append_only_u; UPDATE events SET payload = '{\"by\":\"relative\",\"method\":\"verbal\"}' WHERE seq = 2;"
set +e
"$tool" --db "$db" verify > "$dir/verify.out"; status=$?
set -e
[ $status -eq 1 ] || fail "verify of a tampered log exited $status"
grep -q "position 2" "$dir/verify.out" || fail "verify did not name position 2: $(cat "$dir/verify.out")"
echo "huizhen-log: all checks passed"
