# The whole pipeline twice through a mock exchange serving the shared hourly data: the first
# run tops up an imported store from the exchange, trains, forecasts, backtests, simulates,
# explains and draws the dashboard; the second run fetches nothing new and retrains only the
# symbols in which cra-drift found drift.
. "$CRA_SRC/tests/cli/fetch_mock.sh"
export PATH="$CRA_BIN:$PATH" CRA_OUT="$T/out" CRA_MODELS="$T/models" OMP_NUM_THREADS=1
export CRA_LSTM_ARGS="--window 16 --hidden 8 --epochs 2" CRA_BACKTEST_DAYS=20
pipeline="$CRA_SRC/scripts/cra-pipeline"
cd "$T" || exit 1
mock_start --now 2023-12-30T21:30Z

# Seed all but the last 500 candles of each symbol; the exchange has the rest.
for s in BTCUSDT ETHUSDT BNBUSDT; do
	head -n -500 "$SRC_DATA/$s.csv" > "$T/$s-1h.csv"
done
"$pipeline" --import "$T"/*-1h.csv 2> "$T/run1.log" > "$T/run1.out" || { cat "$T/run1.log"; fail "first run"; }
for step in import fetch "train xgb BTCUSDT" "train lstm ETHUSDT" "predict BNBUSDT" "backtest BTCUSDT" \
	"simulate ETHUSDT" "explain BNBUSDT" charts summary; do
	grep -q "^cra-pipeline: $step: ok in" "$T/run1.log" || { cat "$T/run1.log"; fail "first run: no '$step: ok'"; }
done
for s in BTCUSDT ETHUSDT BNBUSDT; do
	cra-fetch --dump $s | cut -d, -f1-6 > "$T/got.csv"
	cra-fetch --import "$SRC_DATA/$s.csv" --symbol $s -i 1h -o - 2>/dev/null | cmp -s - "$T/got.csv" ||
		fail "$s: the store is not the source data after the top-up"
	for f in forecast backtest equity trades shap drift drift-histograms; do
		[ -s "$CRA_OUT/$s-1h-$f.csv" ] || fail "no $CRA_OUT/$s-1h-$f.csv"
	done
	[ -f "$CRA_MODELS/$s-1h-xgb.bundle" ] && [ -f "$CRA_MODELS/$s-1h-lstm.bundle" ] || fail "$s: models"
done
[ "$(tail -n +2 "$CRA_OUT/leaderboard.csv" | wc -l)" = 12 ] || fail "leaderboard: not 3 symbols x 4 models"
for page in index leaderboard forecast-BTCUSDT-1h trading-ETHUSDT-1h; do
	[ -s "$CRA_OUT/dashboard/$page.html" ] || fail "dashboard: no $page.html"
done

# The second run: one klines request per symbol, nothing new; retraining only after drift.
lines=$(mock_log | wc -l)
sum_models=$(cat "$CRA_MODELS"/*-xgb.bundle | md5sum)
"$pipeline" 2> "$T/run2.log" > "$T/run2.out" || { cat "$T/run2.log"; fail "second run"; }
mock_log | tail -n +$((lines + 1)) > "$T/log2"
[ "$(grep -c /api/v3/klines "$T/log2")" = 3 ] || fail "second run: not one klines request per symbol"
for s in BTCUSDT ETHUSDT BNBUSDT; do
	if grep -q "^cra-pipeline: drift $s: ok (yes)" "$T/run2.log"; then
		grep -q "^cra-pipeline: train xgb $s: ok" "$T/run2.log" || fail "$s: drift found but not retrained"
		[ -f "$CRA_MODELS/$s-1h-xgb.prev.bundle" ] || fail "$s: the previous model was not kept"
	elif grep -q "^cra-pipeline: drift $s: ok (no)" "$T/run2.log"; then
		grep -q "train xgb $s" "$T/run2.log" && fail "$s: retrained without drift"
		[ -f "$CRA_MODELS/$s-1h-xgb.prev.bundle" ] && fail "$s: a model was replaced without drift"
	else
		cat "$T/run2.log"; fail "$s: no drift answer in the second run"
	fi
done
grep -q "drift .*: ok (no)" "$T/run2.log" || grep -q "drift .*: ok (yes)" "$T/run2.log" || fail "no drift step"
[ "$(tail -n +2 "$CRA_OUT/leaderboard.csv" | wc -l)" = 12 ] || fail "leaderboard rows duplicated by the second run"
echo "pipeline_mock: ok ($(grep -c 'ok (yes)' "$T/run2.log") of 3 symbols drifted in the second run)"
