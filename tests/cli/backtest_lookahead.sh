# No lookahead: corrupting every candle after time t changes no backtest row at or before t -
# forecasts, bands, the hybrid, the naive forecast - with and without retraining every N
# steps, nor the forecast (only the actual) of the first candle after t; and a backtest of the
# candles up to t alone gives those rows exactly.  The rows after t do change (the corruption
# is seen where it should be).
. "$CRA_SRC/tests/testlib.sh"
t_init backtest_lookahead
. "$CRA_SRC/tests/cli/backtest_lib.bash"

synth 3000 "$T/SYN.csv"
train_models "$T/SYN.csv" "$(open_time_of "$T/SYN.csv" 1800)"
t=$(open_time_of "$T/SYN.csv" 2400)
# Every candle after t: prices scaled by 0.7 .. 1.3 (still a valid candle), volume doubled.
awk -F, -v OFS=, -v t="$t" 'NR > 1 && $1 > t { f = 1 + 0.3 * sin(NR); $2 *= f; $3 *= f; $4 *= f; $5 *= f; $6 *= 2 } 1' \
	"$T/SYN.csv" > "$T/bad.csv"
awk -F, -v t="$t" 'NR == 1 || $1 <= t' "$T/SYN.csv" > "$T/upto.csv"
cmp -s "$T/SYN.csv" "$T/bad.csv" && fail "nothing corrupted"

upto() { awk -F, -v t="$t" 'NR == 1 || $1 <= t' "$1"; }
after() { awk -F, -v t="$t" 'NR > 1 && $1 > t' "$1"; }
for refit in "" "--refit-every 250"; do
	for f in SYN bad upto; do
		cra-backtest -q -s SYN -m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 100 $refit "$T/$f.csv" \
			> "$T/$f.steps" || fail "backtest of $f.csv $refit"
	done
	[ "$(upto "$T/SYN.steps" | wc -l)" -gt 2000 ] || fail "too few rows before t to prove anything"
	upto "$T/SYN.steps" > "$T/a"
	upto "$T/bad.steps" | cmp -s - "$T/a" || fail "$refit: corrupting candles after t changed rows at or before t"
	cmp -s "$T/upto.steps" "$T/a" || fail "$refit: the candles up to t alone give other rows"
	for m in xgb lstm hybrid naive; do
		after "$T/SYN.steps" | grep ",$m," > "$T/x"
		after "$T/bad.steps" | grep ",$m," | cmp -s - "$T/x" && fail "$refit: $m rows after t did not change"
		# The first candle after t is forecast from candles up to t: only its actual differs.
		[ "$(head -1 "$T/x" | cut -d, -f1,3-7)" = "$(after "$T/bad.steps" | grep ",$m," | head -1 | cut -d, -f1,3-7)" ] ||
			fail "$refit: $m's forecast of the candle after t saw that candle"
	done
done
expect 0 "5 refits, every 250 steps" cra-backtest -s SYN -m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 100 --refit-every 250 "$T/SYN.csv"
echo "backtest_lookahead: ok"
