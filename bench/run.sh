#!/bin/bash
# make bench: kerr measured against this machine's own ceilings, in one run.
#
# Why one script over 800 lines: one trap must end every process any phase
# started (kerr's daemons, supervisors and tasks, Slurm, wrk), whatever
# phase is running when Ctrl-C or a failure comes; its sections (helpers,
# cleanup, setup, ceilings, kerr, scale, Slurm, report) read top to bottom.
#
# usage: bench/run.sh [BUILD_DIR [PARTS]]  (what `make bench` runs)
#
# Builds the small C programs in bench/, measures the ceilings (libmicrohttpd,
# SQLite, raw task launch and kill), starts kerr on a temporary state
# directory and measures it (GETs, idle one-task latency, a 200-task burst
# and its pause, 2 000 concurrent tasks, sustained on-demand runs, POSTs,
# 1 M history rows), then a single-node Slurm as a peer, and writes
# bench/results/latest.md and latest.json.  Every run is bounded in time and
# requests and talks to 127.0.0.1 only; the whole takes about 5 minutes.
# Every process it starts is ended on exit, Ctrl-C or SIGTERM included.
#
# Environment:
#   KERR_BENCH_QUICK=1       short runs (a smoke test; the figures are noisy)
#   KERR_BENCH_ONLY=LIST     only some parts: ceilings,kerr,scale,purge,
#                            artifacts,logs,slurm (also as a second
#                            argument: bench/run.sh build purge); a partial
#                            run writes its table to results/<parts>.md
#                            and .json, not latest.* (logs alone: the
#                            task-output row, about 20 s)
#   KERR_BENCH_ART_BASE=REV  the build the artifacts part compares with
#   KERR_BENCH_DB_DIR=DIR    where the SQLite files go (default /var/tmp, a
#                            disk: durable writes only cost something there)
#   KERR_BENCH_KEEP=1        keep the temporary directories (daemon logs)
#   KERR_BENCH_RESULTS=DIR   write latest.md and latest.json there instead
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KCLIENT=$BUILD/bench/kerr_client
RESULTS=${KERR_BENCH_RESULTS:-$BENCH/results}
T_START=$(date +%s)
BUDGET_S=570			# stop starting optional parts past this

QUICK=${KERR_BENCH_QUICK:-}
ALL_PARTS=ceilings,kerr,scale,purge,artifacts,logs,slurm
ONLY=${2:-${KERR_BENCH_ONLY:-$ALL_PARTS}}
# A partial run keeps the full run's latest.md.
if [ "$ONLY" = "$ALL_PARTS" ]; then
	RESULT_NAME=latest
else
	RESULT_NAME=$(printf '%s' "$ONLY" | tr ',' '-')
fi
ART_BASE=${KERR_BENCH_ART_BASE:-034705a^}	# the last commit before artifacts
ART_ROUNDS=${KERR_BENCH_ART_ROUNDS:-3}	# before, this build, before, this build, ...
if [ -n "$QUICK" ]; then
	WRK_S=1; SHORT_MS=500; SCALE_ROWS=100000; SLURM_JOBS=20
	IDLE_N=10; MANY_N=200; MANY_IDLE_MS=3000; RUNS_MS=3000
	PURGE_MS=3000; LOG_MB=256; LOG_RUNS=1
else
	WRK_S=5; SHORT_MS=3000; SCALE_ROWS=1000000; SLURM_JOBS=200
	IDLE_N=50; MANY_N=2000; MANY_IDLE_MS=20000; RUNS_MS=20000
	PURGE_MS=15000
	LOG_MB=1024		# written by the task-output row's dd,
	LOG_RUNS=3		# best of this many
fi
IDLE_GAP_MS=100			# quiet before each idle deploy
RUNS_RATE=500			# on-demand runs per second, sustained
RUNS_REQS=4			# ON_DEMAND requests the runs go round-robin to
RUNS_CMD="sleep 1"		# what each run does
RSS_SUM_MAX_KB=24576		# the three daemons' peak RSS together
SUP_PRIVATE_MAX_KB=128		# a supervisor's private memory
N_REQ_GET=1000			# requests in the store for the GET figures
N_REQ_SCALE=10000		# requests in the store for the scale figures
DEPLOY_REQS=8			# kerr caps instances at 25 per request:
DEPLOY_INST=25			# 8 x 25 = 200 tasks deployed at once
HIST_REQS=100			# history rows go round-robin to this many
HIST_ID=bench-r-000042		# the request whose history is read
PURGE_ROWS=${KERR_BENCH_PURGE_ROWS:-}	# default: SCALE_ROWS
PURGE_WAIT_S=2400		# longest wait for the purge to finish

CHILD=""			# the foreground job, if any
PURGE_MODE=off			# the history purge in kerr's config
CEIL_PID=""
CG_DIR=""			# the cgroup ceiling's directory while it runs
KPIDS=""
declare -A KPID=() HWM=() FILEKB=()
MEM_PHASES=""			# "phase a/s/c MiB; ..." for the notes
SL_DIR="" SL_PIDS=""
WORK="" DBDIR=""
ROWS="" NOTES=""
CRASHED=""

have() { command -v "$1" >/dev/null 2>&1; }
want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }
elapsed() { echo $(( $(date +%s) - T_START )); }
say() { printf '[%4ss] %s\n' "$(elapsed)" "$*" >&2; }
note() { printf '%s\n' "$*" >> "$NOTES"; }

# kv 'BENCH a=1 b=2' b -> 2 ("" when absent)
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# row KEY LABEL KERR UNIT CEIL_LABEL CEIL TARGET_TEXT KIND LIMIT
#   KIND: none | ge | le (kerr vs LIMIT) | ratio_ge | ratio_le
#   (kerr/ceiling vs LIMIT) | le_ceil_plus (kerr <= ceiling + LIMIT)
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$ROWS"; }

# Runs a command in the background and waits for it, so a signal reaches
# the trap at once; its stdout goes to $1.
runw() {
	local out=$1 rc
	shift
	"$@" > "$out" 2>> "$WORK/logs/stderr.log" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=""
	return $rc
}

free_port() {
	local lo=32768 hi=60999 p i
	# Not from the ephemeral range: wrk's client sockets take those.
	read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	for i in $(seq 1 100); do
		if [ "$lo" -gt 12000 ]; then
			p=$(( 10000 + RANDOM % (lo - 10000) ))
		else
			p=$(( hi + 1 + RANDOM % (65535 - hi) ))
		fi
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# How busy the machine is with work not ours: % of all CPUs busy over
# 3 s of /proc/stat, while this script does nothing.
machine_busy() {
	local a b
	a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
	sleep 3
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
	    busy = y[1] - x[1]; idle = y[2] - x[2]
	    if (busy + idle > 0) printf "%.0f", busy * 100 / (busy + idle) }'
}

# CPU time of a process and its reaped children, in ms.
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, "")
	    printf "%.0f", ($12 + $13 + $14 + $15) * 1000 / hz }' \
	    "/proc/$1/stat" 2>/dev/null || echo 0
}

# per_req_us CPU0_MS CPU1_MS BENCH_LINE: CPU µs per request of that run.
per_req_us() {
	awk -v a="$1" -v b="$2" -v n="$(kv "$3" requests)" \
	    'BEGIN { if (n > 0) printf "%.0f", (b - a) * 1000 / n }'
}

# "apid schedulerd cleanerd" CPU ms so far.
kerr_cpu() {
	echo "$(cpu_ms "${KPID[apid]}") $(cpu_ms "${KPID[schedulerd]}")" \
	    "$(cpu_ms "${KPID[cleanerd]}")"
}

fstype() {
	{ findmnt -n -o FSTYPE -T "$1" 2>/dev/null || stat -f -c %T "$1"; } | head -n 1
}

# Percentile P of the numbers in FILE (one a line; nearest rank).
pctl() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 }
	    END { if (NR == 0) { print ""; exit } r = int(p / 100 * NR + 0.999999)
		  if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }'
}

# ---- cleanup: everything we started, and only that ----

# Pids of the processes whose command line or working directory lies under
# DIR: kerr's daemons, supervisors and tasks (cwd: the sandbox), Slurm's
# daemons, steps and jobs.  The pattern goes to grep through a file so
# that grep's own command line does not match.
pids_under() {
	local dir=$1
	{
		grep -laF -f <(printf '%s/\n' "$dir") /proc/[0-9]*/cmdline \
		    2>/dev/null | cut -d/ -f3
		find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$dir/*" \
		    -printf '%h\n' 2>/dev/null | cut -d/ -f3
	} | sort -u | grep -vx -e "$$" -e "$BASHPID"
}

# Kill them by pid, twice more in case one was forking meanwhile.
sweep_dir() {
	local dir=$1 pids
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	for _ in 1 2 3; do
		pids=$(pids_under "$dir")
		[ -n "$pids" ] || return 0
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
		sleep 0.2
	done
}

# The task process groups and supervisors kerr recorded, checked to be
# ours (the supervisor's command line names our config; the group leader
# works in one of our sandboxes) before the SIGKILL.
kerr_kill_tasks() {
	local pg sup args
	[ -n "$WORK" ] && [ -f "$DBDIR/kerr.db" ] || return 0
	sqlite3 "$DBDIR/kerr.db" "SELECT coalesce(task_pgid, 0),
	    coalesce(supervisor_pid, 0) FROM tasks WHERE task_pgid IS NOT NULL
	    OR supervisor_pid IS NOT NULL" 2>/dev/null |
	while IFS='|' read -r pg sup; do
		if [ "$sup" -gt 0 ] &&
		    { mapfile -d '' args < "/proc/$sup/cmdline"; } 2>/dev/null; then
			case "${args[*]}" in
			*"$WORK/"*) kill -9 "$sup" 2>/dev/null ;;
			esac
		fi
		[ "$pg" -gt 0 ] || continue
		case "$(readlink "/proc/$pg/cwd" 2>/dev/null)" in
		"$WORK"/*) kill -9 -- "-$pg" 2>/dev/null ;;
		esac
	done
	kerr_rm_cgroups
}

# A supervisor removes its task's cgroups as it leaves; one killed does
# not.  The empty cgroups of this run's tasks go (rmdir leaves any other).
kerr_rm_cgroups() {
	local id d
	[ "$(id -u)" = 0 ] && [ -f "$DBDIR/kerr.db" ] || return 0
	sleep 0.3
	sqlite3 "$DBDIR/kerr.db" "SELECT task_id FROM tasks WHERE
	    supervisor_pid IS NOT NULL" 2>/dev/null |
	while read -r id; do
		for d in /sys/fs/cgroup/memory/kerr /sys/fs/cgroup/cpu/kerr \
		    /sys/fs/cgroup/kerr; do
			[ -d "$d/$id" ] && rmdir "$d/$id" 2>/dev/null
		done
	done
	return 0
}

# stop_pids GRACE_S PID...: SIGTERM, up to GRACE_S for them to go, SIGKILL.
stop_pids() {
	local secs=$1 p st end alive
	shift
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	end=$(( SECONDS + secs ))
	while [ "$SECONDS" -lt "$end" ]; do
		alive=0
		for p in "$@"; do
			st=""
			{ read -r _ _ st _ < "/proc/$p/stat"; } 2>/dev/null
			case $st in "" | Z | X) ;; *) alive=1 ;; esac
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	kill -KILL "$@" 2>/dev/null
	wait "$@" 2>/dev/null
	return 0
}

cleanup() {
	local rc=$? logs
	trap '' INT TERM HUP
	trap - EXIT
	[ -n "$WORK" ] || exit $rc
	[ $rc = 0 ] || say "cleaning up"
	[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null
	[ -n "$CEIL_PID" ] && stop_pids 2 $CEIL_PID
	[ -n "$CG_DIR" ] && rmdir "$CG_DIR"/* "$CG_DIR" 2>/dev/null
	# shellcheck disable=SC2086
	[ -n "$KPIDS" ] && { kerr_hwm; stop_pids 2 $KPIDS; }
	kerr_kill_tasks
	slurm_stop > /dev/null 2>&1
	sweep_dir "$WORK"
	wait 2>/dev/null
	if [ -n "$CRASHED" ] && [ -z "${KERR_BENCH_KEEP:-}" ]; then
		logs=$(mktemp -d /var/tmp/kerr-bench-logs.XXXXXX) &&
		    cp -r "$WORK/logs/." "$logs/" &&
		    say "a daemon died: its logs are kept in $logs"
	fi
	if [ -n "${KERR_BENCH_KEEP:-}" ]; then
		say "kept $WORK and $DBDIR"
	else
		rm -rf "$WORK" "$DBDIR"
	fi
	[ $rc = 0 ] || say "cleaned up"
	exit $rc
}

# ---- setup ----

ensure_pkg() {		# ensure_pkg COMMAND PACKAGE...
	local cmd=$1
	shift
	have "$cmd" && return 0
	if [ "$(id -u)" != 0 ]; then
		note "- \`$cmd\` is not installed and this is not root: run \`sudo apt-get install $*\`; its figures are skipped."
		return 1
	fi
	say "installing $*"
	export DEBIAN_FRONTEND=noninteractive
	timeout 150 apt-get install -y -qq --no-install-recommends "$@" \
	    >> "$WORK/logs/apt.log" 2>&1 ||
	    { timeout 100 apt-get update -qq >> "$WORK/logs/apt.log" 2>&1 &&
	      timeout 150 apt-get install -y -qq --no-install-recommends "$@" \
	      >> "$WORK/logs/apt.log" 2>&1; }
	have "$cmd" || {
		note "- installing $* failed (see apt-get); its figures are skipped."
		return 1
	}
}

build_tools() {
	local cflags libs p
	cflags="-O2 -g -std=gnu11 -Wall -Wextra -Wstrict-prototypes
	    -Wmissing-prototypes -Wshadow -Wpointer-arith -Wcast-qual
	    -Wsign-compare -D_GNU_SOURCE"
	libs=$(pkg-config --cflags --libs libmicrohttpd jansson sqlite3)
	mkdir -p "$BUILD/bench"
	for p in ceil_http ceil_sqlite ceil_launch kerr_client; do
		if [ "$BUILD/bench/$p" -nt "$BENCH/$p.c" ] &&
		    [ "$BUILD/bench/$p" -nt "$BENCH/bench_util.c" ] &&
		    [ "$BUILD/bench/$p" -nt "$BENCH/bench_util.h" ]; then
			continue
		fi
		echo "  CC      bench/$p.c" >&2
		# shellcheck disable=SC2086
		cc $cflags -o "$BUILD/bench/$p" "$BENCH/$p.c" \
		    "$BENCH/bench_util.c" $libs -lpthread || return 1
	done
}

setup_dirs() {
	local shm=/dev/shm avail_kb
	[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
	WORK=$(mktemp -d "$shm/kerr-bench.XXXXXX") || exit 1
	chmod 755 "$WORK"
	DBDIR=$(mktemp -d "${KERR_BENCH_DB_DIR:-/var/tmp}/kerr-bench-db.XXXXXX") ||
	    exit 1
	mkdir -p "$WORK/logs" "$WORK/out" "$WORK/state" "$WORK/run"
	ROWS=$WORK/rows.tsv
	NOTES=$WORK/notes.txt
	: > "$ROWS"
	: > "$NOTES"
	avail_kb=$(df -Pk "$DBDIR" | awk 'NR == 2 { print $4 }')
	if [ "${avail_kb:-0}" -lt $(( SCALE_ROWS * 5 )) ]; then
		SCALE_ROWS=$(( avail_kb / 5 / 100000 * 100000 ))
		[ "$SCALE_ROWS" -gt 10000 ] || SCALE_ROWS=10000
		note "- only $(( avail_kb / 1024 )) MiB free under $DBDIR: the scale run stops at $SCALE_ROWS history rows."
	fi
}

# ---- ceilings ----

ceil_http_start() {	# ceil_http_start MODE [DB]; sets CEIL_PORT, CEIL_PID
	local i
	for _ in 1 2 3; do
		CEIL_PORT=$(free_port)
		"$BUILD/bench/ceil_http" serve "$CEIL_PORT" "$@" \
		    > "$WORK/out/ceil_http.ready" 2>> "$WORK/logs/stderr.log" &
		CEIL_PID=$!
		for i in $(seq 1 50); do
			grep -q ready "$WORK/out/ceil_http.ready" 2>/dev/null &&
			    return 0
			kill -0 "$CEIL_PID" 2>/dev/null || break
			sleep 0.1
		done
		ceil_http_stop
	done
	return 1
}

ceil_http_stop() {
	[ -n "$CEIL_PID" ] && stop_pids 2 "$CEIL_PID"
	CEIL_PID=""
}

wrk_run() {		# wrk_run OUTVAR CONNS THREADS URL
	local var=$1 c=$2 t=$3 url=$4 f=$WORK/out/wrk.$RANDOM
	runw "$f" wrk -t"$t" -c"$c" -d"${WRK_S}s" --timeout 5s \
	    -s "$BENCH/wrk_report.lua" "$url"
	printf -v "$var" '%s' "$(grep '^BENCH' "$f")"
	say "  wrk -c$c $url: $(kv "${!var}" rps) req/s p50 $(kv "${!var}" p50_us) us p99 $(kv "${!var}" p99_us) us"
}

ceilings_http() {
	[ -n "$HAVE_WRK" ] || return 0
	say "ceiling: libmicrohttpd, fixed 200-byte JSON"
	ceil_http_start fixed || { note "- the HTTP ceiling did not start."; return 0; }
	wrk_run C_FIXED_1 1 1 "http://127.0.0.1:$CEIL_PORT/"
	wrk_run C_FIXED_32 32 2 "http://127.0.0.1:$CEIL_PORT/"
	ceil_http_stop
	"$BUILD/bench/ceil_http" init "$DBDIR/ceil_http.db" "$N_REQ_GET" ||
	    return 0
	say "ceiling: + SQLite primary-key read + jansson"
	ceil_http_start get "$DBDIR/ceil_http.db" || return 0
	wrk_run C_GET_1 1 1 "http://127.0.0.1:$CEIL_PORT/bench-r-000500"
	local t0
	t0=$(cpu_ms "$CEIL_PID")
	wrk_run C_GET_32 32 2 "http://127.0.0.1:$CEIL_PORT/bench-r-000500"
	C_GET_CPU=$(per_req_us "$t0" "$(cpu_ms "$CEIL_PID")" "$C_GET_32")
	C_HWM=$(hwm_kb "$CEIL_PID")
	ceil_http_stop
	say "ceiling: + $N_REQ_GET rows read and dumped as one array"
	ceil_http_start list "$DBDIR/ceil_http.db" || return 0
	wrk_run C_LIST_1 1 1 "http://127.0.0.1:$CEIL_PORT/"
	wrk_run C_LIST_32 32 2 "http://127.0.0.1:$CEIL_PORT/"
	ceil_http_stop
}

ceilings_other() {
	local f=$WORK/out/ceil
	say "ceiling: SQLite WAL, one ~500-byte row per transaction"
	runw "$f" "$BUILD/bench/ceil_sqlite" "$DBDIR/ceil_full.db" full \
	    "$SHORT_MS" 100000
	C_SQL_FULL=$(grep '^BENCH' "$f")
	runw "$f" "$BUILD/bench/ceil_sqlite" "$DBDIR/ceil_normal.db" normal \
	    "$SHORT_MS" 400000
	C_SQL_NORMAL=$(grep '^BENCH' "$f")
	say "  FULL $(kv "$C_SQL_FULL" rate)/s, NORMAL $(kv "$C_SQL_NORMAL" rate)/s"
	say "ceiling: raw task launch (sandbox, files, setsid, posix_spawn)"
	mkdir -p "$WORK/launch1" "$WORK/launch2"
	runw "$f" "$BUILD/bench/ceil_launch" launch "$WORK/launch1" 1 \
	    "$SHORT_MS" 20000
	C_LAUNCH_1=$(grep '^BENCH' "$f")
	runw "$f" "$BUILD/bench/ceil_launch" launch "$WORK/launch2" 2 \
	    "$SHORT_MS" 20000
	C_LAUNCH_2=$(grep '^BENCH' "$f")
	say "  1 thread $(kv "$C_LAUNCH_1" rate)/s, 2 threads $(kv "$C_LAUNCH_2" rate)/s"
	say "ceiling: SIGTERM to $(( DEPLOY_REQS * DEPLOY_INST )) sh -c 'sleep 600' groups"
	runw "$f" "$BUILD/bench/ceil_launch" kill $(( DEPLOY_REQS * DEPLOY_INST ))
	C_KILL=$(grep '^BENCH' "$f")
	say "  all gone after $(kv "$C_KILL" all_gone_us) us"
	ceilings_cgroup
}

# The memory cgroup the supervisor would use (cgroup.c prefers v2 with
# memory delegated, else the v1 memory mount); empty when none.
cgroup_memory_root() {
	local r=/sys/fs/cgroup
	if grep -qw memory "$r/cgroup.controllers" 2>/dev/null &&
	    grep -qw memory "$r/cgroup.subtree_control" 2>/dev/null; then
		echo "$r"
	elif [ -w "$r/memory/memory.limit_in_bytes" ]; then
		echo "$r/memory"
	fi
}

ceilings_cgroup() {
	local f=$WORK/out/ceil root
	root=$(cgroup_memory_root)
	[ "$(id -u)" = 0 ] && [ -n "$root" ] || return 0
	CG_DIR=$root/kerr-bench-ceil.$$
	CG_KIND=$( [ "$root" = /sys/fs/cgroup ] && echo v2 || echo v1 )
	say "ceiling: a new process into a fresh memory cgroup ($CG_KIND), idle"
	runw "$f" "$BUILD/bench/ceil_launch" cgroup "$CG_DIR" 10 "$IDLE_GAP_MS"
	C_CGROUP=$(grep '^BENCH' "$f")
	CG_DIR=""
	say "  p50 $(kv "$C_CGROUP" p50_us) us, p99 $(kv "$C_CGROUP" p99_us) us"
}

# ---- kerr ----

kerr_conf() {
	KPORT=$(free_port)
	KCONF=$WORK/kerr.conf
	KDB=$DBDIR/kerr.db
	# Shipped defaults but for the places: sandboxes on tmpfs, the store on
	# a disk (synchronous=full as shipped), a free loopback port.
	cat > "$KCONF" <<-EOF
	[common]
	state_dir = $WORK/state
	runtime_dir = $WORK/run
	db_path = $KDB
	[apid]
	port = $KPORT
	EOF
	# The artifacts part runs an older build too, which knows no key
	# newer than itself: shipped defaults for both.
	[ -n "${ART_PLAIN:-}" ] && return 0
	# No history purge but in the purge run (kerr_conf_purge): the scale
	# run's rows are a month old and would go by the shipped defaults.
	printf '[cleanerd]\ntask_history_keep_days = %s\n' \
	    "$( [ "$PURGE_MODE" = on ] && echo 1 || echo 0)" >> "$KCONF"
	printf 'task_history_keep_per_request = 0\ndeploy_history_keep_per_request = 0\nrequest_history_keep_per_request = 0\n' >> "$KCONF"
}

kerr_start() {
	local d i
	for _ in 1 2 3; do
		KPIDS=""
		for d in apid schedulerd cleanerd; do
			"${KBIN:-$BUILD}/kerr-$d" -c "$KCONF" >> "$WORK/logs/$d.log" 2>&1 &
			KPIDS="$KPIDS $!"
			KPID[$d]=$!
		done
		for i in $(seq 1 100); do
			"$KCLIENT" "$KPORT" get \
			    /singularity/v1/state 1000 1 > /dev/null 2>&1 &&
			    return 0
			kill -0 "${KPID[apid]}" 2>/dev/null || break
			sleep 0.1
		done
		# Most likely the port was taken meanwhile: another one.
		kerr_stop
		kerr_conf
	done
	say "kerr-apid did not answer (logs in $WORK/logs)"
	return 1
}


# After a phase: a daemon that died is reported (exit status, last log
# lines) and kerr restarted, so the phases after it still measure kerr.
kerr_check() {		# kerr_check PHASE
	local d st dead=""
	for d in apid schedulerd cleanerd; do
		[ -n "${KPID[$d]:-}" ] || continue
		st=""
		{ read -r _ _ st _ < "/proc/${KPID[$d]}/stat"; } 2>/dev/null
		case $st in "" | Z | X) dead="$dead $d" ;; esac
	done
	[ -n "$dead" ] || return 0
	for d in $dead; do
		wait "${KPID[$d]}" 2>/dev/null
		st=$?
		say "kerr-$d died during $1 (wait status $st)"
		note "- **kerr-$d died during $1** (wait status $st$( [ "$st" -gt 128 ] && echo ", signal $(( st - 128 ))")); its last log lines: \`$(tail -n 3 "$WORK/logs/$d.log" | tr '\n`' ' ' | cut -c1-400)\`. kerr was restarted for the rest of the run."
		CRASHED=1
	done
	kerr_stop
	kerr_start
}
kerr_phase_end() {
	kerr_hwm
	kerr_mem_note "$1"
	kerr_check "$1"
}

# The daemons' peak RSS so far after each phase, for the notes; and the
# most of it that was mapped files (RssFile: binaries, shared libraries).
kerr_mem_note() {
	local d v
	for d in apid schedulerd cleanerd; do
		[ -n "${KPID[$d]:-}" ] || continue
		v=$(awk '/^RssFile:/ { print $2 }' "/proc/${KPID[$d]}/status" 2>/dev/null)
		[ -n "$v" ] && [ "$v" -gt "${FILEKB[$d]:-0}" ] && FILEKB[$d]=$v
	done
	MEM_PHASES="$MEM_PHASES${MEM_PHASES:+; }$1: $(awk -v a="${HWM[apid]:-0}" \
	    -v s="${HWM[schedulerd]:-0}" -v c="${HWM[cleanerd]:-0}" \
	    'BEGIN { printf "%.1f / %.1f / %.1f", a / 1024, s / 1024, c / 1024 }')"
}

# Peak RSS of each daemon, kept across restarts.
kerr_hwm() {
	local d v
	for d in apid schedulerd cleanerd; do
		[ -n "${KPID[$d]:-}" ] || continue
		v=$(hwm_kb "${KPID[$d]}")
		[ -n "$v" ] && [ "$v" -gt "${HWM[$d]:-0}" ] && HWM[$d]=$v
	done
	return 0
}

kerr_stop() {
	[ -n "$KPIDS" ] || return 0
	kerr_hwm
	# shellcheck disable=SC2086
	stop_pids 5 $KPIDS
	KPIDS=""
	KPID=()
}

kc() { "$KCLIENT" "$KPORT" "$@"; }

kerr_get() {
	local f=$WORK/out/kc
	say "kerr: $N_REQ_GET requests through POST /requests"
	runw "$f" "$KCLIENT" "$KPORT" post bench-r 8 60000 "$N_REQ_GET" 0
	[ "$(kv "$(grep '^BENCH' "$f")" requests)" = "$N_REQ_GET" ] ||
	    note "- seeding $N_REQ_GET requests fell short: $(cat "$f")"
	[ -n "$HAVE_WRK" ] || return 0
	say "kerr: GET /requests/request/{id} and GET /requests/active"
	local base=http://127.0.0.1:$KPORT/singularity/v1
	wrk_run K_GET_1 1 1 "$base/requests/request/bench-r-000500"
	local t0
	t0=$(cpu_ms "${KPID[apid]}")
	wrk_run K_GET_32 32 2 "$base/requests/request/bench-r-000500"
	K_GET_CPU=$(per_req_us "$t0" "$(cpu_ms "${KPID[apid]}")" "$K_GET_32")
	wrk_run K_LIST_1 1 1 "$base/requests/active"
	wrk_run K_LIST_32 32 2 "$base/requests/active"
	kerr_phase_end "the GET runs"
}

kerr_deploy_pause() {
	local f=$WORK/out/kc n=$(( DEPLOY_REQS * DEPLOY_INST ))
	local a0 s0 c0 a1 s1 c1 sc
	say "kerr: deploy $DEPLOY_REQS SERVICE requests x $DEPLOY_INST instances of sleep 600"
	read -r a0 s0 c0 <<< "$(kerr_cpu)"
	runw "$f" "$KCLIENT" "$KPORT" deploy "$KDB" bench-d "$DEPLOY_REQS" "$DEPLOY_INST" 60000
	K_DEPLOY=$(grep '^BENCH' "$f")
	read -r a1 s1 c1 <<< "$(kerr_cpu)"
	D_CPU="schedulerd $(( s1 - s0 )) ms (with the short-lived supervisor starters it reaps), apid $(( a1 - a0 )) ms, cleanerd $(( c1 - c0 )) ms, the supervisors $(kv "$K_DEPLOY" supervisor_cpu_ms) ms"
	sc=$(kv "$K_DEPLOY" supervisor_cpu_ms)
	D_CPU_TASK=$(( (s1 - s0 + a1 - a0 + c1 - c0 + ${sc:-0}) * 1000 / n ))
	[ "$(kv "$K_DEPLOY" tasks)" = "$n" ] ||
	    note "- Only $(kv "$K_DEPLOY" tasks) of $n tasks were TASK_RUNNING within 60 s of the deploys; the deploy figures cover those."
	say "  $(kv "$K_DEPLOY" tasks)/$n RUNNING, p50 $(kv "$K_DEPLOY" p50_us) us, p99 $(kv "$K_DEPLOY" p99_us) us, $(kv "$K_DEPLOY" launches_per_s) launches/s"
	# Where the time went, from kerr's own task_updates (ms resolution).
	sqlite3 "$KDB" "SELECT s.timestamp - l.timestamp,
	    r.timestamp - s.timestamp FROM tasks t
	    JOIN task_updates l ON l.task_id = t.task_id AND l.state = 'TASK_LAUNCHED'
	    JOIN task_updates s ON s.task_id = t.task_id AND s.state = 'TASK_STARTING'
	    JOIN task_updates r ON r.task_id = t.task_id AND r.state = 'TASK_RUNNING'
	    WHERE t.request_id LIKE 'bench-d-%'" 2>/dev/null |
	    tr '|' ' ' > "$WORK/out/phases"
	awk '{ print $1 }' "$WORK/out/phases" > "$WORK/out/ph_ls"
	awk '{ print $2 }' "$WORK/out/phases" > "$WORK/out/ph_sr"
	D_LS="$(pctl "$WORK/out/ph_ls" 50) / $(pctl "$WORK/out/ph_ls" 99)"
	D_SR="$(pctl "$WORK/out/ph_sr" 50) / $(pctl "$WORK/out/ph_sr" 99)"
	kerr_phase_end "the deploy"
	say "kerr: pause those $DEPLOY_REQS requests"
	read -r a0 s0 c0 <<< "$(kerr_cpu)"
	runw "$f" "$KCLIENT" "$KPORT" pause "$KDB" bench-d "$DEPLOY_REQS" 60000
	K_PAUSE=$(grep '^BENCH' "$f")
	read -r a1 s1 c1 <<< "$(kerr_cpu)"
	P_CPU="cleanerd $(( c1 - c0 )) ms, schedulerd $(( s1 - s0 )) ms, apid $(( a1 - a0 )) ms"
	say "  $(kv "$K_PAUSE" gone)/$(kv "$K_PAUSE" tasks) gone, p50 $(kv "$K_PAUSE" p50_us) us, max $(kv "$K_PAUSE" max_us) us"
	kerr_phase_end "the pause"
}

# Idle one-task latency: one deploy at a time, nothing else going on.
kerr_idle() {
	local f=$WORK/out/kc
	say "kerr: $IDLE_N one-instance deploys, one at a time"
	runw "$f" "$KCLIENT" "$KPORT" idle "$KDB" bench-i "$IDLE_N" \
	    "$IDLE_GAP_MS" 10000
	K_IDLE=$(grep '^BENCH' "$f")
	say "  reply -> RUNNING p50 $(kv "$K_IDLE" p50_us) us, p99 $(kv "$K_IDLE" p99_us) us; visible in the API p50 $(kv "$K_IDLE" visible_p50_us) us"
	[ "$(kv "$K_IDLE" deploys)" = "$IDLE_N" ] ||
	    note "- Only $(kv "$K_IDLE" deploys) of the $IDLE_N idle deploys reached TASK_RUNNING within 10 s: $(tail -n 2 "$WORK/logs/stderr.log" | tr '\n' ' ')"
	kerr_phase_end "the idle deploys"
}

# MANY_N concurrent sleep tasks: what a task costs, then what idling costs.
kerr_many() {
	local f=$WORK/out/kc
	say "kerr: $MANY_N runs of sleep 600 at once, then $(( MANY_IDLE_MS / 1000 )) s idle"
	runw "$f" "$KCLIENT" "$KPORT" many "$KDB" bench-m "$MANY_N" \
	    "$MANY_IDLE_MS" "${KPID[apid]}" "${KPID[schedulerd]}" \
	    "${KPID[cleanerd]}" 120000
	K_MANY=$(grep '^BENCH' "$f")
	say "  $(kv "$K_MANY" tasks)/$MANY_N running; supervisor private $(kv "$K_MANY" sup_private_kb) kB, Pss $(kv "$K_MANY" sup_pss_kb) kB; idle CPU apid $(kv "$K_MANY" apid_idle_us) us, schedulerd $(kv "$K_MANY" schedulerd_idle_us) us, cleanerd $(kv "$K_MANY" cleanerd_idle_us) us"
	[ "$(kv "$K_MANY" tasks)" = "$MANY_N" ] ||
	    note "- Only $(kv "$K_MANY" tasks) of the $MANY_N runs of \`sleep 600\` were running when their memory was read."
	kerr_phase_end "the $MANY_N concurrent tasks"
}

# On-demand runs at RUNS_RATE per second for RUNS_MS.
# "BYTES SECONDS" of dd's closing line in file $1 ("" when none).
dd_figures() {
	sed -n 's/^\([0-9]*\) bytes .* copied, \([0-9.e-]*\) s,.*/\1 \2/p' "$1" |
	    tail -n 1
}
dd_mb_per_s() {
	awk -v b="${1%% *}" -v s="${1##* }" \
	    'BEGIN { if (s > 0) printf "%.0f", b / s / 1e6 }'
}

# A task writing its stdout as fast as it can, through its supervisor's
# pipe, splice and rotation (task_log_max_mb as shipped, 100), against
# the same dd writing a plain file on the same filesystem, in turns, the
# best of LOG_RUNS each (others' work on the machine only ever slows a
# run down).  dd's own figure: the task's throughput, what rotation must
# not take from it.
logs_plain() {		# logs_plain FILE: dd's closing line into FILE
	mkdir -p "$WORK/plain"
	dd if=/dev/zero of="$WORK/plain/stdout" bs=64k count=$(( LOG_MB * 16 )) 2> "$1"
	rm -f "$WORK/plain/stdout"
}
logs_task() {		# logs_task ID: the task's dd figures; "" on failure
	local api=http://127.0.0.1:$KPORT/singularity/v1 stderr="" i
	curl -sf -XPOST "$api/requests" -H 'Content-Type: application/json' \
	    -d "{\"id\":\"$1\",\"requestType\":\"RUN_ONCE\"}" > /dev/null &&
	curl -sf -XPOST "$api/deploys" -H 'Content-Type: application/json' \
	    -d "{\"deploy\":{\"requestId\":\"$1\",\"id\":\"d1\",
	    \"command\":\"dd if=/dev/zero bs=64k count=$(( LOG_MB * 16 ))\"}}" \
	    > /dev/null || return 0
	for i in $(seq 1 1200); do
		stderr=$(grep -l ' copied, ' "$WORK"/state/tasks/"$1"-*/stderr 2>/dev/null | head -n 1)
		[ -n "$stderr" ] && break
		sleep 0.1
	done
	[ -n "$stderr" ] || return 0
	dd_figures "$stderr"
}
# Of "BYTES SECONDS" figures, the one of the highest rate.
logs_best() {
	printf '%s\n' "$@" | awk 'NF == 2 && $2 > 0 && $1 / $2 > best {
	    best = $1 / $2; line = $0 } END { print line }'
}
kerr_logs() {
	local f=$WORK/out/dd r c k cs="" ks=""
	ensure_pkg curl curl || { say "task output: no curl, skipped"; return 0; }
	say "task output: dd of $LOG_MB MiB in 64 KiB writes, to a plain file and as a kerr task, $LOG_RUNS times each"
	for r in $(seq 1 "$LOG_RUNS"); do
		logs_plain "$f"
		c=$(dd_figures "$f")
		k=$(logs_task "bench-logs-$r")
		say "  plain $(dd_mb_per_s "$c") MB/s, through kerr-supervisor $(dd_mb_per_s "${k:-0 0}") MB/s"
		cs="$cs${cs:+;}$c" ks="$ks${ks:+;}$k"
		LOGS_ALL="${LOGS_ALL:-}${LOGS_ALL:+, }$(dd_mb_per_s "$c") / $(dd_mb_per_s "${k:-0 0}")"
	done
	C_LOGS=$(IFS=';'; logs_best $cs)
	K_LOGS=$(IFS=';'; logs_best $ks)
	K_LOGS_FILES=$(ls "$WORK"/state/tasks/bench-logs-"$LOG_RUNS"-*/ 2>/dev/null |
	    grep -c '^stdout')
	rm -f "$WORK"/state/tasks/bench-logs-*/stdout*
	[ -n "$K_LOGS" ] || say "  no kerr task finished"
}

kerr_sustained() {
	local f=$WORK/out/kc a0 s0 c0 a1 s1 c1 n
	say "kerr: on-demand runs at $RUNS_RATE/s for $(( RUNS_MS / 1000 )) s ($RUNS_CMD)"
	read -r a0 s0 c0 <<< "$(kerr_cpu)"
	runw "$f" "$KCLIENT" "$KPORT" runs "$KDB" bench-s "$RUNS_REQS" \
	    "$RUNS_RATE" "$RUNS_MS" 30000 "$RUNS_CMD"
	K_RUNS=$(grep '^BENCH' "$f")
	read -r a1 s1 c1 <<< "$(kerr_cpu)"
	n=$(kv "$K_RUNS" running)
	if [ "${n:-0}" -gt 0 ]; then
		R_CPU="apid $(( (a1 - a0) * 1000 / n )) µs, schedulerd $(( (s1 - s0) * 1000 / n )) µs (with the supervisors and tasks it reaped), cleanerd $(( (c1 - c0) * 1000 / n )) µs"
		R_CPU_SUM=$(( (a1 - a0 + s1 - s0 + c1 - c0) * 1000 / n ))
	fi
	say "  $(kv "$K_RUNS" running)/$(kv "$K_RUNS" runs) RUNNING, sent $(kv "$K_RUNS" sent_per_s)/s, p50 $(kv "$K_RUNS" p50_us) us, p99 $(kv "$K_RUNS" p99_us) us, backlog $(kv "$K_RUNS" backlog_first) -> $(kv "$K_RUNS" backlog_last)"
	# The last runs end a second later: let them, so the next phase
	# starts quiet.
	sleep 2
	kerr_phase_end "the sustained runs"
}

kerr_post() {
	local f=$WORK/out/kc have left start=0
	local a0 s0 c0 a1 s1 c1 n
	have=$(sqlite3 "$KDB" "SELECT count(*) FROM requests")
	left=$(( N_REQ_SCALE - have ))
	say "kerr: POST /requests, 8 clients (at most $left requests or $(( SHORT_MS * 5 / 3 )) ms)"
	read -r a0 s0 c0 <<< "$(kerr_cpu)"
	runw "$f" "$KCLIENT" "$KPORT" post bench-p 8 $(( SHORT_MS * 5 / 3 )) "$left" 0
	K_POST=$(grep '^BENCH' "$f")
	read -r a1 s1 c1 <<< "$(kerr_cpu)"
	n=$(kv "$K_POST" requests)
	[ "${n:-0}" -gt 0 ] &&
	    POST_CPU="apid $(( (a1 - a0) * 1000 / n )) µs, schedulerd $(( (s1 - s0) * 1000 / n )) µs, cleanerd $(( (c1 - c0) * 1000 / n )) µs"
	say "  $(kv "$K_POST" rps) req/s, p50 $(kv "$K_POST" p50_us) us, p99 $(kv "$K_POST" p99_us) us, errors $(kv "$K_POST" errors)"
	kerr_phase_end "the POST run"
	# Top the store up to exactly N_REQ_SCALE requests for the scale run.
	for _ in 1 2 3; do
		have=$(sqlite3 "$KDB" "SELECT count(*) FROM requests")
		left=$(( N_REQ_SCALE - have ))
		[ "$left" -gt 0 ] || break
		start=$(( start + 1000000 ))
		runw "$f" "$KCLIENT" "$KPORT" post bench-p 8 60000 "$left" "$start"
	done
	kerr_phase_end "the top-up to $N_REQ_SCALE requests"
}

# load_history FROM TO: history rows [FROM, TO) straight into the store.
load_history() {
	{
		printf ".parameter set @tid '%s'\n" "$HIST_TPL"
		printf ".parameter set @from %d\n.parameter set @to %d\n" "$1" "$2"
		printf ".parameter set @nreq %d\n" "$HIST_REQS"
		cat "$BENCH/load_history.sql"
	} | sqlite3 -bail "$KDB" > /dev/null 2>> "$WORK/logs/stderr.log"
}

scale_measure() {	# scale_measure SUFFIX
	local f=$WORK/out/kc sfx=$1 p i=0 line
	for p in "/singularity/v1/requests/active?property=request.id" \
	    "/singularity/v1/history/request/$HIST_ID/tasks?count=100" \
	    "/singularity/v1/state" \
	    "/singularity/v1/history/tasks?requestId=$HIST_ID"; do
		i=$(( i + 1 ))
		kc get "$p" 2000 5 > /dev/null 2>&1	# warm the caches
		runw "$f" "$KCLIENT" "$KPORT" get "$p" "$SHORT_MS" 300
		line=$(grep '^BENCH' "$f")
		printf -v "K_SCALE_${i}_$sfx" '%s' "$line"
		say "  $p: p50 $(kv "$line" p50_us) us p99 $(kv "$line" p99_us) us"
	done
}

kerr_scale() {
	local t0
	HIST_TPL=$(sqlite3 "$KDB" "SELECT task_id FROM tasks WHERE request_id =
	    'bench-d-000000' AND active = 0 AND state = 'TASK_KILLED'
	    ORDER BY instance_no LIMIT 1")
	if [ -z "$HIST_TPL" ]; then
		note "- no finished task to copy history rows from: the scale run is skipped."
		return 0
	fi
	N_REQ_NOW=$(sqlite3 "$KDB" "SELECT count(*) FROM requests")
	kerr_stop
	load_history 0 10000 || { note "- loading history failed"; return 0; }
	kerr_start || return 0
	say "kerr: scale, $N_REQ_NOW requests and 10 000 history rows"
	scale_measure 10k
	kerr_phase_end "the scale run at 10 000 rows"
	kerr_stop
	if [ "$SCALE_ROWS" -le 10000 ] || [ "$(elapsed)" -gt $(( BUDGET_S - 240 )) ]; then
		note "- The scale run stopped at 10 000 history rows (too little disk or time left for $SCALE_ROWS)."
		return 0
	fi
	say "loading history up to $SCALE_ROWS rows (daemons stopped)"
	t0=$(date +%s)
	load_history 10000 "$SCALE_ROWS" || { note "- loading history failed"; return 0; }
	LOAD_S=$(( $(date +%s) - t0 ))
	DB_MB=$(( $(stat -c %s "$KDB") / 1048576 ))
	kerr_start || return 0
	say "kerr: scale, $N_REQ_NOW requests and $SCALE_ROWS history rows"
	scale_measure 1m
	kerr_phase_end "the scale run at $SCALE_ROWS rows"
	kerr_stop
}


# ---- history purge ----

# kerr_conf with the history purge "on" (every history row, all 30 days
# old, by age) or "off".
kerr_conf_purge() {
	PURGE_MODE=$1
	kerr_conf
}

# A finished task to copy history rows from, made for the purpose when
# the kerr phase did not leave one.
purge_template() {
	local api=http://127.0.0.1:$KPORT/singularity/v1 i
	HIST_TPL=$(sqlite3 "$KDB" "SELECT task_id FROM tasks WHERE active = 0
	    AND request_id NOT LIKE 'bench-r-%' ORDER BY started_at LIMIT 1")
	[ -n "$HIST_TPL" ] && return 0
	curl -sf -XPOST "$api/requests" -H 'Content-Type: application/json' \
	    -d '{"id":"bench-tpl","requestType":"RUN_ONCE"}' > /dev/null &&
	curl -sf -XPOST "$api/requests/request/bench-tpl/deploy" \
	    -H 'Content-Type: application/json' \
	    -d '{"id":"d1","requestId":"bench-tpl","command":"true"}' \
	    > /dev/null || return 1
	for i in $(seq 1 100); do
		HIST_TPL=$(sqlite3 "$KDB" "SELECT task_id FROM tasks WHERE
		    request_id = 'bench-tpl' AND active = 0 LIMIT 1")
		[ -n "$HIST_TPL" ] && return 0
		sleep 0.1
	done
	return 1
}

# GET /requests/request/{id} on one connection for PURGE_MS: sets VAR.
purge_measure() {	# purge_measure VAR
	local f=$WORK/out/kc p=/singularity/v1/requests/request/$HIST_ID
	kc get "$p" 2000 20 > /dev/null 2>&1	# warm the caches
	runw "$f" "$KCLIENT" "$KPORT" get "$p" "$PURGE_MS" 100000000
	printf -v "$1" '%s' "$(grep '^BENCH' "$f")"
	say "  p50 $(kv "${!1}" p50_us) us p99 $(kv "${!1}" p99_us) us ($(kv "${!1}" requests) GETs)"
}

db_bytes() { sqlite3 "$KDB" "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"; }

kerr_purge() {
	local rows have t0 left line i from
	rows=${PURGE_ROWS:-$SCALE_ROWS}
	kerr_stop
	kerr_conf_purge off
	kerr_start || return 0
	have=$(sqlite3 "$KDB" "SELECT count(*) FROM tasks WHERE request_id LIKE 'bench-r-%' AND active = 0")
	if [ "${have:-0}" -lt "$rows" ]; then
		purge_template || { note "- no finished task to copy history rows from: the purge run is skipped."; return 0; }
		# The request read during the purge, if the kerr phase made none.
		curl -sf -XPOST "http://127.0.0.1:$KPORT/singularity/v1/requests" \
		    -H 'Content-Type: application/json' \
		    -d "{\"id\":\"$HIST_ID\"}" > /dev/null
		kerr_stop
		say "loading history up to $rows rows (daemons stopped)"
		load_history "$have" "$rows" || { note "- loading history failed"; return 0; }
		kerr_start || return 0
	fi
	PURGE_N=$(sqlite3 "$KDB" "SELECT count(*) FROM tasks WHERE active = 0")
	PURGE_UPD=$(sqlite3 "$KDB" "SELECT count(*) FROM task_updates")
	PURGE_BEFORE=$(db_bytes)
	PURGE_FILE_BEFORE=$(stat -c %s "$KDB")
	say "kerr: GET /requests/request/$HIST_ID, $PURGE_N history rows, no purge"
	# Past the start-up scans of the daemons: idle means idle.
	sleep 5
	purge_measure K_PURGE_IDLE
	kerr_phase_end "the purge run, idle"
	kerr_stop
	kerr_conf_purge on
	from=$(( $(wc -l < "$WORK/logs/cleanerd.log") + 1 ))
	kerr_start || return 0
	t0=$(date +%s%N)
	say "kerr: the same during the purge of $PURGE_N finished tasks"
	purge_measure K_PURGE_DURING
	left=$(sqlite3 "$KDB" "SELECT count(*) FROM tasks WHERE active = 0")
	[ "${left:-0}" -gt 0 ] ||
	    note "- The purge ended before the ${PURGE_MS} ms of GETs did: part of them ran after it."
	PURGE_LEFT_AT_END=$left
	for i in $(seq 1 $(( PURGE_WAIT_S * 2 ))); do
		line=$(tail -n "+$from" "$WORK/logs/cleanerd.log" |
		    grep 'History purge:' | tail -n 1)
		[ -n "$line" ] && break
		sleep 0.5
	done
	if [ -z "$line" ]; then
		note "- The purge did not finish within $PURGE_WAIT_S s; no space figure."
		kerr_phase_end "the purge run"
		return 0
	fi
	PURGE_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	PURGE_LINE=$(printf '%s' "$line" | sed 's/^.*History purge: //')
	PURGE_FREED=$(printf '%s' "$PURGE_LINE" | sed -n 's/.* \([0-9]*\) bytes given back.*/\1/p')
	PURGE_AFTER=$(db_bytes)
	PURGE_FILE_AFTER=$(stat -c %s "$KDB")
	PURGE_WAL_AFTER=$(stat -c %s "$KDB-wal" 2>/dev/null || echo 0)
	say "  purged in $PURGE_S s: $PURGE_LINE; file $PURGE_FILE_BEFORE -> $PURGE_FILE_AFTER bytes"
	kerr_phase_end "the purge run"
	kerr_stop
	kerr_conf_purge off
}

# ---- Slurm ----

# ---- launches without artifacts, against the build before them ----

# The tree at ART_BASE, built with its own Makefile into its own build/.
art_base_build() {
	local src=$WORK/base-src
	say "artifacts: building $ART_BASE ($(git -C "$ROOT" rev-parse --short "$ART_BASE" 2>/dev/null || echo ?)) to compare with"
	mkdir -p "$src"
	git -C "$ROOT" archive "$ART_BASE" 2>> "$WORK/logs/base-build.log" |
	    tar -x -C "$src" || return 1
	make -C "$src" -j"$(nproc)" all >> "$WORK/logs/base-build.log" 2>&1 ||
	    return 1
	ART_BASE_BIN=$src/build
}

# One round on the daemons of $1, on a fresh store: the idle one-task
# deploys, then the 200-task burst; appends "idle_p50 burst_rate" to $2,
# says them under the name $3.
art_round() {
	local f=$WORK/out/kc idle burst
	rm -rf "$WORK/state" "$WORK/run" "$KDB" "$KDB-wal" "$KDB-shm"
	KBIN=$1 kerr_start || return 1
	runw "$f" "$KCLIENT" "$KPORT" idle "$KDB" bench-i "$IDLE_N" \
	    "$IDLE_GAP_MS" 10000
	idle=$(kv "$(grep '^BENCH' "$f")" p50_us)
	runw "$f" "$KCLIENT" "$KPORT" deploy "$KDB" bench-d "$DEPLOY_REQS" \
	    "$DEPLOY_INST" 60000
	burst=$(kv "$(grep '^BENCH' "$f")" launches_per_s)
	kerr_stop
	kerr_kill_tasks
	say "  $3: idle p50 ${idle:-?} us, burst ${burst:-?} launches/s"
	printf '%s %s\n' "${idle:-}" "${burst:-}" >> "$2"
}

# Interleaved rounds, so drift on the machine falls on both alike; the
# figures are the medians of each build's rounds.
kerr_artifacts_ab() {
	local i
	art_base_build || { note "- The artifacts comparison could not build $ART_BASE (log: $WORK/logs/base-build.log)."; return 0; }
	ART_PLAIN=1
	kerr_conf
	: > "$WORK/out/ab_base"; : > "$WORK/out/ab_this"
	for i in $(seq 1 "$ART_ROUNDS"); do
		say "artifacts: round $i of $ART_ROUNDS"
		art_round "$ART_BASE_BIN" "$WORK/out/ab_base" "before artifacts"
		art_round "$BUILD" "$WORK/out/ab_this" "this build"
	done
	ART_PLAIN=""
	AB_BASE_IDLE=$(median_col "$WORK/out/ab_base" 1)
	AB_THIS_IDLE=$(median_col "$WORK/out/ab_this" 1)
	AB_BASE_RATE=$(median_col "$WORK/out/ab_base" 2)
	AB_THIS_RATE=$(median_col "$WORK/out/ab_this" 2)
}

# median_col FILE N: the median of column N (the lower middle of an even
# count), "" when there is none.
median_col() {
	awk -v c="$2" '$c != "" { print $c }' "$1" | sort -n |
	    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

slurm_start() {		# slurm_start DIR shipped|tuned DEADLINE
	local dir=$1 mode=$2 deadline=$3 host cport dport i
	host=$(hostname -s)
	mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" "$dir/jobs"
	chmod 700 "$dir/munge"
	head -c 1024 /dev/urandom > "$dir/munge/munge.key"
	chmod 600 "$dir/munge/munge.key"
	munged -F --force --key-file="$dir/munge/munge.key" \
	    --socket="$dir/munge/sock" --pid-file="$dir/munge/pid" \
	    --log-file="$dir/munge/log" --seed-file="$dir/munge/seed" \
	    > "$dir/log/munged.out" 2>&1 &
	SL_PIDS="$SL_PIDS $!"
	for i in $(seq 1 50); do [ -S "$dir/munge/sock" ] && break; sleep 0.1; done
	cport=$(free_port)
	dport=$(free_port)
	cat > "$dir/slurm.conf" <<-EOF
	ClusterName=kerrbench
	SlurmctldHost=$host
	SlurmctldPort=$cport
	SlurmdPort=$dport
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/munge
	AuthInfo=socket=$dir/munge/sock
	CredType=cred/munge
	StateSaveLocation=$dir/state
	SlurmdSpoolDir=$dir/spool
	SlurmctldPidFile=$dir/slurmctld.pid
	SlurmdPidFile=$dir/slurmd.pid
	SlurmctldLogFile=$dir/log/slurmctld.log
	SlurmdLogFile=$dir/log/slurmd.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	MpiDefault=none
	ReturnToService=2
	SelectType=select/cons_tres
	SelectTypeParameters=CR_Core
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	JobCompType=jobcomp/none
	SlurmdParameters=config_overrides
	NodeName=$host NodeAddr=127.0.0.1 CPUs=256 RealMemory=16384 State=UNKNOWN
	PartitionName=bench Nodes=$host Default=YES MaxTime=INFINITE State=UP
	EOF
	if [ "$mode" = tuned ]; then
		cat >> "$dir/slurm.conf" <<-EOF
		SchedulerType=sched/builtin
		SchedulerParameters=batch_sched_delay=0,sched_interval=1,default_queue_depth=1000
		EOF
	fi
	cat > "$dir/job.sh" <<-'EOF'
	#!/bin/sh
	date +%s%N > "$BENCH_OUT/$SLURM_JOB_ID.start"
	exec sleep 600
	EOF
	chmod 755 "$dir/job.sh"
	(cd "$dir" && exec slurmctld -D -f "$dir/slurm.conf") \
	    > "$dir/log/slurmctld.out" 2>&1 &
	SL_PIDS="$SL_PIDS $!"
	(cd "$dir" && exec slurmd -D -f "$dir/slurm.conf") \
	    > "$dir/log/slurmd.out" 2>&1 &
	SL_PIDS="$SL_PIDS $!"
	while [ "$(date +%s)" -lt "$deadline" ]; do
		SLURM_CONF=$dir/slurm.conf sinfo -h -o %T 2>/dev/null |
		    grep -q idle && return 0
		sleep 0.5
	done
	return 1
}

slurm_stop() {
	[ -n "$SL_DIR" ] || return 0
	local i
	SLURM_CONF=$SL_DIR/slurm.conf timeout 10 scancel --quiet \
	    --user="$(id -un)" 2>/dev/null
	for i in $(seq 1 30); do
		[ -z "$(SLURM_CONF=$SL_DIR/slurm.conf timeout 5 squeue -h 2>/dev/null)" ] &&
		    break
		sleep 0.5
	done
	# shellcheck disable=SC2086
	[ -n "$SL_PIDS" ] && stop_pids 5 $SL_PIDS
	sweep_dir "$SL_DIR"
	SL_PIDS=""
	SL_DIR=""
}

slurm_run() {		# slurm_run DIR MODE: sets SLURM_<MODE>
	local dir=$1 mode=$2 i id n=$SLURM_JOBS started deadline
	# One warm-up job first: right after start slurmctld sits on new jobs
	# for a second or two, which is not what a running cluster does.
	mkdir -p "$dir/warm"
	id=$(BENCH_OUT=$dir/warm SLURM_CONF=$dir/slurm.conf sbatch --parsable \
	    -D "$dir/warm" -o /dev/null -e /dev/null -J warmup "$dir/job.sh" \
	    2>> "$dir/log/sbatch.err")
	for i in $(seq 1 150); do
		[ -n "$(find "$dir/warm" -name '*.start')" ] && break
		sleep 0.2
	done
	[ -n "$id" ] && SLURM_CONF=$dir/slurm.conf scancel "${id%%;*}" 2>/dev/null
	: > "$dir/submit.txt"
	for (( i = 0; i < n; i++ )); do
		id=$(BENCH_OUT=$dir/jobs SLURM_CONF=$dir/slurm.conf sbatch \
		    --parsable -D "$dir/jobs" -o /dev/null -e /dev/null \
		    -J kerrbench "$dir/job.sh" 2>> "$dir/log/sbatch.err") || break
		echo "${id%%;*} $EPOCHREALTIME" >> "$dir/submit.txt"
	done
	deadline=$(( $(date +%s) + 90 ))
	while :; do
		started=$(find "$dir/jobs" -name '*.start' | wc -l)
		[ "$started" -ge "$n" ] || [ "$(date +%s)" -ge "$deadline" ] &&
		    break
		sleep 0.2
	done
	# Per job: start (from inside the job, ns) - sbatch's reply (us).
	find "$dir/jobs" -name '*.start' -exec awk '{ f = FILENAME;
	    sub(/.*\//, "", f); sub(/\.start$/, "", f); print f, $1 }' {} + \
	    > "$dir/started.txt"
	awk 'NR == FNR { split($2, a, "."); sub_us[$1] = a[1] * 1000000 + a[2]
			 if (first == "" || sub_us[$1] < first) first = sub_us[$1]
			 next }
	     ($1 in sub_us) { s = int($2 / 1000); print s - sub_us[$1] > "'"$dir/lat.txt"'"
			      if (s > last) last = s }
	     END { printf "first=%.0f last=%.0f\n", first, last }' \
	    "$dir/submit.txt" "$dir/started.txt" > "$dir/span.txt"
	local first last cnt line
	first=$(kv "$(cat "$dir/span.txt")" first)
	last=$(kv "$(cat "$dir/span.txt")" last)
	touch "$dir/lat.txt"
	cnt=$(wc -l < "$dir/lat.txt")
	line=$(printf 'BENCH jobs=%s want=%s p50_us=%s p99_us=%s all_running_us=%s jobs_per_s=%s submit_s=%s' \
	    "$cnt" "$n" "$(pctl "$dir/lat.txt" 50)" "$(pctl "$dir/lat.txt" 99)" \
	    "$(( last - first ))" \
	    "$(awk -v c="$cnt" -v d=$(( last - first )) 'BEGIN { if (d > 0) printf "%.1f", c * 1e6 / d; else print 0 }')" \
	    "$(awk 'NR == 1 { a = $2 } END { printf "%.2f", $2 - a }' "$dir/submit.txt")")
	printf -v "SLURM_$mode" '%s' "$line"
	say "  Slurm $mode: $cnt/$n running, p50 $(kv "$line" p50_us) us, p99 $(kv "$line" p99_us) us, $(kv "$line" jobs_per_s) jobs/s, submitting took $(kv "$line" submit_s) s"
}

# The same 200-task deploy as kerr's own row, through kerr with
# backend = slurm on the tuned cluster: each task one sbatch, its wrapper
# reporting over the signed UDP channel.  Sets K_SLURM.
kerr_on_slurm() {	# kerr_on_slurm DIR
	local dir=$1 f=$WORK/out/kslurm i
	local save_conf=${KCONF:-} save_port=${KPORT:-} save_db=${KDB:-}
	SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --me 2>/dev/null
	for i in $(seq 1 60); do
		[ -z "$(SLURM_CONF=$dir/slurm.conf squeue -h 2>/dev/null)" ] && break
		sleep 0.5
	done
	(umask 077 && head -c 32 /dev/urandom | base64 > "$dir/event.key")
	kerr_conf
	KCONF=$WORK/kerr-slurm.conf
	KDB=$DBDIR/kerr-slurm.db
	sed -e "s|^state_dir = .*|state_dir = $WORK/state-slurm|" \
	    -e "s|^db_path = .*|db_path = $KDB|" "$WORK/kerr.conf" > "$KCONF"
	cat >> "$KCONF" <<-EOF
	[schedulerd]
	launch_workers = ${KERR_SLURM_WORKERS:-8}
	[executor]
	backend = slurm
	slurm_conf = $dir/slurm.conf
	slurm_key_file = $dir/event.key
	slurm_events_listen = 127.0.0.1:$(free_port)
	EOF
	say "kerr on Slurm (tuned): deploy $DEPLOY_REQS x $DEPLOY_INST of sleep 600"
	if kerr_start; then
		runw "$f" "$KCLIENT" "$KPORT" deploy "$KDB" bench-s \
		    "$DEPLOY_REQS" "$DEPLOY_INST" 90000
		K_SLURM=$(grep '^BENCH' "$f")
		say "  $(kv "$K_SLURM" tasks) RUNNING, p50 $(kv "$K_SLURM" p50_us) us, p99 $(kv "$K_SLURM" p99_us) us, $(kv "$K_SLURM" launches_per_s) launches/s"
		# Its 8 launch workers are not the shipped kerr the memory
		# rows speak of: stopped without a look at their peak.
		# shellcheck disable=SC2086
		stop_pids 5 $KPIDS
		KPIDS=""
		KPID=()
	fi
	SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --me 2>/dev/null
	KCONF=$save_conf KPORT=$save_port KDB=$save_db
}

slurm_peer() {
	local deadline mode
	if [ "$(id -u)" != 0 ]; then
		note "- Slurm peer skipped: setting up slurmd needs root."
		return 0
	fi
	if [ "$(elapsed)" -gt $(( BUDGET_S - 150 )) ]; then
		note "- Slurm peer skipped: not enough of the 10-minute budget left."
		return 0
	fi
	deadline=$(( $(date +%s) + 120 ))
	if ! have slurmctld || ! have munged; then
		ensure_pkg sbatch slurm-wlm munge || {
			note "- Slurm could not be installed within 2 minutes; no peer figures."
			return 0
		}
	fi
	for mode in shipped tuned; do
		[ "$(elapsed)" -lt $(( BUDGET_S - 60 )) ] || {
			note "- Slurm $mode skipped: the 10-minute budget is nearly spent."
			continue
		}
		SL_DIR=$WORK/slurm-$mode
		SL_PIDS=""
		say "Slurm ($mode): starting munged, slurmctld, slurmd in $SL_DIR"
		[ "$mode" = tuned ] && deadline=$(( $(date +%s) + 60 ))
		if ! slurm_start "$SL_DIR" "$mode" "$deadline"; then
			note "- Slurm ($mode) could not be set up in time (logs were in $SL_DIR/log); no $mode figures."
			slurm_stop
			continue
		fi
		say "Slurm ($mode): $SLURM_JOBS sbatch of sleep 600"
		slurm_run "$SL_DIR" "$mode"
		[ "$mode" = tuned ] && kerr_on_slurm "$SL_DIR"
		slurm_stop
	done
}

# ---- report ----

render() {
	local host cpu mem kern deb commit dirty fs_work fs_db
	host=$(hostname)
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
	kern=$(uname -r)
	deb=$(cat /etc/debian_version 2>/dev/null || echo "?")
	commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
	# The results of an earlier run do not make the code "changed".
	dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null |
	    grep -v ' bench/results/' | grep -q . && echo " (with local changes)")
	fs_work=$(fstype "$WORK")
	fs_db=$(fstype "$DBDIR")
	mkdir -p "$RESULTS"
	RUN_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
	awk -F'\t' -v date="$RUN_DATE" -v host="$host" -v cpus="$(nproc)" \
	    -v cpu="$cpu" -v mem="$mem" -v kern="$kern" -v deb="$deb" \
	    -v commit="$commit$dirty" -v secs="$(elapsed)" -v fsw="$fs_work" \
	    -v fsd="$fs_db" -v md="$RESULTS/latest.md.tmp" \
	    -v js="$RESULTS/latest.json.tmp" -v notes="$NOTES" -v why="$WORK/why.txt" \
	    -f "$BENCH/report.awk" "$ROWS"
	mv "$RESULTS/latest.md.tmp" "$RESULTS/$RESULT_NAME.md"
	mv "$RESULTS/latest.json.tmp" "$RESULTS/$RESULT_NAME.json"
}

# ---- the rows ----

# ms with one decimal from a µs figure ("?" when absent).
ms() { awk -v v="$1" 'BEGIN { if (v == "") print "?"; else printf "%.1f", v / 1000 }'; }

emit_rows() {
	local n=$(( DEPLOY_REQS * DEPLOY_INST )) v s i lbl n10 n1m v10 v1m
	if [ -n "${K_LOGS:-}" ] && [ -n "${C_LOGS:-}" ]; then
		row logs_rate "Task writing stdout as fast as it can (dd, $LOG_MB MiB in 64 KiB writes), rotated every 100 MB" \
		    "$(dd_mb_per_s "$K_LOGS")" MBps "dd to a plain file" \
		    "$(dd_mb_per_s "$C_LOGS")" ">= 0.8x" ratio_ge 0.8
	fi
	local cg="MHD+SQLite+jansson" cl="$N_REQ_GET rows read+dumped"
	local cf="SQLite 1 row/txn FULL"
	if [ -n "$HAVE_WRK" ]; then
		row get1 "GET /requests/request/{id}, 1 conn" \
		    "$(kv "${K_GET_1:-}" rps)" rps "$cg" "$(kv "${C_GET_1:-}" rps)" "" none ""
		row get1_p50 "  p50 latency, 1 conn" \
		    "$(kv "${K_GET_1:-}" p50_us)" us "$cg" "$(kv "${C_GET_1:-}" p50_us)" "" none ""
		row get1_p99 "  p99 latency, 1 conn" \
		    "$(kv "${K_GET_1:-}" p99_us)" us "$cg" "$(kv "${C_GET_1:-}" p99_us)" "" none ""
		row get32 "GET /requests/request/{id}, 32 conns" \
		    "$(kv "${K_GET_32:-}" rps)" rps "$cg" "$(kv "${C_GET_32:-}" rps)" \
		    ">= 0.5x ceiling" ratio_ge 0.5
		row get32_p50 "  p50 latency, 32 conns" \
		    "$(kv "${K_GET_32:-}" p50_us)" us "$cg" "$(kv "${C_GET_32:-}" p50_us)" "" none ""
		row get32_p99 "  p99 latency, 32 conns" \
		    "$(kv "${K_GET_32:-}" p99_us)" us "$cg" "$(kv "${C_GET_32:-}" p99_us)" \
		    "< 5 ms" le 5000
		row fixed32 "  (for scale: bare MHD, fixed 200 B, 32 conns)" "" rps \
		    "MHD fixed 200 B" "$(kv "${C_FIXED_32:-}" rps)" "" none ""
		row list1 "GET /requests/active ($N_REQ_GET requests), 1 conn" \
		    "$(kv "${K_LIST_1:-}" rps)" rps "$cl" "$(kv "${C_LIST_1:-}" rps)" "" none ""
		row list1_p50 "  p50 latency, 1 conn" \
		    "$(kv "${K_LIST_1:-}" p50_us)" us "$cl" "$(kv "${C_LIST_1:-}" p50_us)" "" none ""
		row list1_p99 "  p99 latency, 1 conn" \
		    "$(kv "${K_LIST_1:-}" p99_us)" us "$cl" "$(kv "${C_LIST_1:-}" p99_us)" "" none ""
		row list32 "GET /requests/active ($N_REQ_GET requests), 32 conns" \
		    "$(kv "${K_LIST_32:-}" rps)" rps "$cl" "$(kv "${C_LIST_32:-}" rps)" "" none ""
		row list32_p50 "  p50 latency, 32 conns" \
		    "$(kv "${K_LIST_32:-}" p50_us)" us "$cl" "$(kv "${C_LIST_32:-}" p50_us)" "" none ""
		row list32_p99 "  p99 latency, 32 conns" \
		    "$(kv "${K_LIST_32:-}" p99_us)" us "$cl" "$(kv "${C_LIST_32:-}" p99_us)" "" none ""
	fi
	if want kerr; then
		row post "POST /requests, 8 clients, durable" \
		    "$(kv "${K_POST:-}" rps)" rps "$cf" "$(kv "${C_SQL_FULL:-}" rate)" \
		    ">= 1.0x ceiling" ratio_ge 1.0
		row post_normal "  (against SQLite synchronous=NORMAL)" \
		    "$(kv "${K_POST:-}" rps)" rps "SQLite 1 row/txn NORMAL" \
		    "$(kv "${C_SQL_NORMAL:-}" rate)" "" none ""
		row post_p50 "  p50 latency per POST" "$(kv "${K_POST:-}" p50_us)" us \
		    "FULL commit p50" "$(kv "${C_SQL_FULL:-}" p50_us)" "" none ""
		row post_p99 "  p99 latency per POST" "$(kv "${K_POST:-}" p99_us)" us \
		    "FULL commit p99" "$(kv "${C_SQL_FULL:-}" p99_us)" "" none ""
		row idle_p50 "Idle one-task deploy ($(kv "${K_IDLE:-}" deploys) one at a time): reply -> TASK_RUNNING, p50" \
		    "$(kv "${K_IDLE:-}" p50_us)" us \
		    "one raw launch, p50" "$(kv "${C_LAUNCH_1:-}" p50_us)" "<= 2 ms" le 2000
		row idle_p99 "  reply -> TASK_RUNNING, p99" \
		    "$(kv "${K_IDLE:-}" p99_us)" us \
		    "one raw launch, p99" "$(kv "${C_LAUNCH_1:-}" p99_us)" "<= 10 ms" le 10000
		row idle_vis "  reply -> RUNNING seen in GET /history/task/{id}, p50" \
		    "$(kv "${K_IDLE:-}" visible_p50_us)" us "" "" "<= 5 ms" le 5000
		row idle_vis_p99 "  reply -> RUNNING seen in GET /history/task/{id}, p99" \
		    "$(kv "${K_IDLE:-}" visible_p99_us)" us "" "" "" none ""
		[ -n "${C_CGROUP:-}" ] &&
		    row idle_cgroup "  (for scale: one process into a fresh memory cgroup, idle, p50)" \
		    "" us "cgroup ${CG_KIND:-} attach" "$(kv "$C_CGROUP" p50_us)" "" none ""
		row launch_all "Deploy $n tasks ($DEPLOY_REQS x $DEPLOY_INST): first reply -> all RUNNING" \
		    "$(kv "${K_DEPLOY:-}" all_running_us)" us "$n raw launches, 2 threads" \
		    "$(awk -v r="$(kv "${C_LAUNCH_2:-}" rate)" -v n=$n \
		    'BEGIN { if (r > 0) printf "%.0f", n / r * 1e6 }')" \
		    "<= 2x ceiling" ratio_le 2.0
		row launch_cpu "  CPU per launched task (daemons + supervisors)" \
		    "${D_CPU_TASK:-}" us "raw launch, 2 threads" \
		    "$(kv "${C_LAUNCH_2:-}" cpu_us_per_launch)" "<= 2x ceiling" ratio_le 2.0
		row launch "  launches/s" \
		    "$(kv "${K_DEPLOY:-}" launches_per_s)" per_s \
		    "raw launch, 2 threads" "$(kv "${C_LAUNCH_2:-}" rate)" "" none ""
		row launch_p50 "  deploy reply -> TASK_RUNNING, p50 per task" \
		    "$(kv "${K_DEPLOY:-}" p50_us)" us \
		    "one raw launch, p50" "$(kv "${C_LAUNCH_1:-}" p50_us)" "" none ""
		row launch_p99 "  deploy reply -> TASK_RUNNING, p99 per task" \
		    "$(kv "${K_DEPLOY:-}" p99_us)" us \
		    "one raw launch, p99" "$(kv "${C_LAUNCH_1:-}" p99_us)" "" none ""
		row pause "Pause: reply -> all $n tasks' processes gone" \
		    "$(kv "${K_PAUSE:-}" max_us)" us \
		    "SIGTERM $n groups directly" "$(kv "${C_KILL:-}" all_gone_us)" \
		    "<= ceiling + 100 ms" le_ceil_plus 100000
		row pause_p50 "  per task, p50" "$(kv "${K_PAUSE:-}" p50_us)" us \
		    "SIGTERM $n groups directly" "$(kv "${C_KILL:-}" p50_us)" "" none ""
		v=$(kv "${K_MANY:-}" idle_ms)
		row many_priv "$MANY_N concurrent sleep tasks: a supervisor's private memory (mean)" \
		    "$(kv "${K_MANY:-}" sup_private_kb)" KiB "" "" \
		    "<= $SUP_PRIVATE_MAX_KB KiB" le "$SUP_PRIVATE_MAX_KB"
		row many_pss "  a supervisor's Pss (mean)" \
		    "$(kv "${K_MANY:-}" sup_pss_kb)" KiB "" "" "" none ""
		row many_cpu "  the three daemons' CPU over $(( ${v:-0} / 1000 )) s idle, % of a core" \
		    "$(awk -v a="$(kv "${K_MANY:-}" apid_idle_us)" \
		    -v b="$(kv "${K_MANY:-}" schedulerd_idle_us)" \
		    -v c="$(kv "${K_MANY:-}" cleanerd_idle_us)" -v ms="${v:-0}" \
		    'BEGIN { if (ms > 0 && a != "") printf "%.2f", (a + b + c) / (ms * 10) }')" \
		    pct "" "" "< 1 % of a core" le 1.0
		row many_sup_cpu "  the $MANY_N supervisors' CPU meanwhile, % of a core" \
		    "$(awk -v s="$(kv "${K_MANY:-}" supervisors_idle_us)" -v ms="${v:-0}" \
		    'BEGIN { if (ms > 0 && s != "") printf "%.2f", s / (ms * 10) }')" \
		    pct "" "" "" none ""
		row many_launch "  first run reply -> all $MANY_N RUNNING" \
		    "$(kv "${K_MANY:-}" launch_all_us)" us "$MANY_N raw launches, 2 threads" \
		    "$(awk -v r="$(kv "${C_LAUNCH_2:-}" rate)" -v n="$MANY_N" \
		    'BEGIN { if (r > 0) printf "%.0f", n / r * 1e6 }')" "" none ""
		row many_stop "  pause: reply -> all $MANY_N ended in the store" \
		    "$(kv "${K_MANY:-}" stop_us)" us "" "" "" none ""
		row runs_ran "On-demand runs, $RUNS_RATE/s for $(( RUNS_MS / 1000 )) s: runs that reached TASK_RUNNING" \
		    "$(kv "${K_RUNS:-}" running)" n "runs answered" \
		    "$(kv "${K_RUNS:-}" replied)" "all" ratio_ge 1.0
		row runs_p99 "  run reply -> TASK_RUNNING, p99" \
		    "$(kv "${K_RUNS:-}" p99_us)" us "" "" "<= 50 ms" le 50000
		row runs_p50 "  run reply -> TASK_RUNNING, p50" \
		    "$(kv "${K_RUNS:-}" p50_us)" us "" "" "" none ""
		row runs_backlog "  backlog (answered, not yet RUNNING), mean of the last quarter" \
		    "$(kv "${K_RUNS:-}" backlog_last)" n "same, first quarter" \
		    "$(kv "${K_RUNS:-}" backlog_first)" "no growth (<= first + 25)" \
		    le_ceil_plus 25
		row runs_rate "  runs sent per second" \
		    "$(kv "${K_RUNS:-}" sent_per_s)" per_s "asked" "$RUNS_RATE" \
		    "" none ""
	fi
	if want scale && [ -n "${K_SCALE_1_10k:-}" ]; then
		for i in 1 2 3 4; do
			case $i in
			1) lbl="GET /requests/active?property=request.id" ;;
			2) lbl="GET /history/request/{id}/tasks?count=100" ;;
			3) lbl="GET /state" ;;
			4) lbl="GET /history/tasks?requestId= (task search)" ;;
			esac
			n10=K_SCALE_${i}_10k
			n1m=K_SCALE_${i}_1m
			v10=${!n10:-}
			v1m=${!n1m:-}
			row "scale$i" "$lbl, p50 at $SCALE_ROWS history rows" \
			    "$(kv "$v1m" p50_us)" us "same at 10 000 rows" \
			    "$(kv "$v10" p50_us)" "<= 1.5x at 10k" ratio_le 1.5
			row "scale${i}_p99" "  p99" "$(kv "$v1m" p99_us)" us \
			    "same at 10 000 rows" "$(kv "$v10" p99_us)" "" none ""
		done
		# The full SingularityState, with every request in the store.
		row state_p50 "GET /state p50, $N_REQ_NOW requests, $SCALE_ROWS history rows" \
		    "$(kv "${K_SCALE_3_1m:-$K_SCALE_3_10k}" p50_us)" us "" "" \
		    "<= 2 ms" le 2000
	fi
	if want purge && [ -n "${K_PURGE_DURING:-}" ]; then
		row purge_p99 "GET /requests/request/{id} p99 during a ${PURGE_N:-?}-row history purge" \
		    "$(kv "$K_PURGE_DURING" p99_us)" us "same, no purge" \
		    "$(kv "${K_PURGE_IDLE:-}" p99_us)" "<= 2x idle" ratio_le 2.0
		row purge_p50 "  p50" "$(kv "$K_PURGE_DURING" p50_us)" us \
		    "same, no purge" "$(kv "${K_PURGE_IDLE:-}" p50_us)" "" none ""
		row purge_rate "  finished tasks purged per second (with their updates)" \
		    "$(awk -v n="${PURGE_N:-0}" -v s="${PURGE_S:-0}" 'BEGIN { if (s > 0) printf "%.0f", n / s }')" \
		    per_s "" "" "" none ""
		row purge_freed "  space given back to the filesystem" \
		    "$(awk -v b="${PURGE_FREED:-}" 'BEGIN { if (b != "") printf "%.0f", b / 1024 }')" \
		    kB "the store before" \
		    "$(awk -v b="${PURGE_BEFORE:-}" 'BEGIN { if (b != "") printf "%.0f", b / 1024 }')" \
		    "" none ""
	fi
	if want kerr; then
		for v in apid schedulerd cleanerd; do
			row "rss_$v" "Peak RSS kerr-$v" "${HWM[$v]:-}" kB \
			    "$cg server" "${C_HWM:-}" "" none ""
		done
		row rss_sum "Peak RSS, the three daemons together" \
		    "$(( ${HWM[apid]:-0} + ${HWM[schedulerd]:-0} + ${HWM[cleanerd]:-0} ))" \
		    kB "" "" "<= $(( RSS_SUM_MAX_KB / 1024 )) MiB" le "$RSS_SUM_MAX_KB"
		row rss_sup "Peak RSS, largest kerr-supervisor" \
		    "$(kv "${K_DEPLOY:-}" supervisor_hwm_kb)" kB \
		    "$cg server" "${C_HWM:-}" "" none ""
	fi
	if want artifacts && [ -n "${AB_BASE_RATE:-}" ]; then
		row art_rate "Launches without artifacts: 200-task burst, launches/s" \
		    "$AB_THIS_RATE" per_s "before artifacts ($ART_BASE)" \
		    "$AB_BASE_RATE" ">= 0.9x (not slower)" ratio_ge 0.9
		row art_idle "  idle one-task deploy, reply -> TASK_RUNNING p50" \
		    "$AB_THIS_IDLE" us "before artifacts ($ART_BASE)" \
		    "$AB_BASE_IDLE" "<= 1.1x (not slower)" ratio_le 1.1
	fi
	if want slurm; then
		for v in shipped tuned; do
			s=SLURM_$v
			s=${!s:-}
			[ -n "$s" ] || continue
			row "slurm_${v}_p50" "Peer: Slurm $v, submit -> RUNNING p50 (kerr: deploy reply)" \
			    "$(kv "${K_DEPLOY:-}" p50_us)" us \
			    "Slurm $v" "$(kv "$s" p50_us)" "" none ""
			row "slurm_${v}_p99" "  p99" "$(kv "${K_DEPLOY:-}" p99_us)" us \
			    "Slurm $v" "$(kv "$s" p99_us)" "" none ""
			row "slurm_${v}_rate" "  launches/s ($(kv "$s" jobs) of $(kv "$s" want) jobs ran)" \
			    "$(kv "${K_DEPLOY:-}" launches_per_s)" per_s \
			    "Slurm $v" "$(kv "$s" jobs_per_s)" "" none ""
		done
		if [ -n "${K_SLURM:-}" ] && [ "$(kv "$K_SLURM" tasks)" = 0 ]; then
			note "- kerr on Slurm: no task was RUNNING within 90 s; no figures."
		elif [ -n "${K_SLURM:-}" ] && [ -n "${SLURM_tuned:-}" ]; then
			row slurm_kerr_p50 "kerr on Slurm (tuned), 200-task deploy: reply -> RUNNING p50 ($(kv "$K_SLURM" tasks) ran)" \
			    "$(kv "$K_SLURM" p50_us)" us "Slurm tuned, sbatch -> RUNNING" \
			    "$(kv "$SLURM_tuned" p50_us)" "<= 1.2x" ratio_le 1.2
			row slurm_kerr_rate "  launches/s" \
			    "$(kv "$K_SLURM" launches_per_s)" per_s "Slurm tuned" \
			    "$(kv "$SLURM_tuned" jobs_per_s)" ">= 0.8x" ratio_ge 0.8
		fi
	fi
}


# why: a line of the "why the misses" section, from this run's figures.
why() { printf '%s\n' "$*" >> "$WORK/why.txt"; }

emit_why() {
	local k c a s cl sum sc st n=$(( DEPLOY_REQS * DEPLOY_INST ))
	: > "$WORK/why.txt"
	k=$(kv "${K_GET_32:-}" rps)
	c=$(kv "${C_GET_32:-}" rps)
	if [ -n "$k" ] && [ -n "$c" ] && [ -n "${K_GET_CPU:-}" ] &&
	    awk -v k="$k" -v c="$c" 'BEGIN { exit !(k < 0.5 * c) }'; then
		why "- **GET by id** (32 conns): kerr-apid used ${K_GET_CPU} µs of CPU per request, the MHD+SQLite+jansson ceiling ${C_GET_CPU:-?} µs, with wrk on the same 2 cores: the extra CPU per request is the gap."
	fi
	k=$(kv "${K_POST:-}" rps)
	if [ -n "${POST_CPU:-}" ] && [ -n "$k" ]; then
		read -r a s cl <<< "$(printf '%s\n' "$POST_CPU" |
		    sed 's/[^0-9 ]//g' | awk '{ print $1, $2, $3 }')"
		sum=$(( a + s + cl ))
		why "- **POST** ($k/s against $(kv "${C_SQL_FULL:-}" rate)/s): every POST cost $sum µs of CPU across the daemons (apid $a, schedulerd $s, cleanerd $cl: the request's doorbell wakes the other two, which rescan), so 2 cores top out near $(( 2000000 / (sum > 0 ? sum : 1) ))/s before the client takes its share; and a POST took $(ms "$(kv "$K_POST" p50_us)") ms (p50) with 8 in flight, against $(kv "${C_SQL_FULL:-}" p50_us) µs for one FULL commit."
	fi
	k=$(kv "${K_IDLE:-}" p50_us)
	if [ -n "$k" ] && [ "$k" -gt 2000 ]; then
		why "- **Idle one-task latency** (reply -> RUNNING p50 $(ms "$k") ms, p99 $(ms "$(kv "$K_IDLE" p99_us)") ms): from kerr's own stamps (whole ms, p50 / p99), reply -> task row committed (TASK_LAUNCHED) $(ms "$(kv "$K_IDLE" launched_p50_us)") / $(ms "$(kv "$K_IDLE" launched_p99_us)") ms, TASK_LAUNCHED -> TASK_STARTING $(ms "$(kv "$K_IDLE" ls_p50_us)") / $(ms "$(kv "$K_IDLE" ls_p99_us)") ms, TASK_STARTING -> TASK_RUNNING $(ms "$(kv "$K_IDLE" sr_p50_us)") / $(ms "$(kv "$K_IDLE" sr_p99_us)") ms.$( [ -n "${C_CGROUP:-}" ] && printf ' Between STARTING and RUNNING the task joins its memory and cpu cgroups (cgroup %s): on this kernel moving one process into a fresh memory cgroup on an idle system alone takes %s ms p50 (%s ms p99; the ceiling row above, same run) — the kernel waits for an RCU grace period before the first migration after a quiet spell; in a burst it is paid once.' "${CG_KIND:-}" "$(ms "$(kv "$C_CGROUP" p50_us)")" "$(ms "$(kv "$C_CGROUP" p99_us)")")"
	fi
	sc=${D_CPU_TASK:-}
	k=$(kv "${K_DEPLOY:-}" all_running_us)
	c=$(awk -v r="$(kv "${C_LAUNCH_2:-}" rate)" -v n=$n \
	    'BEGIN { if (r > 0) printf "%.0f", n / r * 1e6 }')
	if [ -n "$sc" ] && [ "$sc" -gt 0 ] && [ -n "$k" ] && [ -n "$c" ] &&
	    awk -v k="$k" -v c="$c" 'BEGIN { exit !(k > 2 * c) }'; then
		why "- **Burst** (first reply -> all $n RUNNING $(ms "$k") ms against $(ms "$c") ms for $n raw launches): $(ms "$sc") ms of CPU per task ($D_CPU) against $(ms "$(kv "${C_LAUNCH_2:-}" cpu_us_per_launch)") ms for a raw launch; at that cost 2 cores launch at most $(( 2000000 / sc ))/s. Per task (p50 / p99): reply -> task row $(ms "$(kv "$K_DEPLOY" created_p50_us)") / $(ms "$(kv "$K_DEPLOY" created_p99_us)") ms, TASK_LAUNCHED -> TASK_STARTING $D_LS ms, TASK_STARTING -> TASK_RUNNING $D_SR ms."
	fi
	k=$(kv "${K_RUNS:-}" p99_us)
	if [ -n "$k" ] && [ "$k" -gt 50000 ]; then
		why "- **Sustained runs** (p99 $(ms "$k") ms, backlog $(kv "$K_RUNS" backlog_first) -> $(kv "$K_RUNS" backlog_last) runs, $(kv "$K_RUNS" sent_per_s) runs/s sent of $RUNS_RATE asked): CPU per run ${R_CPU:-?}; at that cost 2 cores carry at most $(awk -v c="${R_CPU_SUM:-0}" 'BEGIN { if (c > 0) printf "%.0f", 2e6 / c; else print "?" }') runs/s. The client's sends fell $(ms "$(kv "$K_RUNS" late_p99_us)") ms p99 behind their schedule (its 16 connections wait for replies)."
	fi
	st=$(kv "${K_PAUSE:-}" max_us)
	if [ -n "$st" ]; then
		why "- **Pause** (last process gone $(ms "$st") ms after its reply, per task p50 $(ms "$(kv "$K_PAUSE" p50_us)") ms, against $(ms "$(kv "${C_KILL:-}" all_gone_us)") ms to SIGTERM and reap $n groups directly): CPU meanwhile: ${P_CPU:-?}."
	fi
	return 0
}
emit_notes() {
	local n=$(( DEPLOY_REQS * DEPLOY_INST ))
	[ -n "${AB_BASE_RATE:-}" ] && note "- Launches without artifacts: the tree at $ART_BASE (the last commit before deploy artifacts), built in this run with its own Makefile, against this build; $ART_ROUNDS rounds of each, interleaved (before, this, before, this), each on a fresh store: $IDLE_N idle one-task deploys of \`sleep 600\` (reply -> TASK_RUNNING p50), then the $n-task burst (launches/s). The figures are the medians of each build's rounds; the tasks have no artifacts, so this build's extra work is finding out there is nothing to fetch."
	note "- Other work on this shared machine, measured while the bench itself was idle (/proc/stat over 3 s): ${BUSY_START:-?} % of the CPUs busy before the ceilings, ${BUSY_KERR:-?} % before kerr's phases. Figures taken while others' work runs are disturbed, ceilings and kerr alike."
	note "- Setup: kerr as shipped (tick 1 s, synchronous=full, 2 HTTP threads, 2 launch and 2 kill workers, log level notice), its store on $(fstype "$DBDIR") ($DBDIR) and sandboxes on $(fstype "$WORK") ($WORK). The SQLite ceilings write to the store's directory."
	[ -n "$HAVE_WRK" ] && note "- HTTP: wrk -d${WRK_S}s, -t1 -c1 and -t2 -c32, on the same 2 cores as the server. The ceilings (bench/ceil_http.c) use apid's MHD settings: MHD_USE_AUTO_INTERNAL_THREAD, a pool of 2 threads, answer on the second callback; \"$N_REQ_GET rows read+dumped\" reads every row of a $N_REQ_GET-row table and dumps one JSON array, the work of GET /requests/active."
	[ -n "${K_GET_CPU:-}${C_GET_CPU:-}" ] && note "- CPU per GET /requests/request/{id} at 32 connections: kerr-apid ${K_GET_CPU:-?} µs, the MHD+SQLite+jansson ceiling ${C_GET_CPU:-?} µs (the rest of the 2 cores goes to wrk)."
	if [ -n "${K_POST:-}" ]; then
		note "- POST: $(kv "$K_POST" requests) requests created in $(kv "$K_POST" secs) s by 8 keep-alive clients ($(kv "$K_POST" errors) errors); the store was then topped up to $N_REQ_SCALE requests through the same API, so the 2 000-task, sustained and scale phases ran with them."
		[ -n "${POST_CPU:-}" ] && note "- CPU per POST: $POST_CPU (the FULL ceiling's commit takes $(kv "${C_SQL_FULL:-}" p50_us) µs, p50)."
	fi
	if [ -n "${K_IDLE:-}" ]; then
		note "- Idle one-task latency (bench/kerr_client.c idle): $(kv "$K_IDLE" deploys) SERVICE requests of one instance, each created, then ${IDLE_GAP_MS} ms of quiet, then a deploy of \`sleep 600\` (healthy at once), one at a time. TASK_RUNNING is kerr's own stamp in task_updates (the supervisor's clock when the command's exec succeeded, whole ms; the middle of that ms is used) minus the client's wall clock at the deploy's reply. \"Seen in GET /history/task/{id}\": the client finds the task id in the store (read-only, every 250 µs) and polls that GET on its keep-alive connection every 250 µs until the reply lists TASK_RUNNING; that includes kerr's commit of the event and one GET. The idle requests were then paused ($(ms "$(kv "$K_IDLE" stop_us)") ms until all had ended)."
		[ -n "${C_CGROUP:-}" ] && note "- Cgroup ceiling (bench/ceil_launch.c cgroup): 10 times, ${IDLE_GAP_MS} ms apart, a fresh directory in the memory cgroup hierarchy ($CG_KIND) and the time of writing a waiting child's pid into its cgroup.procs — the step between a task's TASK_STARTING and its exec when it has limits (every task does by default: cpus 1, memoryMb 64)."
	fi
	want kerr && note "- Burst: kerr caps instances at 25 per request (maxInstancesPerRequest), so $DEPLOY_REQS SERVICE requests x $DEPLOY_INST instances of \`sleep 600\` = $n tasks were deployed back to back on one connection. First reply -> all RUNNING: the last tasks.running_at (whole ms; the middle of that ms is used) minus the first deploy's reply; the ceiling is $n raw launches at the 2-thread raw rate. Per task: tasks.running_at minus the reply to its request's deploy. CPU per launched task: the three daemons' CPU from the first deploy to the last RUNNING plus the supervisors' own (schedstat), over $n, against the raw launch's own CPU and its children's per launch. The raw launch ceiling is bench/ceil_launch.c: mkdir a sandbox, create stdout and stderr, posix_spawn /bin/true with POSIX_SPAWN_SETSID, wait."
	if [ -n "${K_PAUSE:-}" ]; then
		note "- Pause: all $(kv "$K_PAUSE" processes) processes of the $(kv "$K_PAUSE" tasks) tasks' process groups (tasks.task_pgid) watched through pidfds; per task, the exit of its last process minus the reply to its request's pause. All gone $(ms "$(kv "$K_PAUSE" after_last_reply_us)") ms after the last pause reply; supervisors all gone $(ms "$(kv "$K_PAUSE" supervisors_gone_us)") ms after the first. The ceiling (bench/ceil_launch.c kill) SIGTERMs as many \`sh -c 'sleep 600'\` groups itself and reaps them."
		[ -n "${P_CPU:-}" ] && note "- CPU during the pause (until every process was gone): $P_CPU."
	fi
	if [ -n "${LOAD_S:-}" ]; then
		note "- Scale: $N_REQ_NOW requests in the store; history rows are finished tasks copied from a real one of this run (its task_json and its 4 task_updates rows, ids and timestamps substituted: bench/load_history.sql), spread over $HIST_REQS requests and loaded with the daemons stopped ($LOAD_S s for the second load; store ${DB_MB} MiB). Latencies: sequential GETs on one connection (bench/kerr_client.c), after a restart and 5 warm-up requests."
	fi
	if [ -n "${K_MANY:-}" ]; then
		note "- $MANY_N concurrent tasks (bench/kerr_client.c many): 4 ON_DEMAND requests with a deploy of \`sleep 600\` and $MANY_N POST .../run, round-robin, from 4 connections as fast as answered (runs are not capped by instances: spec 3.10 only limits them when the request sets instances); once every run was RUNNING and 1 s had passed, /proc/PID/smaps_rollup of every supervisor: Private_Clean + Private_Dirty, and Pss, averaged. Then $(( MANY_IDLE_MS / 1000 )) s of nothing: the daemons' CPU is the sum of their threads' schedstat run time (ns) over that window (apid $(kv "$K_MANY" apid_idle_us) µs, schedulerd $(kv "$K_MANY" schedulerd_idle_us) µs, cleanerd $(kv "$K_MANY" cleanerd_idle_us) µs), as a share of one core; the supervisors' likewise. Then the requests were paused ($(ms "$(kv "$K_MANY" stop_us)") ms from the first pause's reply until no task was active in the store)."
	fi
	if [ -n "${K_RUNS:-}" ]; then
		note "- Sustained runs (bench/kerr_client.c runs): $RUNS_REQS ON_DEMAND requests with a deploy of \`$RUNS_CMD\` (no instances set, so no concurrency cap), then POST /requests/request/{id}/run?minimal=true with a unique runId, open loop: run k is due at k / $RUNS_RATE s whatever the replies, sent from 16 keep-alive connections, round-robin over the requests, for $(( RUNS_MS / 1000 )) s, a run not sent within 2 s of the end not sent at all ($(kv "$K_RUNS" runs) runs due, $(kv "$K_RUNS" sent) sent, $(kv "$K_RUNS" errors) errors; the client's sends were $(kv "$K_RUNS" late_p99_us) µs p99 and $(kv "$K_RUNS" late_max_us) µs at most behind schedule). Per run: its task's running_at (whole ms, the middle used) minus the run's reply. Backlog: runs answered minus tasks RUNNING, sampled every 100 ms; the first and last quarter of the sending are compared (max $(kv "$K_RUNS" backlog_max)). The last run's task was RUNNING $(ms "$(kv "$K_RUNS" drain_us)") ms after the last reply. CPU per run: ${R_CPU:-?}."
	fi
	[ -n "${K_LOGS:-}" ] && note "- Task output: \`dd if=/dev/zero bs=64k count=$(( LOG_MB * 16 ))\` as a RUN_ONCE task, $LOG_RUNS times in turn with the plain dd, the best run of each shown (all, plain / kerr MB/s: ${LOGS_ALL:-?}) (its stdout a pipe that kerr-supervisor splices into the sandbox's stdout, rotated at task_log_max_mb = 100 as shipped, 3 kept: $K_LOGS_FILES stdout files at the end), against the same dd writing one plain file in the same directory tree ($(fstype "$WORK")) directly; both figures are dd's own (bytes / its seconds), so the task's throughput. Through kerr every byte is copied once more (into the pipe, 1 MiB); the supervisor moves it into the file on the other core when one is free, so the row depends on others' work more than most."
	if [ -n "${K_PURGE_DURING:-}" ]; then
		note "- History purge: ${PURGE_N:-?} finished tasks (${PURGE_UPD:-?} task_updates rows) of 30 days ago over $HIST_REQS requests (bench/load_history.sql, their sandboxes recorded as removed), kerr restarted with task_history_keep_days = 1 so cleanerd purges them all by age, 64 tasks per transaction, each step followed by a pause of twice the CPU it took, its thread at nice 10 and the lowest best-effort I/O priority. GET /requests/request/$HIST_ID on one keep-alive connection, back to back, for $(( PURGE_MS / 1000 )) s after 20 warm-up GETs: once with no purge configured (kerr restarted the same way, 5 s after its start), once from the purge's start (the daemons' start-up included) (${PURGE_LEFT_AT_END:-?} tasks were left when the GETs ended). The purge took ${PURGE_S:-?} s to its last vacuum step; cleanerd's line: \`${PURGE_LINE:-?}\`. Store (page_count x page_size) ${PURGE_BEFORE:-?} -> ${PURGE_AFTER:-?} bytes; the file ${PURGE_FILE_BEFORE:-?} -> ${PURGE_FILE_AFTER:-?} bytes (it shrinks at the WAL checkpoint after the vacuum), its WAL ${PURGE_WAL_AFTER:-?} bytes then."
	fi
	note "- Memory: VmHWM of each daemon, the highest over its restarts in this run; "together" is the sum of those three peaks (an upper bound on any moment's total). The reference is the MHD+SQLite+jansson ceiling server's VmHWM. Peak RSS so far after each phase, apid / schedulerd / cleanerd, MiB: ${MEM_PHASES:-?}. Of each daemon's RSS, at most $(awk -v a="${FILEKB[apid]:-0}" -v s="${FILEKB[schedulerd]:-0}" -v c="${FILEKB[cleanerd]:-0}" 'BEGIN { printf "%.1f / %.1f / %.1f MiB (%.1f together)", a / 1024, s / 1024, c / 1024, (a + s + c) / 1024 }') were pages of mapped files (RssFile at the phase ends: the binary and its shared libraries — libc, SQLite, nng, libsystemd, and for apid libmicrohttpd with GnuTLS — most of them the same pages in all three, counted once per daemon in the sum)."
	if [ -n "${SLURM_shipped:-}${SLURM_tuned:-}" ]; then
		note "- Peer: Slurm $(dpkg-query -W -f='${Version}' slurm-wlm 2>/dev/null || echo '?') single node set up in a temp dir (munged, slurmctld, slurmd as root; proctrack/linuxproc, 256 CPUs and 16 GiB declared so all jobs fit, kerr's asking for a CPU and 64 MB each), one warm-up job, then $SLURM_JOBS \`sbatch\` of \`sleep 600\` one after another, BENCH_OUT passed as a plain environment variable; time to RUNNING is \`date +%s%N\` from inside the job minus sbatch's reply. Tuned: SchedulerType=sched/builtin, batch_sched_delay=0, sched_interval=1, default_queue_depth=1000. Those rows show kerr's deploy figures against Slurm's: the ratio is kerr / Slurm. kerr on Slurm: the same $DEPLOY_REQS x $DEPLOY_INST deploy of \`sleep 600\` as kerr's own row, through kerr with backend = slurm on the tuned cluster (each task one sbatch from schedulerd's launch workers, 8 of them here as etc/kerr.conf advises for Slurm since each mostly waits on slurmctld; its wrapper reporting RUNNING over the signed UDP channel), against the tuned direct sbatch run; kerr's time is from the deploy's reply, so it includes each task's wait for its turn at sbatch, where Slurm's starts at each job's own sbatch reply."
	fi
	return 0
}

main() {
	trap cleanup EXIT
	trap 'say "interrupted"; exit 130' INT TERM HUP
	setup_dirs
	say "temporary state in $WORK, databases in $DBDIR"
	build_tools || { say "building the benchmark programs failed"; exit 1; }
	HAVE_WRK=""
	if want ceilings || want kerr; then
		ensure_pkg wrk wrk && HAVE_WRK=1
	fi
	C_HWM=""
	BUSY_START=$(machine_busy)
	say "other work on the machine: ${BUSY_START:-?} % of the CPUs busy (3 s, before anything)"
	if want ceilings; then
		ceilings_http
		ceilings_other
	fi
	if want kerr || want scale || want purge || want logs; then
		BUSY_KERR=$(machine_busy)
		say "other work on the machine: ${BUSY_KERR:-?} % of the CPUs busy (3 s, before kerr)"
		kerr_conf
		kerr_start || exit 1
		if want kerr; then
			kerr_get
			kerr_idle
			kerr_deploy_pause
			kerr_post
			kerr_many
			kerr_sustained
		fi
		if want scale; then
			kerr_scale
		fi
		if want purge; then
			kerr_purge
		fi
		want logs && kerr_logs
		kerr_stop
		kerr_kill_tasks
	fi
	want artifacts && kerr_artifacts_ab
	want slurm && slurm_peer
	emit_notes
	emit_why
	emit_rows
	render
	say "done in $(elapsed) s"
	cat "$RESULTS/$RESULT_NAME.md"
}

main
