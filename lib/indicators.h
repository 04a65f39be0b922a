/* indicators.h - technical indicators over flat arrays of doubles, with TA-Lib's conventions.
 *
 * Every function reads n input rows and writes n output rows, one pass, O(n).  Output row i
 * depends on input rows 0..i only, never on a later one, so computing over a longer series
 * never changes an earlier row.  The leading rows before an indicator has seen enough data are
 * NaN ("undefined"): exactly the rows TA-Lib leaves out of its output, counted by the
 * ind_*_lookback() functions.  After them, finite input gives finite output: every division by
 * a quantity that can be zero (a flat window, a window without volume) has a documented value.
 *
 * Rolling sums and variances slide in O(1) per row (Welford's update for a fixed window) and are
 * recomputed from scratch every IND_RECOMPUTE rows, so rounding errors cannot drift over
 * millions of rows and a flat window's deviation is not buried under the price's magnitude.
 * Rolling maxima and minima use van Herk and Gil-Werman's blocks (three comparisons per row).
 *
 * Outputs never alias inputs.  Functions that need scratch memory return 0, or -1 when out of
 * memory (outputs are then unspecified); the others cannot fail.  Periods are >= 1 (see each
 * function for its minimum) and are checked by the caller (feature_spec.c), not here.
 *
 * The formulas are written out in man/cra-features.1.
 */
#ifndef CRA_INDICATORS_H
#define CRA_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

/* Rows between exact recomputations of a rolling sum or variance (at least the window). */
#define IND_RECOMPUTE 1024

/* A flat window's standard deviation is rounding noise; below this fraction of |mean| it is
 * taken as exactly zero (Bollinger Bands, volume z-score). */
#define IND_FLAT_REL 1e-12

/* Simple moving average of period p (>= 1): mean of x[i-p+1..i].  Lookback p-1. */
void ind_sma(const double *x, size_t n, int p, double *out);
size_t ind_sma_lookback(int p);

/* Exponential moving average, k = 2/(p+1), seeded with the SMA of the first p values (TA-Lib's
 * default): out[p-1] = SMA, out[i] = out[i-1] + k*(x[i]-out[i-1]).  Lookback p-1. */
void ind_ema(const double *x, size_t n, int p, double *out);
size_t ind_ema_lookback(int p);

/* Wilder's RSI (p >= 2): average gain and loss over the first p changes, then Wilder's smoothing
 * avg = (avg*(p-1) + today)/p; RSI = 100*gain/(gain+loss), 50 when both are zero (a flat
 * series; TA-Lib writes 0 there).  Lookback p. */
void ind_rsi(const double *close, size_t n, int p, double *out);
size_t ind_rsi_lookback(int p);

/* MACD as TA-Lib computes it (fast < slow): line = EMA_fast - EMA_slow, both EMAs first
 * defined at row slow-1 (the fast one seeded with the SMA of x[slow-fast..slow-1]);
 * signal = EMA_signal(line) seeded with the SMA of its first `signal` values; hist = line -
 * signal.  All three start at row slow+signal-2 (lookback). */
void ind_macd(const double *close, size_t n, int fast, int slow, int signal, double *line,
	      double *sig, double *hist);
size_t ind_macd_lookback(int fast, int slow, int signal);

/* Bollinger Bands (p >= 2): middle = SMA_p, sd = population standard deviation of the same
 * window, upper/lower = middle +- k*sd, pctb = (close-lower)/(upper-lower) (0.5 when sd is 0),
 * width = (upper-lower)/middle.  Lookback p-1. */
void ind_bbands(const double *close, size_t n, int p, double k, double *upper, double *middle,
		double *lower, double *pctb, double *width);
size_t ind_bbands_lookback(int p);

/* Average True Range, Wilder: TR[i] = max(h-l, |h-c[i-1]|, |l-c[i-1]|) for i >= 1; ATR at row p
 * is the mean of TR[1..p], then ATR = (ATR*(p-1) + TR)/p.  Lookback p. */
void ind_atr(const double *high, const double *low, const double *close, size_t n, int p,
	     double *out);
size_t ind_atr_lookback(int p);

/* On-Balance Volume: out[0] = volume[0], then +volume when the close rises, -volume when it
 * falls, unchanged when equal.  Lookback 0; its level depends on the first row. */
void ind_obv(const double *close, const double *volume, size_t n, double *out);

/* Fast stochastic (TA-Lib STOCHF, SMA for %D): %K = 100*(close - LL)/(HH - LL) over the last kp
 * highs and lows (50 when HH = LL; TA-Lib writes 0), %D = SMA_dp(%K).  Both start at row
 * kp+dp-2 (lookback). */
int ind_stoch(const double *high, const double *low, const double *close, size_t n, int kp,
	      int dp, double *k, double *d);
size_t ind_stoch_lookback(int kp, int dp);

/* Rolling VWAP over the last p candles: sum(tp*v)/sum(v), tp = (high+low+close)/3; the mean of
 * tp when the window has no volume.  Lookback p-1. */
void ind_vwap(const double *high, const double *low, const double *close, const double *volume,
	      size_t n, int p, double *out);
size_t ind_vwap_lookback(int p);

/* VWAP anchored on UTC midnight: the same sums over the candles since the start of the candle's
 * UTC day (by open_time).  The first day in the data is undefined unless its first candle opens
 * at 00:00 UTC (a partial day is not that day's VWAP).  Returns the number of undefined rows. */
size_t ind_vwap_daily(const int64_t *open_time, const double *high, const double *low,
		      const double *close, const double *volume, size_t n, double *out);

/* Rolling volatility (p >= 2): sample standard deviation (n-1) of the last p one-candle log
 * returns ln(c[i]/c[i-1]), not annualised.  Lookback p. */
int ind_volatility(const double *close, size_t n, int p, double *out);
size_t ind_volatility_lookback(int p);

/* Simple return c[i]/c[i-h] - 1 and log return ln(c[i]/c[i-h]) over h candles.  Lookback h. */
void ind_return(const double *close, size_t n, int h, double *out);
void ind_log_return(const double *close, size_t n, int h, double *out);
size_t ind_return_lookback(int h);

/* Fibonacci retracement levels of the rolling p-candle range HH = max(high), LL = min(low):
 * level[j] = HH - r_j*(HH-LL) for r = 0.236, 0.382, 0.5, 0.618, 0.786, and the close's position
 * pos = (close-LL)/(HH-LL) in [0, 1] (0.5 when HH = LL).  Lookback p-1. */
#define IND_FIB_LEVELS 5
extern const double ind_fib_ratio[IND_FIB_LEVELS];
int ind_fib(const double *high, const double *low, const double *close, size_t n, int p,
	    double *level[IND_FIB_LEVELS], double *pos);
size_t ind_fib_lookback(int p);

/* Rolling z-score (p >= 2): (x[i] - mean)/sd over the last p values, population sd; 0 when the
 * window is flat.  Lookback p-1. */
void ind_zscore(const double *x, size_t n, int p, double *out);
size_t ind_zscore_lookback(int p);

/* Rolling maximum and minimum of x[i-p+1..i].  Lookback p-1. */
int ind_rolling_max(const double *x, size_t n, int p, double *out);
int ind_rolling_min(const double *x, size_t n, int p, double *out);

#endif
