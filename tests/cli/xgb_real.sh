# cra-train-xgb and cra-explain on the real hourly BTCUSDT candles (2021-2023): the first 80%
# train, the last 20% validate (half to stop early, half to report); the report sets the model
# beside the naive forecast on the same rows, whatever the result; the bundle loads in
# cra-explain, whose SHAP values add up to the model's raw prediction on the last 200 candles.
. "$CRA_SRC/tests/testlib.sh"
t_init xgb_real
need_shared_data
export OMP_NUM_THREADS=1
mkdir -p "$CRA_DATA" && ln -s "$SHARED_DATA/BTCUSDT.csv" "$CRA_DATA/BTCUSDT-1h.csv"
CSV="$SHARED_DATA/BTCUSDT.csv"
n=$(($(wc -l < "$CSV") - 1))

expect 0 "model written to $T/btc.bundle" cra-train-xgb -s BTCUSDT -i 1h --trees 60 -o "$T/btc.bundle"
cp "$T/out" "$T/report.csv"
cp "$T/err" "$T/notes"
head -1 "$T/report.csv" | grep -qx 'horizon,metric,model,naive,ratio' || fail "report header"
# Every metric with the model, the naive forecast beside it and their ratio (none for the
# direction: "no change" has none).
awk -F, 'NR > 1 { seen[$2] = 1
		if ($3 == "" || ($4 == "") != ($2 == "directional_accuracy")) { print "cells of " $2; exit 1 }
		if ($2 != "directional_accuracy") { d = $5 - $3 / $4; if (d * d > 1e-24) { print "ratio of " $2; exit 1 } } }
	END { if (!(seen["rows"] && seen["rmse"] && seen["mae"] && seen["mape"] && seen["directional_accuracy"])) exit 1 }' \
	"$T/report.csv" || fail "report: $(cat "$T/report.csv")"
awk -F, '$2 == "directional_accuracy" && !($3 > 0.4 && $3 < 0.6) { exit 1 }
	$2 == "rmse" && !($4 > 50 && $4 < 500) { exit 1 }' "$T/report.csv" ||
	fail "implausible numbers for hourly BTC: $(cat "$T/report.csv")"
# 80/20: validation starts at candle n - floor(0.2 n); the report at the middle of the rest.
split=$((n - n / 5)) at=$((split + (n - split) / 2))
vfrom=$(sed -n "$((split + 2))p" "$CSV" | cut -d, -f1)
rfrom=$(sed -n "$((at + 2))p" "$CSV" | cut -d, -f1)
sed -n 2p "$T/btc.bundle" | grep -q "\"valid_from\":$vfrom," || fail "validation does not start at 80% ($vfrom)"
sed -n 2p "$T/btc.bundle" | grep -q "\"metrics\":{\"from\":$rfrom," || fail "the report does not start at 90% ($rfrom)"
grep -q '^cra-train-xgb: horizon 1: [0-9]* trees* kept of [0-9]* boosted (validation RMSE 0\.00' "$T/notes" ||
	fail "notes: $(cat "$T/notes")"

# The bundle explains the last 200 candles; base value + contributions = prediction.
expect 0 "200 candles explained" cra-explain -m "$T/btc.bundle" --last 200
[ "$(wc -l < "$T/out")" = 201 ] || fail "200 rows"
tail -1 "$T/out" | grep -q "^$(tail -1 "$CSV" | cut -d, -f1)," || fail "the newest candle"
awk -F, 'NR > 1 { s = $3; big = $2 < 0 ? -$2 : $2
		for (j = 4; j <= NF; j++) { s += $j; a = $j < 0 ? -$j : $j; if (a > big) big = a }
		d = s - $2; if (d < 0) d = -d; if (d > 1e-4 * big) { print NR, d, big; exit 1 } }' "$T/out" ||
	fail "local accuracy"
cp "$T/out" "$T/store.csv"
expect 0 "" cra-explain -m "$T/btc.bundle" --last 200 "$CSV"
cmp -s "$T/out" "$T/store.csv" || fail "the file and the store explain differently"
expect 0 "" cra-explain -m "$T/btc.bundle" --summary
[ "$(wc -l < "$T/out")" = 6 ] && awk -F, 'NR > 1 && ($4 != NR - 1 || (NR > 2 && $2 > prev)) { exit 1 } { prev = $2 }' "$T/out" ||
	fail "summary: $(cat "$T/out")"

# Regimes 4 hours ahead: accuracy and confusion against the training majority class.
expect 0 "" cra-train-xgb -s BTCUSDT -i 1h -t regime:4h --trees 30 -o "$T/regime.bundle"
grep -q '^4,accuracy,0\.[0-9]*,0\.[0-9]*,' "$T/out" && grep -q '^4,confusion_bull_as_bull,' "$T/out" ||
	fail "regime report: $(cat "$T/out")"
expect 0 "" cra-explain -m "$T/regime.bundle" --last 200
[ "$(wc -l < "$T/out")" = 601 ] || fail "regime rows"
awk -F, 'NR > 1 { s = $4; big = $3 < 0 ? -$3 : $3
		for (j = 5; j <= NF; j++) { s += $j; a = $j < 0 ? -$j : $j; if (a > big) big = a }
		d = s - $3; if (d < 0) d = -d; if (d > 1e-4 * big) { print NR, d, big; exit 1 } }' "$T/out" ||
	fail "local accuracy, regimes"
sed 's/^/  /' "$T/report.csv"
echo "xgb_real: ok"
