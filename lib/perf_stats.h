/* perf_stats.h - how a strategy did: returns, risk and drawdown of an equity curve, and the
 * record of its closed trades.
 *
 * The curve is e_0 (the starting equity, before the first period), e_1 .. e_n (the equity at
 * the end of each period).  Per-period returns r_t = e_t / e_{t-1} - 1, t = 1..n, and with P
 * periods per year (365.25 days over the candle interval: crypto trades around the clock):
 *
 *   annual return  (e_n / e_0)^(P/n) - 1                     (compound, "CAGR")
 *   volatility     sd(r) sqrt(P)                             (sd with n - 1: the sample sd)
 *   Sharpe         mean(r) / sd(r) sqrt(P)                   (risk-free rate 0)
 *   Sortino        mean(r) / sqrt(mean(min(r, 0)^2)) sqrt(P) (downside deviation over all n)
 *   drawdown       d_t = e_t / max(e_0..e_t) - 1 <= 0;  max drawdown = min d_t
 *   Calmar         annual return / |max drawdown|
 *
 * A ratio whose denominator is 0 (no variation, no losing period, no drawdown) is undefined:
 * NaN, written as an empty cell.  The max drawdown's duration is counted in periods from the
 * peak before its trough to the first period back at that peak - or to the end of the curve
 * when it never got back.
 */
#ifndef CRA_PERF_STATS_H
#define CRA_PERF_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "interval.h"

struct perf_stats {
	size_t periods;        /* n */
	double total_return;   /* e_n / e_0 - 1 */
	double annual_return, volatility, sharpe, sortino, calmar;
	double max_drawdown;   /* <= 0 */
	size_t dd_peak, dd_trough, dd_end; /* indices into e: the max drawdown's peak, trough, and
					    * recovery (n when it never recovered) */
	size_t dd_periods;     /* dd_end - dd_peak */
	bool dd_recovered;
};

/* 365.25 days over the interval; 12 for calendar months. */
double periods_per_year(const struct interval *iv);

/* Statistics of e[0..n] (n + 1 values, n >= 1). */
void perf_stats_compute(const double *e, size_t n, double periods_per_year, struct perf_stats *out);

/* d[t] = e[t] / max(e[0..t]) - 1 for t = 0..n-1 (n values). */
void drawdown_series(const double *e, size_t n, double *d);

/* Over the profit and loss of closed trades: gross profit / gross loss (NaN without a loss),
 * and the share of trades that made money (NaN without a trade). */
double profit_factor(const double *pnl, size_t n);
double win_rate(const double *pnl, size_t n);

#endif
