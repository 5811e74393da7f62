#!/bin/sh
# systemd-boot.sh: kerr installed and run under a really booted systemd.
#
# This machine's own /usr boots in a throwaway container: systemd-nspawn
# --volatile=yes gives it an empty tmpfs root with /usr bound read-only, so
# there is nothing to assemble or download, and --private-network gives it
# its own 127.0.0.1:5060.  "make install" of the build under test
# ($KERR_BUILD_DIR) goes to a staging directory bound over the container's
# /usr/local and /etc/kerr.  With no systemd-machined on the host to
# register with, commands run inside through nsenter.  After the steps of
# README.md (sysusers, tmpfiles, daemon-reload, enable --now kerr.target):
#
#   1. lazy start: apid stays stopped while the socket listens, and the
#      first connection starts it;
#   2. each daemon's "Ready" line in journalctl -u;
#   3. a task's lines under journalctl KERR_TASK_ID=<id>;
#   4. a restart and a stop of kerr-apid.service under a steady stream of
#      POST and GET requests from two clients: none fails and none is
#      lost; after a stop, the next connection starts apid again.
#
# The container is halted, and its temp directory and cgroups removed, on
# every exit.  Takes about 3 s.  Exit: 0 pass, 1 failure, 77 skipped (not
# root, or the container cannot boot here: the reason is printed).

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
build=${KERR_BUILD_DIR:-$srcdir/build}
api=http://127.0.0.1:5060/singularity/v1
machine=kerr-boot-$$
tmp=
npid=
leader=
flowpids=
cgroups=
started=$(date +%s)

say()
{
	echo "systemd-boot: $*"
}

skip()
{
	say "skipped, $*"
	exit 77
}

# Run a command inside the container (bounded: a hang is a failure).
ct()
{
	timeout 60 nsenter --target "$leader" --all env -i \
	    PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin LANG=C.UTF-8 \
	    SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

fail()
{
	say "FAIL: $*"
	if [ -n "$leader" ]; then
		echo "--- systemctl list-jobs"
		ct systemctl list-jobs --no-pager 2>&1 | head -n 20
		echo "--- journalctl -u 'kerr-*' (last 60 lines)"
		ct journalctl --no-pager -n 60 -u 'kerr-*' 2>&1
	fi
	exit 1
}

cleanup()
{
	i=0
	if [ -n "$npid" ]; then
		# nspawn halts the container in order on SIGTERM.
		kill -TERM "$npid" 2>/dev/null
		while kill -0 "$npid" 2>/dev/null && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$npid" 2>/dev/null; then
			# Killing its PID 1 kills everything in the container.
			[ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
			kill -KILL "$npid" 2>/dev/null
		fi
		wait "$npid" 2>/dev/null
	fi
	for p in $flowpids; do
		wait "$p" 2>/dev/null
	done
	for g in $cgroups; do
		cgroup_remove "$g"
	done
	[ -n "$tmp" ] && rm -rf "$tmp"
	rmdir "/run/systemd/nspawn/propagate/$machine" 2>/dev/null
	return 0
}

# The cgroups this process is in, for nspawn to run under: the named
# systemd v1 hierarchy (hybrid hosts) and the unified one.
cgroup_homes()
{
	v2=$(sed -n 's/^0:://p' /proc/self/cgroup)
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo "/sys/fs/cgroup$v2"
		return
	fi
	v1=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
	[ -n "$v1" ] && [ -d /sys/fs/cgroup/systemd ] &&
	    echo "/sys/fs/cgroup/systemd$v1"
	[ -n "$v2" ] &&
	    [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
	    echo "/sys/fs/cgroup/unified$v2"
}

# Remove a cgroup tree once the container's processes are gone: they are
# all ours, so any left after the halt are killed.
cgroup_remove()
{
	[ -d "$1" ] || return 0
	n=0
	until find "$1" -depth -type d -exec rmdir {} + 2>/dev/null; do
		[ -e "$1/cgroup.kill" ] && echo 1 >"$1/cgroup.kill" 2>/dev/null
		n=$((n + 1))
		[ "$n" -lt 50 ] || { say "cannot remove cgroup $1"; return 1; }
		sleep 0.1
	done
}

# The container did not come up: say why, with nspawn's own words.
cannot_boot()
{
	rc=
	if ! kill -0 "$npid" 2>/dev/null; then
		wait "$npid"
		rc=" (exit $?)"
		npid=
	fi
	say "skipped, the container cannot boot: $*$rc"
	sed 's/^/  | /' "$tmp/nspawn.log" | tail -n 20
	exit 77
}

# Wait up to $1 tenths of a second for "$2 ..." to succeed.
wait_until()
{
	n=$1
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# systemctl with its output kept for a failure report (a stop of apid
# warns that the socket can still start it: expected here).
sctl()
{
	ct systemctl "$@" >>"$tmp/systemctl.log" 2>&1 && return 0
	cat "$tmp/systemctl.log"
	fail "systemctl $*"
}

is_state()	# unit state: active, inactive, ...
{
	[ "$(ct systemctl is-active "$1")" = "$2" ]
}

in_journal()	# pattern journalctl-args...: a line matches
{
	pat=$1
	shift
	ct journalctl --no-pager -o cat "$@" 2>/dev/null | grep -q -- "$pat"
}

[ "$(id -u)" -eq 0 ] || skip "not root (systemd-nspawn needs root)"
command -v systemd-nspawn >/dev/null 2>&1 ||
    skip "no systemd-nspawn (Debian package systemd-container)"
for x in apid schedulerd cleanerd supervisor; do
	[ -x "$build/kerr-$x" ] || { say "FAIL: $build/kerr-$x not built"; exit 1; }
done

trap cleanup EXIT
trap 'exit 1' HUP INT TERM
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kerr-boot.XXXXXX") || exit 1
stage=$tmp/stage
mkdir -p "$stage/usr/local" "$stage/etc/kerr" || exit 1
# An admin's own config, which make install must leave alone; info level
# for the task lines.
printf '[common]\nlog_level = info\n' > "$stage/etc/kerr/kerr.conf" || exit 1

# With systemd as the host's PID 1, nspawn asks it for a scope of its own.
# Without, there is no one to ask: nspawn keeps the cgroup it starts in and
# makes its "payload" and "supervisor" groups there, so each run starts it
# in a cgroup of its own (two containers in one would share their units'
# cgroups), removed by cleanup.
keep=
if [ ! -d /run/systemd/system ]; then
	keep=--keep-unit
	for home in $(cgroup_homes); do
		mkdir "${home%/}/$machine" || fail "cannot make a cgroup"
		cgroups="$cgroups ${home%/}/$machine"
	done
fi
# shellcheck disable=SC2016,SC2086 # $$ is sh's; $keep is one option or none
KERR_CGROUPS=$cgroups sh -c 'for g in $KERR_CGROUPS; do
	echo $$ >"$g/cgroup.procs" || exit 1
done
unset KERR_CGROUPS
exec "$@"' sh systemd-nspawn --quiet --directory=/ --volatile=yes --boot \
    --register=no $keep --private-network --machine="$machine" \
    --console=pipe --bind-ro="$stage/usr/local:/usr/local" \
    --bind-ro="$stage/etc/kerr:/etc/kerr" \
    systemd.unit=basic.target \
    </dev/null >"$tmp/nspawn.log" 2>&1 &
npid=$!

# The files appear in the container through the bind, as after an install
# on a running machine.  The build under test is the one installed.
rel=${build#"$srcdir"/}
san=
case $rel in *-san) san=SANITIZE=1 ;; esac
# shellcheck disable=SC2086 # $san is one assignment or none
if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$srcdir" install \
    DESTDIR="$stage" BUILD="$rel" $san >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	fail "make install"
fi
grep -q '^log_level = info$' "$stage/etc/kerr/kerr.conf" ||
    fail "make install replaced an existing /etc/kerr/kerr.conf"

# The container's PID 1 is nspawn's child once it runs systemd.
i=0
while :; do
	kill -0 "$npid" 2>/dev/null || cannot_boot "systemd-nspawn exited"
	leader=$(ps -o pid= --ppid "$npid" 2>/dev/null | head -n 1 | tr -d ' ')
	[ -n "$leader" ] &&
	    [ "$(cat "/proc/$leader/comm" 2>/dev/null)" = systemd ] && break
	leader=
	i=$((i + 1))
	[ "$i" -lt 200 ] || cannot_boot "no systemd running in it after 20 s"
	sleep 0.1
done
# "degraded" is fine: units of this machine's /usr may fail in a bare
# container (systemd-firstboot has no console); ours are checked below.
# It boots to basic.target (systemd.unit=, an argument for its init):
# an empty /etc is a first boot, whose presets enable every unit of the
# host's /usr, and multi-user.target would wait for whatever the host
# has installed (a Slurm waiting for network-online, say).
booted()
{
	state=$(ct systemctl is-system-running 2>/dev/null)
	[ "$state" = running ] || [ "$state" = degraded ]
}
wait_until 300 booted || fail "boot did not finish in 30 s (state '$state')"

# README.md's steps.
ct systemd-sysusers kerr.conf || fail "systemd-sysusers kerr.conf"
ct systemd-tmpfiles --create kerr.conf || fail "systemd-tmpfiles --create"
for d in /var/lib/kerr:770 /var/lib/kerr/tasks:750; do
	got=$(ct stat -c '%U:%G %a' "${d%:*}")
	[ "$got" = "kerr:kerr ${d#*:}" ] ||
	    fail "${d%:*} is '$got', not kerr:kerr ${d#*:}"
done
if [ -n "$san" ]; then
	# LeakSanitizer stops the world with ptrace, which the units'
	# SystemCallFilter= refuses; the other integration tests look for
	# leaks, this one keeps AddressSanitizer and UBSan only.
	ct sh -c 'mkdir -p /etc/systemd/system/kerr-.service.d &&
	    printf "[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n" \
	    >/etc/systemd/system/kerr-.service.d/sanitizer.conf' ||
	    fail "sanitizer drop-in"
fi
sctl daemon-reload
sctl enable --now kerr.target

# 1. Lazy start under the target.
is_state kerr-schedulerd.service active || fail "kerr-schedulerd not active"
is_state kerr-cleanerd.service active || fail "kerr-cleanerd not active"
[ "$(ct systemctl show -P SubState kerr-apid.socket)" = listening ] ||
    fail "kerr-apid.socket is not listening"
is_state kerr-apid.service inactive ||
    fail "enabling kerr.target started kerr-apid.service"

# 2. Start lines.  journald takes the lines a moment after READY=1.
for d in schedulerd cleanerd; do
	wait_until 50 in_journal '^Ready: ' -u "kerr-$d.service" ||
	    fail "no Ready line in journalctl -u kerr-$d"
done
is_state kerr-apid.service inactive ||
    fail "kerr-apid.service started with no connection"
ct curl -sf --max-time 20 -o /dev/null "$api/state" ||
    fail "the first connection got no answer"
is_state kerr-apid.service active ||
    fail "the first connection did not start apid"
wait_until 50 in_journal '^Ready: ' -u kerr-apid.service ||
    fail "no Ready line in journalctl -u kerr-apid"

# 3. A task's lines, by its journal field.
ct curl -sf --max-time 20 -o /dev/null -H 'Content-Type: application/json' \
    -d '{"id":"boot-web","requestType":"SERVICE"}' "$api/requests" ||
    fail "POST /requests"
ct curl -sf --max-time 20 -o /dev/null -H 'Content-Type: application/json' \
    -d '{"id":"d1","requestId":"boot-web","command":"sleep 1000"}' \
    "$api/requests/request/boot-web/deploy" || fail "POST deploy"
task_running()
{
	task=$(ct curl -sf --max-time 20 "$api/tasks/active" |
	    grep -o '"id": *"boot-web-[^"]*"' | head -n 1 |
	    sed 's/.*"\(.*\)"$/\1/')
	[ -n "$task" ]
}
wait_until 150 task_running || fail "no active task of boot-web after 15 s"
wait_until 50 in_journal "$task" "KERR_TASK_ID=$task" ||
    fail "journalctl KERR_TASK_ID=$task shows no line about it"

# 3b. The kerr client as installed, with its man page and completion;
# GET /metrics from apid as user kerr in its unit's sandbox, which must
# read the tables of schedulerd and cleanerd (root) and see them up.
out=$(ct kerr tasks boot-web) || fail "kerr tasks boot-web: $out"
case $out in *"$task"*) ;; *) fail "kerr tasks lists no $task: $out" ;; esac
for f in /usr/local/share/man/man1/kerr.1 \
    /usr/local/share/bash-completion/completions/kerr; do
	ct test -f "$f" || fail "make install did not install $f"
done
metrics=$(ct curl -sf --max-time 20 "${api%/singularity/v1}/metrics") ||
    fail "GET /metrics"
for d in apid schedulerd cleanerd; do
	printf '%s\n' "$metrics" | grep -qx "kerr_daemon_up{daemon=\"$d\"} 1" ||
	    fail "GET /metrics does not see kerr-$d up"
done
printf '%s\n' "$metrics" | grep -q '^kerr_task_launches_total [1-9]' ||
    fail "GET /metrics counts no launch of schedulerd's"

# 4. Restart and stop apid while POSTs and GETs keep coming from two
# clients, each request a new connection, so that some are in flight when
# apid is told to stop; the streams end when /run/flow.stop appears.
: >"$tmp/flow.log" || exit 1
for c in a b; do
	# shellcheck disable=SC2016 # expanded by the sh inside
	ct sh -c 'i=0
	while [ ! -e /run/flow.stop ]; do
		i=$((i + 1))
		echo "POST flow-$1-$i $(curl -s -o /dev/null \
		    -w "%{http_code}" --max-time 30 \
		    -H "Content-Type: application/json" \
		    -d "{\"id\":\"flow-$1-$i\"}" '"$api"'/requests)"
		echo "GET /state $(curl -s -o /dev/null -w "%{http_code}" \
		    --max-time 30 '"$api"'/state)"
	done' sh "$c" >>"$tmp/flow.log" 2>&1 &
	flowpids="$flowpids $!"
done
flowed()
{
	[ "$(wc -l <"$tmp/flow.log")" -ge "$want" ]
}
flow_on()	# wait for $1 more answers
{
	want=$(($(wc -l <"$tmp/flow.log") + $1))
	wait_until 200 flowed || fail "requests stopped flowing ($2)"
}
apid_pid()
{
	ct systemctl show -P MainPID kerr-apid.service
}
flow_on 20 "before the restart"
pid1=$(apid_pid)
sctl restart kerr-apid.service
pid2=$(apid_pid)
[ "$pid2" != 0 ] && [ "$pid2" != "$pid1" ] || fail "restart kept pid $pid1"
flow_on 20 "after the restart"
sctl stop kerr-apid.service
flow_on 20 "after the stop"
pid3=$(apid_pid)
[ "$pid3" != 0 ] && [ "$pid3" != "$pid2" ] ||
    fail "the socket did not start apid again (pid $pid3)"
ct touch /run/flow.stop
for p in $flowpids; do
	wait "$p"
done
flowpids=
if grep -v ' 200$' "$tmp/flow.log" >"$tmp/flow.bad"; then
	head -n 20 "$tmp/flow.bad"
	fail "$(wc -l <"$tmp/flow.bad") of $(wc -l <"$tmp/flow.log")" \
	    "requests failed across the restart and the stop"
fi
posted=$(grep -c '^POST ' "$tmp/flow.log")
stored=$(ct curl -sf --max-time 20 "$api/requests" |
    grep -o '"id": *"flow-[ab]-[0-9]*"' | sort -u | wc -l)
[ "$stored" -eq "$posted" ] ||
    fail "$posted requests created, $stored stored after the restarts"

# A stop with nothing flowing: the next connection starts apid again.
sctl stop kerr-apid.service
is_state kerr-apid.service inactive || fail "apid still running after a stop"
[ "$(ct systemctl show -P SubState kerr-apid.socket)" = listening ] ||
    fail "kerr-apid.socket is not listening after apid stopped"
ct curl -sf --max-time 20 -o /dev/null "$api/state" ||
    fail "after a stop, the next connection got no answer"
is_state kerr-apid.service active || fail "the socket did not start apid"

failed=$(ct systemctl list-units --failed --plain --no-legend 'kerr*')
[ -z "$failed" ] || fail "failed units: $failed"
drained=$(ct journalctl --no-pager -o cat -u kerr-apid.service |
    grep -c '^Finishing ')
say "ok ($posted POSTs and as many GETs across a restart and a stop of" \
    "apid, $drained of them with requests in flight;" \
    "$(($(date +%s) - started)) s)"
exit 0
