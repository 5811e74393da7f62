#!/usr/bin/env bash
# make check-slurm: install Slurm and MUNGE if missing (as root), start a
# two-node cluster in a temporary directory (cluster.sh), run the Slurm
# suite of the real daemons against it (check_slurm), and stop it all.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR}

if [ "$(id -u)" != 0 ]; then
	echo "make check-slurm starts slurmd, which runs jobs as their users:"
	echo "run it as root (sudo make check-slurm)."
	exit 1
fi
missing=""
for p in slurm-wlm munge; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "Installing Debian packages:$missing"
	apt-get update -qq
	# The packages' own services (a system munged, slurmd, slurmctld
	# without a config) are not what the tests run: keep them from
	# starting, through the policy layer Debian provides for this.
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy=/usr/sbin/policy-rc.d
	fi
	rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing || rc=$?
	[ -z "$policy" ] || rm -f "$policy"
	[ "$rc" = 0 ] || exit "$rc"
fi

dir=$(mktemp -d /tmp/kerr-slurm.XXXXXX)
cleanup() {
	tests/slurm/cluster.sh stop "$dir" || true
	rm -rf "$dir"
}
trap cleanup EXIT
tests/slurm/cluster.sh start "$dir"
# The key the task wrappers sign their events with: root's alone.
(umask 077 && head -c 32 /dev/urandom | base64 > "$dir/event.key")
SLURM_CONF=$dir/slurm.conf KERR_SLURM_KEY=$dir/event.key \
    KERR_BUILD_DIR=$PWD/$build "$build/check_slurm"
