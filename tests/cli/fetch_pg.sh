# The same downloads into PostgreSQL (a throwaway cluster, tests/pg_cluster.sh): a full
# download of the three symbols equals the CSV store's result and the source exactly; a
# second run sends one request per symbol and adds nothing; snapshots and funding rates land
# in their tables.
. "$CRA_SRC/tests/cli/fetch_mock.sh"
. "$CRA_SRC/tests/pg_cluster.sh"
pg_cluster_start || exit $?
trap 'pg_cluster_stop; fetch_cleanup' EXIT

NOW=2023-12-30T21:30Z
mock_start --now $NOW
"$F" BTCUSDT ETHUSDT BNBUSDT --since 2021-01-01 --db "$CRA_TEST_DB" 2> "$T/err" || { cat "$T/err"; fail "download into PostgreSQL"; }
grep -q "BTCUSDT 1h: 23988 new candles, newest 2023-12-30T19:00:00Z, 24 requests, 5 gaps reported" "$T/err" ||
	{ cat "$T/err"; fail "summary"; }
"$F" BTCUSDT ETHUSDT BNBUSDT --since 2021-01-01 -q || fail "download into the CSV store"
for s in BTCUSDT ETHUSDT BNBUSDT; do
	"$F" --dump $s --db "$CRA_TEST_DB" -o - > "$T/pg-$s.csv" || fail "dump $s from PostgreSQL"
	check_store $s "$T/pg-$s.csv"     # the CSV store's series, byte for byte
	expected $s $NOW | cmp -s - "$T/pg-$s.csv" || fail "$s: not the source"
done
# The second run, with the database from the environment: one klines request per symbol.
lines=$(wc -l < "$T/mock.log")
CRA_DB=$CRA_TEST_DB "$F" BTCUSDT ETHUSDT BNBUSDT 2> "$T/err2" || { cat "$T/err2"; fail "second run"; }
[ "$(tail -n +$((lines + 1)) "$T/mock.log" | grep -c /api/v3/klines)" = 3 ] || fail "second run: requests"
[ "$(grep -c ': 0 new candles' "$T/err2")" = 3 ] || { cat "$T/err2"; fail "second run added candles"; }
CRA_DB=$CRA_TEST_DB "$F" --list -o - | grep -q '^ETHUSDT,1h,23989,' || fail "--list"

# Snapshots and funding rates in their tables.
export CRA_DB=$CRA_TEST_DB
"$F" --ticker -q && "$F" --book BTCUSDT -q && "$F" --funding BTCUSDT --since 2023-12-01 -q || fail "snapshots into PostgreSQL"
"$F" --ticker -q || fail "a second snapshot"
"$F" --dump --ticker -o - | tail -n +2 | wc -l | grep -qx 6 || fail "tickers: two snapshots of three symbols"
"$F" --dump --book BTCUSDT -o - | tail -n +2 | wc -l | grep -qx 1 || fail "book"
"$F" --dump --funding BTCUSDT -o - > "$T/funding-pg.csv" || fail "funding dump"
unset CRA_DB
"$F" --funding BTCUSDT --since 2023-12-01 -q || fail "funding into CSV"
"$F" --dump --funding BTCUSDT -o - | cmp -s - "$T/funding-pg.csv" || fail "funding: PostgreSQL differs from CSV"
CRA_DB=$CRA_TEST_DB "$F" --funding BTCUSDT 2>&1 | grep -q "0 new, 1 request" || fail "funding: not incremental"
echo "PostgreSQL ok"
