/* indicators.c - technical indicators over flat arrays; see indicators.h for the conventions
 * and man/cra-features.1 for the formulas. */
#include "indicators.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "timefmt.h"

const double ind_fib_ratio[IND_FIB_LEVELS] = { 0.236, 0.382, 0.5, 0.618, 0.786 };

/* Writes NaN into the first min(count, n) rows. */
static void fill_nan(double *out, size_t n, size_t count)
{
	if (count > n)
		count = n;
	for (size_t i = 0; i < count; i++)
		out[i] = NAN;
}

/* Rows between exact recomputations for a window of p rows: at least the window itself, so
 * that recomputing never costs more than one extra addition per row. */
static size_t recompute_every(size_t p) { return p > IND_RECOMPUTE ? p : IND_RECOMPUTE; }

static double sum_of(const double *x, size_t p)
{
	double s = 0;
	for (size_t j = 0; j < p; j++)
		s += x[j];
	return s;
}

/* ---- moving averages ------------------------------------------------------------------- */

size_t ind_sma_lookback(int p) { return (size_t)p - 1; }

void ind_sma(const double *x, size_t n, int period, double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p - 1);
	size_t every = recompute_every(p), countdown = 0;
	double sum = 0;
	for (size_t i = p - 1; i < n; i++) {
		if (countdown-- == 0) {
			sum = sum_of(x + i + 1 - p, p);
			countdown = every - 1;
		} else {
			sum += x[i] - x[i - p];
		}
		out[i] = sum / (double)p;
	}
}

size_t ind_ema_lookback(int p) { return (size_t)p - 1; }

void ind_ema(const double *x, size_t n, int period, double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p - 1);
	if (n < p)
		return;
	double k = 2.0 / (double)(p + 1);
	double ema = sum_of(x, p) / (double)p; /* TA-Lib's seed: the SMA of the first p values */
	out[p - 1] = ema;
	for (size_t i = p; i < n; i++) {
		ema = (x[i] - ema) * k + ema;
		out[i] = ema;
	}
}

/* ---- momentum -------------------------------------------------------------------------- */

size_t ind_rsi_lookback(int p) { return (size_t)p; }

static double rsi_value(double gain, double loss)
{
	double total = gain + loss;
	return total > 0 ? 100.0 * (gain / total) : 50.0;
}

void ind_rsi(const double *close, size_t n, int period, double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p);
	if (n <= p)
		return;
	/* The first p changes, summed; then Wilder's smoothing in TA-Lib's order of operations. */
	double gain = 0, loss = 0;
	for (size_t i = 1; i <= p; i++) {
		double change = close[i] - close[i - 1];
		if (change < 0)
			loss -= change;
		else
			gain += change;
	}
	gain /= (double)p;
	loss /= (double)p;
	out[p] = rsi_value(gain, loss);
	double keep = (double)(p - 1);
	for (size_t i = p + 1; i < n; i++) {
		/* Branch-free (the sign of a change is a coin toss for the branch predictor); adding
		 * an exact 0 to the other average leaves it bit for bit as TA-Lib's branch does. */
		double change = close[i] - close[i - 1];
		loss *= keep;
		gain *= keep;
		loss += change < 0 ? -change : 0;
		gain += change > 0 ? change : 0;
		loss /= (double)p;
		gain /= (double)p;
		out[i] = rsi_value(gain, loss);
	}
}

size_t ind_macd_lookback(int fast, int slow, int signal)
{
	(void)fast;
	return (size_t)slow + (size_t)signal - 2;
}

void ind_macd(const double *close, size_t n, int fast_period, int slow_period, int signal_period,
	      double *line, double *sig, double *hist)
{
	size_t fast = (size_t)fast_period, slow = (size_t)slow_period;
	size_t lookback = ind_macd_lookback(fast_period, slow_period, signal_period);
	fill_nan(line, n, slow - 1);
	if (n < slow) {
		fill_nan(sig, n, n);
		fill_nan(hist, n, n);
		return;
	}
	/* Both EMAs start at row slow-1: the slow one seeded with the SMA of x[0..slow-1], the fast
	 * one with the SMA of its last `fast` values, x[slow-fast..slow-1] (TA-Lib's MACD). */
	double kf = 2.0 / (double)(fast + 1), ks = 2.0 / (double)(slow + 1);
	double ema_slow = sum_of(close, slow) / (double)slow;
	double ema_fast = sum_of(close + slow - fast, fast) / (double)fast;
	line[slow - 1] = ema_fast - ema_slow;
	for (size_t i = slow; i < n; i++) {
		ema_fast = (close[i] - ema_fast) * kf + ema_fast;
		ema_slow = (close[i] - ema_slow) * ks + ema_slow;
		line[i] = ema_fast - ema_slow;
	}
	fill_nan(sig, n, slow - 1);
	ind_ema(line + slow - 1, n - (slow - 1), signal_period, sig + slow - 1);
	for (size_t i = lookback; i < n; i++)
		hist[i] = line[i] - sig[i];
	/* TA-Lib outputs the three series from the same row. */
	fill_nan(line, n, lookback);
	fill_nan(sig, n, lookback);
	fill_nan(hist, n, lookback);
}

/* ---- rolling mean and standard deviation ------------------------------------------------ */

/* A fixed window of p rows sliding over x: its mean and the sum of squared deviations M2.
 * The window slides by Welford's update for a fixed size (x_in enters, x_out leaves):
 *   mean' = mean + (x_in - x_out)/p
 *   M2'   = M2 + (x_in - x_out)*(x_in - mean' + x_out - mean)
 * which works on deviations, never on sums of squares of prices.  Values are taken relative to
 * `ref`, the window's mean at the last exact (two-pass) recomputation, so the differences above
 * are between numbers of the size of the moves, not of the price (x - ref is exact when x is
 * within a factor 2 of ref); every recompute_every(p) rows, and whenever the mean has moved
 * too far from ref, it starts again from scratch. */
struct window_moments {
	size_t p, every, countdown;
	double ref, mean, m2; /* mean relative to ref */
};

static void moments_init(struct window_moments *w, size_t p)
{
	w->p = p;
	w->every = recompute_every(p);
	w->countdown = 0;
	w->ref = w->mean = w->m2 = 0;
}

/* Moves the window to rows i-p+1..i; rows must be visited in order from p-1. */
static inline void moments_advance(struct window_moments *w, const double *x, size_t i)
{
	size_t p = w->p;
	if (w->countdown-- != 0) {
		double in = x[i] - w->ref, out = x[i - p] - w->ref, d = in - out, old = w->mean;
		w->mean = old + d / (double)p;
		w->m2 += d * (in - w->mean + out - old);
		/* Still centred: the mean within 16 standard deviations of ref (mean^2 p <= 256 M2),
		 * so rounding errors stay ~16 eps of the deviation.  A trend or a jump in the level
		 * starts a new exact window. */
		if (w->mean * w->mean * (double)p <= 256 * w->m2)
			return;
	}
	{
		const double *win = x + i + 1 - p;
		double m = sum_of(win, p) / (double)p, q = 0;
		for (size_t j = 0; j < p; j++) {
			double d = win[j] - m;
			q += d * d;
		}
		w->ref = m;
		w->mean = 0;
		w->m2 = q;
		w->countdown = w->every - 1;
	}
}

static inline double moments_mean(const struct window_moments *w) { return w->ref + w->mean; }

/* Standard deviation with divisor p - ddof. */
static inline double moments_sd(const struct window_moments *w, int ddof)
{
	return w->m2 > 0 ? sqrt(w->m2 / (double)(w->p - (size_t)ddof)) : 0;
}

/* For i >= p-1: mean (when mean_out is not NULL) and standard deviation of x[i-p+1..i]. */
static void rolling_mean_sd(const double *x, size_t n, size_t p, int ddof, double *mean_out,
			    double *sd_out)
{
	struct window_moments w;
	moments_init(&w, p);
	for (size_t i = p - 1; i < n; i++) {
		moments_advance(&w, x, i);
		if (mean_out)
			mean_out[i] = moments_mean(&w);
		sd_out[i] = moments_sd(&w, ddof);
	}
}

size_t ind_bbands_lookback(int p) { return (size_t)p - 1; }

void ind_bbands(const double *close, size_t n, int period, double k, double *upper, double *middle,
		double *lower, double *pctb, double *width)
{
	size_t p = (size_t)period;
	fill_nan(upper, n, p - 1);
	fill_nan(middle, n, p - 1);
	fill_nan(lower, n, p - 1);
	fill_nan(pctb, n, p - 1);
	fill_nan(width, n, p - 1);
	rolling_mean_sd(close, n, p, 0, middle, width); /* width holds sd until overwritten */
	for (size_t i = p - 1; i < n; i++) {
		double mid = middle[i], sd = width[i];
		if (sd <= IND_FLAT_REL * fabs(mid))
			sd = 0;
		double up = mid + k * sd, lo = mid - k * sd;
		upper[i] = up;
		lower[i] = lo;
		pctb[i] = sd > 0 ? (close[i] - lo) / (up - lo) : 0.5;
		width[i] = mid != 0 ? (up - lo) / mid : 0;
	}
}

size_t ind_zscore_lookback(int p) { return (size_t)p - 1; }

void ind_zscore(const double *x, size_t n, int period, double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p - 1);
	struct window_moments w;
	moments_init(&w, p);
	for (size_t i = p - 1; i < n; i++) {
		moments_advance(&w, x, i);
		double mu = moments_mean(&w), sd = moments_sd(&w, 0);
		out[i] = sd > IND_FLAT_REL * fabs(mu) ? (x[i] - mu) / sd : 0;
	}
}

size_t ind_volatility_lookback(int p) { return (size_t)p; }

int ind_volatility(const double *close, size_t n, int period, double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p);
	if (n <= p)
		return 0;
	/* r[j] is the log return of row j+1. */
	double *r = malloc((n - 1) * sizeof *r);
	if (!r)
		return -1;
	for (size_t i = 1; i < n; i++)
		r[i - 1] = log(close[i] / close[i - 1]);
	rolling_mean_sd(r, n - 1, p, 1, NULL, out + 1);
	free(r);
	return 0;
}

/* ---- true range, volume ---------------------------------------------------------------- */

size_t ind_atr_lookback(int p) { return (size_t)p; }

static double true_range(double h, double l, double prev_close)
{
	double tr = h - l, a = fabs(h - prev_close), b = fabs(l - prev_close);
	if (a > tr)
		tr = a;
	if (b > tr)
		tr = b;
	return tr;
}

void ind_atr(const double *high, const double *low, const double *close, size_t n, int period,
	     double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p);
	if (n <= p)
		return;
	double atr = 0;
	for (size_t i = 1; i <= p; i++)
		atr += true_range(high[i], low[i], close[i - 1]);
	atr /= (double)p;
	out[p] = atr;
	double keep = (double)(p - 1);
	for (size_t i = p + 1; i < n; i++) {
		atr *= keep;
		atr += true_range(high[i], low[i], close[i - 1]);
		atr /= (double)p;
		out[i] = atr;
	}
}

void ind_obv(const double *close, const double *volume, size_t n, double *out)
{
	if (n == 0)
		return;
	double obv = volume[0];
	out[0] = obv;
	for (size_t i = 1; i < n; i++) {
		double step = (double)(close[i] > close[i - 1]) - (double)(close[i] < close[i - 1]);
		obv += step * volume[i]; /* +-volume or an exact 0 */
		out[i] = obv;
	}
}

size_t ind_vwap_lookback(int p) { return (size_t)p - 1; }

void ind_vwap(const double *high, const double *low, const double *close, const double *volume,
	      size_t n, int period, double *out)
{
	size_t p = (size_t)period;
	fill_nan(out, n, p - 1);
	size_t every = recompute_every(p), countdown = 0;
	size_t traded = 0; /* candles in the window with volume > 0: exact, unlike a sliding sum */
	double pv = 0, v = 0, tp = 0;
	for (size_t i = 0; i < n; i++) {
		double typical = (high[i] + low[i] + close[i]) / 3.0;
		traded += volume[i] > 0;
		if (i >= p)
			traded -= volume[i - p] > 0;
		if (i + 1 < p)
			continue;
		if (countdown-- == 0) {
			pv = v = tp = 0;
			for (size_t j = i + 1 - p; j <= i; j++) {
				double t = (high[j] + low[j] + close[j]) / 3.0;
				pv += t * volume[j];
				v += volume[j];
				tp += t;
			}
			countdown = every - 1;
		} else {
			size_t j = i - p;
			double old = (high[j] + low[j] + close[j]) / 3.0;
			pv += typical * volume[i] - old * volume[j];
			v += volume[i] - volume[j];
			tp += typical - old;
		}
		out[i] = traded ? pv / v : tp / (double)p;
	}
}

size_t ind_vwap_daily(const int64_t *open_time, const double *high, const double *low,
		      const double *close, const double *volume, size_t n, double *out)
{
	if (n == 0)
		return 0;
	int64_t day = open_time[0] / MS_PER_DAY - (open_time[0] % MS_PER_DAY < 0);
	bool partial = open_time[0] - day * MS_PER_DAY != 0;
	size_t undefined = 0, count = 0;
	double pv = 0, v = 0, tp = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t d = open_time[i] / MS_PER_DAY - (open_time[i] % MS_PER_DAY < 0);
		if (d != day) {
			day = d;
			partial = false;
			pv = v = tp = 0;
			count = 0;
		}
		double typical = (high[i] + low[i] + close[i]) / 3.0;
		pv += typical * volume[i];
		v += volume[i];
		tp += typical;
		count++;
		if (partial) {
			out[i] = NAN;
			undefined++;
		} else {
			out[i] = v > 0 ? pv / v : tp / (double)count;
		}
	}
	return undefined;
}

/* ---- rolling extremes ------------------------------------------------------------------ */

/* Rolling extremes by van Herk and Gil-Werman's blocks: cut the rows into blocks of p.  A
 * window [i-p+1, i] that does not start a block spans the tail of the previous block and the
 * head of the current one, so its extreme is the extreme of that tail (the previous block's
 * suffix extreme, one backward pass per block) and of that head (a running prefix extreme):
 * three comparisons per row whatever p, and no branches on the data. */
#define ROLLING_EXTREME(name, pick)                                                        \
	int name(const double *x, size_t n, int period, double *out)                        \
	{                                                                                    \
		size_t p = (size_t)period;                                                   \
		fill_nan(out, n, p - 1);                                                     \
		if (n < p)                                                                   \
			return 0;                                                            \
		double *tail = malloc(p * sizeof *tail); /* previous block's suffix extremes */ \
		if (!tail)                                                                   \
			return -1;                                                           \
		for (size_t start = 0; start < n; start += p) {                             \
			size_t end = start + p < n ? start + p : n;                          \
			double head = x[start];                                              \
			for (size_t i = start; i < end; i++) {                               \
				head = pick(head, x[i]);                                     \
				size_t k = i - start + 1; /* the window's part in the previous block */ \
				if (i + 1 >= p)                                              \
					out[i] = k < p ? pick(tail[k], head) : head;         \
			}                                                                    \
			if (end - start == p) {                                              \
				double acc = x[end - 1];                                     \
				for (size_t j = p; j-- > 0;) {                               \
					acc = pick(acc, x[start + j]);                       \
					tail[j] = acc;                                       \
				}                                                            \
			}                                                                    \
		}                                                                            \
		free(tail);                                                                  \
		return 0;                                                                    \
	}

static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double min2(double a, double b) { return a < b ? a : b; }

ROLLING_EXTREME(ind_rolling_max, max2)
ROLLING_EXTREME(ind_rolling_min, min2)

size_t ind_stoch_lookback(int kp, int dp) { return (size_t)kp + (size_t)dp - 2; }

int ind_stoch(const double *high, const double *low, const double *close, size_t n, int kp, int dp,
	      double *k, double *d)
{
	size_t first = (size_t)kp - 1, lookback = ind_stoch_lookback(kp, dp);
	/* k holds the highest high and d the lowest low until %K replaces them row by row. */
	if (ind_rolling_max(high, n, kp, k) || ind_rolling_min(low, n, kp, d))
		return -1;
	for (size_t i = first; i < n; i++) {
		double hh = k[i], ll = d[i];
		k[i] = hh > ll ? 100.0 * (close[i] - ll) / (hh - ll) : 50.0;
	}
	fill_nan(d, n, first);
	if (n > first)
		ind_sma(k + first, n - first, dp, d + first);
	fill_nan(k, n, lookback); /* TA-Lib outputs %K and %D from the same row */
	return 0;
}

size_t ind_fib_lookback(int p) { return (size_t)p - 1; }

int ind_fib(const double *high, const double *low, const double *close, size_t n, int p,
	    double *level[IND_FIB_LEVELS], double *pos)
{
	double *hh = level[0], *ll = level[IND_FIB_LEVELS - 1];
	if (ind_rolling_max(high, n, p, hh) || ind_rolling_min(low, n, p, ll))
		return -1;
	for (int j = 1; j < IND_FIB_LEVELS - 1; j++)
		fill_nan(level[j], n, (size_t)p - 1);
	fill_nan(pos, n, (size_t)p - 1);
	for (size_t i = (size_t)p - 1; i < n; i++) {
		double top = hh[i], bottom = ll[i], range = top - bottom;
		for (int j = 0; j < IND_FIB_LEVELS; j++)
			level[j][i] = top - ind_fib_ratio[j] * range;
		pos[i] = range > 0 ? (close[i] - bottom) / range : 0.5;
	}
	return 0;
}

/* ---- returns --------------------------------------------------------------------------- */

size_t ind_return_lookback(int h) { return (size_t)h; }

void ind_return(const double *close, size_t n, int horizon, double *out)
{
	size_t h = (size_t)horizon;
	fill_nan(out, n, h);
	for (size_t i = h; i < n; i++)
		out[i] = close[i] / close[i - h] - 1.0;
}

void ind_log_return(const double *close, size_t n, int horizon, double *out)
{
	size_t h = (size_t)horizon;
	fill_nan(out, n, h);
	for (size_t i = h; i < n; i++)
		out[i] = log(close[i] / close[i - h]);
}
