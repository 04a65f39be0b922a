# Concurrent imports and killed imports: two runs at once end with the union and no
# duplicates; a run killed with SIGKILL at any moment leaves the old series or the new one,
# never a mix, and the next run completes.
. "$CRA_SRC/tests/testlib.sh"
t_init import_crash

# Synthetic minute candles (the test must not depend on the shared data).
candles() { # candles FIRST COUNT
	awk -v first="$1" -v n="$2" 'BEGIN { print "open_time,open,high,low,close,volume"
		for (i = first; i < first + n; i++) { o = 100 + 20 * sin(i / 1000); c = 100 + 20 * sin((i + 1) / 1000)
			printf "%.0f,%.6f,%.6f,%.6f,%.6f,%d\n", 1500000000000 + i * 60000, o, (o > c ? o : c) + 1, (o < c ? o : c) - 1, c, i % 97 } }'
}
candles 0 60000 > "$T/XBTUSD-1m-a.csv"
candles 40000 60000 > "$T/XBTUSD-1m-b.csv"
candles 0 100000 > "$T/XBTUSD-1m-all.csv"
cra-fetch --import "$T/XBTUSD-1m-all.csv" -o - 2>/dev/null > "$T/union.csv" || fail "reference"

for round in 1 2 3 4 5; do
	export CRA_DATA="$T/data-$round"
	cra-fetch -q --import "$T/XBTUSD-1m-a.csv" & a=$!
	cra-fetch -q --import "$T/XBTUSD-1m-b.csv" & b=$!
	wait $a || fail "round $round: import a"
	wait $b || fail "round $round: import b"
	cra-fetch --dump XBTUSD -i 1m | cmp -s - "$T/union.csv" || fail "round $round: concurrent imports did not give the union"
done

# Kill -9 mid-write, at moments spread over the run.  The store starts with an old version
# (the first 1000 candles); after the kill it must hold exactly the old or the new series.
candles 0 1000 > "$T/XBTUSD-1m-old.csv"
candles 0 300000 > "$T/XBTUSD-1m-new.csv"
cra-fetch --import "$T/XBTUSD-1m-new.csv" -o - 2>/dev/null > "$T/new.csv"
cra-fetch --import "$T/XBTUSD-1m-old.csv" -o - 2>/dev/null > "$T/old.csv"
start=$(date +%s%N)
cra-fetch -q --import "$T/XBTUSD-1m-new.csv" 2>/dev/null
full_ms=$((($(date +%s%N) - start) / 1000000))  # one undisturbed run, for the kill times
old=0 new=0
for round in $(seq 1 12); do
	export CRA_DATA="$T/kill-$round"
	cra-fetch -q --import "$T/XBTUSD-1m-old.csv" || fail "seed"
	cra-fetch -q --import "$T/XBTUSD-1m-new.csv" & pid=$!
	delay_ms=$((full_ms * round / 10))
	sleep "$(printf '0.%03d' $((delay_ms % 1000)))"; sleep $((delay_ms / 1000))
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	cra-fetch --dump XBTUSD -i 1m > "$T/after.csv" || fail "round $round: the store is unreadable after kill -9"
	if cmp -s "$T/after.csv" "$T/old.csv"; then old=$((old + 1))
	elif cmp -s "$T/after.csv" "$T/new.csv"; then new=$((new + 1))
	else fail "round $round: after kill -9 the series is neither the old nor the new one"; fi
	cra-fetch -q --import "$T/XBTUSD-1m-new.csv" || fail "round $round: the next run failed"
	cra-fetch --dump XBTUSD -i 1m | cmp -s - "$T/new.csv" || fail "round $round: the next run did not complete the series"
	ls -A "$CRA_DATA" | grep -q 'tmp-' && fail "round $round: a temporary file survived the next run"
done
echo "import_crash: ok (killed $((old + new)) runs: $old left the old series, $new the new one; undisturbed run ${full_ms} ms)"
[ $old -gt 0 ] || fail "no kill landed before the commit: the test did not exercise a mid-write kill"
