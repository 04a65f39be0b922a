/* Performance statistics on equity curves worked out by hand. */
#include "check.h"
#include "perf_stats.h"

int main(void)
{
	struct interval iv;
	interval_parse("1h", &iv);
	CHECK_NEAR(periods_per_year(&iv), 8766, 1e-9); /* 365.25 * 24 */
	interval_parse("4h", &iv);
	CHECK_NEAR(periods_per_year(&iv), 2191.5, 1e-9);
	interval_parse("1d", &iv);
	CHECK_NEAR(periods_per_year(&iv), 365.25, 1e-12);
	interval_parse("1M", &iv);
	CHECK_NEAR(periods_per_year(&iv), 12, 0);

	/* e = 100, 110, 99, 121, 121: returns 1/10, -1/10, 2/9, 0; mean 1/18.
	 * Deviations 2/45, -7/45, 1/6, -1/18: squares sum to 462/8100, sample variance 154/8100.
	 * Downside: mean of (-1/10)^2, 0, 0, 0 = 1/400, deviation 1/20.
	 * Drawdown: peak 110 (t=1), trough 99 (t=2), -1/10, back at 121 (t=3): 2 periods. */
	double e[] = { 100, 110, 99, 121, 121 };
	struct perf_stats s;
	perf_stats_compute(e, 4, 1, &s);
	double sd = sqrt(154.0 / 8100);
	CHECK_NEAR(s.total_return, 0.21, 1e-15);
	CHECK_NEAR(s.annual_return, pow(1.21, 1.0 / 4) - 1, 1e-15);
	CHECK_NEAR(s.volatility, sd, 1e-15);
	CHECK_NEAR(s.sharpe, (1.0 / 18) / sd, 1e-14);
	CHECK_NEAR(s.sortino, (1.0 / 18) / (1.0 / 20), 1e-14);
	CHECK_NEAR(s.max_drawdown, -0.1, 1e-15);
	CHECK_INT(s.dd_peak, 1);
	CHECK_INT(s.dd_trough, 2);
	CHECK_INT(s.dd_end, 3);
	CHECK_INT(s.dd_periods, 2);
	CHECK(s.dd_recovered);
	CHECK_NEAR(s.calmar, (pow(1.21, 0.25) - 1) / 0.1, 1e-14);
	/* Annualised: the ratios scale by sqrt(P), the compound rate by the power P/n. */
	perf_stats_compute(e, 4, 8766, &s);
	CHECK_NEAR(s.sharpe, (1.0 / 18) / sd * sqrt(8766), 1e-11);
	CHECK_NEAR(s.sortino, (1.0 / 18) / (1.0 / 20) * sqrt(8766), 1e-11);
	CHECK_NEAR(s.annual_return, pow(1.21, 8766.0 / 4) - 1, 1e-9 * pow(1.21, 8766.0 / 4));

	/* Never recovered: 100, 120, 90, 100 - the drawdown runs from t=1 to the end. */
	double u[] = { 100, 120, 90, 100 };
	perf_stats_compute(u, 3, 1, &s);
	CHECK_NEAR(s.max_drawdown, -0.25, 1e-15);
	CHECK_INT(s.dd_peak, 1);
	CHECK_INT(s.dd_trough, 2);
	CHECK(!s.dd_recovered);
	CHECK_INT(s.dd_end, 3);
	CHECK_INT(s.dd_periods, 2);
	/* The deepest of two drawdowns: 100, 90 (-10%), 100, 150, 120 (-20%), 160. */
	double two[] = { 100, 90, 100, 150, 120, 160 };
	perf_stats_compute(two, 5, 1, &s);
	CHECK_NEAR(s.max_drawdown, -0.2, 1e-15);
	CHECK_INT(s.dd_peak, 3);
	CHECK_INT(s.dd_trough, 4);
	CHECK_INT(s.dd_periods, 2);
	double d[6];
	drawdown_series(two, 6, d);
	CHECK_NEAR(d[0], 0, 0);
	CHECK_NEAR(d[1], -0.1, 1e-15);
	CHECK_NEAR(d[2], 0, 0);
	CHECK_NEAR(d[4], -0.2, 1e-15);
	CHECK_NEAR(d[5], 0, 0);

	/* Flat: no variation, no loss, no drawdown - the ratios are undefined. */
	double flat[] = { 100, 100, 100 };
	perf_stats_compute(flat, 2, 8766, &s);
	CHECK(isnan(s.sharpe) && isnan(s.sortino) && isnan(s.calmar));
	CHECK_NEAR(s.max_drawdown, 0, 0);
	CHECK_INT(s.dd_periods, 0);
	CHECK_NEAR(s.annual_return, 0, 0);
	/* Only gains: Sortino undefined, Sharpe defined. */
	double up[] = { 100, 101, 103 };
	perf_stats_compute(up, 2, 1, &s);
	CHECK(isnan(s.sortino) && !isnan(s.sharpe));

	double pnl[] = { 10, -5, 20, -10 };
	CHECK_NEAR(profit_factor(pnl, 4), 2, 0);
	CHECK_NEAR(win_rate(pnl, 4), 0.5, 0);
	CHECK(isnan(profit_factor(pnl, 1)));   /* no loss */
	CHECK(isnan(win_rate(pnl, 0)));
	double zero[] = { 0, -1 };             /* breaking even is not a win */
	CHECK_NEAR(win_rate(zero, 2), 0, 0);
	CHECK_NEAR(profit_factor(zero, 2), 0, 0);
	return check_finish();
}
