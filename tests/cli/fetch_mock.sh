# fetch_mock.sh - the mock Binance server (tests/mock_binance.py) for cra-fetch's tests.
#
# Sourced by the other tests/cli/fetch_*.sh: sets up a scratch directory and defines
#   mock_start [ARGS...]   start the mock (--now, --fault ... as mock_binance.py takes them);
#                          exports CRA_BINANCE_URL and CRA_BINANCE_FUTURES_URL
#   mock_stop              stop it (done on exit anyway)
#   mock_get PATH          GET a control or API path, print the body
#   mock_log               the request log (tab-separated, see mock_binance.py)
#   expected SYMBOL NOW [--drop ...]   the candle table a fault-free download stores, as
#                          cra-fetch writes it
#   check_store SYMBOL FILE   the stored series equals FILE, exactly
#   fail MESSAGE           report and exit 1
# Run as a test by itself, it checks that the mock follows Binance's documented API.

set -u
F=$CRA_BIN/cra-fetch
SRC_DATA=$CRA_SHARED/data/binance-1h
MOCK=$CRA_SRC/tests/mock_binance.py
[ -d "$SRC_DATA" ] || { echo "no $SRC_DATA: skipped" >&2; exit 77; }
mkdir -p "$CRA_TEST_TMP"
T=$(mktemp -d "$CRA_TEST_TMP/fetch.XXXXXX")
export CRA_DATA=$T/data
unset CRA_DB
export CRA_RETRY_BASE_MS=20   # tests do not wait half a second per retry
MOCK_PID=

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

mock_stop() {
	if [ -n "$MOCK_PID" ]; then
		kill "$MOCK_PID" 2>/dev/null
		wait "$MOCK_PID" 2>/dev/null
		MOCK_PID=
	fi
}

fetch_cleanup() {
	mock_stop
	rm -rf "$T"
}
trap fetch_cleanup EXIT

mock_start() {
	mock_stop
	rm -f "$T/port" "$T/mock.log"
	python3 "$MOCK" --data "$SRC_DATA" --port-file "$T/port" --log "$T/mock.log" "$@" &
	MOCK_PID=$!
	for _ in $(seq 200); do
		[ -s "$T/port" ] && break
		kill -0 "$MOCK_PID" 2>/dev/null || fail "the mock did not start"
		sleep 0.05
	done
	[ -s "$T/port" ] || fail "the mock did not write its port"
	export CRA_BINANCE_URL=http://127.0.0.1:$(cat "$T/port")
	export CRA_BINANCE_FUTURES_URL=$CRA_BINANCE_URL
}

mock_get() {
	python3 -c 'import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=10)
    sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())' "$CRA_BINANCE_URL$1"
}

mock_log() { cat "$T/mock.log"; }

expected() {
	local sym=$1 now=$2
	shift 2
	python3 "$MOCK" --data "$SRC_DATA" --now "$now" --expect "$sym" "$@" > "$T/expect-raw.csv" ||
		fail "mock --expect $sym"
	"$F" --import "$T/expect-raw.csv" --symbol "$sym" -i 1h -o - 2>/dev/null
}

check_store() {
	"$F" --dump "$1" -o - > "$T/got.csv" || fail "cannot dump $1"
	cmp -s "$T/got.csv" "$2" || {
		diff "$T/got.csv" "$2" | head -5 >&2
		fail "stored $1 differs from $2"
	}
}

# --- run by itself: the mock follows the documented API -----------------------------------
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	mock_start --now 2023-12-30T21:30Z
	j() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
	t=$(mock_get /api/v3/time | j 'd["serverTime"]')
	[ "$t" -ge 1703971800000 ] && [ "$t" -lt 1703971900000 ] || fail "serverTime $t"
	# limit: default 500, at most 1000
	[ "$(mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h' | j 'len(d)')" = 500 ] || fail "default limit"
	[ "$(mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1000' | j 'len(d)')" = 1000 ] || fail "limit 1000"
	mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1001' | grep -q -- '-1130' || fail "limit 1001"
	# 12 fields, prices as strings, close_time = open_time + interval - 1
	k=$(mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1617566400000&limit=1')
	[ "$(echo "$k" | j 'len(d[0])')" = 12 ] || fail "12 fields: $k"
	[ "$(echo "$k" | j 'd[0][6] - d[0][0]')" = 3599999 ] || fail "close_time: $k"
	[ "$(echo "$k" | j 'd[0][1]')" = 57953.86000000 ] || fail "price string: $k"
	# startTime and endTime are inclusive; startTime mid-candle starts at the next one
	[ "$(mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1617566400000&endTime=1617573600000' | j 'len(d)')" = 3 ] ||
		fail "inclusive range"
	[ "$(mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1617566400001&limit=1' | j 'd[0][0]')" = 1617570000000 ] ||
		fail "startTime mid-candle"
	# only endTime: the last `limit` candles up to it
	[ "$(mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&endTime=1617573600000&limit=2' | j 'd[-1][0]')" = 1617573600000 ] ||
		fail "endTime only"
	# the unfinished candle is there, with its close_time after the server's clock
	mock_get '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1' | j "d[-1][6] > $t" | grep -q True || fail "open candle"
	# errors as Binance words them
	mock_get '/api/v3/klines?symbol=NOSUCH&interval=1h' | grep -q -- '-1121' || fail "-1121"
	mock_get '/api/v3/klines?symbol=BTCUSDT&interval=7h' | grep -q -- '-1120' || fail "-1120"
	mock_get '/api/v3/klines?interval=1h' | grep -q -- '-1102' || fail "-1102"
	# tickers, funding
	[ "$(mock_get '/api/v3/ticker/price' | j 'len(d)')" = 3 ] || fail "all prices"
	mock_get '/api/v3/ticker/price?symbol=ETHUSDT' | j 'd["symbol"]' | grep -q ETHUSDT || fail "one price"
	mock_get '/api/v3/ticker/bookTicker?symbols=%5B%22BTCUSDT%22%5D' | j 'd[0]["askPrice"]' >/dev/null || fail "book"
	[ "$(mock_get '/fapi/v1/fundingRate?symbol=BTCUSDT' | j 'len(d)')" = 100 ] || fail "funding default limit"
	# every request logged with its weight; the used weight accumulates
	n=$(mock_log | wc -l)
	[ "$n" -ge 16 ] || fail "log has $n lines"
	mock_log | awk -F'\t' '$4 == "/api/v3/klines" && $7 != 2 { bad = 1 } END { exit bad }' || fail "klines weight"
	echo "mock ok"
fi
