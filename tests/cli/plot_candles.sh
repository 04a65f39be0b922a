# cra-plot candles on the real hourly BTCUSDT candles: PNG, SVG and PDF of the asked size,
# text in the terminal, and a script gnuplot runs by itself to the same picture; the data the
# chart draws are the candles and cra-features' indicators (computed, or read from the
# table when it has them, even when their history is not in it); a long series is drawn as
# buckets whose high, low and volume are those of their candles; the store as the source.
. "$CRA_SRC/tests/testlib.sh"
t_init plot_candles
need_shared_data
. "$CRA_SRC/tests/cli/plot_images.bash"
CSV="$SHARED_DATA/BTCUSDT.csv"
mkdir -p "$CRA_DATA" && ln -s "$CSV" "$CRA_DATA/BTCUSDT-1h.csv"
ALL="--sma 20,50 --ema 20 --bb 20:2 --vwap --fib 100 --rsi 14 --macd 12:26:9"

# Every overlay and panel, to each format.
expect 0 "$T/c.png written" cra-plot candles $ALL --last 150 -o "$T/c.png" "$CSV"
check_png "$T/c.png" 1200 800
expect 0 "" cra-plot candles $ALL --last 150 --size 900x600 -o "$T/c.svg" "$CSV"
check_chart "$T/c.svg" 900 600 1000
for want in "rising" "falling" "sma_20" "sma_50" "ema_20" "bb:20:2" "vwapd" "fib:100 levels" "rsi_14" "macd_hist_12_26_9"; do
	grep -q "<text>$want</text>" "$T/c.svg" || fail "the SVG has no legend entry '$want'"
done
expect 0 "" cra-plot candles --last 150 --rsi 14 -o "$T/c.pdf" "$CSV"
check_pdf "$T/c.pdf"
# In the terminal: the title with the time span in UTC, the axis, one line per text row.
IN="$CSV" expect 0 "" cra-plot candles --last 100 --size 100x30 --term dumb
# (gnuplot starts a text page with a form feed.)
[ "$(wc -l < "$T/out")" = 30 ] && [ "$(tr -d '\f' < "$T/out" | awk '{ if (length($0) > m) m = length($0) } END { print m }')" = 100 ] ||
	fail "dumb: not 100x30: $(wc -l < "$T/out") lines"
grep -q "2023-12-26 16:00 .. 2023-12-30 19:00 UTC" "$T/out" && grep -q "time (UTC)" "$T/out" || fail "dumb: $(head -3 "$T/out")"
# Without -o the chart goes to the terminal as text.
IN="$CSV" expect 0 "" cra-plot candles --last 100
[ "$(wc -l < "$T/out")" = 40 ] || fail "the default output is not a 120x40 text chart"

# --script: self-contained, and gnuplot alone draws the same picture from it.
expect 0 "" cra-plot candles $ALL --last 150 --size 900x600 --script -o "$T/again.svg" "$CSV"
grep -q "^set output '$T/again.svg'" "$T/out" || fail "the script does not write to -o's file"
gnuplot "$T/out" 2> "$T/gp.err" && [ ! -s "$T/gp.err" ] || fail "gnuplot on the script: $(cat "$T/gp.err")"
cmp -s "$T/c.svg" "$T/again.svg" || fail "the script's picture differs from cra-plot's"
expect 0 "" cra-plot candles --last 10 --script "$CSV"
grep -q "^set terminal" "$T/out" && fail "--script without -o or --term sets a terminal"

# The data drawn: the last 50 candles as they are, and each indicator equal to cra-features'.
expect 0 "" cra-plot candles --sma 20 --bb 20:2 --rsi 14 --macd 12:26:9 --last 50 --script "$CSV"
sed -n '/^\$candles << EOD/,/^EOD/p' "$T/out" | sed '1d;$d' > "$T/drawn"
[ "$(wc -l < "$T/drawn")" = 50 ] || fail "$(wc -l < "$T/drawn") candles drawn, not 50"
head -1 "$T/out" | grep -qx '# open_time open high low close volume sma_20 bb_upper_20_2 bb_middle_20_2 bb_lower_20_2 rsi_14 macd_12_26_9 macd_signal_12_26_9 macd_hist_12_26_9' ||
	fail "columns: $(head -1 "$T/out")"
# (cra-features' bb_pctb and bb_width are not drawn: columns 11 and 12 of its table.)
cra-features -q -f sma:20,bb:20:2,rsi:14,macd:12:26:9 "$CSV" | tail -50 | awk -F, -v OFS=' ' '{ $11 = $12 = ""; print }' |
	tr -s ' ' > "$T/want"
awk 'NR == FNR { for (i = 1; i <= NF; i++) w[FNR, i] = $i; n[FNR] = NF; next }
	{ if (NF != n[FNR]) { print "row " FNR ": " NF " fields, want " n[FNR]; exit 1 }
	  for (i = 1; i <= NF; i++) { d = $i - w[FNR, i]; if (d < 0) d = -d; m = w[FNR, i] < 0 ? -w[FNR, i] : w[FNR, i]
		if (d > 1e-12 * m) { print "row " FNR " column " i ": " $i " vs " w[FNR, i]; exit 1 } } }' \
	"$T/want" "$T/drawn" || fail "the drawn candles or indicators differ from the input and cra-features"

# Indicators already in the table are drawn from it: cra-features from --from has SMA 200 on
# its first rows (computed from history before --from) that cra-plot could not compute.
cra-features -q -f sma:200 --from 2023-12-01 "$CSV" > "$T/feat.csv"
expect 0 "" cra-plot candles --sma 200 --to 2023-12-03 --script "$T/feat.csv"
first=$(sed -n '/^\$candles/{n;p;q}' "$T/out" | cut -d' ' -f7)
[ "$first" = "$(sed -n 2p "$T/feat.csv" | cut -d, -f7)" ] || fail "sma_200 not read from the table ($first)"
# ... and computed when the table lacks them: too few candles for SMA 200 is an error.
head -101 "$CSV" > "$T/short.csv"
expect 65 "too few candles: 100 rows, but the features need at least 200 (sma:200" cra-plot candles --sma 200 -o "$T/short.png" "$T/short.csv"
[ -e "$T/short.png" ] && fail "a failed chart left a file"

# A long series: one point per bucket of candles, each with its candles' high, low, volume.
expect 0 "" cra-plot candles --script "$CSV"
grep -q "a point: 40 candles" "$T/out" || fail "24k candles at 1200 pixels: not 40 a point"
sed -n '/^\$candles/,/^EOD/p' "$T/out" | sed '1d;$d' > "$T/buckets"
[ "$(wc -l < "$T/buckets")" = $(( ($(wc -l < "$CSV") - 1 + 39) / 40 )) ] || fail "$(wc -l < "$T/buckets") buckets"
awk -F, 'NR > 1 && NR <= 41 { if (NR == 2) o = $2; if (h == "" || $3 > h) h = $3; if (l == "" || $4 < l) l = $4; v += $6; c = $5 }
	END { printf "%.10g %.10g %.10g %.10g %.10g\n", o, h, l, c, v }' "$CSV" > "$T/b1want"
head -1 "$T/buckets" | awk '{ printf "%.10g %.10g %.10g %.10g %.10g\n", $2, $3, $4, $5, $6 }' | cmp -s - "$T/b1want" ||
	fail "the first bucket is $(head -1 "$T/buckets"), not $(cat "$T/b1want")"
expect 0 "" cra-plot candles -o "$T/all.svg" "$CSV"
[ "$(stat -c %s "$T/all.svg")" -lt 400000 ] || fail "the whole series' SVG is $(stat -c %s "$T/all.svg") bytes"
check_chart "$T/all.svg" 1200 800

# From the store: --from/--to pick the candles, history before --from feeds the SMA.
expect 0 "" cra-plot candles -s BTCUSDT -i 1h --from 2023-06-01 --to 2023-06-03 --sma 50 --script
sed -n '/^\$candles/,/^EOD/p' "$T/out" | sed '1d;$d' > "$T/store"
[ "$(wc -l < "$T/store")" = 48 ] && [ "$(head -1 "$T/store" | cut -d' ' -f1)" = 1685577600000 ] ||
	fail "--from/--to: $(wc -l < "$T/store") rows from $(head -1 "$T/store" | cut -d' ' -f1)"
grep -q "BTCUSDT 1h 2023-06-01 00:00 .. 2023-06-02 23:00 UTC" "$T/out" || fail "store title"
[ "$(head -1 "$T/store" | cut -d' ' -f7)" != NaN ] || fail "SMA 50 undefined at --from: history not loaded"
echo "plot_candles: ok"
