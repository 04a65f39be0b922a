# cra-train-lstm on the real hourly BTCUSDT candles (2021-2023): the first 80% train, the last
# 20% validate (half to stop early, half to report); the report sets the model beside the naive
# forecast on the same rows, whatever the result.  A small network and few epochs: this checks
# the plumbing on real data (gaps, the default features, the split), not the forecast.
. "$CRA_SRC/tests/testlib.sh"
t_init lstm_real
need_shared_data
mkdir -p "$CRA_DATA" && ln -s "$SHARED_DATA/BTCUSDT.csv" "$CRA_DATA/BTCUSDT-1h.csv"
CSV="$SHARED_DATA/BTCUSDT.csv"
n=$(($(wc -l < "$CSV") - 1))

expect 0 "model written to $T/btc.bundle" cra-train-lstm -s BTCUSDT -i 1h -H 1,4 -w 24 --hidden 16 -l 1 -e 3 -j 2 -o "$T/btc.bundle"
cp "$T/out" "$T/report.csv"
head -1 "$T/report.csv" | grep -qx 'horizon,metric,model,naive,ratio' || fail "report header"
# Every metric of both horizons with the model, the naive forecast beside it and their ratio
# (none for the direction: "no change" has none).
awk -F, 'NR > 1 { seen[$1 "," $2] = 1
		if ($3 == "" || ($4 == "") != ($2 == "directional_accuracy")) { print "cells of " $2; exit 1 }
		if ($2 != "directional_accuracy") { d = $5 - $3 / $4; if (d * d > 1e-24) { print "ratio of " $2; exit 1 } } }
	END { for (h = 1; h <= 4; h += 3) if (!(seen[h ",rows"] && seen[h ",rmse"] && seen[h ",mae"] && seen[h ",mape"] && seen[h ",directional_accuracy"])) exit 1 }' \
	"$T/report.csv" || fail "report: $(cat "$T/report.csv")"
awk -F, '$2 == "directional_accuracy" && !($3 > 0.4 && $3 < 0.6) { exit 1 }
	$1 == 1 && $2 == "rmse" && !($4 > 50 && $4 < 500 && $5 > 0.9 && $5 < 1.2) { exit 1 }' "$T/report.csv" ||
	fail "implausible numbers for hourly BTC: $(cat "$T/report.csv")"
# 80/20: validation starts at the first candle from n - floor(0.2 n) whose 24-candle window has
# every feature; the report at the middle of the rest.
split=$((n - n / 5)) at=$((split + (n - split) / 2))
vfrom=$(sed -n "$((split + 2))p" "$CSV" | cut -d, -f1)
rfrom=$(sed -n "$((at + 2))p" "$CSV" | cut -d, -f1)
sed -n 2p "$T/btc.bundle" | grep -q "\"valid_from\":$vfrom," || fail "validation does not start at 80% ($vfrom)"
sed -n 2p "$T/btc.bundle" | grep -q "\"metrics\":{\"from\":$rfrom," || fail "the report does not start at 90% ($rfrom)"
grep -q '^cra-train-lstm: trained on [0-9]* windows .*, 3 epochs, [0-9]* windows/s' "$T/err" ||
	fail "notes: $(cat "$T/err")"

# Regimes 4 hours ahead through the convolution: accuracy and confusion against the training
# majority class.
expect 0 "" cra-train-lstm -s BTCUSDT -i 1h -t regime:4h -c 3:8 -w 24 --hidden 16 -l 1 -e 2 -j 2 -o "$T/regime.bundle"
grep -q '^4,accuracy,0\.[0-9]*,0\.[0-9]*,' "$T/out" && grep -q '^4,confusion_bull_as_bull,' "$T/out" ||
	fail "regime report: $(cat "$T/out")"
sed 's/^/  /' "$T/report.csv"
echo "lstm_real: ok"
