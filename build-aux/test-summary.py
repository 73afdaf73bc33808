#!/usr/bin/python3
"""Prints one closing line for all the test runs given: meson's
testlog.json files, one JSON object per test. CI reads this line.
Above it, the end of each failed test's output, so that a CI log that
keeps only its tail still says why (the full logs stay in each build
directory's meson-logs/)."""
import json
import sys

TAIL_LINES = 40

counts = {"passed": 0, "failed": 0, "skipped": 0}
failures = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            test = json.loads(line)
            result = test["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                counts["passed"] += 1
            elif result == "SKIP":
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
                failures.append((path, test))

for path, test in failures:
    print(f"==== {test['name']} ({path}): {test['result']}, exit {test.get('returncode')}")
    for stream in ("stdout", "stderr"):
        lines = (test.get(stream) or "").splitlines()
        if lines:
            print(f"---- last {min(len(lines), TAIL_LINES)} lines of {stream}")
            print("\n".join(lines[-TAIL_LINES:]))
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
sys.exit(1 if counts["failed"] else 0)
