#!/bin/sh
# Run each libFuzzer harness for a while, one after the other (the
# machine may be small and busy, hence nice): tests/fuzz/run.sh BUILD
# SECONDS HARNESS...  The corpus each grows is kept in BUILD/corpus/<name>
# (a longer run starts where the last stopped), the seeds in
# tests/fuzz/corpus/<name> are only read.  Any crash, leak, sanitizer
# report, timeout or failed property fails the run, with the input saved
# in BUILD/artifacts/ and the end of the log shown.  Prints the execs per
# harness.
set -u
build=$1
seconds=$2
shift 2
here=$(dirname "$0")
failed=0
total=0

mkdir -p "$build/artifacts" || exit 1
printf '%-14s %12s %9s  %s\n' harness execs exec/s result
for h in "$@"; do
	corpus=$build/corpus/$h
	log=$build/fuzz_$h.log
	mkdir -p "$corpus" || exit 1
	set -- -max_total_time="$seconds" -print_final_stats=1 \
	    -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	    -artifact_prefix="$build/artifacts/$h-"
	if [ -f "$here/$h.dict" ]; then
		set -- "$@" -dict="$here/$h.dict"
	fi
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1 \
	    nice -n 10 "$build/fuzz_$h" "$@" "$corpus" "$here/corpus/$h" \
	    >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc, log $log)"
		failed=1
	fi
	printf '%-14s %12s %9s  %s\n' "$h" "${execs:-?}" "${rate:-?}" \
	    "$result"
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$log" | sed 's/^/    /'
	fi
	total=$((total + ${execs:-0}))
done
echo "total: $total execs"
exit $failed
