# cra-backtest's errors: each a clear message naming what is wrong, its sysexits status, and
# no partial output (-o, --summary and --leaderboard files not created or not touched).
. "$CRA_SRC/tests/testlib.sh"
t_init backtest_errors
. "$CRA_SRC/tests/cli/backtest_lib.bash"

synth 3000 "$T/SYN.csv"
train_models "$T/SYN.csv" "$(open_time_of "$T/SYN.csv" 1800)"
X="$T/xgb.bundle" L="$T/lstm.bundle"
bt() { expect "$1" "$2" cra-backtest -o "$T/steps.csv" -S "$T/sum.csv" -L "$T/board.csv" "${@:3}"; }

# Usage (64).
bt 64 "which models? give -m BUNDLE" "$T/SYN.csv"
bt 64 "--level: " -m "$X" --level 1.5 "$T/SYN.csv"
bt 64 "--horizons: 'x' is not a horizon in candles" -m "$X" -H 1,x "$T/SYN.csv"
bt 64 "no model forecasts horizon 4" -m "$X" -m "$L" -H 1,4 "$T/SYN.csv"
bt 64 "two models named 'xgb'" -m "$X" -m "$X" "$T/SYN.csv"
bt 64 "'naive' names the forecasts made beside the models" -m naive="$X" "$T/SYN.csv"
bt 64 "a calibration window of 5 residuals is too short for 90% bands: give at least 9" -m "$X" -c 5 "$T/SYN.csv"
bt 64 "--from: expected a time" -m "$X" --from yesterday "$T/SYN.csv"
expect 64 "--summary - needs the per-step table elsewhere" cra-backtest -m "$X" -S - "$T/SYN.csv"

# Bundles: missing (66), damaged or not a model (65), another series or interval (65).
bt 66 "$T/none.bundle" -m "$T/none.bundle" "$T/SYN.csv"
head -c 2000 "$X" > "$T/short.bundle"
bt 65 "short.bundle: truncated" -m "$T/short.bundle" "$T/SYN.csv"
bt 65 "SYN.csv: not a craipto model bundle" -m "$T/SYN.csv" "$T/SYN.csv"
rebundle "$X" "$T/eth.bundle" 'meta["symbol"] = "ETHUSDT"'
bt 65 "eth.bundle: this model was trained on ETHUSDT 1h, not SYN 1h" -m "$X" -m eth="$T/eth.bundle" "$T/SYN.csv"
bt 65 "eth.bundle: this model was trained on ETHUSDT 1h, not SYN 1h" -m "$T/eth.bundle" "$T/SYN.csv"
cp "$T/SYN.csv" "$T/BTCUSDT.csv"
bt 65 "xgb.bundle: this model was trained on SYN 1h, not BTCUSDT 1h" -m "$X" "$T/BTCUSDT.csv"
rebundle "$X" "$T/4h.bundle" 'meta["interval"] = "4h"'
bt 65 "SYN.csv: the candles are 1h apart; $T/4h.bundle was trained on 4h candles" -m "$T/4h.bundle" "$T/SYN.csv"
awk -F, 'NR == 1 || NR % 4 == 2' "$T/SYN.csv" > "$T/4h.csv"
bt 65 "the candles are 4h apart; $X was trained on 1h candles" -m "$X" -s SYN "$T/4h.csv"
rebundle "$X" "$T/kind.bundle" 'meta["kind"] = "arima"'
bt 65 "kind.bundle: a model of kind 'arima': craipto forecasts with xgb, lstm and cnn-lstm models" -m "$T/kind.bundle" "$T/SYN.csv"

# Missing features: a bundle whose columns this craipto does not compute from its spec.
rebundle "$X" "$T/cols.bundle" 'meta["columns"][0] = "rsi_99"'
bt 65 "feature columns are not the ones this craipto computes" -m "$T/cols.bundle" "$T/SYN.csv"
rebundle "$X" "$T/spec.bundle" 'meta["features"] = "rsi:0"'
bt 65 "the bundle's feature specification 'rsi:0' is not one this craipto reads" -m "$T/spec.bundle" "$T/SYN.csv"

# Too few candles before the first step for the features and the window.
bt 65 "too few candles before the first forecast (made from the candle of 2023-01-01T09:00:00Z) for $L: it needs" \
	-m "$X" -m "$L" --from 2023-01-01T10:00 "$T/SYN.csv"
grep -q "it needs [0-9]* candles before it (its features 'logret:1,volz:20,rsi:14,macd.hist:12:26:9,bb.pctb:20:2' and window), there are 9" "$T/err" ||
	fail "history message: $(cat "$T/err")"
bt 65 "no candle to predict" -m "$X" --from 2030-01-01 "$T/SYN.csv"
bt 65 "no candle to predict" -m "$X" "$(head -1500 "$T/SYN.csv" > "$T/early.csv"; echo "$T/early.csv")" -s SYN

# Candles: missing (66), malformed (65 file:line field), a series the store lacks (66).
bt 66 "$T/none.csv" -m "$X" -s SYN "$T/none.csv"
sed '100s/,[0-9.]*$/,x/' "$T/SYN.csv" > "$T/bad.csv"
bt 65 "bad.csv:100: field 'volume': expected a number, got 'x'" -m "$X" -s SYN "$T/bad.csv"
bt 66 "no candles for SYN 1h in the data directory" -m "$X"
IN="$T/SYN.csv" bt 0 "" -m "$X" -c 100 -
[ -s "$T/steps.csv" ] && [ -s "$T/board.csv" ] || fail "standard input: no output"

# A bundle that cannot be retrained (its parameters are gone) fails before writing anything.
rm -f "$T/steps.csv" "$T/sum.csv" "$T/board.csv"
rebundle "$X" "$T/noparams.bundle" 'del meta["params"]'
bt 65 "noparams.bundle: cannot retrain this model: the bundle's training parameters ('params') are incomplete" \
	-m "$T/noparams.bundle" --refit-every 100 -c 100 "$T/SYN.csv"
[ ! -e "$T/steps.csv" ] && [ ! -e "$T/sum.csv" ] && [ ! -e "$T/board.csv" ] || fail "a failed backtest left output behind"
# A database that cannot be reached: 69 before any work, nothing written.
bt 69 "cannot connect" -m "$X" --db "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1" "$T/SYN.csv"
[ ! -e "$T/steps.csv" ] && [ ! -e "$T/sum.csv" ] && [ ! -e "$T/board.csv" ] || fail "an unreachable database left output behind"
# A leaderboard that is not one is refused, and left as it was.
printf 'a,b\n1,2\n' > "$T/board.csv"
bt 65 "board.csv: not a leaderboard: no 'symbol' column" -m "$X" -c 100 "$T/SYN.csv"
[ "$(cat "$T/board.csv")" = "$(printf 'a,b\n1,2')" ] || fail "the bad leaderboard was rewritten"
[ ! -e "$T/steps.csv" ] && [ ! -e "$T/sum.csv" ] || fail "a refused leaderboard left the tables behind"
echo "backtest_errors: ok"
