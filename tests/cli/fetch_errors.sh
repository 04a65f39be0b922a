# Errors: usage errors and invalid symbols are refused before any request (64); Binance's API
# errors are shown with its message and never retried; an exchange that stays down gives 69
# after a bounded number of tries; invalid candles are never stored.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

NOW=2023-12-30T21:30Z
mock_start --now $NOW

expect_status() { # STATUS DESCRIPTION COMMAND...
	local want=$1 what=$2
	shift 2
	"$@" > "$T/out" 2> "$T/err"
	local st=$?
	[ $st = "$want" ] || { cat "$T/err"; fail "$what: exit $st, expected $want"; }
	grep -q '^cra-fetch: ' "$T/err" || { cat "$T/err"; fail "$what: no prefixed message"; }
}

# --- refused before any request ----------------------------------------------------------
expect_status 64 "lower-case symbol" "$F" btcusdt
grep -q "invalid symbol 'btcusdt'" "$T/err" || fail "symbol message"
expect_status 64 "symbol with a slash" "$F" BTC/USDT
expect_status 64 "too long a symbol" "$F" ABCDEFGHIJKLMNOPQRSTU
expect_status 64 "--since and --days" "$F" BTCUSDT --since 2023-01-01 --days 3
expect_status 64 "bad --since" "$F" BTCUSDT --since yesterday
expect_status 64 "bad interval" "$F" BTCUSDT -i 7h
expect_status 64 "--include-open into the store" "$F" BTCUSDT --include-open
expect_status 64 "--include-open to a file" "$F" BTCUSDT --include-open -o "$T/x.csv"
expect_status 64 "--follow --until" "$F" BTCUSDT --follow --until 2023-01-01 -o -
expect_status 64 "--follow to a file" "$F" BTCUSDT --follow -o "$T/x.csv"
expect_status 64 "-o FILE, two symbols" "$F" BTCUSDT ETHUSDT -o "$T/x.csv"
expect_status 64 "--from on a download" "$F" BTCUSDT --from 2023-01-01
expect_status 64 "--follow --ticker" "$F" --ticker --follow
expect_status 64 "--funding without a symbol" "$F" --funding
expect_status 64 "nothing to do" "$F"
expect_status 64 "--since with --import" "$F" --import x.csv --since 2023-01-01
[ ! -s "$T/mock.log" ] || { cat "$T/mock.log"; fail "a request was sent for a usage error"; }
[ ! -e "$T/x.csv" ] || fail "an output file was created"

# --- Binance's own errors: shown, never retried; other symbols go on -------------------------
expect_status 64 "unknown symbol" "$F" NOSUCH BTCUSDT --since 2023-12-01
grep -q "Binance error -1121: Invalid symbol." "$T/err" || { cat "$T/err"; fail "-1121 message"; }
[ "$(grep -c 'symbol=NOSUCH' "$T/mock.log")" = 1 ] || fail "the API error was retried"
grep -q "BTCUSDT 1h: 716 new candles" "$T/err" || { cat "$T/err"; fail "the other symbol did not go on"; }

# --- the exchange stays down: 69 after 1 + --retries tries -----------------------------------
mock_start --now $NOW --fault klines:1:503 --fault klines:2:html --fault klines:3:500
expect_status 69 "persistent 5xx" env CRA_DATA="$T/down" "$F" BTCUSDT --retries 2 --since 2023-12-01
grep -q "gave up after 3 tries; the last: HTTP 500" "$T/err" || { cat "$T/err"; fail "gave-up message"; }
[ "$(grep -c /api/v3/klines "$T/mock.log")" = 3 ] || fail "not 3 tries"
CRA_DATA=$T/down "$F" --dump BTCUSDT -o - 2>/dev/null | grep -q . && fail "something was stored"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_status 69 "nobody listening" env CRA_BINANCE_URL=http://127.0.0.1:$port "$F" BTCUSDT --retries 1
grep -q -i "connect" "$T/err" || { cat "$T/err"; fail "connection message"; }
expect_status 64 "not an http URL" env CRA_BINANCE_URL=ftp://127.0.0.1 "$F" BTCUSDT

# --- an invalid candle from the exchange is skipped, reported, and shows as a gap -------------
mock_start --now $NOW --fault klines:1:badcandle
CRA_DATA=$T/bad "$F" BTCUSDT --since 2023-12-01 2> "$T/err" || { cat "$T/err"; fail "badcandle run"; }
grep -q "candle at 2023-12-01T01:00:00Z is invalid (high is below max(open, close)): skipped" "$T/err" ||
	{ cat "$T/err"; fail "invalid candle message"; }
grep -q "715 new candles.*1 gap reported (1 candle missing, .*), 1 invalid candle skipped$" "$T/err" || { cat "$T/err"; fail "invalid candle summary"; }
expected BTCUSDT $NOW | awk -F, 'NR == 1 || ($1 >= 1701388800000 && $1 != 1701392400000)' > "$T/want.csv"
CRA_DATA=$T/bad check_store BTCUSDT "$T/want.csv"
echo "errors ok"
