# cra-features on the real hourly data (2021-2023): every indicator, gap notes, the store with
# --from (history loaded before it), another symbol joined as of each close, regime targets,
# and the man page's gnuplot pipeline.
set -u
F="$CRA_BIN/cra-features"
D="$CRA_SHARED/data/binance-1h"
[ -r "$D/BTCUSDT.csv" ] || { echo "no $D: skipped"; exit 77; }
T="$CRA_TEST_TMP/features_real"
rm -rf "$T" && mkdir -p "$T/data" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }

# Everything, from standard input: one row per candle, gaps noted, defined after row 99.
"$F" -a < "$D/BTCUSDT.csv" > "$T/all.csv" 2> "$T/err" || fail "--all"
[ "$(wc -l < "$T/all.csv")" = "$(wc -l < "$D/BTCUSDT.csv")" ] || fail "row count"
grep -q '^cra-features: 5 gaps in the candles (12 1h candles missing, the longest 4 after 2021-08-13T01:00:00Z)' "$T/err" ||
	fail "gap note: $(cat "$T/err")"
tail -n +101 "$T/all.csv" | grep -q ',,\|,$' && fail "undefined cells after the warm-up"
awk -F, 'NR > 101 && ($9 < 0 || $9 > 100 || $20 < 0 || $20 > 100 || $32 < 0 || $32 > 1) { print NR; exit 1 }' "$T/all.csv" ||
	fail "rsi, stoch or fib_pos out of range"
"$F" -q -a < "$D/BTCUSDT.csv" 2> "$T/err" > /dev/null && [ ! -s "$T/err" ] || fail "--quiet"

# From the store, with --from: the indicators see the history before it, so the rows equal
# those of the computation over the whole file (to rounding, for the exponential smoothers).
ln -s "$D/BTCUSDT.csv" "$T/data/BTCUSDT-1h.csv"
SPEC=sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,stoch:14:3,vol:20,fib:100,volz:20
CRA_DATA="$T/data" "$F" -s BTCUSDT -i 1h -f $SPEC --from 2023-06-01 --to 2023-07-01 > "$T/store.csv" ||
	fail "--symbol --from --to"
[ "$(wc -l < "$T/store.csv")" = 721 ] || fail "June 2023 should be 720 rows: $(wc -l < "$T/store.csv")"
"$F" -q -f $SPEC < "$D/BTCUSDT.csv" > "$T/full.csv"
awk -F, 'NR == FNR { if (FNR > 1) want[$1] = $0; next }
	FNR > 1 { n = split(want[$1], w, ","); if (n != NF) { print "row " $1 " missing"; exit 1 }
		for (j = 2; j <= NF; j++) { d = $j - w[j]; if (d < 0) d = -d; s = w[j] < 0 ? -w[j] : w[j]
			if (d > 1e-9 * (s > 1 ? s : 1)) { print $1, j, $j, w[j]; exit 1 } } }' \
	"$T/full.csv" "$T/store.csv" || fail "--from rows differ from the full computation"
CRA_DATA="$T/data" "$F" -s BTCUSDT -i 1h --from 2023-12-30T18:00Z -f rsi > "$T/newest.csv" || fail "newest rows"
[ "$(wc -l < "$T/newest.csv")" = 3 ] && [ -n "$(tail -1 "$T/newest.csv" | cut -d, -f7)" ] || fail "the newest rows from the store"
CRA_DATA="$T/data" "$F" -s ETHUSDT -i 1h > /dev/null 2> "$T/err"
[ $? = 66 ] && grep -q 'no candles for ETHUSDT 1h' "$T/err" || fail "a missing series: $(cat "$T/err")"

# Another symbol's candles joined: ETH's close of the same hour (known at the same close).
"$F" -q -f rsi -j "$D/ETHUSDT.csv" < "$D/BTCUSDT.csv" > "$T/join.csv" || fail "--join ETHUSDT.csv"
head -1 "$T/join.csv" | grep -q ',rsi_14,ETHUSDT_open,ETHUSDT_high,ETHUSDT_low,ETHUSDT_close,ETHUSDT_volume$' || fail "join header"
awk -F, 'NR == FNR { close_[$1] = $5 + 0; next } FNR > 1 && ($1 in close_) && $11 != close_[$1] { print $1; exit 1 }' \
	"$D/ETHUSDT.csv" "$T/join.csv" || fail "ETHUSDT_close is not ETH's close of the same candle"

# Regime labels 4 hours ahead: three classes, the last 4 rows and rows before a gap empty.
"$F" -q -f vol:20 -t regime:4h,return:4 < "$D/BTCUSDT.csv" > "$T/regime.csv" || fail "regime"
awk -F, 'NR > 22 && $8 != "" && $8 != -1 && $8 != 0 && $8 != 1 { exit 1 }' "$T/regime.csv" || fail "regime classes"
tail -4 "$T/regime.csv" | cut -d, -f8,9 | grep -qv '^,$' && fail "the last 4 rows have targets"
awk -F, 'NR > 1 && $8 != "" { n[$8]++ } END { exit !(n[-1] > 1000 && n[0] > 1000 && n[1] > 1000) }' "$T/regime.csv" ||
	fail "regime classes are not all represented"
grep -q '^1628816400000,.*,,$' "$T/regime.csv" || fail "the target across the 2021-08-13 gap is not empty"
# return:4 is the log return 4 rows later; regime is its sign outside 0.5 sigma sqrt(4).
awk -F, 'NR > 1 { c[NR] = $5; v[NR] = $7; reg[NR] = $8; r[NR] = $9 }
	END { for (i = 30; i < 1000; i++) { if (r[i] == "") continue
		want = log(c[i + 4] / c[i]); d = r[i] - want; if (d < 0) d = -d; if (d > 1e-12) exit 1
		band = 0.5 * v[i] * 2; cls = want > band ? 1 : want < -band ? -1 : 0; if (cls != reg[i]) exit 1 } }' \
	"$T/regime.csv" || fail "regime rule"

# The man page's gnuplot examples, on a dumb terminal: a pipe into gnuplot, and gnuplot
# running cra-features itself to draw several columns.
if command -v gnuplot > /dev/null; then
	tail -n 300 "$D/BTCUSDT.csv" | sed '1i open_time,open,high,low,close,volume' > "$T/recent.csv"
	"$F" -q -f sma:50,bb:20:2 < "$T/recent.csv" |
		gnuplot -e "set terminal dumb 100 30; set datafile separator ','; set key autotitle columnhead; plot '/dev/stdin' using 1:5 with lines" \
		> "$T/plot1.txt" 2> "$T/gnuplot.err" || fail "gnuplot pipe: $(cat "$T/gnuplot.err")"
	grep -q 'close' "$T/plot1.txt" || fail "gnuplot drew nothing from the pipe"
	(cd "$T" && PATH="$CRA_BIN:$PATH" gnuplot -e "set terminal dumb 100 30; set datafile separator ','; set key autotitle columnhead; plot '< cra-features -q -f sma:50,bb:20:2 recent.csv' using 1:5 with lines, '' using 1:7 with lines, '' using 1:8 with lines, '' using 1:10 with lines") \
		> "$T/plot2.txt" 2> "$T/gnuplot.err" || fail "gnuplot: $(cat "$T/gnuplot.err")"
	grep -q 'sma_50' "$T/plot2.txt" && grep -q 'bb_lower_20_2' "$T/plot2.txt" || fail "gnuplot drew nothing"
fi
echo "features_real: ok"
