#!/bin/bash
# bench_features.sh - every indicator (cra-features --all) on 1,000,000 candles: craipto's
# library and program against pandas computing the same set with the same conventions, in the
# same run, alternating A B A B, medians and ratios.  Checks first that both agree.
#
#   tests/bench/bench_features.sh [BUILD_DIR] [ROUNDS]     (defaults: ./build, 3)
#
# The candles: the three real hourly series (2021-2023) concatenated again and again with
# open_time shifted so it keeps increasing, written to a temporary directory.  Measured:
#   compute  features_compute() (bench_features) vs the pandas functions, candles already in
#            memory; "cold" is the first computation in a fresh process (fresh pages, what a
#            one-shot program pays), "warm" the median of three more in the same process;
#   program  cra-features --all < candles > /dev/null vs pandas read_csv + compute + to_csv.
# Peer: Debian's /usr/bin/python3 with python3-pandas, single-threaded like ours.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
ROUNDS=${2:-3}
DATA=${CRA_SHARED:-$SRC/../shared}/data/binance-1h
PY=/usr/bin/python3
ROWS=1000000
for f in "$BUILD/tests/bench_features" "$BUILD/cra-features"; do
	[ -x "$f" ] || { echo "bench_features.sh: no $f: build first (cmake --build $BUILD)" >&2; exit 1; }
done
$PY -c 'import pandas' 2> /dev/null || { echo "bench_features.sh: $PY has no pandas (apt-get install python3-pandas)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "building $ROWS candles from $DATA ..."
awk -F, -v rows=$ROWS 'FNR > 1 { line[n++] = $2 "," $3 "," $4 "," $5 "," $6 }
	END { print "open_time,open,high,low,close,volume"
		t = 1483228800000
		for (i = 0; i < rows; i++) { printf "%.0f,%s\n", t, line[i % n]; t += 3600000 } }' \
	"$DATA/BTCUSDT.csv" "$DATA/ETHUSDT.csv" "$DATA/BNBUSDT.csv" > "$TMP/candles.csv"

echo "checking that both compute the same values (first 50,000 rows) ..."
head -50001 "$TMP/candles.csv" > "$TMP/sample.csv"
"$BUILD/cra-features" -q -a < "$TMP/sample.csv" > "$TMP/sample-cra.csv"
$PY "$SRC/tests/bench/bench_features.py" check "$TMP/sample.csv" "$TMP/sample-cra.csv" > "$TMP/check" ||
	{ cat "$TMP/check"; echo "bench_features.sh: the two disagree: no point timing them" >&2; exit 1; }
sed 's/^/  /' "$TMP/check"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

echo "compute, $ROUNDS rounds, alternating (seconds: cold, warm) ..."
: > "$TMP/a_cold"; : > "$TMP/a_warm"; : > "$TMP/b_cold"; : > "$TMP/b_warm"
for r in $(seq "$ROUNDS"); do
	read -r ac aw < <("$BUILD/tests/bench_features" "$TMP/candles.csv" 3 2> /dev/null)
	read -r bc bw < <($PY "$SRC/tests/bench/bench_features.py" compute "$TMP/candles.csv" 3)
	echo "$ac" >> "$TMP/a_cold"; echo "$aw" >> "$TMP/a_warm"
	echo "$bc" >> "$TMP/b_cold"; echo "$bw" >> "$TMP/b_warm"
	echo "  round $r: craipto $ac $aw   pandas $bc $bw"
done

echo "whole program, $ROUNDS rounds, alternating (seconds) ..."
: > "$TMP/a_prog"; : > "$TMP/b_prog"
for r in $(seq "$ROUNDS"); do
	t0=$(now)
	"$BUILD/cra-features" -q -a < "$TMP/candles.csv" > /dev/null
	a=$(awk -v t1="$(now)" -v t0="$t0" 'BEGIN { printf "%.4f", t1 - t0 }')
	b=$($PY "$SRC/tests/bench/bench_features.py" e2e "$TMP/candles.csv")
	echo "$a" >> "$TMP/a_prog"; echo "$b" >> "$TMP/b_prog"
	echo "  round $r: cra-features $a   pandas $b"
done

report() {
	local a b
	a=$(median < "$TMP/a_$1"); b=$(median < "$TMP/b_$1")
	awk -v a="$a" -v b="$b" -v what="$2" \
		'BEGIN { printf "%-22s craipto %8.4f s   pandas %8.4f s   pandas/craipto %6.1fx\n", what, a, b, b / a }'
}
echo
echo "medians over $ROUNDS rounds, $ROWS candles, 27 feature columns (--all):"
report cold "compute, cold"
report warm "compute, warm"
report prog "program (CSV in, out)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
