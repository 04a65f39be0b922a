# --follow: after each interval closes the new candles come out, one flushed line each, on
# standard output (a live pipeline) or into the store; SIGTERM and SIGINT end it cleanly (0).
. "$CRA_SRC/tests/cli/fetch_mock.sh"

export CRA_FOLLOW_POLL_MS=100   # look at the exchange's clock often: the test moves it
mock_start --now 2023-12-30T10:30Z

wait_lines() { # FILE N: until FILE has N lines (10 s at most)
	for _ in $(seq 200); do
		[ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	cat "$1" >&2
	fail "$1: expected $2 lines, have $(wc -l < "$1")"
}

# --- to standard output, two symbols ----------------------------------------------------------
"$F" --follow BTCUSDT ETHUSDT --since 2023-12-30T05:00Z -o - > "$T/live.csv" 2> "$T/err" &
pid=$!
wait_lines "$T/live.csv" 11           # the header and 05:00 ... 09:00 of both
[ "$(wc -l < "$T/live.csv")" = 11 ] || fail "the unfinished 10:00 candle came out"
mock_get "/mock/advance?ms=3600000" > /dev/null     # 11:30: the 10:00 candles have closed
wait_lines "$T/live.csv" 13
mock_get "/mock/advance?ms=7200000" > /dev/null     # 13:30: 11:00 and 12:00 too
wait_lines "$T/live.csv" 17
sleep 0.3
[ "$(wc -l < "$T/live.csv")" = 17 ] || fail "more lines than closed candles"
kill -TERM $pid
wait $pid
st=$?
[ $st = 0 ] || { cat "$T/err"; fail "SIGTERM: exit $st"; }
grep -q "BTCUSDT 1h: 8 candles" "$T/err" || { cat "$T/err"; fail "follow summary"; }
for s in BTCUSDT ETHUSDT; do
	expected $s 2023-12-30T13:30Z | awk -F, 'NR > 1 && $1 >= 1703912400000 { print "'$s'," $0 }' > "$T/want-$s"
	grep "^$s," "$T/live.csv" | cmp -s - "$T/want-$s" || { diff <(grep "^$s," "$T/live.csv") "$T/want-$s"; fail "$s rows"; }
done
head -1 "$T/live.csv" | grep -q '^symbol,open_time,open,' || fail "header"

# --- into the store, one symbol, resuming after what is stored; SIGINT ---------------------
mock_start --now 2023-12-30T10:30Z
"$F" BTCUSDT --since 2023-12-30T00:00Z -q || fail "first download"
"$F" --follow BTCUSDT 2> "$T/err2" &
pid=$!
for _ in $(seq 200); do grep -q /api/v3/klines "$T/mock.log" 2>/dev/null && [ "$(grep -c /api/v3/klines "$T/mock.log")" -ge 2 ] && break; sleep 0.05; done
mock_get "/mock/advance?ms=7200000" > /dev/null     # 12:30
for _ in $(seq 200); do grep -q "newest 2023-12-30T11:00:00Z" "$T/err2" && break; sleep 0.05; done
kill -INT $pid
wait $pid
st=$?
[ $st = 0 ] || { cat "$T/err2"; fail "SIGINT: exit $st"; }
grep -q "BTCUSDT 1h: 2 new candles, the newest 2023-12-30T11:00:00Z" "$T/err2" || { cat "$T/err2"; fail "store notes"; }
expected BTCUSDT 2023-12-30T12:30Z | awk -F, 'NR == 1 || $1 >= 1703894400000' > "$T/want-store"
check_store BTCUSDT "$T/want-store"
ls -a "$CRA_DATA" | grep -q tmp && fail "a temporary file was left behind"
echo "follow ok"
