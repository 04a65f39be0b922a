# pg_cluster.sh - a throwaway PostgreSQL cluster for tests.  Source it, then:
#
#   pg_cluster_start || exit $?    # 77 when PostgreSQL's server binaries are not installed
#   ... CRA_TEST_DB=postgresql://postgres@127.0.0.1:PORT/postgres is exported ...
#   pg_cluster_stop                # optional: an EXIT trap stops it anyway
#   pg_cluster_halt [MODE]         # stop the server (pg_ctl stop -m MODE, default immediate),
#                                  # keeping the cluster, as a crash or a restart would
#   pg_cluster_restart             # start it again: same data directory, same port
#
# The cluster lives in a fresh directory under ${CRA_TEST_TMP:-/tmp}, listens on a free port
# of 127.0.0.1 and on a unix socket in that directory, trusts every local user, and trades
# durability for speed (no fsync; commits still survive pg_cluster_halt).  Tests running at
# once each get their own directory and port.  PostgreSQL refuses to run as root, so under
# root the server runs as the `postgres` system user.  pg_cluster_start sets an EXIT trap
# (and HUP, INT, TERM traps that exit); a script that sets its own EXIT trap afterwards should
# call pg_cluster_stop from it.
#
# Also exported: PG_CLUSTER_DIR, PG_CLUSTER_PORT, PG_CLUSTER_BIN (initdb, pg_ctl, psql ...).

# The newest installed server binaries; pg_config may belong to libpq-dev alone.
pg_cluster_bindir() {
	local dir
	dir=$(pg_config --bindir 2>/dev/null)
	if [ ! -x "$dir/initdb" ]; then
		dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	fi
	[ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

# A port nobody listens on now (another program may still take it before we do: the caller
# tries again with another port when the server cannot bind).
pg_cluster_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 40000))
}

# Runs a server binary as the cluster's owner.
pg_cluster_run() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_cluster_start() {
	PG_CLUSTER_BIN=$(pg_cluster_bindir) || {
		echo "pg_cluster: PostgreSQL server binaries (initdb, pg_ctl) not found" >&2
		return 77
	}
	if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
		echo "pg_cluster: running as root and there is no 'postgres' user to run the server" >&2
		return 1
	fi
	# The server's socket, $dir/.s.PGSQL.PORT, must fit a sockaddr_un (107 bytes).
	local parent=${CRA_TEST_TMP:-/tmp}
	[ ${#parent} -le 80 ] || parent=/tmp
	mkdir -p "$parent" || return 1
	PG_CLUSTER_DIR=$(mktemp -d "$parent/pg.XXXXXX") || return 1
	# A signal (ctest's timeout, ^C) becomes an exit, so the EXIT trap stops the server.
	trap pg_cluster_stop EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$PG_CLUSTER_DIR" || return 1
		# The postgres user may not reach into root's directories: then use /tmp.
		if ! runuser -u postgres -- test -w "$PG_CLUSTER_DIR"; then
			rm -rf "$PG_CLUSTER_DIR"
			PG_CLUSTER_DIR=$(mktemp -d /tmp/pg.XXXXXX) && chown postgres: "$PG_CLUSTER_DIR" ||
				return 1
		fi
	fi
	if ! pg_cluster_run "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres -A trust \
		-E UTF8 --locale=C --no-sync --no-instructions >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
		echo "pg_cluster: initdb failed:" >&2
		cat "$PG_CLUSTER_DIR/initdb.log" >&2
		return 1
	fi
	# pg_ctl hands these to the server through sh -c: one line, the directory quoted.
	local options="-c listen_addresses=127.0.0.1 -c unix_socket_directories='$PG_CLUSTER_DIR'"
	# No fsync, but commits stay synchronous: a committed transaction is in the kernel's page
	# cache and survives pg_cluster_halt (an immediate stop drops asynchronous commits, so a
	# test could not hold an exit 0 to its word).
	options+=" -c fsync=off -c full_page_writes=off"
	options+=" -c max_connections=30 -c shared_buffers=16MB"
	local try
	for try in 1 2 3 4 5; do
		PG_CLUSTER_PORT=$(pg_cluster_free_port)
		if pg_cluster_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -w -t 30 \
			-l "$PG_CLUSTER_DIR/server.log" -o "-p $PG_CLUSTER_PORT $options" \
			start >/dev/null 2>&1; then
			export PG_CLUSTER_DIR PG_CLUSTER_PORT PG_CLUSTER_BIN
			PG_CLUSTER_OPTIONS=$options
			export CRA_TEST_DB="postgresql://postgres@127.0.0.1:$PG_CLUSTER_PORT/postgres"
			return 0
		fi
		# Most likely the port was taken meanwhile: try another.
	done
	echo "pg_cluster: the server did not start:" >&2
	tail -20 "$PG_CLUSTER_DIR/server.log" >&2
	return 1
}

pg_cluster_halt() {
	pg_cluster_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m "${1:-immediate}" -w stop \
		>/dev/null 2>&1
}

pg_cluster_restart() {
	pg_cluster_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -w -t 30 \
		-l "$PG_CLUSTER_DIR/server.log" -o "-p $PG_CLUSTER_PORT $PG_CLUSTER_OPTIONS" \
		start >/dev/null 2>&1
}

pg_cluster_stop() {
	[ -n "${PG_CLUSTER_DIR:-}" ] || return 0
	if [ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ]; then
		pg_cluster_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop \
			>/dev/null 2>&1
	fi
	rm -rf "$PG_CLUSTER_DIR"
	unset PG_CLUSTER_DIR PG_CLUSTER_PORT CRA_TEST_DB
}
