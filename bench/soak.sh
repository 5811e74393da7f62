#!/bin/bash
# make soak: kerr left running under load, to show that its daemons' memory
# and descriptors stay flat (not in CI: it takes a while).
#
# usage: bench/soak.sh [BUILD_DIR]
#
# Starts kerr on a temporary state directory with retention working hard
# (sandboxes kept 30 s, history 1 000 finished tasks per request, checks
# every 10 s), then SOAK_TASKS short tasks (default 100 000) as on-demand
# runs of `true`, in rounds of 4 000 over 4 fresh ON_DEMAND requests
# (deleted after their round), and a churn of SOAK_CHURN requests (default
# 1 000: created, deployed, deleted) spread over the rounds.  Each daemon's
# resident memory (VmRSS) and open descriptors (/proc/PID/fd) are sampled
# after the warm-up and at the end, once no task is
# active; the table says whether the end is within 10 % of the warm-up
# (the first tenth of the runs).
# Exits 0 when every figure is, 1 otherwise.  Every process it starts is
# ended on exit.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
TASKS=${SOAK_TASKS:-100000}
CHURN=${SOAK_CHURN:-1000}
ROUND=4000			# runs per round: 4 requests x 1 000
RATE=${SOAK_RATE:-200}		# runs per second asked for
KCLIENT=$BUILD/bench/kerr_client
WORK="" KPIDS="" PORT=""
SENT=0 CHURNED=0
declare -A KPID=() RSS0=() FD0=() RSS1=() FD1=()

say() { printf '[%5ss] %s\n' "$SECONDS" "$*" >&2; }

cleanup() {
	local rc=$? p
	trap - EXIT
	[ -n "$KPIDS" ] && kill -TERM $KPIDS 2>/dev/null
	sleep 1
	[ -n "$KPIDS" ] && kill -KILL $KPIDS 2>/dev/null
	# Supervisors and tasks of this run, by their working directory.
	if [ -n "$WORK" ]; then
		for p in $(find /proc -mindepth 2 -maxdepth 2 -name cwd \
		    -lname "$WORK/*" -printf '%h\n' 2>/dev/null | cut -d/ -f3); do
			kill -KILL "$p" 2>/dev/null
		done
		[ -n "${SOAK_KEEP:-}" ] && say "kept $WORK" || rm -rf "$WORK"
	fi
	exit $rc
}

build_client() {
	[ "$KCLIENT" -nt "$ROOT/bench/kerr_client.c" ] && return 0
	mkdir -p "$BUILD/bench"
	# shellcheck disable=SC2046
	cc -O2 -std=gnu11 -D_GNU_SOURCE -o "$KCLIENT" \
	    "$ROOT/bench/kerr_client.c" "$ROOT/bench/bench_util.c" \
	    $(pkg-config --cflags --libs jansson sqlite3) -lpthread
}

free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$(( 20000 + RANDOM % 10000 ))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	return 1
}

start_kerr() {
	local d
	PORT=$(free_port)
	cat > "$WORK/kerr.conf" <<-CONF
	[common]
	state_dir = $WORK/state
	runtime_dir = $WORK/run
	[apid]
	port = $PORT
	[cleanerd]
	retention_check_seconds = 10
	sandbox_keep_seconds = 30
	sandbox_removals_per_second = 400
	task_history_keep_per_request = 1000
	CONF
	for d in apid schedulerd cleanerd; do
		"$BUILD/kerr-$d" -c "$WORK/kerr.conf" >> "$WORK/$d.log" 2>&1 &
		KPID[$d]=$!
		KPIDS="$KPIDS $!"
	done
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$PORT/singularity/v1/state" \
		    > /dev/null && return 0
		sleep 0.1
	done
	say "kerr-apid did not answer (logs in $WORK)"
	return 1
}

api() {	# api METHOD PATH [BODY]
	curl -sf -X "$1" "http://127.0.0.1:$PORT/singularity/v1$2" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"} > /dev/null
}

# N requests created, deployed (one run of `true`) and deleted.
churn() {	# churn FIRST N
	local i id
	for i in $(seq "$1" $(( $1 + $2 - 1 ))); do
		id=$(printf 'churn-%06d' "$i")
		api POST /requests "{\"id\":\"$id\",\"requestType\":\"ON_DEMAND\"}" &&
		api POST "/requests/request/$id/deploy" \
		    "{\"id\":\"d1\",\"requestId\":\"$id\",\"command\":\"true\"}" &&
		api DELETE "/requests/request/$id" ||
		    say "churn: $id failed"
	done
}

# One round: ROUND runs over 4 fresh requests, then they are deleted.
round() {	# round K
	local prefix out n
	prefix=$(printf 'soak-%03d' "$1")
	out=$("$KCLIENT" "$PORT" runs "$WORK/state/kerr.db" "$prefix" 4 \
	    "$RATE" $(( ROUND * 1000 / RATE )) 120000 true 2>> "$WORK/client.log" |
	    grep '^BENCH')
	say "round $1: $(printf '%s\n' "$out" | tr ' ' '\n' |
	    grep -E '^(sent|replied|running|errors)=' | tr '\n' ' ')"
	n=$(printf '%s\n' "$out" | tr ' ' '\n' | sed -n 's/^replied=//p' |
	    head -n 1)
	if [ "${n:-0}" -eq 0 ]; then
		say "round $1: no run was answered (logs in $WORK)"
		exit 1
	fi
	SENT=$(( SENT + n ))
	for i in 0 1 2 3; do
		api DELETE "/requests/request/$prefix-$(printf '%06d' $i)"
	done
}

active_tasks() {
	sqlite3 "$WORK/state/kerr.db" "SELECT count(*) FROM tasks WHERE active = 1" 2>/dev/null
}

sample() {	# sample RSSVAR FDVAR
	local d rss fds
	for d in apid schedulerd cleanerd; do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${KPID[$d]}/status")
		fds=$(find "/proc/${KPID[$d]}/fd" -mindepth 1 -maxdepth 1 | wc -l)
		eval "$1[\$d]=\$rss; $2[\$d]=\$fds"
	done
}

# Each daemon's RSS now, for the log (how it moved along the run).
trace() {
	local d out=""
	for d in apid schedulerd cleanerd; do
		out="$out $d $(awk '/^VmRSS:/ { print $2 }' "/proc/${KPID[$d]}/status") kB"
	done
	say "rss:$out"
}

settle() {
	for _ in $(seq 1 300); do
		[ "$(active_tasks)" = 0 ] && break
		sleep 1
	done
	# A retention check and a few ticks with nothing to do.
	sleep 15
}

report() {
	local d ok=0 line
	printf '\n| daemon | RSS after warm-up | RSS at the end | change | fds after warm-up | fds at the end | within 10 %%? |\n'
	printf '|---|---:|---:|---:|---:|---:|---|\n'
	for d in apid schedulerd cleanerd; do
		line=$(awk -v r0="${RSS0[$d]}" -v r1="${RSS1[$d]}" \
		    -v f0="${FD0[$d]}" -v f1="${FD1[$d]}" -v d="$d" 'BEGIN {
			ch = (r1 - r0) * 100 / r0
			ok = (r1 <= r0 * 1.10 && f1 <= f0 * 1.10) ? "yes" : "no"
			printf "| kerr-%s | %.1f MiB | %.1f MiB | %+.1f %% | %d | %d | %s |",
			    d, r0 / 1024, r1 / 1024, ch, f0, f1, ok }')
		printf '%s\n' "$line"
		case $line in *"| no |") ok=1 ;; esac
	done
	return $ok
}

main() {
	local rounds k churn_per
	trap cleanup EXIT
	trap 'exit 130' INT TERM HUP
	build_client || exit 1
	WORK=$(mktemp -d /var/tmp/kerr-soak.XXXXXX) || exit 1
	chmod 755 "$WORK"
	start_kerr || exit 1
	rounds=$(( TASKS / ROUND ))
	[ "$rounds" -ge 2 ] || rounds=2
	churn_per=$(( (CHURN + rounds - 1) / rounds ))
	say "kerr on port $PORT, state in $WORK: $rounds rounds of $ROUND runs at $RATE/s, $churn_per churned requests per round"
	# Rounds until TASKS runs were answered (a busy machine sends fewer
	# than asked in a round's time) and CHURN requests churned.
	k=0
	while [ "$SENT" -lt "$TASKS" ] || [ "$CHURNED" -lt "$CHURN" ]; do
		[ "$SENT" -lt "$TASKS" ] && round "$k"
		if [ "$CHURNED" -lt "$CHURN" ]; then
			churn "$CHURNED" "$churn_per"
			CHURNED=$(( CHURNED + churn_per ))
		fi
		# Warm-up: the first tenth (at least a round), so the store's
		# caches have filled to their bounds.
		if [ -z "${RSS0[apid]:-}" ] &&
		    [ "$SENT" -ge $(( TASKS / 10 )) ]; then
			settle
			sample RSS0 FD0
			say "warm-up sampled after $SENT runs"
		fi
		trace
		k=$(( k + 1 ))
	done
	say "$SENT runs answered, $CHURNED requests churned"
	settle
	sample RSS1 FD1
	say "$(sqlite3 "$WORK/state/kerr.db" "SELECT count(*) FROM tasks") task rows, $(find "$WORK/state/tasks" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) sandboxes left; store $(( $(stat -c %s "$WORK/state/kerr.db") / 1048576 )) MiB"
	report
}

main
