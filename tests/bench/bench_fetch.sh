#!/bin/bash
# bench_fetch.sh - candles per second for a full download from the local mock, parsed and
# stored, into each store; beside a Python client at its best and the mock's own floor.
#
#   tests/bench/bench_fetch.sh [BUILD_DIR] [ROUNDS]
#
# The mock (tests/mock_binance.py) serves the real hourly data of ../shared: BTCUSDT, ETHUSDT
# and BNBUSDT from 2021-04-04 to 2023-12-30, 2.7 years, 71,965 candles in 72 pages of 1000.
# Each round runs, in turn (A B C D E, so that all see the same machine state):
#   floor    a Python http.client loop that fetches the same 72 pages and throws them away:
#            what the mock alone costs (it is Python, and the bottleneck)
#   python   the same loop that also parses the JSON and writes all 11 columns to one CSV
#            file with the csv module: the script cra-fetch replaces, at its best
#   stdout   cra-fetch -o - > /dev/null: requests, parsing, checking, writing the table
#   csv      cra-fetch into a fresh CSV store (atomic merges, fsync)
#   pg       cra-fetch into a fresh PostgreSQL database (tests/pg_cluster.sh; skipped when
#            the server binaries are missing)
# and bench_fetch parses one 1000-kline page 200 times: the client's parsing ceiling.
# Medians of ROUNDS (default 5); for cra-fetch also its own CPU time (user + sys).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
rounds=${2:-5}
shared=${CRA_SHARED:-$src/../shared}/data/binance-1h
tmp=$(mktemp -d)
mock_pid=
cleanup() {
	[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
	declare -F pg_cluster_stop >/dev/null && pg_cluster_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

# A weight limit out of reach: a throughput benchmark runs many full downloads a minute, and
# 1200 would (rightly) make cra-fetch wait for Retry-After.
python3 "$src/tests/mock_binance.py" --data "$shared" --now 2023-12-30T21:30Z --port-file "$tmp/port" \
	--weight-limit 100000000 &
mock_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/port")
export CRA_BINANCE_URL=http://127.0.0.1:$port
unset CRA_DB
limit="--weight-limit 1000000"
symbols="BTCUSDT ETHUSDT BNBUSDT"

pg=0
CRA_TEST_TMP=$tmp
export CRA_TEST_TMP
if . "$src/tests/pg_cluster.sh" && pg_cluster_start; then
	pg=1
	trap cleanup EXIT   # pg_cluster_start set its own
fi

cat > "$tmp/client.py" <<'PY'
import csv, http.client, json, sys, time
port, mode, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, (r.status, body[:200])
    return body
now = json.loads(get("/api/v3/time"))["serverTime"]
n = 0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["symbol", "open_time", "open", "high", "low", "close", "volume", "close_time",
                "quote_volume", "trades", "taker_buy_base", "taker_buy_quote"])
    for sym in ("BTCUSDT", "ETHUSDT", "BNBUSDT"):
        start = 1609459200000
        while True:
            body = get("/api/v3/klines?symbol=%s&interval=1h&startTime=%d&limit=1000" % (sym, start))
            if mode == "floor":
                # Only the open times, to know where the next page starts.
                page = json.loads(body)
                rows = [k for k in page if k[6] < now]
            else:
                page = json.loads(body)
                rows = [k for k in page if k[6] < now]
                for k in rows:
                    w.writerow([sym, k[0], float(k[1]), float(k[2]), float(k[3]), float(k[4]),
                                float(k[5]), k[6], float(k[7]), k[8], float(k[9]), float(k[10])])
            n += len(rows)
            if len(page) < 1000 or len(rows) < len(page):
                break
            start = page[-1][0] + 3600000
print("%.6f %d" % (time.perf_counter() - t0, n))
PY

# Warm the mock's cache of kline rows, and save one page for the parser benchmark.
"$build/cra-fetch" $symbols --since 2021-01-01 -o - -q $limit > /dev/null
python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' \
	"$CRA_BINANCE_URL/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1640995200000&limit=1000" > "$tmp/page.json"

timed() { # NAME COMMAND...: appends "wall user+sys" to $tmp/NAME
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@"
	awk '{ print $1, $2 + $3 }' "$tmp/time" >> "$tmp/$name"
}

for r in $(seq "$rounds"); do
	python3 "$tmp/client.py" "$port" floor /dev/null | awk '{ print $1, 0 }' >> "$tmp/floor"
	python3 "$tmp/client.py" "$port" python "$tmp/py.csv" | awk '{ print $1, 0 }' >> "$tmp/python"
	timed stdout "$build/cra-fetch" $symbols --since 2021-01-01 -o - -q $limit > /dev/null
	rm -rf "$tmp/data"
	CRA_DATA=$tmp/data timed csv "$build/cra-fetch" $symbols --since 2021-01-01 -q $limit
	if [ $pg = 1 ]; then
		"$PG_CLUSTER_BIN/psql" -q -h 127.0.0.1 -p "$PG_CLUSTER_PORT" -U postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench" postgres 2>/dev/null
		timed pg "$build/cra-fetch" $symbols --since 2021-01-01 -q $limit \
			--db "postgresql://postgres@127.0.0.1:$PG_CLUSTER_PORT/bench"
	fi
done
candles=$(CRA_DATA=$tmp/data "$build/cra-fetch" --list -o - | awk -F, 'NR > 1 { n += $3 } END { print n }')
[ "$(tail -n +2 "$tmp/py.csv" | wc -l)" = "$candles" ] || { echo "bench_fetch: the Python client got another count" >&2; exit 1; }
"$build/tests/bench_fetch" "$tmp/page.json" "$rounds" > "$tmp/parse"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "Full download from the local mock: $candles candles (3 symbols x 2.7 years of 1h), 72 pages"
echo "median of $rounds alternating rounds; cpu = cra-fetch's own user+sys"
for name in floor python stdout csv pg; do
	[ -s "$tmp/$name" ] || continue
	wall=$(awk '{ print $1 }' "$tmp/$name" | median)
	cpu=$(awk '{ print $2 }' "$tmp/$name" | median)
	awk -v n="$name" -v w="$wall" -v c="$cpu" -v k="$candles" 'BEGIN {
		label["floor"] = "mock alone (Python, pages discarded)"
		label["python"] = "Python stdlib client -> one CSV file"
		label["stdout"] = "cra-fetch -o - > /dev/null"
		label["csv"] = "cra-fetch -> CSV store"
		label["pg"] = "cra-fetch -> PostgreSQL store"
		if (c > 0)
			printf "  %-38s %6.2f s  %8.0f candles/s   cpu %5.2f s  %8.0f candles/cpu-s\n", label[n], w, k / w, c, k / c
		else
			printf "  %-38s %6.2f s  %8.0f candles/s\n", label[n], w, k / w }'
done
awk '{ print $2 }' "$tmp/parse" | median | awk -v b="$(awk '{ print $8 }' "$tmp/parse" | head -1)" '{
	printf "  %-38s %6.3f s  %8.0f candles/s   (%.0f MB/s of JSON)\n", "binance_parse_klines, 200 x 1000", $1, 200000 / $1, b / $1 / 1e6 }'
