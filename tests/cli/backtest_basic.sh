# cra-backtest on synthetic AR(1) candles (tests/cli/backtest_lib.bash): models trained on the
# first 60% walk the last 40%.  The per-step table, the summary and the leaderboard are
# checked against values recomputed here from the candles and the table alone: the metrics,
# the naive forecast's conformal bands (from the candles only), the models' bands and the
# hybrid's inverse-RMSE blend (from the table's own earlier rows).  Then several horizons and
# a regime model, and the leaderboard's upsert.
. "$CRA_SRC/tests/testlib.sh"
t_init backtest_basic
. "$CRA_SRC/tests/cli/backtest_lib.bash"

synth 4000 "$T/SYN.csv"
cut=$(open_time_of "$T/SYN.csv" 2400)
train_models "$T/SYN.csv" "$cut"

expect 0 "SYN 1h: steps predicting 2023-04-11T00:00:00Z .. 2023-06-16T15:00:00Z, after 200 calibration steps" \
	cra-backtest -m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 200 "$T/SYN.csv" -S "$T/summary.csv" -L "$T/board.csv"
mv "$T/out" "$T/steps.csv"
grep -q "hybrid h=1 weights (mean over the steps): xgb=0\.[0-9]*;lstm=0\.[0-9]*" "$T/err" || fail "weights note: $(cat "$T/err")"
head -1 "$T/steps.csv" | grep -qx 'open_time,actual,pred,lower,upper,model,horizon' || fail "header: $(head -1 "$T/steps.csv")"
for m in xgb lstm hybrid naive; do
	[ "$(grep -c ",$m,1\$" "$T/steps.csv")" = 1600 ] || fail "$m: $(grep -c ",$m,1\$" "$T/steps.csv") rows, expected 1600 (rows 2400..3999)"
done
[ "$(sed -n 2p "$T/steps.csv" | cut -d, -f1)" = "$cut" ] || fail "the first step is not the first candle after the models' data"
[ "$(tail -1 "$T/steps.csv" | cut -d, -f1)" = "$(open_time_of "$T/SYN.csv" 3999)" ] || fail "the last step"
head -1 "$T/summary.csv" | grep -q '^symbol,interval,model,horizon,period,steps,rmse,mae,mape,directional_accuracy,coverage,level,band_width,theil_u,naive_rmse,naive_mae' ||
	fail "summary header: $(head -1 "$T/summary.csv")"
cmp -s "$T/summary.csv" "$T/board.csv" || fail "a new leaderboard file is the summary"

# Independent recomputation (Python): every number in the table and the summary.
python3 - "$T/SYN.csv" "$T/steps.csv" "$T/summary.csv" 200 0.9 << 'EOF' || fail "recomputation"
import csv, math, sys
candles = list(csv.DictReader(open(sys.argv[1])))
close = [float(r["close"]) for r in candles]
row_of = {int(r["open_time"]): i for i, r in enumerate(candles)}
steps = {}
for r in csv.DictReader(open(sys.argv[2])):
    steps.setdefault(r["model"], []).append(r)
summary = {r["model"]: r for r in csv.DictReader(open(sys.argv[3]))}
W, level = int(sys.argv[4]), float(sys.argv[5])
k = math.ceil((W + 1) * level - 1e-9)                   # the conformal rank: 181 of 200
bad = []
def near(a, b, what, tol=1e-9):
    if not abs(a - b) <= tol * max(abs(b), 1e-300):
        bad.append("%s: %r, expected %r" % (what, a, b))

def q(window):
    return sorted(abs(e) for e in window)[k - 1]

# The naive forecast's bands from the candles alone: the 181st smallest of the last 200
# one-candle moves |ln(c[t]/c[t-1])| known at the origin.
for s in steps["naive"]:
    p = row_of[int(s["open_time"])]; o = p - 1
    moves = [math.log(close[t] / close[t - 1]) for t in range(o - W + 1, o + 1)]
    near(float(s["pred"]), close[o], "naive pred")
    near(float(s["lower"]), close[o] * math.exp(-q(moves)), "naive lower at row %d" % p)
    near(float(s["upper"]), close[o] * math.exp(q(moves)), "naive upper at row %d" % p)

# Residuals in log space; bands and the blend from the trailing W rows of the table.
res = {m: [math.log(float(s["actual"]) / float(s["pred"])) for s in steps[m]] for m in steps}
for m in ("xgb", "lstm", "hybrid"):
    for j in range(W, len(steps[m])):
        s = steps[m][j]; qq = q(res[m][j - W:j]); pred = float(s["pred"])
        near(float(s["lower"]), pred * math.exp(-qq), "%s lower %d" % (m, j))
        near(float(s["upper"]), pred * math.exp(qq), "%s upper %d" % (m, j))
for j in range(W, len(steps["hybrid"])):
    base = close[row_of[int(steps["xgb"][j]["open_time"])] - 1]
    rmse = {m: math.sqrt(sum(e * e for e in res[m][j - W:j]) / W) for m in ("xgb", "lstm")}
    w = {m: (1 / rmse[m]) / sum(1 / v for v in rmse.values()) for m in rmse}
    r = sum(w[m] * math.log(float(steps[m][j]["pred"]) / base) for m in w)
    near(float(steps["hybrid"][j]["pred"]), base * math.exp(r), "hybrid pred %d" % j)

# The summary: metrics of the prices against the naive forecast on the same steps.
for m, rows in steps.items():
    a = [float(s["actual"]) for s in rows]; f = [float(s["pred"]) for s in rows]
    b = [close[row_of[int(s["open_time"])] - 1] for s in rows]
    n = len(a)
    rmse = math.sqrt(sum((x - y) ** 2 for x, y in zip(f, a)) / n)
    nrmse = math.sqrt(sum((x - y) ** 2 for x, y in zip(b, a)) / n)
    moved = [(x, y, z) for x, y, z in zip(f, a, b) if y != z]
    cover = sum(float(s["lower"]) <= float(s["actual"]) <= float(s["upper"]) for s in rows) / n
    S = summary[m]
    near(float(S["rmse"]), rmse, m + " rmse")
    near(float(S["mae"]), sum(abs(x - y) for x, y in zip(f, a)) / n, m + " mae")
    near(float(S["mape"]), 100 * sum(abs(x - y) / y for x, y in zip(f, a)) / n, m + " mape")
    near(float(S["naive_rmse"]), nrmse, m + " naive rmse")
    near(float(S["theil_u"]), rmse / nrmse, m + " theil")
    near(float(S["coverage"]), cover, m + " coverage")
    if m == "naive":
        if S["directional_accuracy"] != "": bad.append("naive has a direction")
    else:
        near(float(S["directional_accuracy"]),
             sum((x > z) == (y > z) and x != z for x, y, z in moved) / len(moved), m + " direction")
    if int(S["steps"]) != n: bad.append(m + " steps")
    if not 0.85 <= cover <= 0.95: bad.append("%s: 90%% band coverage %.4f" % (m, cover))
if not float(summary["xgb"]["theil_u"]) < 0.95:
    bad.append("xgb does not beat no-change on AR(1) returns: U %s" % summary["xgb"]["theil_u"])
print("\n".join(bad[:20]))
sys.exit(1 if bad else 0)
EOF

# The leaderboard: the same backtest again changes nothing; another period adds its rows.
cp "$T/board.csv" "$T/board.before"
cra-backtest -q -m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 200 "$T/SYN.csv" -o "$T/x.csv" -L "$T/board.csv" || fail "again"
cmp -s "$T/board.csv" "$T/board.before" || fail "the same rows again changed the leaderboard"
cra-backtest -q -m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 200 "$T/SYN.csv" --to 2023-06-01 -o "$T/x.csv" -L "$T/board.csv" || fail "another period"
[ "$(wc -l < "$T/board.csv")" = 9 ] || fail "another period: $(cat "$T/board.csv")"
grep -q ',hybrid,1,2023-04-11T00:00:00Z..2023-05-31T23:00:00Z,' "$T/board.csv" || fail "period of the second run"
head -5 "$T/board.csv" | cmp -s - "$T/board.before" || fail "the first rows moved"
tr , '\t' < "$T/board.before" > "$T/board.tsv"
cra-backtest -q -m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 200 "$T/SYN.csv" -o "$T/x.csv" -L "$T/board.tsv" || fail "TSV leaderboard"
cmp -s "$T/board.tsv" <(tr , '\t' < "$T/board.before") || fail "a TSV leaderboard stays TSV, rows in place"
# A device is written in place, never replaced.
cra-backtest -q -m "$T/xgb.bundle" -c 200 "$T/SYN.csv" -o /dev/null -S /dev/null || fail "-o /dev/null"
[ -c /dev/null ] || fail "/dev/null is no longer a device"

# Several horizons, a regime model (named), -H to pick: the table gains the regime columns.
train_models "$T/SYN.csv" "$cut" -H 1,3
cra-train-xgb -q -s SYN --to "$cut" -t regime:3 --trees 20 -j 1 -o "$T/regime.bundle" "$T/SYN.csv" > /dev/null || fail "regime model"
expect 0 "reg h=3: " cra-backtest -m "$T/xgb.bundle" -m reg="$T/regime.bundle" -c 100 "$T/SYN.csv" -S "$T/sum3.csv" -o "$T/steps3.csv"
head -1 "$T/steps3.csv" | grep -qx 'open_time,actual,pred,lower,upper,model,horizon,regime,p_bull,p_neutral,p_bear,actual_regime' ||
	fail "regime header: $(head -1 "$T/steps3.csv")"
awk -F, 'NR > 1 { n[$6 "," $7]++ } END { for (k in n) print k, n[k] }' "$T/steps3.csv" | sort > "$T/counts"
printf '%s\n' "naive,1 1600" "naive,3 1600" "reg,3 1600" "xgb,1 1600" "xgb,3 1600" | cmp -s - "$T/counts" || fail "rows: $(cat "$T/counts")"
awk -F, 'NR > 1 && $6 == "reg" { if ($3 != "" || $8 !~ /^(bear|neutral|bull)$/ || $12 !~ /^(bear|neutral|bull)$/) exit 1
		s = $9 + $10 + $11; if (s < 0.999 || s > 1.001) exit 1 }
	NR > 1 && $6 != "reg" && ($8 != "" || $3 == "") { exit 1 }' "$T/steps3.csv" || fail "regime rows"
grep -q '^SYN,1h,reg,3,.*,1600,,,,,,0.9,,,,,0\.[0-9]*,0\.[0-9]*,$' "$T/sum3.csv" || fail "regime summary: $(grep reg "$T/sum3.csv")"
cra-backtest -q -m "$T/xgb.bundle" -H 3 -c 100 "$T/SYN.csv" > "$T/h3.csv" || fail "-H 3"
[ "$(cut -d, -f7 "$T/h3.csv" | sort -u | tr '\n' ' ')" = "3 horizon " ] || fail "-H 3: $(cut -d, -f7 "$T/h3.csv" | sort -u)"
echo "backtest_basic: ok"
