# xgb_candles.awk - a synthetic hourly candle table whose log returns are an AR(1) process,
#   r[t] = phi r[t-1] + sigma z[t],   z ~ N(0, 1) (Box-Muller from awk's rand, seeded),
# so a model that sees logret_1 can forecast a known share of the next return: the best
# forecast phi r[t-1] leaves a mean squared error of sigma^2 against the naive forecast's
# sigma^2 / (1 - phi^2), an RMSE ratio of sqrt(1 - phi^2) in log returns.
#   awk -v n=3000 -v phi=0.5 [-v seed=1] [-v step=3600000] -f xgb_candles.awk
BEGIN {
	if (!seed) seed = 1
	if (!step) step = 3600000
	srand(seed)
	sigma = 0.01
	t = 1672531200000 # 2023-01-01T00:00Z
	c = 100; r = 0
	print "open_time,open,high,low,close,volume"
	for (i = 0; i < n; i++) {
		z = sqrt(-2 * log(1 - rand())) * cos(6.283185307179586 * rand())
		r = phi * r + sigma * z
		o = c; c = o * exp(r)
		hi = (o > c ? o : c) * (1 + 0.002 * rand()); lo = (o < c ? o : c) * (1 - 0.002 * rand())
		printf "%.0f,%.6f,%.6f,%.6f,%.6f,%.3f\n", t, o, hi, lo, c, 100 + 50 * rand()
		t += step
	}
}
