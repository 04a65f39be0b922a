# The multi-crypto leaderboard on the real hourly candles (../shared/data): for BTCUSDT,
# ETHUSDT and BNBUSDT, XGBoost and LSTM models trained on the first 60% of the candles,
# walked forward over the last 40% - the loop of cra-backtest(1)'s EXAMPLES and the README
# (the LSTM kept tiny here: this checks the plumbing and the bands, not forecasting skill).
# 3 symbols x 4 rows (xgb, lstm, hybrid, naive), 90% bands covering 85% to 95% of the steps,
# errors of the size hourly moves have, nothing far from "no change".
. "$CRA_SRC/tests/testlib.sh"
t_init backtest_real
need_shared_data
export OMP_NUM_THREADS=1
cd "$T" || exit 1

for s in BTCUSDT ETHUSDT BNBUSDT; do
	cra-fetch -q --import "$SHARED_DATA/$s.csv" || fail "import $s"
	cut=$(cra-fetch --dump $s | awk -F, 'NR > 1 { t[NR] = $1 } END { print t[int((NR - 1) * 0.6) + 2] }')
	cra-train-xgb -q -s $s -i 1h --to "$cut" > /dev/null || fail "xgb $s"
	cra-train-lstm -q -s $s -i 1h --to "$cut" -w 24 --hidden 16 -l 1 -e 2 > /dev/null || fail "lstm $s"
	cra-backtest -m models/$s-1h-xgb.bundle -m models/$s-1h-lstm.bundle -L board.csv -o $s-steps.csv 2>> notes ||
		{ cat notes; fail "backtest $s"; }
done

[ "$(wc -l < board.csv)" = 13 ] || fail "leaderboard: $(cat board.csv)"
for s in BTCUSDT ETHUSDT BNBUSDT; do
	for m in xgb lstm hybrid naive; do
		grep -q "^$s,1h,$m,1," board.csv || fail "no $s $m row"
	done
done
# Each backtest walks the 40% after its models' data: about 9595 hourly steps.
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ s = $c["steps"]; cov = $c["coverage"]; u = $c["theil_u"]; mape = $c["mape"]
	  if (s < 9500 || s > 9700) { print "steps", $0; exit 1 }
	  if (cov < 0.85 || cov > 0.95) { print "coverage", $0; exit 1 }
	  if (u < 0.97 || u > 1.05) { print "Theil U", $0; exit 1 }
	  if (mape < 0.1 || mape > 1) { print "MAPE", $0; exit 1 }
	  if ($c["model"] == "naive" && u != 1) { print "naive", $0; exit 1 }
	  if ($c["model"] == "hybrid" && $c["weights"] !~ /^xgb=0\.[0-9]+;lstm=0\.[0-9]+$/) { print "weights", $0; exit 1 } }' board.csv ||
	fail "implausible leaderboard: $(cat board.csv)"
grep -q "warning" notes && fail "warnings: $(cat notes)"
cut -d, -f1,3,6,7,8,10,11,14 board.csv | column -t -s, | sed 's/^/  /'
echo "backtest_real: ok"
