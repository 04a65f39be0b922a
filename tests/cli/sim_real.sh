# cra-sim on the real hourly BTCUSDT data against an independent simulation written here in
# awk from the documented rules, and the accounting identities every output must satisfy:
# equity = cash + position x close on every row, fills at the candle's open +- slippage,
# fees = f x notional, and a summary that agrees with the trade log and the equity curve.
. "$CRA_SRC/tests/testlib.sh"
need_shared_data
t_init sim_real
btc="$SHARED_DATA/BTCUSDT.csv"

# Two models over the last 3999 hours.  "stale" predicts the close of two hours before with a
# +-0.3% band (so it trades, and wins and loses); "naive" predicts the last close with a +-1%
# band, which always straddles it (so it never trades).
awk -F, 'NR == 1 { print "open_time,model,horizon,actual,pred,lower,upper"; next }
	{ c[NR] = $5 }
	NR > 19990 { printf "%s,stale,1,%s,%s,%.8f,%.8f\n", $1, $5, c[NR - 2], c[NR - 2] * 0.997, c[NR - 2] * 1.003
		     printf "%s,naive,1,%s,%s,%.8f,%.8f\n", $1, $5, c[NR - 1], c[NR - 1] * 0.99, c[NR - 1] * 1.01 }' "$btc" > "$T/p.csv"

# The independent simulation: band rule, all in, fee f and slippage s, fills at the open.
# Prints the final equity and the number of trades.
reference() {
	awk -F, -v f="$1" -v s="$2" -v short="$3" '
		FNR == 1 { next }
		NR == FNR { open[$1] = $2; close_[$1] = $5; prevclose[$1] = last; last = $5; next }
		$2 != "stale" { next }
		{	t = $1; c = prevclose[t]; sig = ($6 > c) ? 1 : ($7 < c) ? -1 : 0
			want = sig == 1 ? 1 : sig == -1 ? (short ? -1 : 0) : (pos > 0) - (pos < 0)
			held = (pos > 0) - (pos < 0)
			if (want != held) {
				px = want > held ? open[t] * (1 + s) : open[t] * (1 - s)
				if (pos > 0) cash += pos * px * (1 - f)
				if (pos < 0) cash -= -pos * px * (1 + f)
				pos = 0
				if (want != 0 && cash > 0) {
					q = cash / (px * (1 + f))
					cash += want > 0 ? -q * px * (1 + f) : q * px * (1 - f)
					pos = want * q
				}
				trades++
			}
			eq = cash + pos * close_[t] }
		BEGIN { cash = 10000 }
		END { printf "%.17g %d\n", eq, trades }' "$btc" "$T/p.csv"
}

for mode in long short; do
	flag=""; [ $mode = short ] && flag=--allow-short
	expect 0 "model stale, horizon 1: 3999 predictions over 3999 1h candles" \
		cra-sim --candles "$btc" --model stale $flag --trades "$T/t.csv" --equity "$T/e.csv" "$T/p.csv"
	read -r want_eq want_trades <<< "$(reference 0.001 0.0005 $([ $mode = short ] && echo 1 || echo 0))"
	[ "$(grep -c . "$T/t.csv")" = $((want_trades + 1)) ] || fail "$mode: $(($(wc -l < "$T/t.csv") - 1)) trades, the reference $want_trades"
	grep -q '^trades,'"$want_trades"',1$' "$T/out" || fail "$mode: summary trades: $(grep '^trades' "$T/out")"
	awk -F, -v w="$want_eq" '$1 == "final_equity" { d = $2 - w; exit !(d * d < (1e-9 * w) ^ 2) }' "$T/out" ||
		fail "$mode: final equity $(grep final_equity "$T/out"), the reference $want_eq"

	# Every row: equity = cash + position x close; drawdown against the running peak.
	awk -F, 'BEGIN { peak = 10000 }
		NR > 1 { e = $5 + $4 * $2; d = e - $6; m = $6 < 0 ? -$6 : $6; if (d * d > (1e-9 * m) ^ 2) { print "row " NR; exit 1 }
			if ($6 > peak) peak = $6
			if (($6 / peak - 1 - $7) ^ 2 > 1e-24) { print "drawdown row " NR; exit 1 } }' "$T/e.csv" ||
		fail "$mode: equity table identities"
	# Every trade: at a candle's open +- 5 bps, fee 10 bps of the notional.
	awk -F, 'NR == FNR { if (FNR > 1) open[$1] = $2; next }
		FNR > 1 { px = open[$1] * ($2 == "buy" ? 1.0005 : 0.9995); if (($3 - px) ^ 2 > (1e-12 * px) ^ 2) { print "price " FNR; exit 1 }
			fee = 0.001 * $3 * $4; if (($5 - fee) ^ 2 > (1e-12 * fee) ^ 2) { print "fee " FNR; exit 1 } }' "$btc" "$T/t.csv" ||
		fail "$mode: fills"
	# The summary from the logs: round trips, win rate, profit factor, fees, exposure, drawdown.
	awk -F, 'FILENAME ~ /t.csv$/ && FNR > 1 { fees += $5; if ($9 != "") { n++; w += $9 > 0; if ($9 > 0) g += $9; else l -= $9 } }
		FILENAME ~ /e.csv$/ && FNR > 1 { rows++; x += $4 != 0; if ($7 < mdd) mdd = $7 }
		END { printf "round_trips,%d\nwin_rate,%.17g\nprofit_factor,%.17g\nfees,%.17g\nexposure,%.17g\nmax_drawdown,%.17g\n",
			n, w / n, g / l, fees, x / rows, mdd }' "$T/t.csv" "$T/e.csv" > "$T/want"
	while IFS=, read -r name value; do
		awk -F, -v n="$name" -v v="$value" '$1 == n { d = $2 - v; m = v < 0 ? -v : v; exit !(d * d <= (1e-9 * m) ^ 2) }' "$T/out" ||
			fail "$mode: $name $(grep "^$name," "$T/out"), from the logs $value"
	done < "$T/want"
	# Buy-and-hold: all in at the first open (with costs), valued at the last close.
	awk -F, 'NR == FNR { if (FNR == 19991) o = $2; if (FNR > 1) c = $5; next }
		$1 == "final_equity" { w = 10000 / (o * 1.0005 * 1.001) * c; d = $3 - w; exit !(d * d < (1e-9 * w) ^ 2) }' "$btc" "$T/out" ||
		fail "$mode: buy-and-hold $(grep final_equity "$T/out")"
done

# The naive model's band always straddles the last close: no trade, flat equity.
expect 0 "0 trades; equity 10000.00 (+0.00%)" cra-sim --candles "$btc" --model naive "$T/p.csv"
grep -q '^final_equity,10000,' "$T/out" && grep -q '^sharpe,,' "$T/out" && grep -q '^max_drawdown,0,' "$T/out" ||
	fail "naive: $(cat "$T/out")"
echo "sim_real: ok"
