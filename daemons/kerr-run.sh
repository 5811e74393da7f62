#!/bin/sh
# Run the whole of kerr in the foreground (what `make run` does): the three
# daemons on one config, their logs interleaved on this terminal.  Ctrl-C or
# SIGTERM stops all three; if any one dies, the others are stopped too, so
# no orphan is left behind.
#
# usage: kerr-run.sh BUILD_DIR CONFIG
set -u
build=${1:?usage: kerr-run.sh BUILD_DIR CONFIG}
conf=${2:?usage: kerr-run.sh BUILD_DIR CONFIG}

for d in apid schedulerd cleanerd; do
	"$build/kerr-$d" -n -c "$conf" 2>/dev/null || {
		"$build/kerr-$d" -n -c "$conf"
		exit 1
	}
done

pids=""
stop() {
	trap - INT TERM
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	wait
	echo "kerr: stopped"
	exit 0
}
trap stop INT TERM

for d in apid schedulerd cleanerd; do
	"$build/kerr-$d" -c "$conf" &
	pids="$pids $!"
done

port=$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$conf" | tail -n 1)
addr=$(sed -n 's/^[[:space:]]*listen_address[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$conf" | tail -n 1)
echo "kerr: API on http://${addr:-127.0.0.1}:${port:-5060}/singularity/v1 (config $conf); Ctrl-C stops"

# wait returns when a signal arrives (the trap then runs) or a child exits.
while :; do
	for p in $pids; do
		if ! kill -0 "$p" 2>/dev/null; then
			echo "kerr: a daemon exited; stopping the others" >&2
			stop
		fi
	done
	sleep 1 &
	wait $! 2>/dev/null
done
