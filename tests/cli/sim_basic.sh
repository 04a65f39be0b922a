# cra-sim on a price path small enough to check by hand: fills at the next open (never the
# close the decision saw), slippage against the trader, fees on the notional, the long-only
# and shorting rules, sizes, the three rules, drawdown, the summary beside buy-and-hold, and
# the output options.
. "$CRA_SRC/tests/testlib.sh"
t_init sim_basic

# hour  open  close      every open differs from the close before it
#   0    100   100       (history: the first decision's last close)
#   1    101   110
#   2    111   121
#   3    120   110
#   4    109   100
t0=1700000000000
awk -v t0=$t0 'BEGIN { print "open_time,open,high,low,close,volume"
	split("100 101 111 120 109", o, " "); split("100 110 121 110 100", c, " ")
	for (i = 1; i <= 5; i++) printf "%.0f,%s,%s,%s,%s,1\n", t0 + (i - 1) * 3600000, o[i], (o[i] > c[i] ? o[i] : c[i]), (o[i] < c[i] ? o[i] : c[i]), c[i] }' > "$T/c.csv"
# Bands against the last close: hour 1 101..103 above 100 (bull), hour 2 105..115 around 110
# (hold), hour 3 100..120 below 121 (bear), hour 4 105..115 around 110 (hold).
cat > "$T/p.csv" <<EOF
open_time,model,actual,pred,lower,upper,p_bull,p_neutral,p_bear
$((t0 + 3600000)),m,110,102,101,103,0.7,0.2,0.1
$((t0 + 7200000)),m,121,110,105,115,0.3,0.4,0.3
$((t0 + 10800000)),m,110,110,100,120,0.1,0.2,0.7
$((t0 + 14400000)),m,100,110,105,115,0.2,0.5,0.3
EOF

# near FILE ROW COL VALUE: field COL of line ROW equals VALUE to 1e-12 (relative).
near() {
	awk -F, -v r="$2" -v c="$3" -v v="$4" 'NR == r { d = $c - v; m = v < 0 ? -v : v; exit !(d * d <= (1e-12 * m) ^ 2 + 1e-24) }' "$1" ||
		fail "$1 line $2 field $3: $(sed -n "$2p" "$1" | cut -d, -f"$3"), expected $4"
}
metric() { # metric NAME VALUE [BUY_HOLD]: a summary row of $T/out
	local row
	row=$(grep -n "^$1," "$T/out" | cut -d: -f1)
	[ -n "$row" ] || fail "no metric $1"
	near "$T/out" "$row" 2 "$2"
	[ -z "${3:-}" ] || near "$T/out" "$row" 3 "$3"
}

# 1000 in cash, 10 bps fee, 5 bps slippage: buy at 101 x 1.0005, q = 1000 / (101.0505 x 1.001);
# sell at 120 x 0.9995 = 119.94, cash q x 119.94 x 0.999.
expect 0 "4 predictions over 4 1h candles" cra-sim --candles "$T/c.csv" --cash 1000 --trades "$T/t.csv" --equity "$T/e.csv" "$T/p.csv"
q=$(awk 'BEGIN { printf "%.17g", 1000 / (101.0505 * 1.001) }')
final=$(awk -v q="$q" 'BEGIN { printf "%.17g", q * 119.94 * 0.999 }')
head -1 "$T/t.csv" | grep -qx 'time,side,price,quantity,fee,cash,position,equity,pnl' || fail "trade log header"
[ "$(wc -l < "$T/t.csv")" = 3 ] || fail "two trades: $(cat "$T/t.csv")"
grep -q "^$((t0 + 3600000)),buy," "$T/t.csv" || fail "the buy is at hour 1: $(sed -n 2p "$T/t.csv")"
near "$T/t.csv" 2 3 101.0505 # hour 1's open plus slippage, not the last close 100
near "$T/t.csv" 2 4 "$q"
near "$T/t.csv" 2 5 "$(awk -v q="$q" 'BEGIN { printf "%.17g", 0.001 * q * 101.0505 }')"
near "$T/t.csv" 2 6 0
grep -q "^$((t0 + 10800000)),sell," "$T/t.csv" || fail "the sell is at hour 3: $(sed -n 3p "$T/t.csv")"
near "$T/t.csv" 3 3 119.94 # hour 3's open less slippage, not the last close 121
near "$T/t.csv" 3 4 "$q"
near "$T/t.csv" 3 6 "$final"
near "$T/t.csv" 3 9 "$(awk -v f="$final" 'BEGIN { printf "%.17g", f - 1000 }')"
head -1 "$T/e.csv" | grep -qx 'open_time,close,signal,position,cash,equity,drawdown,buy_hold_equity' || fail "equity header"
[ "$(cut -d, -f3 "$T/e.csv" | sed 1d | tr '\n' ' ')" = "bull hold bear hold " ] || fail "signals: $(cut -d, -f3 "$T/e.csv")"
near "$T/e.csv" 2 6 "$(awk -v q="$q" 'BEGIN { printf "%.17g", q * 110 }')"
near "$T/e.csv" 3 6 "$(awk -v q="$q" 'BEGIN { printf "%.17g", q * 121 }')"
near "$T/e.csv" 4 6 "$final"
near "$T/e.csv" 4 7 "$(awk -v q="$q" -v f="$final" 'BEGIN { printf "%.17g", f / (q * 121) - 1 }')"
near "$T/e.csv" 5 8 "$(awk -v q="$q" 'BEGIN { printf "%.17g", q * 100 }')" # buy-and-hold: same entry
head -1 "$T/out" | grep -qx 'metric,value,buy_hold' || fail "summary header"
metric final_equity "$final" "$(awk -v q="$q" 'BEGIN { printf "%.17g", q * 100 }')"
metric net_pnl_pct "$(awk -v f="$final" 'BEGIN { printf "%.17g", 100 * (f / 1000 - 1) }')"
metric trades 2 1
metric round_trips 1 0
metric win_rate 1
metric exposure 0.5 1
metric max_drawdown "$(awk -v q="$q" -v f="$final" 'BEGIN { printf "%.17g", f / (q * 121) - 1 }')" "$(awk 'BEGIN { printf "%.17g", 100 / 121 - 1 }')"
metric max_drawdown_candles 2 2
metric candles 4 4
grep -q '^profit_factor,,$' "$T/out" || fail "profit factor without a loss is undefined: $(grep profit "$T/out")"
# Sharpe from the equity table: per-hour returns, sample sd, sqrt(8766).
sharpe=$(awk -F, 'NR > 1 { r = $6 / prev - 1; n++; s += r; ss += r * r } { prev = (NR == 1 ? 1000 : $6) }
	END { m = s / n; sd = sqrt((ss - n * m * m) / (n - 1)); printf "%.17g", m / sd * sqrt(8766) }' "$T/e.csv")
row=$(grep -n '^sharpe,' "$T/out" | cut -d: -f1)
awk -F, -v r="$row" -v v="$sharpe" 'NR == r { d = $2 - v; exit !(d * d < (1e-9 * v) ^ 2) }' "$T/out" ||
	fail "sharpe $(grep sharpe "$T/out"), from the equity table $sharpe"

# Without costs the numbers are round: 1000/101 units, out at 120.
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 "$T/p.csv"
metric final_equity "$(awk 'BEGIN { printf "%.17g", 1000 * 120 / 101 }')" "$(awk 'BEGIN { printf "%.17g", 1000 * 100 / 101 }')"
metric fees 0 0

# Shorting: the bear signal at hour 3 reverses the long into a short (one order of both
# quantities) at 120, held to the close of 100.
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 --allow-short --trades "$T/t.csv" "$T/p.csv"
cash=$(awk 'BEGIN { printf "%.17g", 1000 * 120 / 101 }')
near "$T/t.csv" 3 4 "$(awk -v c="$cash" 'BEGIN { printf "%.17g", 1000 / 101 + c / 120 }')"
near "$T/t.csv" 3 7 "$(awk -v c="$cash" 'BEGIN { printf "%.17g", -c / 120 }')"
metric final_equity "$(awk -v c="$cash" 'BEGIN { printf "%.17g", 2 * c - c / 120 * 100 }')"
metric exposure 1

# Sizes: half the equity; 2 units.
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 --size fraction:0.5 "$T/p.csv"
metric final_equity "$(awk 'BEGIN { printf "%.17g", 500 + 500 / 101 * 120 }')"
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 --size fixed:2 "$T/p.csv"
metric final_equity 1038
metric final_position 0

# Threshold rule: preds 102, 110, 110, 110 against 100, 110, 121, 110 - bull (+2%), hold,
# bear (-9.1%), hold: the same trades as the band rule.  At 5% only the bear fires.
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 --rule threshold "$T/p.csv"
metric trades 2
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 --rule threshold --threshold 0.05 --equity "$T/e.csv" "$T/p.csv"
[ "$(cut -d, -f3 "$T/e.csv" | sed 1d | tr '\n' ' ')" = "hold hold bear hold " ] || fail "threshold 5%: $(cut -d, -f3 "$T/e.csv")"
metric trades 0
grep -q '^sharpe,,' "$T/out" || fail "no trade, no variation: sharpe undefined"
# Regime rule: p_bull 0.7 (bull), neutral largest (hold), p_bear 0.7 (bear), neutral.
expect 0 "" cra-sim --candles "$T/c.csv" --cash 1000 --fee-bps 0 --slippage-bps 0 --rule regime --equity "$T/e.csv" "$T/p.csv"
[ "$(cut -d, -f3 "$T/e.csv" | sed 1d | tr '\n' ' ')" = "bull hold bear hold " ] || fail "regime: $(cut -d, -f3 "$T/e.csv")"
expect 0 "" cra-sim --candles "$T/c.csv" --rule regime --min-prob 0.8 --equity "$T/e.csv" "$T/p.csv"
[ "$(cut -d, -f3 "$T/e.csv" | sed 1d | tr '\n' ' ')" = "hold hold hold hold " ] || fail "--min-prob 0.8"

# The store gives the same as the file; TSV; -o with the equity curve on standard output.
mkdir -p "$CRA_DATA" && cp "$T/c.csv" "$CRA_DATA/SYNUSDT-1h.csv"
cra-sim -q --candles "$T/c.csv" "$T/p.csv" > "$T/file.csv"
IN="$T/p.csv" expect 0 "" cra-sim -s SYNUSDT -i 1h
cmp -s "$T/out" "$T/file.csv" || fail "store and file differ"
expect 0 "" cra-sim --candles "$T/c.csv" --equity - -o "$T/summary.tsv" --tsv "$T/p.csv"
head -1 "$T/out" | grep -q '^open_time	close	signal' && head -1 "$T/summary.tsv" | grep -q '^metric	value	buy_hold$' ||
	fail "--equity - with -o"
# Several models need one chosen; the rows of the others are ignored.
{ cat "$T/p.csv"; sed 1d "$T/p.csv" | sed 's/,m,/,other,/'; } > "$T/two.csv"
expect 64 "several models (m, other): choose one with --model" cra-sim --candles "$T/c.csv" "$T/two.csv"
expect 0 "model m: 4 predictions" cra-sim --candles "$T/c.csv" --model m "$T/two.csv"
cmp -s "$T/out" "$T/file.csv" || fail "--model m differs"
echo "sim_basic: ok"
