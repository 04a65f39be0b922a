/* perf_stats.c - returns, risk and drawdown of an equity curve; see perf_stats.h. */
#include "perf_stats.h"

#include <math.h>

#include "timefmt.h"

double periods_per_year(const struct interval *iv)
{
	if (iv->months)
		return 12.0 / iv->months;
	return 365.25 * (double)MS_PER_DAY / (double)iv->ms;
}

void drawdown_series(const double *e, size_t n, double *d)
{
	double peak = -INFINITY;
	for (size_t t = 0; t < n; t++) {
		peak = e[t] > peak ? e[t] : peak;
		d[t] = peak > 0 ? e[t] / peak - 1 : NAN;
	}
}

void perf_stats_compute(const double *e, size_t n, double ppy, struct perf_stats *out)
{
	out->periods = n;
	out->total_return = e[n] / e[0] - 1;
	/* A curve that reached zero (or below: a short squeezed) has no compound rate. */
	out->annual_return = e[n] > 0 && e[0] > 0 ? pow(e[n] / e[0], ppy / (double)n) - 1 : -1;

	/* Mean, sample variance (Welford: no cancellation) and downside deviation. */
	double mean = 0, m2 = 0, down = 0;
	for (size_t t = 1; t <= n; t++) {
		double r = e[t] / e[t - 1] - 1, delta = r - mean;
		mean += delta / (double)t;
		m2 += delta * (r - mean);
		down += r < 0 ? r * r : 0;
	}
	double sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN, dd = sqrt(down / (double)n);
	double root = sqrt(ppy);
	out->volatility = sd * root;
	out->sharpe = sd > 0 ? mean / sd * root : NAN;
	out->sortino = dd > 0 ? mean / dd * root : NAN;

	/* The deepest drawdown: its trough, the running peak before it, and when it recovered. */
	double peak = e[0], worst = 0;
	size_t peak_at = 0;
	out->dd_peak = out->dd_trough = 0;
	for (size_t t = 0; t <= n; t++) {
		if (e[t] >= peak) {
			peak = e[t];
			peak_at = t;
		}
		double d = peak > 0 ? e[t] / peak - 1 : -1;
		if (d < worst) {
			worst = d;
			out->dd_peak = peak_at;
			out->dd_trough = t;
		}
	}
	out->max_drawdown = worst;
	out->dd_end = n;
	out->dd_recovered = false;
	for (size_t t = out->dd_trough; worst < 0 && t <= n; t++)
		if (e[t] >= e[out->dd_peak]) {
			out->dd_end = t;
			out->dd_recovered = true;
			break;
		}
	out->dd_periods = worst < 0 ? out->dd_end - out->dd_peak : 0;
	out->calmar = worst < 0 ? out->annual_return / -worst : NAN;
}

double profit_factor(const double *pnl, size_t n)
{
	double gain = 0, loss = 0;
	for (size_t i = 0; i < n; i++) {
		if (pnl[i] > 0)
			gain += pnl[i];
		else
			loss -= pnl[i];
	}
	return loss > 0 ? gain / loss : NAN;
}

double win_rate(const double *pnl, size_t n)
{
	size_t wins = 0;
	for (size_t i = 0; i < n; i++)
		wins += pnl[i] > 0;
	return n ? (double)wins / (double)n : NAN;
}
