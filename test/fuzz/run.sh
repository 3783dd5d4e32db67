#!/bin/sh
# Fuzzes the native verdict and owned-address set under AddressSanitizer and UndefinedBehaviorSanitizer.
# Usage: test/fuzz/run.sh [runs]   (default 1000000). Exits non-zero on any finding.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
core="$root/src/native/core"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
  "$root/test/fuzz/fuzz_verdict.c" "$core/verdict.c" "$core/addrset.c" -lpthread -o "$work/fuzz_verdict"
mkdir "$work/corpus"
# -max_len 1600: a whole Ethernet frame plus room; findings are written to the work dir and printed.
status=0
"$work/fuzz_verdict" -runs="$runs" -max_len=1600 -seed=1 -artifact_prefix="$work/" "$work/corpus" \
  >"$work/log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  cat "$work/log"
  echo "fuzz: FAILED (exit $status)" >&2
  exit "$status"
fi
executions=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log")
echo "fuzz: ${executions:-?} executions, no findings"
[ -n "$executions" ] && [ "$executions" -ge "$runs" ]
