# cra-predict on synthetic AR(1) candles (tests/cli/backtest_lib.bash): the forecast table
# (direct and recursive steps, the hybrid, the naive forecast, regime columns), its agreement
# with cra-backtest (a forecast from candle k is the backtest's step predicting candle k+1),
# the recursion checked by hand (step 2 = step 1 from the candles with step 1's forecast
# appended as a candle), and the candles from a file, standard input or the store.
. "$CRA_SRC/tests/testlib.sh"
t_init predict_basic
. "$CRA_SRC/tests/cli/backtest_lib.bash"

synth 3000 "$T/SYN.csv"
cut=$(open_time_of "$T/SYN.csv" 2000)
train_models "$T/SYN.csv" "$cut" -H 1,3
last=$(open_time_of "$T/SYN.csv" 2999)

expect 0 "hybrid step 1 weights: xgb=0." cra-predict -m "$T/xgb.bundle" -m "$T/lstm.bundle" --hybrid --steps 4 -s SYN "$T/SYN.csv"
cp "$T/out" "$T/f.csv"
grep -q "forecasts from the candle of 2023-05-05T23:00:00Z" "$T/err" || fail "note: $(cat "$T/err")"
head -1 "$T/f.csv" | grep -qx 'open_time,step,model,method,pred,lower,upper' || fail "header: $(head -1 "$T/f.csv")"
cut -d, -f2-4 "$T/f.csv" | tail -n +2 > "$T/shape"
printf '%s\n' 1,xgb,direct 1,lstm,direct 1,hybrid,direct 1,naive,direct \
	2,xgb,recursive 2,lstm,recursive 2,hybrid,recursive 2,naive,direct \
	3,xgb,direct 3,lstm,recursive 3,hybrid,recursive 3,naive,direct \
	4,xgb,recursive 4,lstm,recursive 4,hybrid,recursive 4,naive,direct | cmp -s - "$T/shape" ||
	fail "rows: $(cat "$T/shape")"
awk -F, -v last="$last" 'NR > 1 { if ($1 != last + 3600000 * $2) { print "open_time", $0; exit 1 }
		if (!($6 < $5 && $5 < $7)) { print "band", $0; exit 1 }
		if ($3 == "naive" && $5 != naive && naive != "") { print "naive", $0; exit 1 } if ($3 == "naive") naive = $5 }' \
	"$T/f.csv" || fail "forecast rows: $(cat "$T/f.csv")"
# Bands widen with the step (the naive forecast's h-step moves are larger than 1-step ones).
awk -F, '$3 == "naive" { w = $7 - $6; if (w <= prev) exit 1; prev = w }' "$T/f.csv" || fail "naive bands do not widen"

# A forecast from candle k is the backtest's step predicting candle k+1: every forecaster.
k=2500
head -$((k + 2)) "$T/SYN.csv" > "$T/upto.csv"
cra-predict -q -m "$T/xgb.bundle" -m "$T/lstm.bundle" --hybrid -c 200 -s SYN "$T/upto.csv" > "$T/p.csv" || fail "predict from k"
cra-backtest -q -m "$T/xgb.bundle" -m "$T/lstm.bundle" -H 1 -c 200 -s SYN --from "$(open_time_of "$T/SYN.csv" $((k + 1)))" \
	--to "$(open_time_of "$T/SYN.csv" $((k + 2)))" "$T/SYN.csv" > "$T/b.csv" || fail "backtest of k+1"
awk -F, 'NR > 1 && $2 == 1 { print $1 "," $5 "," $6 "," $7 "," $3 }' "$T/p.csv" > "$T/p1"
awk -F, 'NR > 1 { print $1 "," $3 "," $4 "," $5 "," $6 }' "$T/b.csv" > "$T/b1"
[ "$(wc -l < "$T/p1")" = 4 ] && cmp -s "$T/p1" "$T/b1" || { diff "$T/p1" "$T/b1"; fail "cra-predict and cra-backtest disagree"; }

# Recursion by hand: append step 1's forecast as a candle (open at the last close, volume
# the last candle's); step 1 from there is step 2 of the recursion.
python3 - "$T/SYN.csv" "$T/f.csv" "$T/ext.csv" << 'EOF' || fail "extending the candles"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
f = [r for r in csv.DictReader(open(sys.argv[2])) if r["model"] == "xgb" and r["step"] == "1"][0]
last = rows[-1]
o, c = float(last[4]), float(f["pred"])
rows.append([f["open_time"], repr(o), repr(max(o, c)), repr(min(o, c)), repr(c), last[5]])
csv.writer(open(sys.argv[3], "w"), lineterminator="\n").writerows(rows)
EOF
cra-predict -q -m "$T/xgb.bundle" -s SYN "$T/ext.csv" > "$T/e.csv" || fail "predict from the extended candles"
a=$(awk -F, '$3 == "xgb" && $2 == 2 { print $5 }' "$T/f.csv")
b=$(awk -F, '$3 == "xgb" && $2 == 1 { print $5 }' "$T/e.csv")
awk -v a="$a" -v b="$b" 'BEGIN { d = (a - b) / b; exit !(d * d < 1e-24) }' || fail "recursive step 2 $a, by hand $b"

# The same forecasts from standard input and from the store; TSV; -o.
IN="$T/SYN.csv" expect 0 "" cra-predict -m "$T/xgb.bundle" -m "$T/lstm.bundle" --hybrid --steps 4 -
cmp -s "$T/out" "$T/f.csv" || fail "standard input"
cra-fetch -q --import "$T/SYN.csv" || fail "import"
cra-predict -q -m "$T/xgb.bundle" -m "$T/lstm.bundle" --hybrid --steps 4 --tsv -o "$T/f.tsv" || fail "from the store"
tr '\t' , < "$T/f.tsv" | cmp -s - "$T/f.csv" || fail "the store, TSV"

# A regime model: probabilities at its horizon only, the columns empty on other rows.
cra-train-xgb -q -s SYN --to "$cut" -t regime:2 --trees 20 -j 1 -o "$T/regime.bundle" "$T/SYN.csv" > /dev/null || fail "regime model"
expect 0 "" cra-predict -m "$T/xgb.bundle" -m reg="$T/regime.bundle" --steps 2
head -1 "$T/out" | grep -qx 'open_time,step,model,method,pred,lower,upper,regime,p_bull,p_neutral,p_bear' || fail "regime header"
grep -q '^[0-9]*,2,reg,direct,,,,\(bear\|neutral\|bull\),0\.[0-9]*,0\.[0-9]*,0\.[0-9]*$' "$T/out" || fail "regime row: $(cat "$T/out")"
[ "$(grep -c ',reg,' "$T/out")" = 1 ] && [ "$(grep -c ',,,,$' "$T/out")" = 4 ] || fail "regime rows: $(cat "$T/out")"
echo "predict_basic: ok"
