# cra-features on synthetic candles: columns and their names, undefined cells, the canonical
# spec, lags, targets, as-of joins, row selection, output files, and no lookahead.
set -u
F="$CRA_BIN/cra-features"
T="$CRA_TEST_TMP/features_basic"
rm -rf "$T" && mkdir -p "$T" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }

# 300 hourly candles from 2021-01-01T20:00Z, deterministic.
awk 'BEGIN { print "open_time,open,high,low,close,volume"; p = 100
	for (i = 0; i < 300; i++) { o = p; p = p * (1 + 0.01 * sin(i * 0.7) + 0.002 * cos(i * 1.3))
		h = (o > p ? o : p) * 1.003; l = (o < p ? o : p) * 0.997
		printf "%.0f,%.6f,%.6f,%.6f,%.6f,%d\n", 1609531200000 + i * 3600000, o, h, l, p, 1000 + (i * 37) % 500 } }' > "$T/c.csv"

# The default set, and its undefined leading cells (macd 12/26/9: the first 33 rows).
"$F" < "$T/c.csv" > "$T/out.csv" 2> "$T/err" || fail "default run"
head -1 "$T/out.csv" | grep -qx 'open_time,open,high,low,close,volume,logret_1,volz_20,rsi_14,macd_hist_12_26_9,bb_pctb_20_2' ||
	fail "default header: $(head -1 "$T/out.csv")"
[ "$(wc -l < "$T/out.csv")" = 301 ] || fail "row count"
sed -n 2p "$T/out.csv" | grep -q ',1000,,,,,$' || fail "first row: $(sed -n 2p "$T/out.csv")"
[ -z "$(sed -n 34p "$T/out.csv" | cut -d, -f10)" ] || fail "row 32 (line 34) should still lack the MACD histogram"
sed -n '35,$p' "$T/out.csv" | grep -q ',,\|,$' && fail "empty cells after the warm-up"
[ -s "$T/err" ] && fail "unexpected notes: $(cat "$T/err")"

# --all: every indicator; --drop-warmup starts at row 99 (fib:100).
"$F" -a < "$T/c.csv" > "$T/all.csv" || fail "--all"
head -1 "$T/all.csv" | grep -qx 'open_time,open,high,low,close,volume,sma_20,ema_20,rsi_14,macd_12_26_9,macd_signal_12_26_9,macd_hist_12_26_9,bb_upper_20_2,bb_middle_20_2,bb_lower_20_2,bb_pctb_20_2,bb_width_20_2,atr_14,obv,stoch_k_14_3,stoch_d_14_3,vwap_20,vwapd,vol_20,ret_1,logret_1,fib_236_100,fib_382_100,fib_500_100,fib_618_100,fib_786_100,fib_pos_100,volz_20' ||
	fail "--all header: $(head -1 "$T/all.csv")"
"$F" -a --drop-warmup < "$T/c.csv" > "$T/dw.csv" || fail "--drop-warmup"
[ "$(wc -l < "$T/dw.csv")" = $((300 - 99 + 1)) ] || fail "--drop-warmup rows"
[ "$(sed -n 2p "$T/dw.csv")" = "$(sed -n 101p "$T/all.csv")" ] || fail "--drop-warmup first row"
grep -q ',,' "$T/dw.csv" && fail "--drop-warmup left undefined cells"

# The canonical spec, and the same columns from it.
spec=$("$F" --print-spec -f ' RSI, bb.pctb:20:2.50' -f macd.hist,macd.line -l 2) || fail "--print-spec"
[ "$spec" = "rsi:14,bb.pctb:20:2.5,macd.line:12:26:9,macd.hist:12:26:9,lags:2" ] || fail "canonical spec: $spec"
[ "$("$F" --print-spec -f "$spec")" = "$spec" ] || fail "the canonical spec is not a fixed point"
"$F" -f "$spec" < "$T/c.csv" | head -1 |
	grep -qx 'open_time,open,high,low,close,volume,rsi_14,bb_pctb_20_2.5,macd_12_26_9,macd_hist_12_26_9,rsi_14_lag1,bb_pctb_20_2.5_lag1,macd_12_26_9_lag1,macd_hist_12_26_9_lag1,rsi_14_lag2,bb_pctb_20_2.5_lag2,macd_12_26_9_lag2,macd_hist_12_26_9_lag2' ||
	fail "columns of the canonical spec"
[ "$("$F" --print-spec)" = "logret:1,volz:20,rsi:14,macd.hist:12:26:9,bb.pctb:20:2" ] || fail "default spec"

# A lag is the column one row down.
"$F" -f rsi:5 --lags 1 < "$T/c.csv" | awk -F, 'NR > 2 && $8 != prev { bad = 1 } { prev = $7 } END { exit bad }' ||
	fail "rsi_5_lag1 is not rsi_5 shifted"

# TSV, -o FILE (same bytes), --from/--to select rows but the indicators keep their history.
"$F" --tsv -f sma:3 < "$T/c.csv" | head -1 | grep -qx "$(printf 'open_time\topen\thigh\tlow\tclose\tvolume\tsma_3')" || fail "--tsv"
"$F" -a -o "$T/o.csv" < "$T/c.csv" || fail "-o"
cmp -s "$T/o.csv" "$T/all.csv" || fail "-o FILE differs from standard output"
"$F" -a --from 2021-01-05T00:00Z --to 2021-01-06 < "$T/c.csv" > "$T/range.csv" || fail "--from/--to"
[ "$(wc -l < "$T/range.csv")" = 25 ] || fail "--from/--to rows: $(wc -l < "$T/range.csv")"
grep -F "$(sed -n 2p "$T/range.csv")" "$T/all.csv" > /dev/null || fail "--from changed the values"

# No lookahead: the first K rows are the same whether or not the later candles exist.
for k in 100 121 187; do
	head -$((k + 1)) "$T/c.csv" | "$F" -a -q > "$T/head.csv" || fail "head -$k"
	head -$((k + 1)) "$T/all.csv" | cmp -s - "$T/head.csv" || fail "row values depend on later rows (k=$k)"
done

# Targets: the last H rows are empty; regime is -1, 0 or 1.
"$F" -f rsi -t return:1,direction:2h -t regime:4h < "$T/c.csv" > "$T/t.csv" || fail "targets"
head -1 "$T/t.csv" | grep -q ',rsi_14,target_return_1,target_direction_2,target_regime_4$' || fail "target columns"
tail -1 "$T/t.csv" | grep -q ',,,$' || fail "the last row has targets"
awk -F, 'NR > 21 && NR < 298 && $10 != -1 && $10 != 0 && $10 != 1 { exit 1 }' "$T/t.csv" || fail "regime classes"
for r in 150 198 240; do  # target_direction_2 at row r is close[r+2] > close[r]
	[ "$(awk -F, -v r=$r 'NR == r + 2 { print $9 }' "$T/t.csv")" = \
	  "$(awk -F, -v r=$r 'NR > 1 { c[NR - 2] = $5 } END { print (c[r + 2] > c[r]) ? 1 : 0 }' "$T/c.csv")" ] ||
		fail "direction:2h at row $r"
done

# As-of join: each candle gets the value known at its close, columns prefixed by the file name.
printf 'time,score\n2021-01-01T20:30:00Z,0.5\n2021-01-01T21:59:59.999Z,0.7\n2021-01-01T23:00:00Z,0.9\n' > "$T/sentiment.csv"
"$F" -f sma:2 -j "$T/sentiment.csv" < "$T/c.csv" > "$T/j.csv" || fail "--join"
head -1 "$T/j.csv" | grep -q ',sma_2,sentiment_score$' || fail "join column"
[ "$(sed -n '2,5p' "$T/j.csv" | cut -d, -f8 | tr '\n' ' ')" = "0.5 0.7 0.7 0.9 " ] || fail "as-of values: $(sed -n '2,5p' "$T/j.csv" | cut -d, -f8 | tr '\n' ' ')"
"$F" -f sma:2 -j "$T/sentiment.csv" --join-delay 1h < "$T/c.csv" | sed -n '2,3p' | cut -d, -f8 | tr '\n' ' ' |
	grep -qx ' 0.5 ' || fail "--join-delay"

# --list, --help, --version.
"$F" --list > "$T/list" || fail "--list"
for k in sma ema rsi macd bb atr obv stoch vwap vwapd vol ret logret fib volz; do
	grep -q "^$k[:. ]" "$T/list" || fail "--list lacks $k"
done
"$F" --help | grep -q 'cra-features -f rsi:14,bb:20:2' || fail "--help example"
"$F" --version | grep -q '^cra-features (craipto) ' || fail "--version"
echo "features_basic: ok"
