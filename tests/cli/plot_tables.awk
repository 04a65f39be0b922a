# plot_tables.awk - tables in the formats of the programs cra-plot draws (cra-predict,
# cra-backtest, cra-drift, cra-sim), derived from a real candle table so that they look like
# the real thing, for testing the chart kinds whose producers are not written yet.
#
#   awk -F, -v table=KIND [-v symbol=S] -f plot_tables.awk CANDLES.csv
#
# KIND (each writes one table on standard output):
#   backtest     open_time,actual,pred,lower,upper,model: the last `n` (default 500) candles'
#                closes predicted one candle ahead by "naive" (the previous close, a +-1.5
#                sigma band of the recent 1-candle moves) and "sma5" (the mean of the 5
#                previous closes, no band)
#   predict      open_time,step,model,pred,lower,upper,regime,p_bull,p_neutral,p_bear:
#                24 steps after the last candle for "xgb" and "lstm" (a drift of the last 24
#                candles' mean move, a band widening as sqrt(step)), regime columns empty;
#                then 24 rows of a "regime" model with pred empty
#   trades       time,side,price,quantity,fee,cash,position,equity: a 20/50 SMA crossover
#                over the last `n` candles, all-in, 0.1% fee
#   equity       open_time,equity,buy_hold_equity,drawdown,position: that strategy's equity
#                (start 10000), buy-and-hold's, the drawdown from the running peak (<= 0)
#   regime       open_time,close,regime,p_bull,p_neutral,p_bear: the last `n` candles, the
#                regime of the 24-candle return (> +1% bull, < -1% bear), probabilities
#                leaning on it
#   histograms   feature,bin_lo,bin_hi,baseline_frac,recent_frac of logret_1 and range_pct
#                (the candle's (high-low)/close): baseline candles [N-3000, N-1000), recent
#                the last 1000, 20 bins over the baseline's range
#   stats        feature,n_baseline,n_recent,ks,ks_p,js,psi,drift of the same (KS from the
#                binned CDFs, p from the asymptotic Kolmogorov distribution)
#   leaderboard  symbol,interval,model,horizon,rmse,mae,rows: naive, sma5 and sma24 over the
#                last 2000 candles (run once per symbol; header unless noheader=1)
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	t[NR - 1] = $col["open_time"]; o[NR - 1] = $col["open"]; h[NR - 1] = $col["high"]
	l[NR - 1] = $col["low"]; c[NR - 1] = $col["close"]; N = NR - 1
}
function abs(x) { return x < 0 ? -x : x }
function sma(i, k,   s, j) { s = 0; for (j = 1; j <= k; j++) s += c[i - j + 1]; return s / k }
function sd_moves(i, k,   s, q, j, d) {
	s = q = 0
	for (j = 0; j < k; j++) { d = c[i - j] - c[i - j - 1]; s += d; q += d * d }
	return sqrt(q / k - (s / k) ^ 2)
}
END {
	if (!n) n = 500
	if (table == "backtest") backtest()
	else if (table == "predict") predict()
	else if (table == "trades" || table == "equity") simulate()
	else if (table == "regime") regime()
	else if (table == "histograms" || table == "stats") drift_tables()
	else if (table == "leaderboard") leaderboard()
	else { print "plot_tables.awk: unknown table " table > "/dev/stderr"; exit 2 }
}
function backtest(   i, w) {
	print "open_time,actual,pred,lower,upper,model"
	for (i = N - n + 1; i <= N; i++) {
		w = 1.5 * sd_moves(i - 1, 48)
		printf "%.0f,%.8g,%.8g,%.8g,%.8g,naive\n", t[i], c[i], c[i - 1], c[i - 1] - w, c[i - 1] + w
		printf "%.0f,%.8g,%.8g,,,sma5\n", t[i], c[i], sma(i - 1, 5)
	}
}
function predict(   step, move, w, m, p, name, sig) {
	print "open_time,step,model,pred,lower,upper,regime,p_bull,p_neutral,p_bear"
	move = (c[N] - c[N - 24]) / 24; sig = sd_moves(N, 48)
	for (m = 0; m < 2; m++) {
		name = m ? "lstm" : "xgb"
		for (step = 1; step <= 24; step++) {
			p = c[N] + (m ? 0.5 : 1) * move * step; w = 1.5 * sig * sqrt(step)
			printf "%.0f,%d,%s,%.8g,%.8g,%.8g,,,,\n", t[N] + step * (t[N] - t[N - 1]), step, name, p, p - w, p + w
		}
	}
	for (step = 1; step <= 24; step++)
		printf "%.0f,%d,regime,,,,neutral,0.3,0.45,0.25\n", t[N] + step * (t[N] - t[N - 1]), step
}
function simulate(   i, cash, pos, eq, bh, peak, fee, q, side) {
	cash = 10000; pos = 0; peak = 0; fee = 0.001
	if (table == "trades") print "time,side,price,quantity,fee,cash,position,equity"
	else print "open_time,equity,buy_hold_equity,drawdown,position"
	for (i = N - n + 1; i <= N; i++) {
		side = ""
		if (pos == 0 && sma(i, 20) > sma(i, 50) && sma(i - 1, 20) <= sma(i - 1, 50)) {
			q = cash * (1 - fee) / c[i]; f = cash * fee; pos = q; cash = 0; side = "buy"
		} else if (pos > 0 && sma(i, 20) < sma(i, 50) && sma(i - 1, 20) >= sma(i - 1, 50)) {
			q = pos; f = pos * c[i] * fee; cash = pos * c[i] - f; pos = 0; side = "sell"
		}
		eq = cash + pos * c[i]; bh = 10000 * c[i] / c[N - n + 1]
		if (eq > peak) peak = eq
		if (table == "trades" && side != "")
			printf "%.0f,%s,%.8g,%.8g,%.8g,%.8g,%.8g,%.8g\n", t[i], side, c[i], q, f, cash, pos, eq
		if (table == "equity")
			printf "%.0f,%.8g,%.8g,%.8g,%.8g\n", t[i], eq, bh, eq / peak - 1, pos
	}
}
function regime(   i, ret, pb, pn, pr, name) {
	print "open_time,close,regime,p_bull,p_neutral,p_bear"
	for (i = N - n + 1; i <= N; i++) {
		ret = c[i] / c[i - 24] - 1
		if (ret > 0.01) { name = "bull"; pb = 0.6; pn = 0.3; pr = 0.1 }
		else if (ret < -0.01) { name = "bear"; pb = 0.1; pn = 0.3; pr = 0.6 }
		else { name = "neutral"; pb = 0.25; pn = 0.5; pr = 0.25 }
		printf "%.0f,%.8g,%s,%.3g,%.3g,%.3g\n", t[i], c[i], name, pb, pn, pr
	}
}
function value(f, i) { return f == "logret_1" ? log(c[i] / c[i - 1]) : (h[i] - l[i]) / c[i] }
function drift_tables(   f, fi, i, lo, hi, b, nb, nr, w, base, rec, cb, cr, ks, js, psi, m, x, y, lam, p, k, name) {
	if (table == "histograms") print "feature,bin_lo,bin_hi,baseline_frac,recent_frac"
	else print "feature,n_baseline,n_recent,ks,ks_p,js,psi,drift"
	for (fi = 0; fi < 2; fi++) {
		name = fi ? "range_pct" : "logret_1"
		lo = 1e300; hi = -1e300
		for (i = N - 2999; i <= N - 1000; i++) { x = value(name, i); if (x < lo) lo = x; if (x > hi) hi = x }
		w = (hi - lo) / 20; split("", base); split("", rec); nb = nr = 0
		for (i = N - 2999; i <= N; i++) {
			b = int((value(name, i) - lo) / w); if (b < 0) b = 0; if (b > 19) b = 19
			if (i <= N - 1000) { base[b]++; nb++ } else { rec[b]++; nr++ }
		}
		cb = cr = ks = js = psi = 0
		for (b = 0; b < 20; b++) {
			x = base[b] / nb; y = rec[b] / nr
			if (table == "histograms") printf "%s,%.8g,%.8g,%.6g,%.6g\n", name, lo + b * w, lo + (b + 1) * w, x, y
			cb += x; cr += y; if (abs(cb - cr) > ks) ks = abs(cb - cr)
			m = (x + y) / 2
			if (x > 0) js += 0.5 * x * log(x / m) / log(2)
			if (y > 0) js += 0.5 * y * log(y / m) / log(2)
			x = x < 1e-4 ? 1e-4 : x; y = y < 1e-4 ? 1e-4 : y; psi += (y - x) * log(y / x)
		}
		lam = ks * sqrt(nb * nr / (nb + nr)); p = 0
		for (k = 1; k <= 100; k++) p += 2 * (k % 2 ? 1 : -1) * exp(-2 * k * k * lam * lam)
		if (p > 1) p = 1; if (p < 0) p = 0
		if (table == "stats") printf "%s,%d,%d,%.4g,%.4g,%.4g,%.4g,%d\n", name, nb, nr, ks, p, js, psi, (psi > 0.2 || p < 0.01)
	}
}
function leaderboard(   i, e1, e5, e24, q1, q5, q24, a1, a5, a24, m) {
	if (!noheader) print "symbol,interval,model,horizon,rmse,mae,rows"
	for (i = N - 1999; i <= N; i++) {
		e1 = c[i] - c[i - 1]; e5 = c[i] - sma(i - 1, 5); e24 = c[i] - sma(i - 1, 24)
		q1 += e1 * e1; q5 += e5 * e5; q24 += e24 * e24; a1 += abs(e1); a5 += abs(e5); a24 += abs(e24); m++
	}
	printf "%s,1h,naive,1,%.6g,%.6g,%d\n", symbol, sqrt(q1 / m), a1 / m, m
	printf "%s,1h,sma5,1,%.6g,%.6g,%d\n", symbol, sqrt(q5 / m), a5 / m, m
	printf "%s,1h,sma24,1,%.6g,%.6g,%d\n", symbol, sqrt(q24 / m), a24 / m, m
}
