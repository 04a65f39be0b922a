# cra-fetch killed with SIGKILL at moments spread over a download of many pages (from the
# mock exchange) into a store that holds an old series: afterwards the stored series is the
# old one extended by whole pages - the full series cut at some open_time, every candle once
# - and the next run completes it and leaves no temporary file.  The same into PostgreSQL.
. "$CRA_SRC/tests/cli/fetch_mock.sh"
. "$CRA_SRC/tests/pg_cluster.sh"

NOW=2023-12-30T21:30Z
PAGE=1000   # candles per klines request
# Each answer 30 ms late, so the kills land between pages on a loaded machine too; no rate
# limit to wait for, whatever the number of runs in a minute.
mock_start --now $NOW --latency 0.03 --weight-limit 1000000

# The old series: January 2023; the run downloads the rest of the year, 8 pages.
CRA_DATA=$T/seed "$F" BTCUSDT --since 2023-01-01 --until 2023-02-01 -q || fail "seeding the old series"
cp "$T/seed/BTCUSDT-1h.csv" "$T/old-file.csv"
CRA_DATA=$T/seed "$F" --dump BTCUSDT -o - > "$T/old.csv" || fail "dump the old series"
old_lines=$(wc -l < "$T/old.csv")

# Undisturbed runs, for the full series and the kill times: the quicker of two (a loaded
# machine only makes runs longer, and the kills more likely to land mid-way).
full_ms=
for run in 1 2; do
	mkdir "$T/clean-$run" && cp "$T/old-file.csv" "$T/clean-$run/BTCUSDT-1h.csv"
	start=$(date +%s%N)
	CRA_DATA=$T/clean-$run "$F" BTCUSDT -q || fail "undisturbed run"
	ms=$((($(date +%s%N) - start) / 1000000))
	[ -n "$full_ms" ] && [ "$full_ms" -le "$ms" ] || full_ms=$ms
done
CRA_DATA=$T/clean-1 "$F" --dump BTCUSDT -o - > "$T/full.csv" || fail "dump the full series"
first=$(sed -n 2p "$T/old.csv" | cut -d, -f1)
expected BTCUSDT $NOW | awk -F, -v first="$first" 'NR == 1 || $1 >= first' | cmp -s - "$T/full.csv" ||
	fail "the undisturbed run did not store the exchange's series"
[ $(($(wc -l < "$T/full.csv") - old_lines)) -gt $((7 * PAGE)) ] || fail "the run is too short to kill mid-way"

# sleep_ms MS
sleep_ms() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }

# check_cut WHAT ROUND: the dumped series ($T/after.csv) is the full series cut after whole
# pages; prints old, partial or new.
check_cut() {
	local lines
	lines=$(wc -l < "$T/after.csv")
	head -n "$lines" "$T/full.csv" | cmp -s - "$T/after.csv" ||
		fail "$1 round $2: the stored series is not the full one cut at some open_time"
	if [ "$lines" = "$(wc -l < "$T/full.csv")" ]; then echo new
	elif [ "$lines" = "$old_lines" ]; then echo old
	elif [ $(((lines - old_lines) % PAGE)) = 0 ]; then echo partial
	else fail "$1 round $2: $((lines - old_lines)) candles added: not whole pages"; fi
}

# kill_rounds WHAT ROUNDS SEED CHECK: runs cra-fetch (with $DB_ARGS) after SEED, kills it at
# round/4 of the undisturbed time, checks the store with CHECK, then completes the run.
declare -A count
kill_rounds() {
	local what=$1 rounds=$2 seed=$3 check=$4 round pid status state
	count=([old]=0 [partial]=0 [new]=0 [killed]=0 [temps]=0)
	for round in $(seq 1 "$rounds"); do
		export CRA_DATA=$T/$what-$round
		$seed
		"$F" BTCUSDT -q ${DB_ARGS[@]+"${DB_ARGS[@]}"} 2>/dev/null & pid=$!
		sleep_ms $((full_ms * round / 4))
		kill -9 $pid 2>/dev/null
		wait $pid
		status=$?
		[ $status = 137 ] && count[killed]=$((count[killed] + 1))
		[ $status = 137 ] || [ $status = 0 ] || fail "$what round $round: exit $status before the kill"
		ls -A "$CRA_DATA" 2>/dev/null | grep -q 'tmp-' && count[temps]=$((count[temps] + 1))
		$check "$what" "$round"
		state=$(check_cut "$what" "$round") || exit 1
		count[$state]=$((count[$state] + 1))
		start=$(date +%s%N)
		"$F" BTCUSDT -v ${DB_ARGS[@]+"${DB_ARGS[@]}"} 2> "$T/next.err" ||
			fail "$what round $round: the next run failed: $(cat "$T/next.err")"
		[ $((($(date +%s%N) - start) / 1000000)) -lt $((5000 + 4 * full_ms)) ] ||
			{ echo "$what round $round: the next run was slow:"; cat "$T/next.err"; }
		$check "$what" "$round"
		cmp -s "$T/after.csv" "$T/full.csv" || fail "$what round $round: the next run did not complete the series"
		! ls -A "$CRA_DATA" | grep -q 'tmp-' || fail "$what round $round: a temporary file survived the next run"
	done
	echo "fetch_crash $what: ${count[killed]} of $rounds runs killed mid-way (undisturbed ${full_ms} ms):" \
		"${count[old]} left the old series, ${count[partial]} the old one plus whole pages," \
		"${count[new]} the new one; ${count[temps]} left a temporary file behind"
	[ "${count[partial]}" -gt 0 ] || fail "$what: no kill landed between two pages: the test did not exercise a mid-run kill"
}

seed_csv() { mkdir -p "$CRA_DATA" && cp "$T/old-file.csv" "$CRA_DATA/BTCUSDT-1h.csv"; }
check_csv() { "$F" --dump BTCUSDT ${DB_ARGS[@]+"${DB_ARGS[@]}"} -o - > "$T/after.csv" 2> "$T/err" || fail "$1 round $2: the store is unreadable: $(cat "$T/err")"; }
DB_ARGS=()
kill_rounds csv 5 seed_csv check_csv

# PostgreSQL: the same kills, the table reset to the old series before each round.
pg_cluster_start || exit $?
trap 'pg_cluster_stop; fetch_cleanup' EXIT
psql_q() { "$PG_CLUSTER_BIN/psql" -qAtX -v ON_ERROR_STOP=1 "$CRA_TEST_DB" -c "$1"; }
"$F" --import "$T/old.csv" --symbol BTCUSDT -i 1h --db "$CRA_TEST_DB" -q || fail "seeding PostgreSQL"
old_last=$(tail -1 "$T/old.csv" | cut -d, -f1)
seed_pg() { mkdir -p "$CRA_DATA" && psql_q "DELETE FROM candles WHERE open_time > $old_last" || fail "resetting the table"; }
check_pg() {
	check_csv "$@"
	[ "$(psql_q "SELECT count(*) - count(DISTINCT open_time) FROM candles WHERE symbol = 'BTCUSDT'")" = 0 ] ||
		fail "$1 round $2: an open_time stored twice"
}
DB_ARGS=(--db "$CRA_TEST_DB")
start=$(date +%s%N)
CRA_DATA=$T/pg-0 seed_pg && "$F" BTCUSDT -q "${DB_ARGS[@]}" || fail "undisturbed run into PostgreSQL"
full_ms=$((($(date +%s%N) - start) / 1000000))
CRA_DATA=$T/none check_pg pg 0
cmp -s "$T/after.csv" "$T/full.csv" || fail "PostgreSQL: the undisturbed run differs from the CSV store's"
kill_rounds pg 3 seed_pg check_pg
echo "fetch_crash: ok"
