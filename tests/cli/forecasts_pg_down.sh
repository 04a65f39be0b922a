# The PostgreSQL writes of cra-predict (forecasts) and cra-backtest (leaderboard rows) when
# the connection is lost in the middle of them.  Another session holds a SHARE lock on the
# table, so each program stops at the same moment: its rows staged, its transaction open, its
# INSERT into the table waiting.  Then:
#   - its backend terminated (an administrator, a failover): the write is one transaction and
#     keyed, so it is redone on a new connection; exit 0 and the undisturbed run's table;
#   - the server stopped (pg_ctl stop -m immediate, as a crash would): exit 69 naming the
#     database, nothing on standard output or in the -o and -L files, the table exactly as
#     before; after a restart the next run gives the undisturbed run's table.
. "$CRA_SRC/tests/testlib.sh"
t_init forecasts_pg_down
. "$CRA_SRC/tests/cli/backtest_lib.bash"
. "$CRA_SRC/tests/pg_cluster.sh"
pg_cluster_start || exit $?
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$PG_CLUSTER_BIN/psql" -qAtX -v ON_ERROR_STOP=1 "$CRA_TEST_DB" -c "$1"; }
# A table's rows in a fixed order, without the time they were written.
dump() { psql_q "SELECT (to_jsonb(t) - 'written_at')::text AS r FROM $1 t ORDER BY r"; }
# The backends (other than ours) waiting for a lock.
waiting() { psql_q "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"; }

# holder_lock TABLE: another session takes a SHARE lock on TABLE (reading it is allowed,
# writing it waits) and keeps it, in an open transaction, until holder_release.
holder_lock() {
	coproc HOLDER { "$PG_CLUSTER_BIN/psql" -qAtX "$CRA_TEST_DB"; }
	# bash unsets HOLDER and HOLDER_PID as soon as it reaps the coprocess: keep our own copies.
	holder_pid=$HOLDER_PID holder_in=${HOLDER[1]} holder_out=${HOLDER[0]}
	echo "BEGIN; LOCK TABLE $1 IN SHARE MODE; SELECT 'locked';" >&"$holder_in"
	local got
	read -r -t 30 got <&"$holder_out"
	[ "$got" = locked ] || fail "the holder could not lock $1: '$got'"
}
# holder_release [gone]: the holder rolls back (unless its server is gone) and ends.
holder_release() {
	[ "${1:-}" = gone ] || echo "ROLLBACK;" >&"$holder_in"
	eval "exec $holder_in>&- $holder_out<&-"
	wait "$holder_pid" 2>/dev/null
}

# wait_blocked PID TABLE [NOT]: waits until a backend other than NOT waits for a lock while PID
# (the program) runs, checks that it waits in the INSERT into TABLE, and prints the backend.
# Memcheck starts programs slowly: up to 10 minutes.
wait_blocked() {
	local pid=$1 table=$2 not=${3:-} b i
	for ((i = 0; i < 3000; i++)); do
		b=$(waiting | grep -vx "${not:-none}" | head -1)
		if [ -n "$b" ]; then
			psql_q "SELECT query FROM pg_stat_activity WHERE pid = $b" | grep -q "^INSERT INTO $table " ||
				fail "backend $b waits elsewhere: $(psql_q "SELECT query FROM pg_stat_activity WHERE pid = $b")"
			echo "$b"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || fail "the program ended without waiting for the lock: $(cat "$T/err")"
		sleep 0.2
	done
	fail "the program never reached its write"
}

synth 3000 "$T/SYN.csv"
mkdir -p "$T/early" && head -2501 "$T/SYN.csv" > "$T/early/SYN.csv"
cra-train-xgb -q -s SYN --to "$(open_time_of "$T/SYN.csv" 2000)" --trees 40 -j 1 -o "$T/xgb.bundle" "$T/SYN.csv" > /dev/null ||
	fail "training"
M=(-m "$T/xgb.bundle" -c 100)
DB="PostgreSQL 127.0.0.1:$PG_CLUSTER_PORT/postgres"

# Each program P has two runs: old_P, whose rows are the table before, and new_P, which adds
# rows beside them; P_files lists the files it writes besides standard output.
# cra-predict: the forecasts from 2500 candles, then from 3000.
old_predict() { cra-predict -q "${M[@]}" --steps 2 --db "$CRA_TEST_DB" -s SYN "$T/early/SYN.csv"; }
new_predict() { cra-predict -q "${M[@]}" --steps 2 --db "$CRA_TEST_DB" -s SYN "$T/SYN.csv"; }
predict_files=()
# cra-backtest: the leaderboard rows of the period to 2023-04-20, then to 2023-04-25.
backtest() {
	cra-backtest -q "${M[@]}" -H 1 --to "$1" --db "$CRA_TEST_DB" -L "$T/board.csv" -o "$T/steps.csv" "$T/SYN.csv"
}
old_backtest() { backtest 2023-04-20; }
new_backtest() { backtest 2023-04-25; }
backtest_files=(board.csv steps.csv)

# save P STATE: P's outputs (in $T/out and its files) as those of STATE (old or new).
save() {
	local -n files=${1}_files
	local f
	cp "$T/out" "$T/$1.$2.out"
	for f in "${files[@]}"; do cp "$T/$f" "$T/$f.$2"; done
}
# same P STATE WHEN: P's files (and, when new, its standard output) are STATE's.
same() {
	local -n files=${1}_files
	local f
	for f in "${files[@]}"; do cmp -s "$T/$f" "$T/$f.$2" || fail "$1: $f $3 is not the $2 run's"; done
	[ "$2" = old ] || cmp -s "$T/out" "$T/$1.$2.out" || fail "$1: standard output $3 is not the $2 run's"
}

# prepare P TABLE: the undisturbed runs: TABLE's rows (and P's outputs) before and after.
prepare() {
	"old_$1" > "$T/out" || fail "$1: the old run"
	dump "$2" > "$T/$1.old" && save "$1" old
	"new_$1" > "$T/out" || fail "$1: the new run"
	dump "$2" > "$T/$1.new" && save "$1" new
	[ "$(wc -l < "$T/$1.new")" -gt "$(wc -l < "$T/$1.old")" ] || fail "$1: the new run adds no rows"
}
# reset P TABLE: TABLE and P's files as the old run leaves them.
reset() {
	local -n files=${1}_files
	psql_q "DROP TABLE $2" && (cd "$T" && rm -f "${files[@]}") && "old_$1" > /dev/null &&
		dump "$2" | cmp -s - "$T/$1.old" || fail "$1: resetting the old rows"
}

# backend_terminated P TABLE: the backend of P's write terminated: written again on a new one.
backend_terminated() {
	local first second
	reset "$1" "$2"
	holder_lock "$2"
	"new_$1" > "$T/out" 2> "$T/err" & pid=$!
	first=$(wait_blocked $pid "$2")
	[ "$(psql_q "SELECT pg_terminate_backend($first)")" = t ] || fail "$1: terminating its backend"
	second=$(wait_blocked $pid "$2" "$first")
	holder_release
	wait $pid || fail "$1: exit $? after its backend was terminated: $(cat "$T/err")"
	dump "$2" | cmp -s - "$T/$1.new" || fail "$1: $2 after a retried write is not the new run's"
	same "$1" new "after a retried write"
	echo "forecasts_pg_down: $1: backend $first terminated mid-write; written again by backend $second; exit 0"
}

# server_stopped P TABLE: the server stopped during P's write: 69, nothing changed; the next
# run after a restart completes.
server_stopped() {
	local status
	reset "$1" "$2"
	holder_lock "$2"
	"new_$1" > "$T/out" 2> "$T/err" & pid=$!
	wait_blocked $pid "$2" > /dev/null
	pg_cluster_halt immediate || fail "$1: pg_ctl stop"
	wait $pid
	status=$?
	holder_release gone
	[ $status = 69 ] || fail "$1: exit $status with the server stopped, expected 69: $(cat "$T/err")"
	grep -q "^cra-$1: $DB: " "$T/err" || fail "$1: the message does not name the database: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$1: standard output after a failed write"
	same "$1" old "after a failed write"
	pg_cluster_restart || fail "$1: pg_ctl start"
	dump "$2" | cmp -s - "$T/$1.old" || fail "$1: $2 changed by a failed write"
	"new_$1" > "$T/out" || fail "$1: the next run"
	dump "$2" | cmp -s - "$T/$1.new" || fail "$1: the next run's $2 is not the new run's"
	same "$1" new "of the next run"
	echo "forecasts_pg_down: $1: server stopped mid-write: $(grep -m1 "$DB" "$T/err")"
}

prepare predict forecasts
backend_terminated predict forecasts
server_stopped predict forecasts
prepare backtest leaderboard
backend_terminated backtest leaderboard
server_stopped backtest leaderboard
echo "forecasts_pg_down: ok"
