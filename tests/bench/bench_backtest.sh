#!/bin/bash
# bench_backtest.sh - walk-forward backtest steps per second for each model kind (naive, xgb,
# lstm, hybrid), batched as cra-backtest walks (features once, one forecast call per model)
# against a forecast-one-step-at-a-time loop of our own that rebuilds each step's features from
# the candles before it (bench_backtest.c), on the real hourly BTCUSDT candles: models trained
# on the first 3,500 candles, 20,000 steps walked after them.  Medians of alternating rounds;
# the loop's forecasts are checked against the batched ones (max_rel_diff).
#
#   tests/bench/bench_backtest.sh [BUILD_DIR] [ROUNDS] [THREADS]   (defaults: ./build, 3, 1)
#
# Models: cra-train-xgb's defaults (300 trees at most, early stopping, depth 6, the default
# features); cra-train-lstm's default network (2 layers of 64, window 48), 3 epochs - its
# forecasting speed does not depend on how long it trained.  THREADS: XGBoost's and the LSTM's
# (OpenMP's waiting threads spin: on a busy 2-core machine 1 measures the work, not the wait).
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
ROUNDS=${2:-3}
THREADS=${3:-1}
CSV=${CRA_SHARED:-$SRC/../shared}/data/binance-1h/BTCUSDT.csv
for f in cra-train-xgb cra-train-lstm tests/bench_backtest; do
	[ -x "$BUILD/$f" ] || { echo "bench_backtest.sh: no $BUILD/$f: build first (cmake --build $BUILD)" >&2; exit 1; }
done
[ -r "$CSV" ] || { echo "bench_backtest.sh: no $CSV" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMP_NUM_THREADS=$THREADS

cut=$(awk -F, 'NR == 3502 { print $1 }' "$CSV")
echo "training the models on the first 3,500 candles ..."
"$BUILD/cra-train-xgb" -q -s BTCUSDT --to "$cut" -j "$THREADS" -o "$TMP/xgb.bundle" "$CSV" > /dev/null
"$BUILD/cra-train-lstm" -q -s BTCUSDT --to "$cut" -e 3 -j 2 -o "$TMP/lstm.bundle" "$CSV" > /dev/null
steps=20000
echo "walking $steps steps (the loop: 1,720 of them), $ROUNDS rounds, $THREADS thread(s):"
"$BUILD/tests/bench_backtest" "$CSV" $steps "$TMP/xgb.bundle" "$TMP/lstm.bundle" "$ROUNDS" 1000 "$THREADS" |
	column -t -s,
echo "(machine: $(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
