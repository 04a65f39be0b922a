#!/bin/bash
# bench_xgb.sh - cra-train-xgb's whole job (read the candle CSV, build the default features and
# the log-return target, split 80/20, train 300 trees, predict the validation rows, save the
# model) against the same job in Python (pandas + xgboost), same data, same parameters, same
# run, alternating A B A B, medians and ratios.  Checks first that both compute the same
# features (to 1e-9) and the same model (predictions to 1e-6; the saved bytes compared too).
#
#   tests/bench/bench_xgb.sh [BUILD_DIR] [ROUNDS] [THREADS]     (defaults: ./build, 5, 2)
#
# Parameters, both sides: tree_method hist, 300 rounds, max_depth 6, eta 0.05, subsample 1 and
# colsample_bytree 1 (no randomness to differ), max_bin 256, seed 0, THREADS threads, base_score the
# mean training label (set explicitly: xgboost 1.7's 0.5 would be a handicap), no early
# stopping.  Both run Debian's libxgboost (the Python package loads the same shared library),
# so the training itself is the same code; what differs is everything around it.
# Measured: each program's wall time as a user waits for it (process start to exit, Python's
# interpreter start and imports included), and the phases inside (bench_xgb.c, bench_xgb.py job).
# OpenMP's threads wait for each other by spinning: on a machine whose cores are busy with
# other work, 2-thread timings swing by 10x; THREADS 1 measures the same jobs without that.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
ROUNDS=${2:-5}
THREADS=${3:-2}
CSV=${CRA_SHARED:-$SRC/../shared}/data/binance-1h/BTCUSDT.csv
PY=/usr/bin/python3
for f in cra-train-xgb cra-features cra-explain tests/bench_xgb; do
	[ -x "$BUILD/$f" ] || { echo "bench_xgb.sh: no $BUILD/$f: build first (cmake --build $BUILD)" >&2; exit 1; }
done
[ -r "$CSV" ] || { echo "bench_xgb.sh: no $CSV" >&2; exit 1; }
$PY -c 'import pandas, xgboost' 2> /dev/null ||
	{ echo "bench_xgb.sh: $PY lacks pandas or xgboost (apt-get install python3-pandas python3-xgboost)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PARAMS="--trees 300 --depth 6 --eta 0.05 --subsample 1 --colsample 1 --max-bin 256 --early-stop 0 --seed 0 -j $THREADS"

echo "checking that both compute the same features and the same model ..."
"$BUILD/cra-features" -q < "$CSV" > "$TMP/features.csv"
"$BUILD/cra-train-xgb" -q -s BTCUSDT $PARAMS -o "$TMP/model.bundle" "$CSV" > "$TMP/report.csv"
vfrom=$(sed -n 2p "$TMP/model.bundle" | grep -o '"valid_from":[0-9]*' | cut -d: -f2)
"$BUILD/cra-explain" -q -m "$TMP/model.bundle" --from "$vfrom" "$CSV" > "$TMP/explain.csv"
$PY "$SRC/tests/bench/bench_xgb.py" check "$CSV" "$TMP/features.csv" "$TMP/model.bundle" "$TMP/explain.csv" > "$TMP/check" ||
	{ cat "$TMP/check"; echo "bench_xgb.sh: the two disagree: no point timing them" >&2; exit 1; }
sed 's/^/  /' "$TMP/check"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
since() { awk -v t1="$(now)" -v t0="$1" 'BEGIN { printf "%.4f", t1 - t0 }'; }

echo "whole job, $ROUNDS rounds, alternating (seconds: cra-train-xgb, then python) ..."
for r in $(seq "$ROUNDS"); do
	t0=$(now)
	"$BUILD/cra-train-xgb" -q -s BTCUSDT $PARAMS -o "$TMP/a.bundle" "$CSV" > /dev/null
	a=$(since "$t0")
	t0=$(now)
	$PY "$SRC/tests/bench/bench_xgb.py" job "$CSV" 300 "$THREADS" > /dev/null
	b=$(since "$t0")
	echo "$a" >> "$TMP/a_prog"; echo "$b" >> "$TMP/b_prog"
	echo "  round $r: cra-train-xgb $a   python $b"
done

echo "phases, $ROUNDS rounds, alternating (seconds: read, data set, train+predict+save, total) ..."
for r in $(seq "$ROUNDS"); do
	read -r a1 a2 a3 a4 < <("$BUILD/tests/bench_xgb" "$CSV" 300 "$THREADS" 2> /dev/null)
	read -r b1 b2 b3 b4 < <($PY "$SRC/tests/bench/bench_xgb.py" job "$CSV" 300 "$THREADS")
	for k in 1 2 3 4; do
		eval "echo \$a$k >> $TMP/a_$k; echo \$b$k >> $TMP/b_$k"
	done
	echo "  round $r: craipto $a1 $a2 $a3 $a4   python $b1 $b2 $b3 $b4"
done

report() {
	local a b
	a=$(median < "$TMP/a_$1"); b=$(median < "$TMP/b_$1")
	awk -v a="$a" -v b="$b" -v what="$2" \
		'BEGIN { printf "%-34s craipto %8.4f s   python %8.4f s   python/craipto %6.2fx\n", what, a, b, b / a }'
}
echo
echo "medians over $ROUNDS rounds, BTCUSDT 1h ($(($(wc -l < "$CSV") - 1)) candles), 5 features, 300 trees, $THREADS thread(s):"
report prog "whole program (as a user waits)"
report 1 "  read the CSV"
report 2 "  features, target, split"
report 3 "  train, predict, save"
report 4 "  in-process total"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
