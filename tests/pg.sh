#!/bin/bash
# A throwaway PostgreSQL server for the tests, run as an unprivileged user
# (PostgreSQL refuses to run as root) in a directory of its own.
#   tests/pg.sh start DIR   initdb in DIR, start on a free port, print the URL
#   tests/pg.sh stop DIR    stop the server started in DIR (by its PID), remove DIR
# The URL names database nq57; tests create further databases beside it.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: tests/pg.sh start|stop DIR" >&2; exit 2; }

PG_USER=nq57pg

pg_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	echo "tests/pg.sh: no PostgreSQL server binaries under /usr/lib/postgresql" >&2
	exit 1
}

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PG_USER" -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "tests/pg.sh: no free port found" >&2
	exit 1
}

start() {
	local bin port user
	bin=$(pg_bin)
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
		chown "$PG_USER" "$dir"
		chmod 700 "$dir"
		user=$PG_USER
	else
		user=$(id -un)
	fi
	as_user "$bin/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	port=$(free_port)
	as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	head -1 "$dir/data/postmaster.pid" >"$dir/pid"
	as_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" nq57
	echo "postgresql://$user@127.0.0.1:$port/nq57"
}

stop() {
	[ -d "$dir" ] || return 0
	if [ -f "$dir/pid" ]; then
		local pid
		pid=$(cat "$dir/pid")
		if kill -0 "$pid" 2>/dev/null; then
			kill -INT "$pid" 2>/dev/null || true   # fast shutdown
			for _ in $(seq 1 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -rf "$dir"
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) echo "usage: tests/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
