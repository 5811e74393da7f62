#!/usr/bin/env bash
# make check-ui: the web UI in a real browser.  Installs Debian's chromium
# and nodejs/npm if missing (as root; otherwise prints the line to run),
# playwright-core from tests/ui/package-lock.json into the build directory
# (npm ci), starts the real daemons (kerr-run) on a temporary state
# directory and a free loopback port, and runs scenario.mjs against them.
# Screenshots go to BUILD/ui-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR}

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "Installing Debian packages:$need"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $need
	else
		echo "Missing Debian packages. Run:"
		echo "  sudo apt-get install$need"
		exit 1
	fi
fi

# The pinned driver, reinstalled only when the lock file changed.
modules=$PWD/$build/ui-node
if ! cmp -s tests/ui/package-lock.json "$modules/package-lock.json" ||
    [ ! -d "$modules/node_modules/playwright-core" ]; then
	echo "Installing playwright-core (tests/ui/package-lock.json)"
	rm -rf "$modules"
	mkdir -p "$modules"
	cp tests/ui/package.json tests/ui/package-lock.json "$modules/"
	(cd "$modules" && npm ci --no-audit --no-fund --loglevel=error)
fi

dir=$(mktemp -d /tmp/kerr-ui.XXXXXX)
# Tasks run as nobody when we are root: they pass through, not list.
chmod 0711 "$dir"
run_pid=""
# Task supervisors outlive the daemons by design: once kerr-run stopped
# them, whatever still names this run's directory (a task's command line,
# or its environment, which holds its sandbox) is one of its tasks.
kill_tasks() {
	local p n
	for p in /proc/[0-9]*; do
		n=${p#/proc/}
		[ "$n" != $$ ] || continue
		if grep -qsF -- "$dir/" "$p/cmdline" "$p/environ"; then
			kill -KILL "$n" 2>/dev/null || true
		fi
	done
}
cleanup() {
	if [ -n "$run_pid" ]; then
		kill -TERM "$run_pid" 2>/dev/null || true
		wait "$run_pid" 2>/dev/null || true
	fi
	kill_tasks
	rm -rf "$dir"
}
trap cleanup EXIT

# The health-checked task's HTTP server, where nobody can run it.
mkdir -m 0755 "$dir/bin"
cp "$build/kerr-test-httpd" "$dir/bin/"

port=$(node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
# auth = token, as an operator opening the API would run it: one admin.
token_out=$("$build/kerr-apid" --new-token ui-admin ops)
token=$(printf '%s\n' "$token_out" | sed -n 's/^token: //p')
printf '%s\n' "$token_out" | sed -n 's/^add to tokens_file: //p' \
    > "$dir/tokens"
chmod 0600 "$dir/tokens"
cat > "$dir/kerr.conf" <<CONF
[common]
state_dir = $dir/state
runtime_dir = $dir/run
tick_ms = 200
[apid]
listen_address = 127.0.0.1
port = $port
auth = token
tokens_file = $dir/tokens
admin_groups = ops
[cleanerd]
kill_grace_ms = 1500
CONF
"$build/kerr-run" -c "$dir/kerr.conf" > "$dir/kerr.log" 2>&1 &
run_pid=$!

shots=$PWD/$build/ui-screenshots
rm -rf "$shots"
mkdir -p "$shots"
rc=0
KERR_UI_URL=http://127.0.0.1:$port KERR_UI_SHOTS=$shots \
    KERR_UI_TOKEN=$token \
    KERR_UI_HTTPD=$dir/bin/kerr-test-httpd \
    KERR_UI_NODE_MODULES=$modules/node_modules \
    KERR_UI_CHROMIUM=$(command -v chromium) \
    node tests/ui/scenario.mjs || rc=$?
if [ "$rc" != 0 ]; then
	echo "--- daemon log (last 60 lines) ---"
	tail -n 60 "$dir/kerr.log"
fi
exit "$rc"
