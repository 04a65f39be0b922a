# cra-drift on synthetic candles with a known answer: identical windows (KS 0, p 1, JS 0,
# PSI 0, exit 0), disjoint ones (KS 1, JS 1, exit 1), a volatility change that only some
# features see, the thresholds, every way of choosing the baseline and the recent window,
# the store, --histograms, -o and --tsv.
. "$CRA_SRC/tests/testlib.sh"
t_init drift_basic

# gen N SIGMA START_MS FIRST_CLOSE: hourly candles with log returns sigma * uniform(-1/2, 1/2)
# (Park-Miller generator: exact in awk's doubles), volume 100 + 10 * uniform.
gen() {
	awk -v n="$1" -v sigma="$2" -v t="$3" -v c="$4" -v s="${5:-7}" 'BEGIN {
		print "open_time,open,high,low,close,volume"
		for (i = 0; i < n; i++) {
			s = (s * 16807) % 2147483647; u = s / 2147483647
			o = c; c = o * exp(sigma * (u - 0.5))
			printf "%.0f,%.6f,%.6f,%.6f,%.6f,%.3f\n", t + i * 3600000, o, (o > c ? o : c) * 1.001, (o < c ? o : c) * 0.999, c, 100 + 10 * u
		} }'
}
gen 1500 0.01 1672531200000 100 > "$T/calm.csv"
gen 300 0.01 1672531200000 100 > "$T/r300.csv"

# Identical samples: the baseline file is the recent window itself.
expect 0 "no drift in 3 features" cra-drift --baseline "$T/r300.csv" --recent-window 300 "$T/r300.csv"
head -1 "$T/out" | grep -qx 'feature,n_baseline,n_recent,ks,ks_p,ks_method,js,psi,drift,fired' || fail "header: $(head -1 "$T/out")"
[ "$(sed 1d "$T/out" | cut -d, -f1 | tr '\n' ' ')" = "close return volume " ] || fail "default features: $(cat "$T/out")"
grep -qx 'close,300,300,0,1,exact,0,0,no,' "$T/out" || fail "identical close: $(cat "$T/out")"
grep -qx 'return,299,299,0,1,exact,0,0,no,' "$T/out" || fail "identical return (the first row has none): $(cat "$T/out")"
grep -qx 'volume,300,300,0,1,exact,0,0,no,' "$T/out" || fail "identical volume"
grep -q "baseline (--baseline): 300 rows" "$T/err" && grep -q "recent: 300 rows, 2023-01-01T00:00:00Z .. 2023-01-13T11:00:00Z" "$T/err" ||
	fail "window notes: $(cat "$T/err")"

# Disjoint samples: closes near 100 against closes near 1000.  n = m = 100: p = 2/C(200,100).
gen 100 0.01 1672531200000 100 > "$T/low.csv"
gen 100 0.01 1672531200000 1000 > "$T/high.csv"
expect 1 "drift in 1 of 1 features: close (js+ks_p+psi)" cra-drift -f close --baseline "$T/low.csv" --recent-window 100 "$T/high.csv"
awk -F, 'NR == 2 { p = 2.2087606931995028e-59; exit !($4 == 1 && ($5 - p)^2 < (1e-12 * p)^2 && $7 == 1 && $9 == "yes" && $10 == "js+ks_p+psi") }' "$T/out" ||
	fail "disjoint: $(cat "$T/out") (2/C(200,100) = 2.2087606931995028e-59, exactly by Python's math.comb)"
# PSI: all 100 recent values above the baseline's 9th decile: bin 9 has 1 against 0.1, the
# other nine 1e-4 against 0.1: 0.9 ln 10 + 9 (1e-4 - 0.1) ln(1e-3) = 8.2838...
awk -F, 'NR == 2 { p = 0.9 * log(10) + 9 * (1e-4 - 0.1) * log(1e-3); d = $8 - p; exit !(d * d < 1e-24) }' "$T/out" ||
	fail "disjoint PSI: $(cut -d, -f8 "$T/out")"
# The thresholds move the verdict; an answer is never an error status.
expect 0 "no drift" cra-drift -f close --js 1 --ks-p 0 --psi 1e9 --baseline "$T/low.csv" --recent-window 100 "$T/high.csv"
grep -q '^close,.*,no,$' "$T/out" || fail "--js 1 --ks-p 0 --psi 1e9 still fired"
expect 1 "close (psi)" cra-drift -f close --js 1 --ks-p 0 --baseline "$T/low.csv" --recent-window 100 "$T/high.csv"

# A volatility change: 1500 calm hours, then 500 wild ones (5x the spread of returns, same
# volume and price level).  Returns drift; volume does not.
{ cat "$T/calm.csv"; gen 500 0.05 $((1672531200000 + 1500 * 3600000)) "$(tail -1 "$T/calm.csv" | cut -d, -f5)" 99 | sed 1d; } > "$T/shift.csv"
expect 1 "drift in 1 of 2 features: return (js+ks_p+psi)" cra-drift -f return,volume --recent-window 500 "$T/shift.csv"
grep -q '^volume,1500,500,.*,no,$' "$T/out" || fail "volume drifted: $(cat "$T/out")"
grep -q "baseline (every row before the recent window): 1500 rows, 2023-01-01T00:00:00Z .. 2023-03-04T11:00:00Z" "$T/err" ||
	fail "default baseline: $(cat "$T/err")"
# --baseline-window: the 400 rows before the recent window; --to: as the data stood then
# (the last 500 calm hours against the 400 before them: no drift).
expect 1 "" cra-drift -f return --baseline-window 400 --recent-window 500 "$T/shift.csv"
grep -q '^return,400,500,' "$T/out" || fail "--baseline-window 400"
expect 0 "no drift in 1 features" cra-drift -f return --baseline-window 400 --recent-window 500 --to 2023-03-04T12:00 "$T/shift.csv"
grep -q "recent: 500 rows, 2023-02-11T16:00:00Z .. 2023-03-04T11:00:00Z" "$T/err" || fail "--to window: $(cat "$T/err")"

# Indicators as features, by spec item: bb:20:2 gives its five columns; standard input.
IN="$T/shift.csv" expect 1 "" cra-drift -f rsi:14,bb:20:2 --recent-window 500
[ "$(sed 1d "$T/out" | cut -d, -f1 | tr '\n' ' ')" = "rsi_14 bb_upper_20_2 bb_middle_20_2 bb_lower_20_2 bb_pctb_20_2 bb_width_20_2 " ] ||
	fail "indicator features: $(cut -d, -f1 "$T/out")"
grep -q '^rsi_14,1486,500,' "$T/out" || fail "rsi:14 is undefined on the first 14 rows: $(grep rsi "$T/out")"
# A precomputed column of a features table is read by name, and mixed with computed ones.
cra-features -f rsi:14 "$T/shift.csv" > "$T/feat.csv" || fail "cra-features"
expect 1 "" cra-drift -f rsi_14,return --recent-window 500 "$T/feat.csv"
[ "$(grep '^rsi_14,' "$T/out")" = "$(cra-drift -q -f rsi:14 --recent-window 500 "$T/shift.csv" | grep '^rsi_14,')" ] ||
	fail "a precomputed rsi_14 column differs from rsi:14 computed"

# The store: the same numbers as the file.
mkdir -p "$CRA_DATA" && cp "$T/shift.csv" "$CRA_DATA/SYNUSDT-1h.csv"
cra-drift -q -f return,volume,rsi:14 --recent-window 500 "$T/shift.csv" > "$T/file.csv"
expect 1 "" cra-drift -s SYNUSDT -i 1h -f return,volume,rsi:14 --recent-window 500
cmp -s "$T/out" "$T/file.csv" || fail "the store and the file differ"

# --histograms: bins (default 20) per feature, both samples' shares summing to 1, bins
# adjoining from the smallest to the largest value of both.
expect 1 "" cra-drift -f return,volume --recent-window 500 --histograms "$T/h.csv" --bins 7 "$T/shift.csv"
head -1 "$T/h.csv" | grep -qx 'feature,bin_lo,bin_hi,baseline_frac,recent_frac' || fail "histogram header"
[ "$(grep -c '^return,' "$T/h.csv")" = 7 ] && [ "$(grep -c '^volume,' "$T/h.csv")" = 7 ] || fail "7 bins per feature"
awk -F, 'NR > 1 { b[$1] += $4; r[$1] += $5; if ($1 == f && $2 != hi) bad = 1; f = $1; hi = $3 }
	END { for (k in b) if ((b[k] - 1)^2 > 1e-24 || (r[k] - 1)^2 > 1e-24) bad = 1; exit bad }' "$T/h.csv" ||
	fail "histogram shares or edges: $(cat "$T/h.csv")"
awk -F, 'NR > 1 && $1 == "volume" { if (!lo) lo = $2; hi = $3 } END { exit !(lo >= 100 && lo < 100.01 && hi <= 110 && hi > 109.99) }' "$T/h.csv" ||
	fail "volume bins should span the volumes' range"
# -o writes the table whole (nothing on stdout); --tsv.
expect 1 "" cra-drift -f return --recent-window 500 -o "$T/table.csv" --tsv "$T/shift.csv"
[ ! -s "$T/out" ] && head -1 "$T/table.csv" | grep -q "^feature	n_baseline	n_recent	ks" || fail "-o with --tsv"
echo "drift_basic: ok"
