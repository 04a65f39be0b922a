# cra-explain on synthetic candles: local accuracy (base value + contributions = the model's
# own raw prediction) on every row, for regression and for each regime class; row selection
# (--last, --from/--to), several horizons, the summary's order, the store and a file giving
# the same table, TSV, -o.
. "$CRA_SRC/tests/testlib.sh"
t_init explain_basic
export OMP_NUM_THREADS=1 # tiny models: a second spinning thread only slows a busy machine
awk -v n=3000 -v phi=0.5 -v seed=5 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$T/c.csv"
mkdir -p "$CRA_DATA" && cp "$T/c.csv" "$CRA_DATA/SYNUSDT-1h.csv"
cra-train-xgb -q -s SYNUSDT -i 1h -f rsi:14,logret:1,bb:20:2,lags:1 -H 1,3 --trees 50 --depth 4 --early-stop 0 \
	-o "$T/m.bundle" > /dev/null || fail "training"
cra-train-xgb -q -s SYNUSDT -i 1h -t regime:4 --trees 30 --depth 4 -o "$T/r.bundle" > /dev/null || fail "regime training"

# local_accuracy FILE FIRST_FEATURE_COLUMN: for every row, |base + sum - prediction| within
# 1e-4 of max(|prediction|, the largest |term|) - float32 sums inside XGBoost.
local_accuracy() {
	awk -F"${3:-,}" -v f="$2" 'NR > 1 { s = $(f - 1); big = ($(f - 2) < 0 ? -$(f - 2) : $(f - 2))
		for (j = f; j <= NF; j++) { s += $j; a = $j < 0 ? -$j : $j; if (a > big) big = a }
		d = s - $(f - 2); if (d < 0) d = -d; if (d > 1e-4 * big) { print "row " NR ": " d " of " big; bad = 1; exit }
		n++ } END { if (!bad && n == 0) { print "no rows"; bad = 1 } exit bad }' "$1"
}

# Every row of the series that has its features defined.
expect 0 "candles explained" cra-explain -m "$T/m.bundle"
head -1 "$T/out" | grep -qx 'open_time,prediction,base_value,rsi_14,logret_1,bb_upper_20_2,bb_middle_20_2,bb_lower_20_2,bb_pctb_20_2,bb_width_20_2,rsi_14_lag1,logret_1_lag1,bb_upper_20_2_lag1,bb_middle_20_2_lag1,bb_lower_20_2_lag1,bb_pctb_20_2_lag1,bb_width_20_2_lag1' ||
	fail "header: $(head -1 "$T/out")"
[ "$(wc -l < "$T/out")" = $((3000 - 20 + 1)) ] || fail "rows: $(wc -l < "$T/out") (bb:20 and lags:1 leave the first 20 undefined)"
local_accuracy "$T/out" 4 || fail "local accuracy, horizon 1"
cp "$T/out" "$T/all.csv"
# The newest candle is explained (a forecast needs no target), and the base value is one.
tail -1 "$T/out" | grep -q "^$(tail -1 "$T/c.csv" | cut -d, -f1)," || fail "the newest candle is missing"
[ "$(cut -d, -f3 "$T/out" | sort -u | wc -l)" = 2 ] || fail "one base value for every row"

# The second horizon's model differs; local accuracy holds there too.
expect 0 "horizon 3" cra-explain -m "$T/m.bundle" -H 3
local_accuracy "$T/out" 4 || fail "local accuracy, horizon 3"
cmp -s "$T/out" "$T/all.csv" && fail "-H 3 explains the horizon 1 model"

# Row selection: --last N is the tail; --from/--to a window of open times.
expect 0 "" cra-explain -m "$T/m.bundle" --last 200
[ "$(wc -l < "$T/out")" = 201 ] && diff <(tail -n 200 "$T/out") <(tail -n 200 "$T/all.csv") > /dev/null ||
	fail "--last 200"
expect 0 "24 candles explained (2023-02-01T00:00:00Z .. 2023-02-01T23:00:00Z)" cra-explain -m "$T/m.bundle" --from 2023-02-01 --to 2023-02-02
grep -q "^1675209600000," "$T/out" && [ "$(wc -l < "$T/out")" = 25 ] || fail "--from/--to"
awk -F, 'NR == FNR { want[$0]; next } FNR > 1 && !($0 in want) { exit 1 }' "$T/all.csv" "$T/out" ||
	fail "a window's rows differ from the whole series' (features must see the history before --from)"
expect 0 "" cra-explain -m "$T/m.bundle" --from 2023-02-01 --to 2023-02-02 --last 5
[ "$(wc -l < "$T/out")" = 6 ] && tail -1 "$T/out" | grep -q '^1675292400000,' || fail "--last within --from/--to"

# A file instead of the store; TSV; -o.
IN="$T/c.csv" expect 0 "" cra-explain -m "$T/m.bundle" --tsv -
tr '\t' , < "$T/out" | cmp -s - "$T/all.csv" || fail "standard input with --tsv differs from the store's CSV"
expect 0 "" cra-explain -m "$T/m.bundle" -o "$T/explained.csv" "$T/c.csv"
[ ! -s "$T/out" ] && cmp -s "$T/explained.csv" "$T/all.csv" || fail "-o"

# Summary: one row per feature, mean |SHAP| falling, ranks 1..n; equal to the per-row means.
expect 0 "" cra-explain -m "$T/m.bundle" --summary
head -1 "$T/out" | grep -qx 'feature,mean_abs_shap,mean_shap,rank' || fail "summary header"
[ "$(wc -l < "$T/out")" = 15 ] || fail "summary rows"
awk -F, 'NR > 1 { if (NR > 2 && $2 > prev) exit 1; if ($4 != NR - 1) exit 1; prev = $2 }' "$T/out" || fail "summary order"
awk -F, 'NR == FNR { if (FNR == 1) for (j = 4; j <= NF; j++) col[j] = $j
		else for (j = 4; j <= NF; j++) { a[col[j]] += $j < 0 ? -$j : $j; m[col[j]] += $j }; n = FNR - 1; next }
	FNR > 1 { d1 = a[$1] / n - $2; d2 = m[$1] / n - $3
		if (d1 * d1 > 1e-20 + 1e-18 * $2 * $2 || d2 * d2 > 1e-20 + 1e-18 * $2 * $2) { print $1, d1, d2; exit 1 } }' \
	"$T/all.csv" "$T/out" || fail "summary is not the mean of the per-row values"

# Regimes: every class, or one; each class's contributions add up to its own margin.
expect 0 "" cra-explain -m "$T/r.bundle" --last 100
head -1 "$T/out" | grep -q '^open_time,class,prediction,base_value,logret_1,' || fail "regime header"
[ "$(wc -l < "$T/out")" = 301 ] || fail "three rows per candle"
[ "$(cut -d, -f2 "$T/out" | sed 1d | sort | uniq -c | awk '{ print $1 $2 }' | tr '\n' ' ')" = "100bear 100bull 100neutral " ] ||
	fail "classes: $(cut -d, -f2 "$T/out" | sort | uniq -c)"
local_accuracy "$T/out" 5 || fail "local accuracy, regime classes"
grep ',bull,' "$T/out" > "$T/bull_rows"
expect 0 "" cra-explain -m "$T/r.bundle" --last 100 --class bull
sed 1d "$T/out" | cmp -s - "$T/bull_rows" || fail "--class bull"
expect 0 "" cra-explain -m "$T/r.bundle" --summary --class bear --last 500
head -1 "$T/out" | grep -qx 'class,feature,mean_abs_shap,mean_shap,rank' && [ "$(grep -c '^bear,' "$T/out")" = 5 ] ||
	fail "regime summary"
echo "explain_basic: ok"
