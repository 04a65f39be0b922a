# Every transient fault the exchange can show - 5xx, maintenance pages, truncated and cut
# bodies, resets, slow and hanging answers, JSON of the wrong shape - is retried, and the
# stored result is exactly the fault-free one.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

NOW=2023-12-30T21:30Z
SINCE=2023-09-01   # 2900 candles: three pages
mock_start --now $NOW --hang-seconds 20
expected BTCUSDT $NOW | awk -F, 'NR == 1 || $1 >= 1693526400000' > "$T/want.csv"

# The fault-free run, for the request count.
CRA_DATA=$T/clean "$F" BTCUSDT --since $SINCE -q || fail "fault-free run"
CRA_DATA=$T/clean check_store BTCUSDT "$T/want.csv"
pages=$(mock_log | grep -c /api/v3/klines)
[ "$pages" = 3 ] || fail "expected 3 pages, got $pages"

klines_count() { mock_get /mock/stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["counts"].get("klines", 0))'; }

for fault in 500 502 503 html html200 truncate cut reset badjson hang slow; do
	n=$(klines_count)
	mock_get "/mock/fault?spec=klines:$((n + 2)):$fault" > /dev/null   # the second page fails
	lines=$(mock_log | wc -l)
	timeout=5
	[ $fault = hang ] && timeout=1
	start=$(date +%s%N)
	CRA_DATA=$T/$fault "$F" BTCUSDT --since $SINCE --timeout $timeout 2> "$T/err-$fault" ||
		{ cat "$T/err-$fault"; fail "$fault: cra-fetch failed"; }
	ms=$((($(date +%s%N) - start) / 1000000))
	CRA_DATA=$T/$fault check_store BTCUSDT "$T/want.csv"
	mock_log | tail -n +$((lines + 1)) > "$T/log-$fault"
	grep -q "	$fault\$" "$T/log-$fault" || fail "$fault: the mock did not inject it"
	sent=$(grep -c /api/v3/klines "$T/log-$fault")
	case $fault in
	slow)
		# Late but within --timeout: no retry.
		[ "$sent" = 3 ] || fail "slow: $sent klines requests"
		[ "$ms" -ge 1400 ] || fail "slow: took only $ms ms" ;;
	reset)
		# libcurl itself reconnects once when a reused connection dies unanswered.
		[ "$sent" -ge 4 ] || fail "reset: $sent klines requests" ;;
	*)
		[ "$sent" = 4 ] || { cat "$T/log-$fault"; fail "$fault: $sent klines requests, expected one retry"; }
		grep -q "trying again in" "$T/err-$fault" || { cat "$T/err-$fault"; fail "$fault: no retry notice"; }
		# The retry asks for the same page.
		[ "$(grep /api/v3/klines "$T/log-$fault" | sed -n 2p | cut -f5)" = \
		  "$(grep /api/v3/klines "$T/log-$fault" | sed -n 3p | cut -f5)" ] || fail "$fault: retried another page" ;;
	esac
	[ "$fault" != hang ] || [ "$ms" -ge 1000 ] || fail "hang: gave up after $ms ms, before --timeout"
	[ "$ms" -lt 15000 ] || fail "$fault: took $ms ms"
done
grep -q "an HTML page \"Binance.US is under maintenance\"" "$T/err-html" || { cat "$T/err-html"; fail "maintenance page not named"; }
grep -q "HTTP 500: Binance error -1000" "$T/err-500" || { cat "$T/err-500"; fail "500 message"; }
grep -q -i "timed out\|timeout" "$T/err-hang" || { cat "$T/err-hang"; fail "hang message"; }
echo "faults ok"
