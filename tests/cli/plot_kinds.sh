# Every chart kind but candles (tests/cli/plot_candles.sh), each to PNG and SVG of the asked
# size and as text (--term dumb), from the tables of the programs it draws:
#   shap    real output of cra-train-xgb + cra-explain on the hourly BTCUSDT candles
#   equity  real output of cra-sim (trading a backtest table), and a table in its format
#   drift   real output of cra-drift, and tables in its format
#   backtest, leaderboard: real output of cra-backtest when it is built (it is being written),
#           and tables in its format always
#   forecast, regime: tables in the formats of cra-predict and cra-backtest (not written yet)
# The tables "in the format" are derived from the real candles by plot_tables.awk.
# and checks of what each draws against the table: the legend's RMSE, the order of the bars,
# the SHAP contributions adding up to the prediction, the deepest drawdown, the regimes'
# colours.
. "$CRA_SRC/tests/testlib.sh"
t_init plot_kinds
need_shared_data
. "$CRA_SRC/tests/cli/plot_images.bash"
export OMP_NUM_THREADS=1
CSV="$SHARED_DATA/BTCUSDT.csv"
A="$CRA_SRC/tests/cli/plot_tables.awk"
mkdir -p "$CRA_DATA" && ln -s "$CSV" "$CRA_DATA/BTCUSDT-1h.csv"
for k in backtest predict trades equity regime histograms stats; do
	awk -F, -v table=$k -f "$A" "$CSV" > "$T/$k.csv" || fail "plot_tables.awk $k"
done
for s in BTCUSDT ETHUSDT BNBUSDT; do
	awk -F, -v table=leaderboard -v symbol=$s -v noheader=$([ $s = BTCUSDT ] && echo 0 || echo 1) \
		-f "$A" "$SHARED_DATA/$s.csv"
done > "$T/leaderboard.csv"
cra-train-xgb -q -s BTCUSDT -i 1h --trees 30 -f rsi:14,logret:1,bb:20:2,macd:12:26:9,lags:1 \
	-o "$T/m.bundle" > /dev/null || fail "training"
cra-explain -q -m "$T/m.bundle" --last 500 --summary > "$T/shap-summary.csv" || fail "cra-explain --summary"
cra-explain -q -m "$T/m.bundle" --last 48 > "$T/shap-rows.csv" || fail "cra-explain"
cra-train-xgb -q -s BTCUSDT -i 1h -t regime:4h --trees 20 -o "$T/r.bundle" > /dev/null || fail "regime training"
cra-explain -q -m "$T/r.bundle" --last 200 --summary > "$T/shap-classes.csv" || fail "cra-explain, classes"

# draw KIND ARGS...: PNG and SVG at 900x600 (its series drawing $MIN points, default 50),
# then 100x30 text; $T/script is the SVG's script.
draw() {
	local kind=$1
	shift
	expect 0 "$kind: $T/$kind.png written (png 900x600)" cra-plot "$kind" --size 900x600 -o "$T/$kind.png" "$@"
	check_png "$T/$kind.png" 900 600
	expect 0 "" cra-plot "$kind" --size 900x600 -o "$T/$kind.svg" "$@"
	check_chart "$T/$kind.svg" 900 600 "${MIN:-50}"
	expect 0 "written (dumb 100x30)" cra-plot "$kind" --term dumb --size 100x30 "$@"
	[ "$(wc -l < "$T/out")" = 30 ] || fail "$kind --term dumb: $(wc -l < "$T/out") lines, not 30"
	grep -q '[*#]' "$T/out" || fail "$kind --term dumb: nothing drawn"
	cp "$T/out" "$T/$kind.txt"
	expect 0 "" cra-plot "$kind" --size 900x600 --script "$@"
	cp "$T/out" "$T/script"
}
# block NAME: the rows of datablock $NAME in $T/script.
block() { sed -n "/^\\\$$1 << EOD/,/^EOD/p" "$T/script" | sed '1d;$d'; }

# forecast: 24 steps of two models over the candles in the store, and trades.
draw forecast -s BTCUSDT -i 1h --trades "$T/trades.csv" "$T/predict.csv"
grep -q "forecast from 2023-12-30 20:00 UTC" "$T/forecast.txt" || fail "forecast title: $(head -2 "$T/forecast.txt")"
[ "$(block f0 | wc -l)" = 24 ] && [ "$(block f1 | wc -l)" = 24 ] || fail "not 24 steps of each model"
diff <(block f0 | cut -d' ' -f1,2) <(awk -F, '$3 == "xgb" { print $1, $4 }' "$T/predict.csv") > /dev/null ||
	fail "xgb's forecast drawn is not the table's"
grep -q "title 'xgb band'" "$T/script" && grep -q "title 'lstm'" "$T/script" || fail "forecast legend"
# 100 candles before the forecast (none after: it is the future).
[ "$(block candles | wc -l)" = 100 ] || fail "$(block candles | wc -l) candles under the forecast"
# The regime model's rows (pred empty) are not drawn here.
grep -q '\$f2' "$T/script" && fail "the regime model's rows were drawn as a forecast"
# Trades in the window only: those of the last 100 hours.
want=$(awk -F, -v t0="$(block candles | head -1 | cut -d' ' -f1)" 'NR > 1 && $1 >= t0' "$T/trades.csv" | wc -l)
[ "$(block trades | wc -l)" = "$want" ] || fail "$(block trades | wc -l) trades drawn, $want in the window"

# backtest: two models, the legend's RMSE and MAE as computed here.
draw backtest "$T/backtest.csv"
for m in naive sma5; do
	want=$(awk -F, -v m=$m '$6 == m { d = $2 - $3; s += d * d; a += d < 0 ? -d : d; n++ }
		END { printf "%s (RMSE %.4g, MAE %.4g)", m, sqrt(s / n), a / n }' "$T/backtest.csv")
	grep -qF "title '$want'" "$T/script" || fail "backtest legend lacks '$want'"
done
# 500 rows at 900 pixels: every second row drawn (the legend's numbers are over all 500).
[ "$(block m0 | wc -l)" = 250 ] && grep -q "a point: every 2 rows" "$T/script" ||
	fail "backtest: $(block m0 | wc -l) rows of naive"
# Residuals: actual - pred, row by row.
paste -d' ' <(block actual) <(block m0) | awk '{ d = $2 - $4 - $7; if (d * d > 1e-12) exit 1 }' ||
	fail "backtest residuals are not actual - pred"
grep -q "naive band" "$T/script" && ! grep -q "sma5 band" "$T/script" || fail "only naive has a band"
expect 0 "" cra-plot backtest --model sma5 --last 24 --script "$T/backtest.csv"
grep -q '\$m1' "$T/out" && fail "--model sma5 drew another model"
[ "$(sed -n '/^\$m0 << EOD/,/^EOD/p' "$T/out" | wc -l)" = 26 ] || fail "--last 24"

# leaderboard: a panel per symbol, models by RMSE, the naive line.
draw leaderboard "$T/leaderboard.csv"
for p in p0 p1 p2; do
	block $p | awk '{ if (NR > 1 && $2 < prev) exit 1; prev = $2 }' || fail "leaderboard $p not by RMSE"
done
[ "$(grep -c "title 'naive RMSE'" "$T/script")" = 3 ] || fail "one naive line per panel"
grep -q "set multiplot layout 2,2" "$T/script" || fail "three panels in a 2x2 grid"
expect 0 "" cra-plot leaderboard --symbol ETHUSDT --script "$T/leaderboard.csv"
grep -q '\$p1' "$T/out" && fail "--symbol ETHUSDT drew other symbols"

# drift: the statistics in the legend, the drifted feature's title; and real cra-drift output.
draw drift --stats "$T/stats.csv" "$T/histograms.csv"
awk -F, 'NR > 1 { printf "KS %.3g (p %.2g), JS %.3g, PSI %.3g\n", $4, $5, $6, $7 }' "$T/stats.csv" | while read -r line; do
	grep -qF "title '$line'" "$T/script" || fail "drift legend lacks '$line'"
done
grep -q "'range_pct: DRIFT'" "$T/script" && grep -q "'logret_1'" "$T/script" || fail "drift titles"
[ "$(block h0 | wc -l)" = 20 ] || fail "20 bins"
if [ -x "$CRA_BIN/cra-drift" ]; then
	cra-drift -q --recent-window 720 --histograms "$T/real-hist.csv" -f close,return,volume,rsi:14 "$CSV" > "$T/real-stats.csv"
	[ $? -le 1 ] || fail "cra-drift"
	expect 0 "" cra-plot drift --stats "$T/real-stats.csv" -o "$T/real-drift.svg" "$T/real-hist.csv"
	check_chart "$T/real-drift.svg" 1200 800
	grep -q "close: DRIFT (js+ks_p+psi)" "$T/real-drift.svg" || fail "real cra-drift: the drifted close is not marked"
	echo "plot_kinds: drift drawn from cra-drift's own output too"
fi

# shap: the summary (real cra-explain), bars most important at the top, top 20.
draw shap "$T/shap-summary.csv"
[ "$(block bars | wc -l)" = 20 ] || fail "shap: $(block bars | wc -l) bars, not --top 20"
[ "$(block bars | tail -1 | cut -d' ' -f1)" = "\"$(sed -n 2p "$T/shap-summary.csv" | cut -d, -f1)\"" ] ||
	fail "shap: the top bar is not rank 1"
# One candle: the bars, with the rest summed in "others", are all its contributions.
expect 0 "" cra-plot shap --top 8 --at 2023-12-30T10:00 --script "$T/shap-rows.csv"
sed -n '/^\$bars << EOD/,/^EOD/p' "$T/out" | sed '1d;$d' > "$T/bars"
[ "$(wc -l < "$T/bars")" = 9 ] && head -1 "$T/bars" | grep -q '^"[0-9]* others"' || fail "--top 8: $(cat "$T/bars")"
row=$(grep '^1703930400000,' "$T/shap-rows.csv")
awk -v row="$row" '{ s += $1; a += $1 < 0 ? -$1 : $1 } END { n = split(row, f, ","); t = 0
	for (j = 4; j <= n; j++) t += f[j]
	d = t - s; if (d < 0) d = -d; if (d > 1e-12 * a) { print "bars " s " vs contributions " t; exit 1 } }' \
	<(awk '{ print $(NF - 1) }' "$T/bars") || fail "a candle's bars (with 'others') are not its contributions"
grep -q "SHAP values at 2023-12-30 10:00 UTC" "$T/out" || fail "shap --at title"
# (30 trees use few of the 26 features: most contributions are 0, bars of no width.)
MIN=$((4 * $(grep '^1703930400000,' "$T/shap-rows.csv" | tr , '\n' | awk 'NR > 3 && $1 != 0' | wc -l))) \
	draw shap --at 2023-12-30T10:00 "$T/shap-rows.csv"
# A regime model's summary: one class at a time.
expect 64 "has the SHAP values of classes" cra-plot shap -o "$T/x.png" "$T/shap-classes.csv"
MIN=20 draw shap --class bull "$T/shap-classes.csv" # its 5 default features: 5 bars

# equity: strategy, buy and hold, trades on the line, the deepest drawdown in percent.
draw equity --trades "$T/trades.csv" "$T/equity.csv"
want=$(awk -F, 'NR > 1 && (m == "" || $4 < m) { m = $4 } END { printf "%.3g%%", m * 100 }' "$T/equity.csv")
grep -qF "title 'drawdown (deepest $want)'" "$T/script" || fail "drawdown legend: want $want"
[ "$(block trades | wc -l)" = $(($(wc -l < "$T/trades.csv") - 1)) ] || fail "not every trade marked"
# A marker sits on the equity curve at its trade's time.
awk 'NR == FNR { eq[$1] = $2; next } !($1 in eq) || $2 != eq[$1] { exit 1 }' \
	<(awk -F, 'NR > 1 { print $1, $2 }' "$T/equity.csv") <(block trades) || fail "trade markers off the equity line"

# cra-sim's own equity curve and trade log (trading the sma5 predictions above).
cra-sim -q -s BTCUSDT -i 1h --model sma5 --rule threshold --threshold 0.002 --trades "$T/sim-trades.csv" \
	--equity "$T/sim-equity.csv" < "$T/backtest.csv" > "$T/sim-summary.csv" || fail "cra-sim"
draw equity --trades "$T/sim-trades.csv" "$T/sim-equity.csv"
want=$(awk -F, '$1 == "max_drawdown" { printf "%.3g%%", $2 * 100 }' "$T/sim-summary.csv")
grep -qF "title 'drawdown (deepest $want)'" "$T/script" || fail "cra-sim's drawdown: want $want"
[ "$(block trades | wc -l)" = "$(awk -F, '$1 == "trades" { print $2 }' "$T/sim-summary.csv")" ] ||
	fail "not every cra-sim trade marked"
want=$(awk -F, '$1 == "final_equity" { printf "%.6g", $2 }' "$T/sim-summary.csv")
grep -qF -- "-> $want (" "$T/script" || fail "cra-sim's final equity $want not in the legend"
# A simulation that never traded: its trade log is a header, and there are no markers.
cra-sim -q -s BTCUSDT -i 1h --model naive --trades "$T/none.csv" --equity "$T/flat.csv" < "$T/backtest.csv" > /dev/null ||
	fail "cra-sim, no trade"
[ "$(wc -l < "$T/none.csv")" = 1 ] || fail "the naive model traded: the case is not tested"
expect 0 "" cra-plot equity --trades "$T/none.csv" -o "$T/flat.png" "$T/flat.csv"

# cra-backtest's own table (a row per step, model and horizon) and leaderboard, when built.
if [ -x "$CRA_BIN/cra-backtest" ]; then
	cra-train-xgb -q -s BTCUSDT -i 1h --trees 20 -H 1,4 --to 2023-10-01 -o "$T/bt.bundle" > /dev/null || fail "training"
	# (-S: the summary rows, the leaderboard's columns, of this run alone)
	cra-backtest -q -m "$T/bt.bundle" -S "$T/real-lb.csv" -o "$T/real-bt.csv" || fail "cra-backtest"
	draw backtest "$T/real-bt.csv"
	grep -q "backtest, horizon 1, " "$T/script" || fail "cra-backtest: not the smallest horizon by default"
	expect 0 "" cra-plot backtest -H 4 --model xgb --script "$T/real-bt.csv"
	want=$(awk -F, '$6 == "xgb" && $7 == 4 { d = $2 - $3; s += d * d; n++ } END { printf "RMSE %.4g,", sqrt(s / n) }' "$T/real-bt.csv")
	grep -q "backtest, horizon 4, " "$T/out" && grep -qF "$want" "$T/out" || fail "cra-backtest -H 4: want $want"
	draw leaderboard "$T/real-lb.csv"
	grep -q "'BTCUSDT 1h, horizon 4, 2023-10-01T00:00:00Z..2023-12-30T19:00:00Z'" "$T/script" ||
		fail "cra-backtest's leaderboard panels"
	echo "plot_kinds: backtest and leaderboard drawn from cra-backtest's own output too"
fi

# regime: colours by regime, probabilities stacked to 1.
draw regime "$T/regime.csv"
expect 0 "" cra-plot regime --last 400 --script "$T/regime.csv"
cp "$T/out" "$T/script"
paste -d, <(block regime) <(tail -400 "$T/regime.csv") | awk -F'[ ,]' '
	{ want = $9 == "bull" ? "0x26a69a" : $9 == "bear" ? "0xef5350" : "0x9e9e9e"
	  if ($3 != want) { print "row " NR ": " $3 " for " $9; exit 1 }
	  d = $6 - 1; if (d * d > 1e-18) { print "row " NR ": probabilities add to " $6; exit 1 } }' ||
	fail "regime colours or stacked probabilities"
# Without a close column the prices come from the store's candles.
cut -d, -f1,3- "$T/regime.csv" > "$T/regime-noprice.csv"
expect 0 "" cra-plot regime -s BTCUSDT -i 1h --last 400 --script "$T/regime-noprice.csv"
diff <(sed -n '/^\$regime << EOD/,/^EOD/p' "$T/out" | sed '1d;$d') <(block regime) > /dev/null ||
	fail "prices from the store differ from the table's close column"
echo "plot_kinds: ok"
