/* cra-sim - what trading on a model's forecasts would have done: reads backtest predictions
 * (lib/forecast_table.h) and the actual candles, turns each prediction into a signal
 * (lib/sim_rules.h), fills orders at the next open with slippage and fees (lib/sim.h), and
 * reports the trade log, the equity curve and a summary beside buy-and-hold
 * (lib/perf_stats.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candles_io.h"
#include "diag.h"
#include "gaps.h"
#include "options.h"
#include "output.h"
#include "perf_stats.h"
#include "sim.h"
#include "sim_rules.h"
#include "store.h"
#include "timefmt.h"

static const struct program_info info = {
	"cra-sim",
	"cra-sim --candles FILE | -s SYMBOL -i INTERVAL [--rule band|threshold|regime]\n"
	"       [--cash C] [--fee-bps B] [--slippage-bps B] [--size all|fraction:F|fixed:Q]\n"
	"       [--allow-short] [--trades FILE] [--equity FILE] [options] [PREDICTIONS|-]",
	"Simulates trading on backtest predictions (cra-backtest's table; default: standard\n"
	"input) against the actual candles.  The decision for the candle opening at T is made\n"
	"at T, from the prediction for it and the last close known (the candle before T); the\n"
	"order fills at T's open, worse by the slippage, paying the fee on its notional.  Rules:\n"
	"band (long when the whole predicted interval lies above the last close, out or short\n"
	"when below), threshold (predicted change beyond +-T), regime (bull or bear probability\n"
	"the largest and at least --min-prob).  Writes a summary (metric,value,buy_hold) to\n"
	"standard output, and with --trades and --equity the trade log and the equity curve.",
	"  cra-sim -s BTCUSDT -i 1h --model xgb --trades trades.csv --equity equity.csv < backtest.csv\n"
	"  cra-sim --candles BTCUSDT-1h.csv --rule threshold --threshold 0.005 --allow-short bt.csv\n"
	"  cra-sim -s ETHUSDT -i 4h --rule regime --min-prob 0.6 --equity - -o summary.csv regimes.csv",
};

struct settings {
	struct str_list operands;
	const char *candles, *symbol, *interval, *db, *model, *rule, *size;
	const char *trades, *equity, *output;
	long long horizon;
	double cash, fee_bps, slippage_bps, threshold, min_prob;
	bool long_only, allow_short, tsv, quiet;
};

static void load_candles(const struct settings *s, struct candles *c, struct interval *iv)
{
	struct cra_error err = { 0 };
	if (s->interval && interval_parse(s->interval, iv))
		opt_usage_error("unknown interval '%s' (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M)",
				s->interval);
	if (s->candles) {
		if (candles_load(s->candles, c, &err))
			diag_die_error(&err);
		struct interval guessed;
		bool known = candles_guess_interval(c, &guessed) == 0;
		if (!s->interval && !known)
			diag_die(EX_DATAERR, "%s: cannot tell the candles' interval (for annualising): "
				 "give -i", s->candles);
		if (s->interval && known && guessed.ms < iv->ms)
			diag_die(EX_DATAERR, "%s: the candles are %s apart, not %s", s->candles,
				 guessed.name, iv->name);
		if (!s->interval)
			*iv = guessed;
		return;
	}
	struct store *st;
	struct store_options so = { NULL, s->db };
	bool exists;
	if (store_open(&st, &so, &err) ||
	    store_load(st, s->symbol, iv, INT64_MIN, INT64_MAX, c, &exists, &err))
		diag_die_error(&err);
	if (!exists)
		diag_die(EX_NOINPUT, "no candles for %s %s in the %s", s->symbol, iv->name,
			 store_describe(st));
	store_close(st);
}

static void header(struct table_writer *w, const char *const *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tw_str(w, cols[i]);
	tw_end_row(w);
}

static void write_trades(struct table_writer *w, const struct sim_result *r)
{
	static const char *const cols[] = { "time", "side", "price", "quantity", "fee",
					    "cash", "position", "equity", "pnl" };
	header(w, cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < r->ntrades; i++) {
		const struct sim_trade *t = &r->trades[i];
		tw_int(w, t->time);
		tw_str(w, t->side > 0 ? "buy" : "sell");
		tw_double(w, t->price);
		tw_double(w, t->quantity);
		tw_double(w, t->fee);
		tw_double(w, t->cash);
		tw_double(w, t->position);
		tw_double(w, t->equity);
		tw_double(w, t->pnl);
		tw_end_row(w);
	}
}

static void write_equity(struct table_writer *w, const struct sim_result *r)
{
	static const char *const cols[] = { "open_time", "close", "signal", "position", "cash",
					    "equity", "drawdown", "buy_hold_equity" };
	header(w, cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < r->n; i++) {
		const struct sim_point *p = &r->curve[i];
		tw_int(w, p->open_time);
		tw_double(w, p->close);
		tw_str(w, p->signal == SIM_BULL ? "bull" : p->signal == SIM_BEAR ? "bear" : "hold");
		tw_double(w, p->position);
		tw_double(w, p->cash);
		tw_double(w, p->equity);
		tw_double(w, p->drawdown);
		tw_double(w, p->buy_hold_equity);
		tw_end_row(w);
	}
}

static void metric(struct table_writer *w, const char *name, double value, double buy_hold)
{
	tw_str(w, name);
	tw_double(w, value);
	tw_double(w, buy_hold);
	tw_end_row(w);
}

static void write_summary(struct table_writer *w, const struct settings *s,
			  const struct sim_result *r, const struct perf_stats *ps,
			  const struct perf_stats *bh)
{
	static const char *const cols[] = { "metric", "value", "buy_hold" };
	header(w, cols, 3);
	double n = (double)r->n, e0 = s->cash;
	double final = r->curve[r->n - 1].equity, bh_final = r->curve[r->n - 1].buy_hold_equity;
	metric(w, "start", (double)r->curve[0].open_time, (double)r->curve[0].open_time);
	metric(w, "end", (double)r->curve[r->n - 1].open_time, (double)r->curve[r->n - 1].open_time);
	metric(w, "candles", n, n);
	metric(w, "initial_equity", e0, e0);
	metric(w, "final_equity", final, bh_final);
	metric(w, "net_pnl", final - e0, bh_final - e0);
	metric(w, "net_pnl_pct", 100 * (final / e0 - 1), 100 * (bh_final / e0 - 1));
	metric(w, "annual_return", ps->annual_return, bh->annual_return);
	metric(w, "volatility", ps->volatility, bh->volatility);
	metric(w, "sharpe", ps->sharpe, bh->sharpe);
	metric(w, "sortino", ps->sortino, bh->sortino);
	metric(w, "max_drawdown", ps->max_drawdown, bh->max_drawdown);
	metric(w, "max_drawdown_candles", (double)ps->dd_periods, (double)bh->dd_periods);
	metric(w, "calmar", ps->calmar, bh->calmar);
	metric(w, "trades", (double)r->ntrades, 1);
	metric(w, "round_trips", (double)r->nclosed, 0);
	metric(w, "win_rate", win_rate(r->closed_pnl, r->nclosed), NAN);
	metric(w, "profit_factor", profit_factor(r->closed_pnl, r->nclosed), NAN);
	metric(w, "exposure", (double)r->exposed / n, 1);
	metric(w, "fees", r->fees, r->buy_hold_fees);
	metric(w, "final_position", r->curve[r->n - 1].position, r->buy_hold_quantity);
}

/* Opens path as an output unless it is NULL; "-" is standard output. */
static bool open_output(struct output *o, const char *path, bool tsv)
{
	struct cra_error err = { 0 };
	if (!path)
		return false;
	if (output_open(o, path, tsv, &err))
		diag_die_error(&err);
	return true;
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { .cash = 10000, .fee_bps = 10, .slippage_bps = 5, .threshold = 0.01,
			      .min_prob = 0.5, .rule = "band", .size = "all" };
	const struct opt opts[] = {
		{ "candles", 'c', OPT_STRING, &s.candles, "FILE", "the actual candles, from a file", 0, 0 },
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "the actual candles, from the store", 0, 0 },
		{ "interval", 'i', OPT_STRING, &s.interval, "INTERVAL", "the candles' interval (for --candles: default guessed)", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "model", 'm', OPT_STRING, &s.model, "NAME", "the model's predictions to trade (required when there are several)", 0, 0 },
		{ "horizon", 'H', OPT_INT, &s.horizon, "H", "the horizon's predictions (required when there are several)", 1, 1e6 },
		{ "rule", 'r', OPT_STRING, &s.rule, "RULE", "band (default), threshold or regime", 0, 0 },
		{ "threshold", 't', OPT_DOUBLE, &s.threshold, "X", "threshold rule: trade when |pred/close - 1| > X (default 0.01)", 0, 1e6 },
		{ "min-prob", 0, OPT_DOUBLE, &s.min_prob, "P", "regime rule: the class's probability at least P (default 0.5)", 0, 1 },
		{ "cash", 0, OPT_DOUBLE, &s.cash, "C", "starting cash (default 10000)", 1e-9, 1e15 },
		{ "fee-bps", 0, OPT_DOUBLE, &s.fee_bps, "B", "fee per fill on its notional, basis points (default 10)", 0, 10000 },
		{ "slippage-bps", 0, OPT_DOUBLE, &s.slippage_bps, "B", "each fill this much worse than the open, basis points (default 5)", 0, 9999 },
		{ "size", 0, OPT_STRING, &s.size, "SIZE", "all (default), fraction:F of equity, or fixed:Q units", 0, 0 },
		{ "long-only", 0, OPT_FLAG, &s.long_only, NULL, "a bear signal exits a long (the default)", 0, 0 },
		{ "allow-short", 0, OPT_FLAG, &s.allow_short, NULL, "a bear signal goes short", 0, 0 },
		{ "trades", 0, OPT_STRING, &s.trades, "FILE", "write the trade log (time,side,price,quantity,fee,cash,position,equity,pnl)", 0, 0 },
		{ "equity", 0, OPT_STRING, &s.equity, "FILE", "write the equity curve (open_time,close,signal,position,cash,equity,drawdown,buy_hold_equity)", 0, 0 },
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "write the summary to FILE instead of standard output", 0, 0 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write TSV instead of CSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes on standard error", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	if (s.operands.n > 1)
		opt_usage_error("one predictions file at most, got %zu", s.operands.n);
	if (!s.candles == !s.symbol)
		opt_usage_error("which candles? give --candles FILE or -s SYMBOL -i INTERVAL");
	if (s.symbol && !s.interval)
		opt_usage_error("--symbol needs the interval (-i 1h)");
	if (s.long_only && s.allow_short)
		opt_usage_error("give --long-only or --allow-short, not both");
	bool trades_out = s.trades && !strcmp(s.trades, "-"), equity_out = s.equity && !strcmp(s.equity, "-");
	if (trades_out + equity_out + !(s.output && strcmp(s.output, "-")) > 1)
		opt_usage_error("only one table can go to standard output: send the others to files "
				"(--trades FILE, --equity FILE, -o FILE for the summary)");

	struct cra_error err = { 0 };
	struct sim_config cfg = { s.cash, s.fee_bps, s.slippage_bps, SIM_SIZE_ALL, 1, s.allow_short };
	struct sim_rule rule = { SIM_RULE_BAND, s.threshold, s.min_prob };
	if (sim_parse_size(s.size, &cfg, &err) || sim_rule_parse(s.rule, &rule.kind, &err))
		opt_usage_error("%s", err.msg);

	struct forecast_rows f;
	if (forecast_table_load(s.operands.n ? s.operands.items[0] : "-", s.model, (int)s.horizon,
				sim_rule_needs(&rule), &f, &err)) {
		if (err.status == EX_USAGE)
			opt_usage_error("%s", err.msg);
		diag_die_error(&err);
	}
	struct candles c;
	struct interval iv;
	candles_init(&c);
	load_candles(&s, &c, &iv);
	size_t from, to;
	signed char *signal;
	struct sim_result r;
	if (sim_signals(&rule, &f, &c, &from, &to, &signal, &err) ||
	    sim_run(&cfg, &c, from, to, signal, &r, &err))
		diag_die_error(&err);

	double *e = malloc(2 * (r.n + 1) * sizeof *e);
	if (!e)
		diag_die(EX_OSERR, "out of memory");
	struct perf_stats ps, bh;
	double ppy = periods_per_year(&iv);
	sim_equity(&cfg, &r, e);
	perf_stats_compute(e, r.n, ppy, &ps);
	sim_buy_hold_equity(&cfg, &r, e + r.n + 1);
	perf_stats_compute(e + r.n + 1, r.n, ppy, &bh);

	/* Every file is opened before anything is written, and committed only at the end. */
	struct output summary, trades, equity;
	if (output_open(&summary, s.output, s.tsv, &err)) /* NULL: standard output */
		diag_die_error(&err);
	bool has_trades = open_output(&trades, s.trades, s.tsv);
	bool has_equity = open_output(&equity, s.equity, s.tsv);
	write_summary(&summary.w, &s, &r, &ps, &bh);
	if (has_trades)
		write_trades(&trades.w, &r);
	if (has_equity)
		write_equity(&equity.w, &r);
	if (output_close(&summary, &err) || (has_trades && output_close(&trades, &err)) ||
	    (has_equity && output_close(&equity, &err)))
		diag_die_error(&err);

	char a[TIME_BUF], b[TIME_BUF], what[128] = "";
	time_format_iso(r.curve[0].open_time, a);
	time_format_iso(r.curve[r.n - 1].open_time, b);
	size_t len = 0;
	if (f.model[0])
		len += (size_t)snprintf(what, sizeof what, "model %s%s", f.model, f.horizon ? ", " : ": ");
	if (f.horizon)
		snprintf(what + len, sizeof what - len, "horizon %d: ", f.horizon);
	diag_note("%s%zu predictions over %zu %s candles (%s .. %s)%s", what, f.n, r.n, iv.name, a,
		  b, r.n > f.n ? "; candles without one held the position" : "");
	diag_note("%zu trades; equity %.2f (%+.2f%%) against buy-and-hold %.2f (%+.2f%%)", r.ntrades,
		  r.curve[r.n - 1].equity, 100 * (r.curve[r.n - 1].equity / cfg.cash - 1),
		  r.curve[r.n - 1].buy_hold_equity, 100 * (r.curve[r.n - 1].buy_hold_equity / cfg.cash - 1));
	free(e);
	free(signal);
	sim_result_free(&r);
	forecast_rows_free(&f);
	candles_free(&c);
	str_list_free(&s.operands);
	return 0;
}
