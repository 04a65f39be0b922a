# A full download of the three symbols from the mock equals the source data exactly; a second
# run sends one klines request per symbol and adds nothing; all over one connection.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

NOW=2023-12-30T21:30Z   # after the data's last candle: every candle in the files is closed
mock_start --now $NOW
"$F" BTCUSDT ETHUSDT BNBUSDT --since 2021-01-01 2> "$T/err1" || { cat "$T/err1"; fail "full download"; }
cat "$T/err1"
for s in BTCUSDT ETHUSDT BNBUSDT; do
	# The six columns of our table are the source file's, exactly ...
	"$F" --dump $s -o - | cut -d, -f1-6 > "$T/got6.csv"
	"$F" --import "$SRC_DATA/$s.csv" --symbol $s -i 1h -o - 2>/dev/null > "$T/src6.csv"
	cmp -s "$T/got6.csv" "$T/src6.csv" || fail "$s: stored candles differ from $SRC_DATA/$s.csv"
	# ... and the five Binance adds are what the exchange sent.
	expected $s $NOW > "$T/want-$s.csv"
	check_store $s "$T/want-$s.csv"
	grep -q "^cra-fetch: $s 1h: 2398[0-9] new candles, newest 2023-12-30T.*, 24 requests, 5 gaps reported (12 candles missing" "$T/err1" ||
		fail "$s: summary line"
done
mock_log | awk -F'\t' '{ print $3 }' | sort -u | wc -l | grep -qx 1 || fail "more than one connection"

# The second run: one klines request per symbol (after one /api/v3/time), nothing added.
sum1=$(cat "$CRA_DATA"/*.csv | md5sum)
lines=$(mock_log | wc -l)
"$F" BTCUSDT ETHUSDT BNBUSDT 2> "$T/err2" || fail "second run"
[ "$(cat "$CRA_DATA"/*.csv | md5sum)" = "$sum1" ] || fail "the second run changed the store"
mock_log | tail -n +$((lines + 1)) > "$T/log2"
[ "$(grep -c /api/v3/klines "$T/log2")" = 3 ] || { cat "$T/log2"; fail "second run: not one klines request per symbol"; }
[ "$(grep -c /api/v3/time "$T/log2")" = 1 ] || fail "second run: /api/v3/time"
[ "$(wc -l < "$T/log2")" = 4 ] || fail "second run: other requests"
grep -q "BTCUSDT 1h: 0 new candles, newest 2023-12-30T19:00:00Z, 1 request" "$T/err2" || { cat "$T/err2"; fail "second summary"; }

# The same download to standard output, two symbols in one table with a symbol column.
"$F" BTCUSDT ETHUSDT --since 2021-01-01 -o - -q > "$T/out.csv" || fail "-o -"
head -1 "$T/out.csv" | grep -qx 'symbol,open_time,open,high,low,close,volume,close_time,quote_volume,trades,taker_buy_base,taker_buy_quote' ||
	fail "-o - header"
grep '^BTCUSDT,' "$T/out.csv" | cut -d, -f2- | cmp -s - <(tail -n +2 "$T/want-BTCUSDT.csv") || fail "-o - BTCUSDT rows"
[ "$(grep -c '^ETHUSDT,' "$T/out.csv")" = "$(($(wc -l < "$T/want-ETHUSDT.csv") - 1))" ] || fail "-o - ETHUSDT rows"

# -o FILE, --until, -i 4h from the mock's aggregation, --days against the exchange's clock.
"$F" BTCUSDT --since 2023-12-01 --until 2023-12-02 -o "$T/day.csv" -q || fail "-o FILE"
[ "$(wc -l < "$T/day.csv")" = 25 ] || fail "--until: $(wc -l < "$T/day.csv") lines"
"$F" BTCUSDT --days 2 -i 4h -o - -q > "$T/4h.csv" || fail "-i 4h"
[ "$(tail -n +2 "$T/4h.csv" | wc -l)" = 12 ] || { cat "$T/4h.csv"; fail "--days 2 -i 4h"; }
"$F" --list -o - | grep -q '^BTCUSDT,1h,23988,' || { "$F" --list; fail "--list"; }
echo "full download ok"
