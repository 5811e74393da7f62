#!/usr/bin/env bash
# A real Slurm cluster in a directory, for make check-slurm: munged,
# slurmctld and two slurmd: two nodes on this machine, each on its own port
# and spool directory, named after the host and "localhost" so that both
# names resolve here (health checks reach a task on its node's name).
# Partition "batch" (the default) has both nodes, "second" only localhost.
# Nothing is written outside DIR.
#
#   tests/slurm/cluster.sh start DIR    start it; DIR/slurm.conf is its config
#   tests/slurm/cluster.sh stop DIR     stop every daemon it started
#
# Needs root (slurmd runs jobs as their users) and Debian's slurm-wlm and
# munge.  Tuned for tests: jobs start at once (sched_interval=1, no batch
# delay) and a finished job stays known for 10 minutes (MinJobAge).
set -euo pipefail

cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	    echo $(( 20000 + RANDOM % 20000 ))
}

start() {
	local host cport p1 p2 i
	mkdir -p "$dir/munge" "$dir/state" "$dir/log"
	chmod 700 "$dir/munge"
	head -c 1024 /dev/urandom > "$dir/munge/munge.key"
	chmod 600 "$dir/munge/munge.key"
	munged -F --force --key-file="$dir/munge/munge.key" \
	    --socket="$dir/munge/sock" --pid-file="$dir/munge/pid" \
	    --log-file="$dir/munge/log" --seed-file="$dir/munge/seed" \
	    > "$dir/log/munged.out" 2>&1 &
	echo $! > "$dir/munged.pid"
	for i in $(seq 1 50); do [ -S "$dir/munge/sock" ] && break; sleep 0.1; done
	host=$(hostname -s)
	cport=$(free_port); p1=$(free_port); p2=$(free_port)
	cat > "$dir/slurm.conf" <<-CONF
	ClusterName=kerrtest
	SlurmctldHost=$host
	SlurmctldPort=$cport
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/munge
	AuthInfo=socket=$dir/munge/sock
	CredType=cred/munge
	StateSaveLocation=$dir/state
	SlurmdSpoolDir=$dir/spool-%n
	SlurmctldPidFile=$dir/slurmctld.pid
	SlurmdPidFile=$dir/slurmd-%n.pid
	SlurmctldLogFile=$dir/log/slurmctld.log
	SlurmdLogFile=$dir/log/slurmd-%n.log
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
	SchedulerType=sched/builtin
	SchedulerParameters=batch_sched_delay=0,sched_interval=1,default_queue_depth=1000
	MinJobAge=600
	KillWait=5
	NodeName=$host NodeHostname=$host NodeAddr=127.0.0.1 Port=$p1 CPUs=64 RealMemory=8192 State=UNKNOWN
	NodeName=localhost NodeHostname=$host NodeAddr=127.0.0.1 Port=$p2 CPUs=64 RealMemory=8192 State=UNKNOWN
	PartitionName=batch Nodes=$host,localhost Default=YES MaxTime=INFINITE State=UP
	PartitionName=second Nodes=localhost Default=NO MaxTime=INFINITE State=UP
	CONF
	mkdir -p "$dir/spool-$host" "$dir/spool-localhost"
	echo "$host localhost" > "$dir/nodes"
	(cd "$dir" && exec slurmctld -D -f "$dir/slurm.conf") \
	    > "$dir/log/slurmctld.out" 2>&1 &
	echo $! > "$dir/slurmctld.daemon"
	for n in $host localhost; do
		(cd "$dir" && exec slurmd -D -N "$n" -f "$dir/slurm.conf") \
		    > "$dir/log/slurmd-$n.out" 2>&1 &
		echo $! > "$dir/slurmd-$n.daemon"
	done
	for i in $(seq 1 120); do
		if [ "$(SLURM_CONF=$dir/slurm.conf sinfo -h -N -p batch -o %T 2>/dev/null |
		    grep -c idle)" = 2 ]; then
			echo "Slurm up in $dir: nodes $host and localhost"
			return 0
		fi
		sleep 0.5
	done
	echo "Slurm did not come up; its logs:" >&2
	tail -n 20 "$dir"/log/* >&2 || true
	return 1
}

stop() {
	local f pid i
	SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --me \
	    2>/dev/null || true
	for f in "$dir"/slurmd-*.daemon "$dir"/slurmctld.daemon \
	    "$dir"/munged.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || continue
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	done
}

case $cmd in
start) start ;;
stop) stop ;;
*) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
