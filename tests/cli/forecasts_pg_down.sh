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
# The test cluster commits asynchronously for speed, and an immediate stop loses the last
# commits; here each commit must be durable before the server is stopped, as by default.
export PGOPTIONS="-c synchronous_commit=on"
psql_q() { PGOPTIONS="$PGOPTIONS -c client_min_messages=warning" "$PG_CLUSTER_BIN/psql" -qAtX -v ON_ERROR_STOP=1 "$CRA_TEST_DB" -c "$1"; }
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

# ---- cra-predict: the forecasts from 2500 candles (old), then from 3000 (new rows beside) ---
predict() { cra-predict -q "${M[@]}" --steps 2 --db "$CRA_TEST_DB" -s SYN "$1"; }
predict "$T/early/SYN.csv" > /dev/null || fail "predict: the old forecasts"
dump forecasts > "$T/old"
predict "$T/SYN.csv" > "$T/predict.csv" || fail "predict: undisturbed"
dump forecasts > "$T/new"
[ "$(wc -l < "$T/new")" -gt "$(wc -l < "$T/old")" ] || fail "predict: the new forecasts add no rows"

reset_forecasts() {
	psql_q "DROP TABLE forecasts" && predict "$T/early/SYN.csv" > /dev/null && dump forecasts | cmp -s - "$T/old" ||
		fail "predict: resetting the old forecasts"
}

# The backend terminated mid-write: redone on a new connection.
reset_forecasts
holder_lock forecasts
predict "$T/SYN.csv" > "$T/out" 2> "$T/err" & pid=$!
first=$(wait_blocked $pid forecasts)
[ "$(psql_q "SELECT pg_terminate_backend($first)")" = t ] || fail "predict: terminating its backend"
second=$(wait_blocked $pid forecasts "$first")
holder_release
wait $pid || fail "predict: exit $? after its backend was terminated: $(cat "$T/err")"
cmp -s "$T/out" "$T/predict.csv" || fail "predict: standard output after a retried write"
dump forecasts | cmp -s - "$T/new" || fail "predict: the forecasts after a retried write are not the undisturbed run's"
echo "forecasts_pg_down: predict: backend $first terminated mid-write; written again by backend $second; exit 0"

# The server stopped mid-write.
reset_forecasts
holder_lock forecasts
predict "$T/SYN.csv" > "$T/out" 2> "$T/err" & pid=$!
wait_blocked $pid forecasts > /dev/null
pg_cluster_halt immediate || fail "predict: pg_ctl stop"
wait $pid
status=$?
holder_release gone
[ $status = 69 ] || fail "predict: exit $status with the server stopped, expected 69: $(cat "$T/err")"
grep -q "^cra-predict: $DB: " "$T/err" || fail "predict: the message does not name the database: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "predict: standard output after a failed write"
pg_cluster_restart || fail "predict: pg_ctl start"
dump forecasts | cmp -s - "$T/old" || fail "predict: the forecasts table changed by a failed write"
predict "$T/SYN.csv" > /dev/null || fail "predict: the next run"
dump forecasts | cmp -s - "$T/new" || fail "predict: the next run's forecasts are not the undisturbed run's"
echo "forecasts_pg_down: predict: server stopped mid-write: $(grep -m1 "$DB" "$T/err")"

# ---- cra-backtest: leaderboard rows of a period to 2023-04-20 (old), then to 2023-04-25 ----
backtest() {
	cra-backtest -q "${M[@]}" -H 1 --to "$1" --db "$CRA_TEST_DB" -L "$T/board.csv" -o "$T/steps.csv" "$T/SYN.csv"
}
backtest 2023-04-20 || fail "backtest: the old rows"
dump leaderboard > "$T/old"
cp "$T/board.csv" "$T/board.old"
backtest 2023-04-25 || fail "backtest: undisturbed"
dump leaderboard > "$T/new"
cp "$T/board.csv" "$T/board.new"
[ "$(wc -l < "$T/new")" -gt "$(wc -l < "$T/old")" ] || fail "backtest: the new period adds no rows"

reset_leaderboard() {
	psql_q "DROP TABLE leaderboard" && rm -f "$T/board.csv" "$T/steps.csv" && backtest 2023-04-20 &&
		dump leaderboard | cmp -s - "$T/old" && rm "$T/steps.csv" || fail "backtest: resetting the old rows"
}

reset_leaderboard
holder_lock leaderboard
backtest 2023-04-25 > "$T/out" 2> "$T/err" & pid=$!
first=$(wait_blocked $pid leaderboard)
[ "$(psql_q "SELECT pg_terminate_backend($first)")" = t ] || fail "backtest: terminating its backend"
second=$(wait_blocked $pid leaderboard "$first")
holder_release
wait $pid || fail "backtest: exit $? after its backend was terminated: $(cat "$T/err")"
dump leaderboard | cmp -s - "$T/new" || fail "backtest: the rows after a retried write are not the undisturbed run's"
cmp -s "$T/board.csv" "$T/board.new" || fail "backtest: the leaderboard file after a retried write"
echo "forecasts_pg_down: backtest: backend $first terminated mid-write; written again by backend $second; exit 0"

reset_leaderboard
holder_lock leaderboard
backtest 2023-04-25 > "$T/out" 2> "$T/err" & pid=$!
wait_blocked $pid leaderboard > /dev/null
pg_cluster_halt immediate || fail "backtest: pg_ctl stop"
wait $pid
status=$?
holder_release gone
[ $status = 69 ] || fail "backtest: exit $status with the server stopped, expected 69: $(cat "$T/err")"
grep -q "^cra-backtest: $DB: " "$T/err" || fail "backtest: the message does not name the database: $(cat "$T/err")"
[ ! -e "$T/steps.csv" ] || fail "backtest: -o file written by a failed run"
cmp -s "$T/board.csv" "$T/board.old" || fail "backtest: the -L file changed by a failed run"
pg_cluster_restart || fail "backtest: pg_ctl start"
dump leaderboard | cmp -s - "$T/old" || fail "backtest: the leaderboard table changed by a failed write"
backtest 2023-04-25 || fail "backtest: the next run"
dump leaderboard | cmp -s - "$T/new" || fail "backtest: the next run's rows are not the undisturbed run's"
cmp -s "$T/board.csv" "$T/board.new" || fail "backtest: the next run's leaderboard file"
echo "forecasts_pg_down: backtest: server stopped mid-write: $(grep -m1 "$DB" "$T/err")"
echo "forecasts_pg_down: ok"
