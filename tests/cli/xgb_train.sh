# cra-train-xgb on synthetic candles with a known answer: AR(1) log returns (phi 0.5) are
# forecastable to an RMSE ratio near sqrt(1 - phi^2) = 0.87 and a directional accuracy near
# 1/2 + asin(phi)/pi = 2/3; independent returns (phi 0) are not forecastable at all.  Then the
# bundle's contents, several horizons, regimes, the store, standard input, determinism.
. "$CRA_SRC/tests/testlib.sh"
t_init xgb_train
export OMP_NUM_THREADS=1 # small models: a second spinning thread only slows a busy machine (-j 2 below is explicit)
GEN="$CRA_SRC/tests/cli/xgb_candles.awk"
awk -v n=6000 -v phi=0.5 -v seed=2 -f "$GEN" > "$T/ar.csv"
awk -v n=6000 -v phi=0 -v seed=3 -f "$GEN" > "$T/noise.csv"

# value METRIC COLUMN [HORIZON]: a cell of the report in $T/out (columns: 3 model, 4 naive, 5 ratio)
value() { awk -F, -v m="$1" -v c="$2" -v h="${3:-1}" '$1 == h && $2 == m { print $c }' "$T/out"; }
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v > lo && v < hi) }'; }

expect 0 "model written to $T/ar.bundle" cra-train-xgb -s SYN "$T/ar.csv" -o "$T/ar.bundle"
head -1 "$T/out" | grep -qx 'horizon,metric,model,naive,ratio' || fail "report header: $(head -1 "$T/out")"
for m in rows rmse mae mape directional_accuracy; do
	[ -n "$(value $m 3)" ] || fail "no $m row in the report"
done
between "$(value rmse 5)" 0.80 0.95 || fail "AR(1) RMSE ratio $(value rmse 5), expected near 0.87"
between "$(value directional_accuracy 3)" 0.60 0.72 || fail "AR(1) directional accuracy $(value directional_accuracy 3)"
[ -z "$(value directional_accuracy 4)" ] || fail "the naive forecast has no direction"
# validation: candles 4800..5999; the report: 5400 on, less the last (no target): 599 rows
[ "$(value rows 3)" = 599 ] || fail "report rows: $(value rows 3), expected 599"
grep -q 'horizon 1: [0-9]* trees* kept of [0-9]* boosted' "$T/err" || fail "early stopping note: $(cat "$T/err")"
grep -q 'report on 599 rows .* that took no part in training or in picking the trees' "$T/err" || fail "report note"

# The report, recomputed independently: the model's log-return forecasts on the report rows
# (cra-explain's prediction column), turned into prices c[t] exp(p) against c[t+1].
cp "$T/out" "$T/ar.report"
rfrom=$(sed -n 2p "$T/ar.bundle" | grep -o '"metrics":{"from":[0-9]*' | grep -o '[0-9]*$')
cra-explain -q -m "$T/ar.bundle" --from "$rfrom" "$T/ar.csv" > "$T/ar.explain" || fail "explain the report rows"
awk -F, 'FILENAME == ARGV[1] { if (FNR > 1) { t[FNR - 1] = $1; c[FNR - 1] = $5; at[$1] = FNR - 1 }; next }
	FILENAME == ARGV[2] { if (FNR > 1 && ($1 in at)) { i = at[$1]; if (!(i + 1 in c)) next
			f = c[i] * exp($2); a = c[i + 1]; se += (f - a)^2; ae += (f > a ? f - a : a - f)
			nse += (c[i] - a)^2; n++ }; next }
	$2 == "rmse" { want_m = sqrt(se / n); want_n = sqrt(nse / n) } $2 == "mae" { want_a = ae / n } $2 == "rows" { rows = $3 }
	$2 == "rmse" || $2 == "mae" { w = $2 == "rmse" ? want_m : want_a; d = ($3 - w) / w; if (d * d > 1e-18) { print $2, $3, w; bad = 1 } }
	$2 == "rmse" { d = ($4 - want_n) / want_n; if (d * d > 1e-24) { print "naive", $4, want_n; bad = 1 } }
	END { if (rows != n) { print "rows", rows, n; bad = 1 } exit bad }' \
	"$T/ar.csv" "$T/ar.explain" "$T/ar.report" || fail "the report is not what its model forecasts"

expect 0 "" cra-train-xgb -s SYN "$T/noise.csv" -o "$T/noise.bundle"
between "$(value rmse 5)" 0.97 1.5 || fail "independent returns: RMSE ratio $(value rmse 5) should not beat naive"

# The bundle says what it is.
meta() { sed -n 2p "$1"; }
meta "$T/ar.bundle" > "$T/meta"
for want in '"kind":"xgb"' '"task":"return"' '"symbol":"SYN"' '"interval":"1h"' '"horizons":[1]' \
	'"columns":["logret_1","volz_20","rsi_14","macd_hist_12_26_9","bb_pctb_20_2"]' \
	'"features":"logret:1,volz:20,rsi:14,macd.hist:12:26:9,bb.pctb:20:2"' '"targets":"return:1"' \
	'"payload":"xgb-h1"' '"tree_method":"hist"' '"objective":"reg:squarederror"' '"scaler":{"kind":"none"}' \
	'"early_stopping":{"from":' '"metrics":{"from":'; do
	grep -qF "$want" "$T/meta" || fail "bundle metadata lacks $want: $(cat "$T/meta")"
done

# Same data and seed: the same bytes, whatever the number of threads; another seed with
# subsampling: another model.
ARGS="-s SYN $T/ar.csv --trees 40 --early-stop 0 --subsample 0.8 --colsample 0.6"
cra-train-xgb -q $ARGS -j 1 -o "$T/d1.bundle" > "$T/r1" && cra-train-xgb -q $ARGS -j 2 -o "$T/d2.bundle" > "$T/r2" ||
	fail "determinism runs"
cmp -s "$T/d1.bundle" "$T/d2.bundle" && cmp -s "$T/r1" "$T/r2" || fail "two trainings differ"
cra-train-xgb -q $ARGS --seed 7 -o "$T/d3.bundle" > /dev/null && ! cmp -s "$T/d1.bundle" "$T/d3.bundle" ||
	fail "--seed changes nothing"

# Several horizons: one model each; durations allowed; no early stopping reports on all of
# the validation candles.
expect 0 "horizon 4: 30 trees" cra-train-xgb -s SYN "$T/ar.csv" -H 1,4h --trees 30 --early-stop 0 -o "$T/h.bundle"
meta "$T/h.bundle" | grep -q '"horizons":\[1,4\].*"payloads":\[{"length":[0-9]*,"name":"xgb-h1"},{"length":[0-9]*,"name":"xgb-h4"}\]' ||
	fail "two payloads: $(meta "$T/h.bundle")"
[ "$(value rows 3 4)" = 1196 ] || fail "rows of horizon 4: $(value rows 3 4)"
grep -q 'report on 1196 rows .* that took no part in training$' "$T/err" || fail "report note without early stopping: $(cat "$T/err")"

# Regimes: three classes, the confusion matrix, the training majority as the baseline.
expect 0 "" cra-train-xgb -s SYN "$T/ar.csv" -t regime:4 --trees 40 -o "$T/r.bundle"
for m in accuracy macro_f1 confusion_bear_as_bear confusion_neutral_as_bull confusion_bull_as_bull; do
	[ -n "$(value $m 3 4)" ] || fail "regime report lacks $m: $(cat "$T/out")"
done
# the baseline always says one class: two of the three predicted columns are zero
awk -F, '$2 ~ /^confusion_/ { split($2, p, "_as_"); n[p[2]] += $4 } END { z = 0; for (k in n) z += n[k] == 0; exit z != 2 }' "$T/out" ||
	fail "the naive classifier predicts more than one class"
meta "$T/r.bundle" | grep -qF '"classes":["bear","neutral","bull"]' && meta "$T/r.bundle" | grep -qF '"objective":"multi:softprob"' ||
	fail "regime bundle"

# From the store, to the default place ($CRA_MODELS, created); from standard input.
mkdir -p "$CRA_DATA" && cp "$T/ar.csv" "$CRA_DATA/SYNUSDT-1h.csv"
expect 0 "model written to $CRA_MODELS/SYNUSDT-1h-xgb.bundle" cra-train-xgb -s SYNUSDT -i 1h --trees 40
[ -f "$CRA_MODELS/SYNUSDT-1h-xgb.bundle" ] || fail "default bundle"
cp "$T/out" "$T/store.out"
IN="$T/ar.csv" expect 0 "" cra-train-xgb -s SYNUSDT --trees 40 -o "$T/stdin.bundle" -
cmp -s "$T/out" "$T/store.out" && cmp -s "$T/stdin.bundle" "$CRA_MODELS/SYNUSDT-1h-xgb.bundle" ||
	fail "store and standard input give different models"
# A file named after its series needs no --symbol.
cp "$T/ar.csv" "$T/ABCUSDT.csv"
expect 0 "" cra-train-xgb --trees 5 "$T/ABCUSDT.csv" -o "$T/named.bundle"
meta "$T/named.bundle" | grep -qF '"symbol":"ABCUSDT"' || fail "symbol from the file name"
# --from/--to restrict the candles.
expect 0 "trained on " cra-train-xgb -s SYNUSDT -i 1h --trees 5 --from 2023-03-01 --to 2023-06-01 -o "$T/range.bundle"
# 2023-03-01 is 1677628800000 ms; the first row with every feature defined is 33 hours later
meta "$T/range.bundle" | grep -q '"train_from":1677747600000,' && meta "$T/range.bundle" | grep -q '"valid_to":1685570400000,' ||
	fail "--from/--to: $(meta "$T/range.bundle" | grep -o '"\(train_from\|valid_to\)":[0-9]*')"
echo "xgb_train: ok"
