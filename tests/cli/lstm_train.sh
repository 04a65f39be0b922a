# cra-train-lstm on synthetic candles with a known answer: AR(1) log returns (phi 0.5) are
# forecastable to an RMSE ratio near sqrt(1 - phi^2) = 0.87 and a directional accuracy near
# 1/2 + asin(phi)/pi = 2/3; independent returns (phi 0) are not forecastable at all.  Then the
# bundle's contents, several horizons, regimes with the convolution, determinism, the store,
# standard input, retraining from a bundle, and the progress bar on a terminal only.
. "$CRA_SRC/tests/testlib.sh"
t_init lstm_train
GEN="$CRA_SRC/tests/cli/xgb_candles.awk"
awk -v n=4000 -v phi=0.5 -v seed=2 -f "$GEN" > "$T/ar.csv"
awk -v n=4000 -v phi=0 -v seed=3 -f "$GEN" > "$T/noise.csv"
SMALL="-w 16 --hidden 16 -l 1 -e 20 -b 32 --lr 3e-3 -j 2"

# value METRIC COLUMN [HORIZON]: a cell of the report in $T/out (columns: 3 model, 4 naive, 5 ratio)
value() { awk -F, -v m="$1" -v c="$2" -v h="${3:-1}" '$1 == h && $2 == m { print $c }' "$T/out"; }
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v > lo && v < hi) }'; }
meta() { sed -n 2p "$1"; }

expect 0 "model written to $T/ar.bundle" cra-train-lstm -s SYN "$T/ar.csv" $SMALL -o "$T/ar.bundle"
head -1 "$T/out" | grep -qx 'horizon,metric,model,naive,ratio' || fail "report header: $(head -1 "$T/out")"
for m in rows rmse mae mape directional_accuracy; do
	[ -n "$(value $m 3)" ] || fail "no $m row in the report"
done
between "$(value rmse 5)" 0.78 0.93 || fail "AR(1) RMSE ratio $(value rmse 5), expected near 0.87"
between "$(value directional_accuracy 3)" 0.60 0.74 || fail "AR(1) directional accuracy $(value directional_accuracy 3)"
[ -z "$(value directional_accuracy 4)" ] || fail "the naive forecast has no direction"
# validation: candles 3200..3999; the report: 3600 on, less the last (no target): 399 rows
[ "$(value rows 3)" = 399 ] || fail "report rows: $(value rows 3), expected 399"
grep -q 'stopped on [0-9]* windows .*: best epoch [0-9]*, loss' "$T/err" || fail "early stopping note: $(cat "$T/err")"
grep -q 'report on 399 windows .* that took no part in training or in stopping it' "$T/err" || fail "report note"
grep -q '\[' "$T/err" && fail "a progress bar without a terminal: $(cat "$T/err")"

expect 0 "" cra-train-lstm -s SYN "$T/noise.csv" $SMALL -o "$T/noise.bundle"
between "$(value rmse 5)" 0.98 1.2 || fail "independent returns: RMSE ratio $(value rmse 5) should not beat naive"

# The bundle says what it is.
meta "$T/ar.bundle" > "$T/meta"
for want in '"kind":"lstm"' '"task":"return"' '"symbol":"SYN"' '"interval":"1h"' '"horizons":[1]' \
	'"window":16' '"columns":["logret_1","volz_20","rsi_14","macd_hist_12_26_9","bb_pctb_20_2"]' \
	'"features":"logret:1,volz:20,rsi:14,macd.hist:12:26:9,bb.pctb:20:2"' '"targets":"return:1"' \
	'"architecture":{"classes":0,"conv_filters":0,"conv_kernel":0,"hidden":[16],"layers":1,"outputs":1}' \
	'"scaler":{"kind":"standard","mean":[' '"target":"log_return","target_mean":[' \
	'"name":"lstm-weights"' '"optimizer":"adam"' '"loss":"mse"' '"early_stopping":{"from":' \
	'"metrics":{"from":' '"training":{"best_epoch":'; do
	grep -qF "$want" "$T/meta" || fail "bundle metadata lacks $want: $(cat "$T/meta")"
done

# Same data and seed: the same bytes, whatever the number of threads; another seed: another
# model.
ARGS="-s SYN $T/ar.csv -w 8 --hidden 8,4 -e 3 --dropout 0.2"
cra-train-lstm -q $ARGS -j 1 -o "$T/d1.bundle" > "$T/r1" && cra-train-lstm -q $ARGS -j 3 -o "$T/d2.bundle" > "$T/r2" ||
	fail "determinism runs"
cmp -s "$T/d1.bundle" "$T/d2.bundle" && cmp -s "$T/r1" "$T/r2" || fail "two trainings differ"
cra-train-lstm -q $ARGS --seed 7 -o "$T/d3.bundle" > /dev/null && ! cmp -s "$T/d1.bundle" "$T/d3.bundle" ||
	fail "--seed changes nothing"
meta "$T/d1.bundle" | grep -qF '"hidden":[8,4],"layers":2' || fail "two layers of 8 and 4"

# Several horizons, one output each; durations allowed; no early stopping reports on all of
# the validation candles.
expect 0 "" cra-train-lstm -s SYN "$T/ar.csv" -H 1,4h -w 8 --hidden 8 -e 2 -p 0 -o "$T/h.bundle"
meta "$T/h.bundle" | grep -qF '"horizons":[1,4]' && meta "$T/h.bundle" | grep -qF '"outputs":2' ||
	fail "two horizons: $(meta "$T/h.bundle")"
[ "$(value rows 3 4)" = 796 ] || fail "rows of horizon 4: $(value rows 3 4)"
grep -q 'report on 796 windows .* that took no part in training$' "$T/err" || fail "report note without early stopping: $(cat "$T/err")"

# Regimes through the convolution: kind cnn-lstm, three classes, the confusion matrix, the
# training majority as the baseline.
expect 0 "" cra-train-lstm -s SYN "$T/ar.csv" -t regime:4 --conv 3:8 -w 12 --hidden 8 -e 3 -o "$T/r.bundle"
for m in accuracy macro_f1 confusion_bear_as_bear confusion_neutral_as_bull confusion_bull_as_bull; do
	[ -n "$(value $m 3 4)" ] || fail "regime report lacks $m: $(cat "$T/out")"
done
awk -F, '$2 ~ /^confusion_/ { split($2, p, "_as_"); n[p[2]] += $4 } END { z = 0; for (k in n) z += n[k] == 0; exit z != 2 }' "$T/out" ||
	fail "the naive classifier predicts more than one class"
meta "$T/r.bundle" > "$T/meta"
for want in '"kind":"cnn-lstm"' '"classes":["bear","neutral","bull"]' '"conv_filters":8,"conv_kernel":3' \
	'"outputs":3' '"loss":"cross_entropy"' '"task":"regime"'; do
	grep -qF "$want" "$T/meta" || fail "regime bundle lacks $want"
done
grep -qF '"target_mean"' "$T/meta" && fail "a regime model has no target scaler"

# From the store, to the default place ($CRA_MODELS, created); from standard input.
mkdir -p "$CRA_DATA" && cp "$T/ar.csv" "$CRA_DATA/SYNUSDT-1h.csv"
expect 0 "model written to $CRA_MODELS/SYNUSDT-1h-lstm.bundle" cra-train-lstm -s SYNUSDT -i 1h -w 8 --hidden 8 -e 2 -j 1
[ -f "$CRA_MODELS/SYNUSDT-1h-lstm.bundle" ] || fail "default bundle"
cp "$T/out" "$T/store.out"
IN="$T/ar.csv" expect 0 "" cra-train-lstm -s SYNUSDT -w 8 --hidden 8 -e 2 -j 1 -o "$T/stdin.bundle" -
cmp -s "$T/out" "$T/store.out" && cmp -s "$T/stdin.bundle" "$CRA_MODELS/SYNUSDT-1h-lstm.bundle" ||
	fail "store and standard input give different models"
expect 0 "SYNUSDT-1h-cnn-lstm.bundle" cra-train-lstm -s SYNUSDT -i 1h -w 8 --hidden 8 -c 2:4 -e 1
cp "$T/ar.csv" "$T/ABCUSDT.csv"
expect 0 "" cra-train-lstm -w 8 --hidden 8 -e 1 "$T/ABCUSDT.csv" -o "$T/named.bundle"
meta "$T/named.bundle" | grep -qF '"symbol":"ABCUSDT"' || fail "symbol from the file name"

# Retraining from a bundle starts where it left off: zero epochs of learning would give back
# its weights, so one epoch at a tiny learning rate stays close to its report.
expect 0 "" cra-train-lstm -s SYN "$T/ar.csv" $SMALL --init "$T/ar.bundle" -e 1 --lr 1e-7 -o "$T/again.bundle"
between "$(value rmse 5)" 0.78 0.93 || fail "retrained from a good model: RMSE ratio $(value rmse 5)"
expect 64 "the initial model is another model: lstm (hidden 16) on 16 candles of logret:1,volz:20,rsi:14,macd.hist:12:26:9,bb.pctb:20:2 for return:1, not lstm (hidden 16) on 12 candles" \
	cra-train-lstm -s SYN "$T/ar.csv" $SMALL -w 12 --init "$T/ar.bundle" -o "$T/x.bundle"

# The progress bar: on a terminal, one per epoch; never with --quiet.
if script -qec true /dev/null > /dev/null 2>&1; then
	script -qec "cra-train-lstm -s SYN $T/ar.csv -w 8 --hidden 8 -e 2 -o $T/tty.bundle > /dev/null" /dev/null > "$T/tty" 2>&1
	grep -q 'epoch 2/2 \[#*\] 100% loss [0-9.]*, validation [0-9.]*, [0-9]* windows/s' "$T/tty" ||
		fail "no progress bar on a terminal: $(cat -v "$T/tty")"
	script -qec "cra-train-lstm -q -s SYN $T/ar.csv -w 8 --hidden 8 -e 1 -o $T/tty.bundle > /dev/null" /dev/null > "$T/tty" 2>&1
	[ ! -s "$T/tty" ] || fail "--quiet still draws: $(cat -v "$T/tty")"
fi
echo "lstm_train: ok"
