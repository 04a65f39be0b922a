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
	python3 - "$CRA_BINANCE_URL" "$T/mock.log" <<'PY' || fail "the mock does not follow the API"
import json, sys, urllib.error, urllib.request
base, log = sys.argv[1], sys.argv[2]
def get(path):
    try:
        return json.load(urllib.request.urlopen(base + path, timeout=10))
    except urllib.error.HTTPError as e:
        return json.load(e)
def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
k = "/api/v3/klines?symbol=BTCUSDT&interval=1h"
t = get("/api/v3/time")["serverTime"]
check(1703971800000 <= t < 1703971900000, "serverTime %d" % t)
check(len(get(k)) == 500, "limit: default 500")
check(len(get(k + "&limit=1000")) == 1000, "limit: 1000")
check(get(k + "&limit=1001")["code"] == -1130, "limit: at most 1000")
one = get(k + "&startTime=1617566400000&limit=1")[0]
check(len(one) == 12, "12 fields")
check(one[6] - one[0] == 3599999, "close_time = open_time + interval - 1")
check(one[1] == "57953.86000000" and isinstance(one[8], int), "prices as strings, trades as a number")
check(len(get(k + "&startTime=1617566400000&endTime=1617573600000")) == 3, "startTime, endTime inclusive")
check(get(k + "&startTime=1617566400001&limit=1")[0][0] == 1617570000000, "startTime mid-candle")
check(get(k + "&endTime=1617573600000&limit=2")[-1][0] == 1617573600000, "only endTime: the last before it")
check(get(k + "&limit=1")[-1][6] > t, "the newest candle is unfinished")
check(get("/api/v3/klines?symbol=NOSUCH&interval=1h")["code"] == -1121, "-1121 Invalid symbol")
check(get("/api/v3/klines?symbol=BTCUSDT&interval=7h")["code"] == -1120, "-1120 Invalid interval")
check(get("/api/v3/klines?interval=1h")["code"] == -1102, "-1102 mandatory parameter")
check(len(get("/api/v3/ticker/price")) == 3, "all prices")
check(get("/api/v3/ticker/price?symbol=ETHUSDT")["symbol"] == "ETHUSDT", "one price")
check(float(get('/api/v3/ticker/bookTicker?symbols=%5B%22BTCUSDT%22%5D')[0]["askPrice"]) > 0, "book")
check(len(get("/fapi/v1/fundingRate?symbol=BTCUSDT")) == 100, "funding: default limit 100")
rows = [line.rstrip("\n").split("\t") for line in open(log)]
check(len(rows) == 16, "%d requests logged" % len(rows))
check(all(r[6] == "2" for r in rows if r[3] == "/api/v3/klines"), "klines weight 2")
used = [int(r[7]) for r in rows if r[3].startswith("/api/")]
check(used == sorted(used) and used[-1] == sum(int(r[6]) for r in rows if r[3].startswith("/api/")),
      "used weight accumulates")
PY
	echo "mock ok"
fi
