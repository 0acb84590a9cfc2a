#!/bin/sh
# run.sh: make fuzz — run each libFuzzer target for FUZZ_SECONDS, FUZZ_JOBS at
# a time; fail when any target crashes. Usage: run.sh NAME... (from make).
#   FUZZ_BIN    build dir holding fuzz_NAME (new corpus, logs, artifacts go here)
#   FUZZ_SEEDS  source dir holding the seed corpora NAME/ (only read)
set -u
: "${FUZZ_SECONDS:=60}" "${FUZZ_JOBS:=2}"
: "${FUZZ_BIN:?}" "${FUZZ_SEEDS:?}"

if [ "${1:-}" = --one ]; then
	n=$2
	corpus=$FUZZ_BIN/corpus/$n
	mkdir -p "$corpus" "$FUZZ_BIN/artifacts"
	log=$FUZZ_BIN/fuzz_$n.log
	# New inputs go to the build tree's corpus (first dir); the seeds
	# in the source tree are only read.
	"$FUZZ_BIN/fuzz_$n" -max_total_time="$FUZZ_SECONDS" \
	    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$FUZZ_BIN/artifacts/$n-" \
	    "$corpus" "$FUZZ_SEEDS/$n" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $n: ok, ${execs:-?} executions in" \
		    "${FUZZ_SECONDS}s, $cov"
		exit 0
	fi
	echo "fuzz $n: FAILED (exit $rc) after ${execs:-?} executions;" \
	    "log $log" >&2
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|artifact_prefix|Test unit written)' \
	    "$log" | head -n 20 >&2
	echo "  Add the input to $FUZZ_SEEDS/$n/ as a regression test" \
	    "(make check replays it) and fix the parser." >&2
	exit 1
fi

[ $# -gt 0 ] || { echo "run.sh: no targets" >&2; exit 2; }
echo "fuzz: $# targets, ${FUZZ_SECONDS}s each, $FUZZ_JOBS at a time"
# xargs -P runs FUZZ_JOBS at once and exits non-zero if any one failed.
printf '%s\n' "$@" | xargs -P "$FUZZ_JOBS" -I{} "${SHELL:-/bin/sh}" "$0" --one {}
rc=$?
[ "$rc" -eq 0 ] && echo "fuzz: no crash" || echo "fuzz: a target failed" >&2
exit "$rc"
