# The PostgreSQL server stopped (pg_ctl stop -m immediate, as a crash would) while cra-fetch
# downloads into it, and while cra-fetch --import writes a large file: exit 69 naming the
# database, whole pages or whole imports only in the table, every open_time once; after a
# restart the next run completes and the table equals an undisturbed run's.
. "$CRA_SRC/tests/cli/fetch_mock.sh"
. "$CRA_SRC/tests/pg_cluster.sh"
pg_cluster_start || exit $?
trap 'pg_cluster_stop; fetch_cleanup' EXIT
export CRA_RETRY_BASE_MS=1
PAGE=1000
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$PG_CLUSTER_BIN/psql" -qAtX -v ON_ERROR_STOP=1 "$CRA_TEST_DB" -c "$1"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
sleep_ms() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
no_duplicates() { # (no table yet - the server stopped before cra-fetch made it - is no duplicate)
	[ "$(psql_q "SELECT to_regclass('candles') IS NULL")" = t ] ||
		[ "$(psql_q "SELECT count(*) - count(DISTINCT (symbol, interval, open_time)) FROM candles")" = 0 ] ||
		fail "$1: a candle stored twice"
}

# --- a download: the server stops between pages ------------------------------------------
NOW=2023-12-30T21:30Z
mock_start --now $NOW --latency 0.03 --weight-limit 1000000
# The undisturbed run, into the CSV store (the same as PostgreSQL's, tests/cli/fetch_pg.sh).
start=$(date +%s%N)
CRA_DATA=$T/clean "$F" BTCUSDT --since 2023-01-01 -q || fail "undisturbed download"
full_ms=$(ms_since "$start")
CRA_DATA=$T/clean "$F" --dump BTCUSDT -o - > "$T/full.csv"
[ "$(wc -l < "$T/full.csv")" -gt $((5 * PAGE)) ] || fail "the download is too short to interrupt"

down=0
for round in 1 2; do
	psql_q "DROP TABLE IF EXISTS candles, series_columns" || fail "resetting the database"
	"$F" BTCUSDT --since 2023-01-01 --db "$CRA_TEST_DB" 2> "$T/err" & pid=$!
	sleep_ms $((full_ms * round / 3))
	kill -0 $pid 2>/dev/null && down=$((down + 1))
	pg_cluster_halt immediate || fail "download round $round: pg_ctl stop"
	wait $pid
	status=$?
	if [ $status = 0 ]; then
		# Finished before the server stopped: what it committed survived the stop.
		pg_cluster_restart || fail "pg_ctl start"
		"$F" --dump BTCUSDT --db "$CRA_TEST_DB" -o - | cmp -s - "$T/full.csv" ||
			fail "download round $round: exit 0, but the series is not whole after the stop"
		continue
	fi
	[ $status = 69 ] || fail "download round $round: exit $status, expected 69: $(cat "$T/err")"
	grep -q "^cra-fetch: .*PostgreSQL 127.0.0.1:$PG_CLUSTER_PORT/postgres" "$T/err" ||
		fail "download round $round: the message does not name the database: $(cat "$T/err")"
	pg_cluster_restart || fail "download round $round: pg_ctl start"
	no_duplicates "download round $round"
	"$F" --dump BTCUSDT --db "$CRA_TEST_DB" -o - > "$T/after.csv" 2>/dev/null || echo "open_time" > "$T/after.csv"
	lines=$(($(wc -l < "$T/after.csv") - 1))
	[ $lines = 0 ] || head -n $((lines + 1)) "$T/full.csv" | cmp -s - "$T/after.csv" ||
		fail "download round $round: the table is not the series cut at some open_time"
	[ $((lines % PAGE)) = 0 ] || fail "download round $round: $lines candles stored: not whole pages"
	echo "pg_down: download round $round: server stopped after $lines candles; cra-fetch exited 69: $(grep -m1 PostgreSQL "$T/err")"
	"$F" BTCUSDT --since 2023-01-01 --db "$CRA_TEST_DB" -q || fail "download round $round: the next run failed"
	"$F" --dump BTCUSDT --db "$CRA_TEST_DB" -o - | cmp -s - "$T/full.csv" ||
		fail "download round $round: the next run did not complete the series"
	no_duplicates "download round $round, next run"
done
[ $down -gt 0 ] || fail "the server never stopped mid-download (undisturbed ${full_ms} ms)"

# --- an import: one transaction, all or nothing ------------------------------------------
awk 'BEGIN { print "open_time,open,high,low,close,volume"
	for (i = 0; i < 100000; i++) { o = 100 + 20 * sin(i / 1000); c = 100 + 20 * sin((i + 1) / 1000)
		printf "%.0f,%.6f,%.6f,%.6f,%.6f,%d\n", 1500000000000 + i * 60000, o, (o > c ? o : c) + 1, (o < c ? o : c) - 1, c, i % 97 } }' \
	> "$T/XBTUSD-1m.csv"
mkdir -p "$T/old" && head -1001 "$T/XBTUSD-1m.csv" > "$T/old/XBTUSD-1m.csv"
"$F" --import "$T/XBTUSD-1m.csv" -o - 2>/dev/null > "$T/new.csv"
"$F" --import "$T/old/XBTUSD-1m.csv" -o - 2>/dev/null > "$T/old.csv"
psql_q "DROP TABLE IF EXISTS candles, series_columns"
"$F" --import "$T/old/XBTUSD-1m.csv" --db "$CRA_TEST_DB" -q || fail "import: the old series"
start=$(date +%s%N)
"$F" --import "$T/XBTUSD-1m.csv" --db "$CRA_TEST_DB" -q || fail "import: undisturbed"
full_ms=$(ms_since "$start")
"$F" --dump XBTUSD -i 1m --db "$CRA_TEST_DB" -o - | cmp -s - "$T/new.csv" || fail "import: the undisturbed run"
old=0 new=0 down=0
for round in 1 2; do
	psql_q "DELETE FROM candles WHERE symbol = 'XBTUSD' AND open_time > $(tail -1 "$T/old.csv" | cut -d, -f1)"
	"$F" --import "$T/XBTUSD-1m.csv" --db "$CRA_TEST_DB" 2> "$T/err" & pid=$!
	sleep_ms $((full_ms * round / 3))
	kill -0 $pid 2>/dev/null && down=$((down + 1))
	pg_cluster_halt immediate || fail "import round $round: pg_ctl stop"
	wait $pid
	status=$?
	[ $status = 0 ] || [ $status = 69 ] || fail "import round $round: exit $status, expected 69: $(cat "$T/err")"
	[ $status = 0 ] || grep -q "^cra-fetch: .*PostgreSQL 127.0.0.1:$PG_CLUSTER_PORT/postgres" "$T/err" ||
		fail "import round $round: the message does not name the database: $(cat "$T/err")"
	pg_cluster_restart || fail "import round $round: pg_ctl start"
	no_duplicates "import round $round"
	"$F" --dump XBTUSD -i 1m --db "$CRA_TEST_DB" -o - > "$T/after.csv" || fail "import round $round: dump"
	if cmp -s "$T/after.csv" "$T/old.csv"; then
		[ $status != 0 ] || fail "import round $round: exit 0, but the table holds the old series"
		old=$((old + 1))
	elif cmp -s "$T/after.csv" "$T/new.csv"; then new=$((new + 1))
	else fail "import round $round: the table holds neither the old series nor the new one"; fi
	"$F" --import "$T/XBTUSD-1m.csv" --db "$CRA_TEST_DB" -q || fail "import round $round: the next run failed"
	"$F" --dump XBTUSD -i 1m --db "$CRA_TEST_DB" -o - | cmp -s - "$T/new.csv" ||
		fail "import round $round: the next run did not complete the series"
done
echo "pg_down: import: the server stopped during $down of 2 runs (undisturbed ${full_ms} ms): $old left the old series, $new the new one"
[ $old -gt 0 ] || fail "the server never stopped mid-import"
echo "pg_down: ok"
