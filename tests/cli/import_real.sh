# The three real hourly series imported into both stores read back byte-identical, and a
# second import reports 0 new rows and changes nothing.
. "$CRA_SRC/tests/testlib.sh"
t_init import_real
need_shared_data
. "$CRA_SRC/tests/pg_cluster.sh"
pg_cluster_start || exit $?

for store in csv pg; do
	if [ $store = pg ]; then export CRA_DB="$CRA_TEST_DB"; else unset CRA_DB; fi
	cra-fetch --import "$SHARED_DATA"/*.csv 2> "$T/first-$store" || fail "$store: import: $(cat "$T/first-$store")"
	for s in BTCUSDT ETHUSDT BNBUSDT; do
		rows=$(($(wc -l < "$SHARED_DATA/$s.csv") - 1))
		grep -qF "$s.csv: $s 1h (candle table; interval read from the data): $rows rows read, $rows new, 0 already present, 5 gaps" "$T/first-$store" ||
			fail "$store: first import summary: $(cat "$T/first-$store")"
		cra-fetch --dump $s -i 1h > "$T/$s-$store.csv" || fail "$store: dump $s"
	done
	cra-fetch --import "$SHARED_DATA"/*.csv 2> "$T/second-$store" || fail "$store: re-import"
	[ "$(grep -c ' 0 new, ' "$T/second-$store")" = 3 ] || fail "$store: second import added rows: $(cat "$T/second-$store")"
	cra-fetch --list > "$T/list-$store.csv" || fail "$store: list"
done
for s in BTCUSDT ETHUSDT BNBUSDT; do
	cmp "$T/$s-csv.csv" "$T/$s-pg.csv" || fail "$s: the stores read back differently"
	# What is read back is the source data: same rows, every number equal as a double.
	[ "$(wc -l < "$T/$s-csv.csv")" = "$(wc -l < "$SHARED_DATA/$s.csv")" ] || fail "$s: row count"
	paste -d, "$T/$s-csv.csv" "$SHARED_DATA/$s.csv" | awk -F, 'NR > 1 {
		for (i = 1; i <= 6; i++) if ($i + 0 != $(i + 6) + 0) { print "row " NR ": " $0; exit 1 } }' ||
		fail "$s: values differ from the source"
done
cmp "$T/list-csv.csv" "$T/list-pg.csv" || fail "--list differs between the stores"
grep -qx 'BTCUSDT,1h,23988,2021-04-04T20:00:00Z,2023-12-30T19:00:00Z,5,12' "$T/list-csv.csv" || fail "list: $(cat "$T/list-csv.csv")"

# Overlapping files merge into their union.
head -10001 "$SHARED_DATA/BTCUSDT.csv" > "$T/BTCUSDT-a.csv"
(head -1 "$SHARED_DATA/BTCUSDT.csv"; sed -n 5002,23989p "$SHARED_DATA/BTCUSDT.csv") > "$T/BTCUSDT-b.csv"
unset CRA_DB
export CRA_DATA="$T/data2"
cra-fetch --import "$T/BTCUSDT-a.csv" "$T/BTCUSDT-b.csv" -i 1h 2> "$T/err" || fail "overlap import"
grep -qF "BTCUSDT-b.csv: BTCUSDT 1h (candle table): 18988 rows read, 13988 new, 5000 already present" "$T/err" || fail "overlap: $(cat "$T/err")"
cmp "$T/BTCUSDT-csv.csv" <(cra-fetch --dump BTCUSDT) || fail "overlapping imports are not the union"
echo "import_real: ok"
