/* The trading simulation on a price path small enough to check by hand.
 *
 *   candle   open   close
 *     0      100    100     (history: its close is the first decision's last price)
 *     1      101    110
 *     2      111    121
 *     3      120    110
 *     4      109    100
 *
 * Every open differs from the close before it, so a fill at the wrong price shows. */
#include "check.h"
#include "perf_stats.h"
#include "sim.h"

static struct candles path;

static void make_path(void)
{
	double open[] = { 100, 101, 111, 120, 109 }, close[] = { 100, 110, 121, 110, 100 };
	candles_init(&path);
	for (int i = 0; i < 5; i++) {
		double hi = fmax(open[i], close[i]), lo = fmin(open[i], close[i]);
		double v[CANDLE_NFIELDS] = { open[i], hi, lo, close[i], 1, NAN, NAN, NAN, NAN, NAN };
		candles_push(&path, 1700000000000 + i * 3600000LL, v);
	}
}

static struct sim_result run(struct sim_config cfg, const signed char *sig)
{
	struct sim_result r;
	struct cra_error err = { 0 };
	CHECK_INT(sim_run(&cfg, &path, 1, 5, sig, &r, &err), 0);
	return r;
}

int main(void)
{
	make_path();
	const double f = 0.001, s = 0.0005; /* 10 bps fee, 5 bps slippage */

	/* ---- long only, all in: buy at candle 1's open, sell at candle 3's open ---- */
	struct sim_config cfg = { 1000, 10, 5, SIM_SIZE_ALL, 1, false };
	signed char buy_sell[] = { SIM_BULL, SIM_HOLD, SIM_BEAR, SIM_HOLD };
	struct sim_result r = run(cfg, buy_sell);
	double buy_px = 101 * (1 + s), q = 1000 / (buy_px * (1 + f));
	double sell_px = 120 * (1 - s), proceeds = q * sell_px * (1 - f);
	CHECK_INT(r.ntrades, 2);
	CHECK_INT(r.trades[0].side, 1);
	CHECK_NEAR(r.trades[0].price, 101.0505, 1e-12);  /* the open, not the last close 100 */
	CHECK_NEAR(r.trades[0].quantity, q, 1e-12);
	CHECK_NEAR(r.trades[0].fee, f * q * buy_px, 1e-12); /* = 1000 f / (1 + f) */
	CHECK_NEAR(r.trades[0].fee, 1 / 1.001, 1e-12);
	CHECK_NEAR(r.trades[0].cash, 0, 1e-9);           /* all of it, fee included */
	CHECK_NEAR(r.trades[0].position, q, 1e-12);
	CHECK_NEAR(r.trades[0].equity, q * 101, 1e-9);   /* valued at the open */
	CHECK(isnan(r.trades[0].pnl));
	CHECK_INT(r.trades[0].time, path.open_time[1]);
	CHECK_INT(r.trades[1].side, -1);
	CHECK_NEAR(r.trades[1].price, 119.94, 1e-12);
	CHECK_NEAR(r.trades[1].quantity, q, 1e-12);
	CHECK_NEAR(r.trades[1].fee, f * q * sell_px, 1e-12);
	CHECK_NEAR(r.trades[1].cash, proceeds, 1e-9);
	CHECK_NEAR(r.trades[1].position, 0, 0);
	CHECK_NEAR(r.trades[1].pnl, proceeds - 1000, 1e-9);
	CHECK_INT(r.trades[1].time, path.open_time[3]);
	/* marked at each close: q x 110, q x 121, then cash */
	CHECK_NEAR(r.curve[0].equity, q * 110, 1e-9);
	CHECK_NEAR(r.curve[1].equity, q * 121, 1e-9);
	CHECK_NEAR(r.curve[2].equity, proceeds, 1e-9);
	CHECK_NEAR(r.curve[3].equity, proceeds, 1e-9);
	CHECK_NEAR(r.curve[3].position, 0, 0);
	CHECK_INT(r.curve[2].signal, SIM_BEAR);
	CHECK_NEAR(r.fees, 1 / 1.001 + f * q * sell_px, 1e-12);
	CHECK_INT(r.exposed, 2);
	CHECK_INT(r.nclosed, 1);
	CHECK_NEAR(r.closed_pnl[0], proceeds - 1000, 1e-9);
	/* drawdown from the peak q x 121 at candle 2 */
	CHECK_NEAR(r.curve[1].drawdown, 0, 0);
	CHECK_NEAR(r.curve[2].drawdown, proceeds / (q * 121) - 1, 1e-12);
	/* buy and hold: in at candle 1's open like the strategy, held */
	CHECK_NEAR(r.buy_hold_quantity, q, 1e-12);
	CHECK_NEAR(r.curve[3].buy_hold_equity, q * 100, 1e-9);
	CHECK_NEAR(r.buy_hold_fees, 1 / 1.001, 1e-12);
	sim_result_free(&r);

	/* Without costs the numbers are round: 1000/101 units, out at 120. */
	struct sim_config free_cfg = { 1000, 0, 0, SIM_SIZE_ALL, 1, false };
	r = run(free_cfg, buy_sell);
	CHECK_NEAR(r.curve[3].equity, 1000.0 * 120 / 101, 1e-9);
	CHECK_NEAR(r.closed_pnl[0], 1000.0 * 19 / 101, 1e-9);
	sim_result_free(&r);

	/* ---- long only ignores a bear signal when flat; a bull one while long adds nothing ---- */
	signed char bear_first[] = { SIM_BEAR, SIM_BULL, SIM_BULL, SIM_HOLD };
	r = run(free_cfg, bear_first);
	CHECK_INT(r.ntrades, 1);
	CHECK_INT(r.trades[0].time, path.open_time[2]);
	CHECK_NEAR(r.trades[0].price, 111, 0);
	CHECK_NEAR(r.curve[0].equity, 1000, 0);          /* flat through candle 1 */
	CHECK_NEAR(r.curve[3].equity, 1000.0 / 111 * 100, 1e-9);
	CHECK_INT(r.nclosed, 0);                          /* still open at the end */
	sim_result_free(&r);

	/* ---- shorting: short at candle 1, reverse to long at candle 3 (one order) ---- */
	struct sim_config sh = { 1000, 10, 5, SIM_SIZE_ALL, 1, true };
	signed char rev[] = { SIM_BEAR, SIM_HOLD, SIM_BULL, SIM_HOLD };
	r = run(sh, rev);
	double short_px = 101 * (1 - s), qs = 1000 / (short_px * (1 + f));
	double cash1 = 1000 + qs * short_px * (1 - f);
	CHECK_INT(r.ntrades, 2);
	CHECK_INT(r.trades[0].side, -1);
	CHECK_NEAR(r.trades[0].price, 100.9495, 1e-12);
	CHECK_NEAR(r.trades[0].position, -qs, 1e-12);
	CHECK_NEAR(r.trades[0].cash, cash1, 1e-9);
	CHECK_NEAR(r.curve[0].equity, cash1 - qs * 110, 1e-9); /* a short loses as price rises */
	double cover_px = 120 * (1 + s), cash2 = cash1 - qs * cover_px * (1 + f);
	double ql = cash2 / (cover_px * (1 + f));
	CHECK_INT(r.trades[1].side, 1);
	CHECK_NEAR(r.trades[1].price, 120.06, 1e-12);
	CHECK_NEAR(r.trades[1].quantity, qs + ql, 1e-9);
	CHECK_NEAR(r.trades[1].fee, f * (qs + ql) * cover_px, 1e-9);
	CHECK_NEAR(r.trades[1].position, ql, 1e-12);
	CHECK_NEAR(r.trades[1].pnl, cash2 - 1000, 1e-9);  /* the short's round trip */
	CHECK_NEAR(r.curve[3].equity, ql * 100, 1e-9);
	CHECK_INT(r.exposed, 4);
	sim_result_free(&r);
	/* The same signals long only: the bear signal does nothing, the bull one buys. */
	sh.allow_short = false;
	r = run(sh, rev);
	CHECK_INT(r.ntrades, 1);
	CHECK_INT(r.trades[0].side, 1);
	CHECK_NEAR(r.trades[0].quantity, 1000 / (cover_px * (1 + f)), 1e-12);
	sim_result_free(&r);
	/* A short stays short on another bear signal: one trade. */
	sh.allow_short = true;
	signed char bb[] = { SIM_BEAR, SIM_BEAR, SIM_HOLD, SIM_HOLD };
	r = run(sh, bb);
	CHECK_INT(r.ntrades, 1);
	sim_result_free(&r);

	/* ---- sizes ---- */
	struct cra_error err = { 0 };
	struct sim_config half = free_cfg;
	CHECK_INT(sim_parse_size("fraction:0.5", &half, &err), 0);
	r = run(half, buy_sell);
	CHECK_NEAR(r.trades[0].quantity, 500.0 / 101, 1e-12);
	CHECK_NEAR(r.trades[0].cash, 500, 1e-9);
	CHECK_NEAR(r.curve[3].equity, 500 + 500.0 / 101 * 120, 1e-9);
	sim_result_free(&r);
	struct sim_config two = free_cfg;
	CHECK_INT(sim_parse_size("fixed:2", &two, &err), 0);
	r = run(two, buy_sell);
	CHECK_NEAR(r.trades[0].quantity, 2, 0);
	CHECK_NEAR(r.trades[0].cash, 1000 - 202, 1e-9);
	CHECK_NEAR(r.curve[3].equity, 1000 + 2 * (120 - 101), 1e-9);
	sim_result_free(&r);
	CHECK_INT(sim_parse_size("fixed:100", &two, &err), 0); /* more than the cash buys */
	r = run(two, buy_sell);
	CHECK_NEAR(r.trades[0].quantity, 1000.0 / 101, 1e-12);
	sim_result_free(&r);
	CHECK_INT(sim_parse_size("fraction:1.5", &two, &err), EX_USAGE);
	CHECK_INT(sim_parse_size("fixed:0", &two, &err), EX_USAGE);
	CHECK_INT(sim_parse_size("fixed", &two, &err), EX_USAGE);
	CHECK_INT(sim_parse_size("half", &two, &err), EX_USAGE);

	/* ---- the equity curve's statistics: long at 101 through closes 110 121 110 100 ---- */
	signed char hold_long[] = { SIM_BULL, SIM_HOLD, SIM_HOLD, SIM_HOLD };
	r = run(free_cfg, hold_long);
	double e[5];
	sim_equity(&free_cfg, &r, e);
	CHECK_NEAR(e[0], 1000, 0);
	CHECK_NEAR(e[4], 1000.0 / 101 * 100, 1e-9);
	struct perf_stats ps;
	perf_stats_compute(e, 4, 8766, &ps);
	CHECK_NEAR(ps.max_drawdown, 100.0 / 121 - 1, 1e-12); /* peak 121, trough 100 */
	CHECK_INT(ps.dd_peak, 2);
	CHECK_INT(ps.dd_trough, 4);
	CHECK(!ps.dd_recovered);
	CHECK_NEAR(r.curve[3].drawdown, 100.0 / 121 - 1, 1e-12);
	/* Without costs, buy-and-hold is this same curve. */
	double bh[5];
	sim_buy_hold_equity(&free_cfg, &r, bh);
	for (int i = 0; i < 5; i++)
		CHECK_NEAR(bh[i], e[i], 1e-9);
	sim_result_free(&r);
	candles_free(&path);
	return check_finish();
}
