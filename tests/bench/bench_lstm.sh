#!/bin/bash
# bench_lstm.sh - training throughput of craipto's LSTM against PyTorch's: the same windows of
# the same standardised data, the same networks, batch, optimiser (Adam, lr 1e-3, clipping at
# norm 1), loss and epochs, in the same run, alternating A B A B; medians and ratios, the final
# validation loss of each, and the FLOP rate against the machine's peak.
#
#   tests/bench/bench_lstm.sh [BUILD_DIR] [ROUNDS] [EPOCHS] [THREADS] [DATA]
#                                                         (./build, 2, 3, 2, btc)
#
# Data: DATA btc, the real hourly BTCUSDT candles (2021-2023); or ar, 24,000 synthetic hourly
# candles whose log returns are AR(1) with phi 0.5 (tests/cli/xgb_candles.awk), where the best
# possible validation loss is known: 1 - phi^2 = 0.75 of the return's variance (on BTCUSDT
# nothing is forecastable, and every validation loss is the return's variance, give or take
# noise).  The default features (log return, volume z-score, RSI, MACD histogram,
# Bollinger %B) standardised with the training rows' statistics, target the standardised log
# return one candle ahead; 80% train, 20% validate.  Round r uses seed r on both sides (their
# random numbers differ: the initial weights and shuffles are alike, not equal).  Networks:
#   a  the original application's: window 30, LSTM(64) -> LSTM(32) -> Dense(1), batch 32
#   b  window 48, causal Conv1d(32 filters, kernel 5) + ReLU -> 2 x LSTM(64) -> Dense(1),
#      batch 64
# Peer: Debian's /usr/bin/python3 with python3-torch, at its best (DESIGN.md, Benchmarks):
# OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(THREADS); and, since on a busy machine
# PyTorch's OpenMP threads can lose more than they gain, also torch.set_num_threads(1): the
# ratio is taken against the faster of the two.  Throughput = training windows a second of each
# epoch (median over epochs and rounds); epoch time includes the validation pass.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
ROUNDS=${2:-2}
EPOCHS=${3:-3}
THREADS=${4:-2}
DATA=${5:-btc}
PY=/usr/bin/python3
PEAK=166 # GFLOP/s: 2 cores x 2.6 GHz x 32 flops a cycle (two FMA pipes of 8 floats; AVX-512 no more)
BENCH="$BUILD/tests/bench_lstm"
[ -x "$BENCH" ] || { echo "bench_lstm.sh: no $BENCH: build first (cmake --build $BUILD)" >&2; exit 1; }
$PY -c 'import torch' 2> /dev/null || { echo "bench_lstm.sh: $PY has no torch (apt-get install python3-torch)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OPENBLAS_NUM_THREADS=1
case $DATA in
btc) CSV=${CRA_SHARED:-$SRC/../shared}/data/binance-1h/BTCUSDT.csv ;;
ar) CSV=$TMP/ar.csv; awk -v n=24000 -v phi=0.5 -v seed=5 -f "$SRC/tests/cli/xgb_candles.awk" > "$CSV" ;;
*) echo "bench_lstm.sh: DATA is btc or ar, not $DATA" >&2; exit 64 ;;
esac

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# field NAME FILE...: the values after NAME on the epoch lines
field() { local name=$1; shift; awk -v k="$name" '$1 == "epoch" { for (i = 3; i < NF; i += 2) if ($i == k) print $(i + 1) }' "$@"; }
lastloss() { awk '$1 == "epoch" { v = $NF } END { print v }' "$1"; }

for model in a b; do
	window=$([ $model = a ] && echo 30 || echo 48)
	"$BENCH" export "$CSV" "$window" "$TMP/$model.bin"
	echo "model $model: $ROUNDS rounds of $EPOCHS epochs, alternating craipto (-j $THREADS), PyTorch ($THREADS threads), PyTorch (1 thread)"
	for r in $(seq "$ROUNDS"); do
		"$BENCH" train "$TMP/$model.bin" $model "$EPOCHS" "$THREADS" "$r" > "$TMP/$model.cra.$r"
		$PY "$SRC/tests/bench/bench_lstm.py" "$TMP/$model.bin" $model "$EPOCHS" "$THREADS" "$r" > "$TMP/$model.pt.$r"
		$PY "$SRC/tests/bench/bench_lstm.py" "$TMP/$model.bin" $model "$EPOCHS" 1 "$r" > "$TMP/$model.pt1.$r"
		printf '  round %d: windows/s craipto %s  PyTorch %s  PyTorch-1 %s; loss %s %s %s\n' "$r" \
			"$(field windows_per_s "$TMP/$model.cra.$r" | tr '\n' ' ')" \
			"$(field windows_per_s "$TMP/$model.pt.$r" | tr '\n' ' ')" \
			"$(field windows_per_s "$TMP/$model.pt1.$r" | tr '\n' ' ')" \
			"$(lastloss "$TMP/$model.cra.$r")" "$(lastloss "$TMP/$model.pt.$r")" "$(lastloss "$TMP/$model.pt1.$r")"
	done
done

echo
echo "$DATA: medians over $ROUNDS rounds x $EPOCHS epochs; validation loss (MSE of the standardised return) after the last epoch, median over rounds:"
printf '%-6s %-16s %12s %10s %12s %9s\n' model who windows/s epoch_s valid_loss GFLOP/s
for model in a b; do
	flops=$(awk '$1 == "flops_per_window" { print $2; exit }' "$TMP/$model.cra.1")
	for who in cra pt pt1; do
		sps=$(field windows_per_s "$TMP/$model.$who".* | median)
		eps=$(field epoch_s "$TMP/$model.$who".* | median)
		loss=$(for f in "$TMP/$model.$who".*; do lastloss "$f"; done | median)
		name=$([ $who = cra ] && echo "craipto -j $THREADS" || { [ $who = pt ] && echo "PyTorch $THREADS thr" || echo "PyTorch 1 thr"; })
		echo "$sps" > "$TMP/$model.$who.sps"
		awk -v m=$model -v n="$name" -v s="$sps" -v e="$eps" -v l="$loss" -v f="$flops" \
			'BEGIN { printf "%-6s %-16s %12.0f %10.2f %12.6f %9.1f\n", m, n, s, e, l, s * f / 1e9 }'
	done
	awk -v m=$model -v a="$(cat "$TMP/$model.cra.sps")" -v b="$(cat "$TMP/$model.pt.sps")" -v c="$(cat "$TMP/$model.pt1.sps")" -v f="$flops" -v peak=$PEAK \
		'BEGIN { best = b > c ? b : c
			printf "model %s: craipto / best PyTorch = %.1fx; %.0f flops a window; craipto at %.1f GFLOP/s = %.0f%% of the %d GFLOP/s peak\n",
				m, a / best, f, a * f / 1e9, 100 * a * f / 1e9 / peak, peak }'
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peak: 2 cores x 2.6 GHz x 32 flops a cycle = 166 GFLOP/s (83 a core); flops counted: the matrix"
echo "products only (3 x forward), not the gate math, the optimiser or the data movement."
