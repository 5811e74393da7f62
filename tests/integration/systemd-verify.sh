#!/bin/sh
# systemd-verify.sh: run "systemd-analyze verify" over the units in systemd/.
#
# The units are copied into a temp directory with @BINDIR@ replaced by a
# directory of executable stubs, as "make install" does with the real
# binaries.  verify reports most unit file mistakes (unknown keys, bad
# values) as warnings and still exits 0, and it can also print warnings
# about the host's own units or, in a container, about /proc: so any output
# line naming one of our units is a failure, and so is a non-zero exit.
# Three mistakes verify stays silent about are checked by hand: a
# dependency on a kerr unit that does not exist, an unknown capability name
# (which systemd drops without a word), and anything but its socket
# starting kerr-apid.service.  tests/integration/systemd-boot.sh runs the
# units under a booted systemd.
#
# Exit: 0 pass, 1 failure, 77 skipped (no systemd-analyze).

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 1

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-verify: skipped, systemd-analyze not found"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/unit-verify.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/units" || exit 1
problems=$tmp/problems
: > "$problems"

for d in kerr-apid kerr-schedulerd kerr-cleanerd; do
	printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/$d" &&
	    chmod 0755 "$tmp/bin/$d" || exit 1
done

n=0
for u in "$srcdir"/systemd/*.service "$srcdir"/systemd/*.socket \
    "$srcdir"/systemd/*.target; do
	[ -e "$u" ] || continue
	sed "s|@BINDIR@|$tmp/bin|g" "$u" > "$tmp/units/${u##*/}" || exit 1
	n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	echo "systemd-verify: FAIL, no units found in $srcdir/systemd"
	exit 1
fi
cd "$tmp/units" || exit 1

out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify \
    ./*.service ./*.socket ./*.target 2>&1)
rc=$?
printf '%s\n' "$out" | grep 'kerr' | sed "s|$tmp/units/||g" >> "$problems"

# Every kerr unit named on the right of a "Key=" line must exist.
for ref in $(sed -n 's/^[A-Za-z]*=//p' ./* | tr ' ' '\n' |
    grep -E '^kerr[a-z-]*\.(service|socket|target)$' | sort -u); do
	[ -e "$ref" ] ||
	    echo "$ref: named in a dependency but not in systemd/" >> "$problems"
done

# apid starts on its socket's first connection, never with the target.
for f in $(grep -l -E \
    '^(Wants|Requires|Requisite|BindsTo|Upholds)=.*kerr-apid\.service' ./*); do
	echo "${f#./}: pulls in kerr-apid.service, which only its socket" \
	    "may start" >> "$problems"
done
if grep -q -E '^(WantedBy|RequiredBy|UpheldBy)=' kerr-apid.service; then
	echo "kerr-apid.service: [Install] starts it with a target, not on" \
	    "its socket's first connection" >> "$problems"
fi

# "systemd-analyze capability" (systemd 251+) fails on an unknown name.
if systemd-analyze capability cap_kill >/dev/null 2>&1; then
	for f in ./*; do
		caps=$(sed -n -e 's/^CapabilityBoundingSet=~*//p' \
		    -e 's/^AmbientCapabilities=~*//p' "$f" | tr '\n' ' ')
		# shellcheck disable=SC2086 # one capability name per word
		if [ -n "${caps% }" ] &&
		    ! systemd-analyze capability $caps >/dev/null 2>&1; then
			echo "${f#./}: unknown capability in: $caps" >> "$problems"
		fi
	done
fi

if [ -s "$problems" ] || [ "$rc" -ne 0 ]; then
	if [ -s "$problems" ]; then
		cat "$problems"
	else
		printf '%s\n' "$out"
	fi
	echo "systemd-verify: FAIL (systemd-analyze verify exited $rc)"
	exit 1
fi
echo "systemd-verify: ok"
exit 0
