#!/usr/bin/python3
"""Checks exported consultation-log lines with nothing but the standard
library: drop "hash", write the rest as canonical JSON, SHA-256 it.
docs/consult-log.md describes the form; this is what an auditor runs."""
import hashlib
import json
import sys


def canonical(value):
    # Our keys and numbers are such that sorted code points and Python's
    # shortest float repr agree with RFC 8785 ordering and number form.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def main(path):
    count = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            event = json.loads(line)
            stated = event.pop("hash")
            actual = hashlib.sha256(canonical(event).encode("utf-8")).hexdigest()
            if actual != stated:
                print(f"line {number}: hash {stated} but content hashes to {actual}")
                return 1
            count += 1
    print(f"{count} exported events hash correctly")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
