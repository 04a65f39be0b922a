/* sim.c - fills at the next open, with slippage and fees, and the account marked at each
 * close; see sim.h. */
#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "perf_stats.h"

int sim_parse_size(const char *text, struct sim_config *cfg, struct cra_error *err)
{
	if (!strcmp(text, "all")) {
		cfg->sizing = SIM_SIZE_ALL;
		cfg->size = 1;
		return 0;
	}
	const char *colon = strchr(text, ':');
	double v;
	if (colon && !number_parse_double(colon + 1, strlen(colon + 1), &v) && isfinite(v)) {
		size_t len = (size_t)(colon - text);
		if (len == 8 && !strncmp(text, "fraction", len) && v > 0 && v <= 1) {
			cfg->sizing = SIM_SIZE_FRACTION;
			cfg->size = v;
			return 0;
		}
		if (len == 5 && !strncmp(text, "fixed", len) && v > 0) {
			cfg->sizing = SIM_SIZE_FIXED;
			cfg->size = v;
			return 0;
		}
	}
	return cra_fail(err, EX_USAGE, "--size: expected all, fraction:F (0 < F <= 1) or fixed:Q "
			"(units, Q > 0), got '%s'", text);
}

/* The account while it runs. */
struct account {
	double cash, position;
	double entry_flow; /* cash the open position's entry brought in (< 0 for a long) */
};

static int push_trade(struct sim_result *out, size_t *cap, const struct sim_trade *t)
{
	if (out->ntrades == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct sim_trade *p = realloc(out->trades, nc * sizeof *p);
		double *q = realloc(out->closed_pnl, nc * sizeof *q);
		if (p)
			out->trades = p;
		if (q)
			out->closed_pnl = q;
		if (!p || !q)
			return -1;
		*cap = nc;
	}
	out->trades[out->ntrades++] = *t;
	if (!isnan(t->pnl))
		out->closed_pnl[out->nclosed++] = t->pnl; /* at most one per trade: cap suffices */
	return 0;
}

/* Moves the account to side `want` (+1, 0, -1) at this open; fills in *t when it traded. */
static bool rebalance(const struct sim_config *cfg, struct account *a, int want, double open,
		      struct sim_trade *t)
{
	double f = cfg->fee_bps / 1e4, s = cfg->slippage_bps / 1e4;
	int side = want > (a->position > 0) - (a->position < 0) ? 1 : -1;
	double px = side > 0 ? open * (1 + s) : open * (1 - s);
	double qty = 0, fee = 0;
	t->pnl = NAN;
	if (a->position != 0) { /* close what is held: the other side of the book */
		double q = fabs(a->position), notional = q * px, fe = f * notional;
		double flow = side > 0 ? -(notional + fe) : notional - fe;
		a->cash += flow;
		t->pnl = a->entry_flow + flow;
		a->position = 0;
		qty += q;
		fee += fe;
	}
	double e = a->cash; /* flat now: the account's whole value */
	if (want != 0 && e > 0) {
		double budget = cfg->sizing == SIM_SIZE_FRACTION ? cfg->size * e : e;
		double q = budget / (px * (1 + f));
		bool capped = cfg->sizing == SIM_SIZE_FIXED && cfg->size < q;
		if (capped)
			q = cfg->size;
		double notional = q * px, fe = f * notional;
		double flow = side > 0 ? -(notional + fe) : notional - fe;
		a->cash += flow;
		/* A buy of the whole budget leaves e - budget (0 when all in) but for rounding dust
		 * of ~1e-16 e: drop the dust, so that "all in" shows 0 cash, not -1.8e-12. */
		if (side > 0 && !capped)
			a->cash = e - budget;
		a->entry_flow = flow;
		a->position = side * q;
		qty += q;
		fee += fe;
	}
	if (qty == 0)
		return false;
	t->side = side;
	t->price = px;
	t->quantity = qty;
	t->fee = fee;
	t->cash = a->cash;
	t->position = a->position;
	t->equity = a->cash + a->position * open;
	return true;
}

int sim_run(const struct sim_config *cfg, const struct candles *c, size_t from, size_t to,
	    const signed char *signal, struct sim_result *out, struct cra_error *err)
{
	memset(out, 0, sizeof *out);
	out->n = to - from;
	out->curve = malloc(out->n * sizeof *out->curve);
	if (!out->curve)
		return cra_fail(err, EX_OSERR, "out of memory");
	size_t cap = 0;
	struct account a = { cfg->cash, 0, 0 };
	/* Buy-and-hold: everything in at the first open, as a buy of the strategy's would. */
	double f = cfg->fee_bps / 1e4, bh_px = c->v[CF_OPEN][from] * (1 + cfg->slippage_bps / 1e4);
	out->buy_hold_quantity = cfg->cash / (bh_px * (1 + f));
	out->buy_hold_fees = f * out->buy_hold_quantity * bh_px;
	double bh_cash = cfg->cash - out->buy_hold_quantity * bh_px - out->buy_hold_fees;
	for (size_t i = from; i < to; i++) {
		int sig = signal[i - from];
		int held = (a.position > 0) - (a.position < 0);
		int want = sig == SIM_BULL ? 1 : sig == SIM_BEAR ? (cfg->allow_short ? -1 : 0) : held;
		struct sim_trade t = { .time = c->open_time[i] };
		if (want != held && rebalance(cfg, &a, want, c->v[CF_OPEN][i], &t)) {
			if (push_trade(out, &cap, &t)) {
				sim_result_free(out);
				return cra_fail(err, EX_OSERR, "out of memory");
			}
			out->fees += t.fee;
		}
		out->exposed += a.position != 0;
		struct sim_point *p = &out->curve[i - from];
		p->open_time = c->open_time[i];
		p->signal = sig;
		p->close = c->v[CF_CLOSE][i];
		p->position = a.position;
		p->cash = a.cash;
		p->equity = a.cash + a.position * p->close;
		p->buy_hold_equity = bh_cash + out->buy_hold_quantity * p->close;
	}
	/* Drawdowns against the running peak, the starting cash the first. */
	double *e = malloc(2 * (out->n + 1) * sizeof *e);
	if (!e) {
		sim_result_free(out);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	sim_equity(cfg, out, e);
	drawdown_series(e, out->n + 1, e + out->n + 1);
	for (size_t i = 0; i < out->n; i++)
		out->curve[i].drawdown = e[out->n + 2 + i];
	free(e);
	return 0;
}

void sim_result_free(struct sim_result *r)
{
	free(r->curve);
	free(r->trades);
	free(r->closed_pnl);
	memset(r, 0, sizeof *r);
}

void sim_equity(const struct sim_config *cfg, const struct sim_result *r, double *e)
{
	e[0] = cfg->cash;
	for (size_t i = 0; i < r->n; i++)
		e[i + 1] = r->curve[i].equity;
}

void sim_buy_hold_equity(const struct sim_config *cfg, const struct sim_result *r, double *e)
{
	e[0] = cfg->cash;
	for (size_t i = 0; i < r->n; i++)
		e[i + 1] = r->curve[i].buy_hold_equity;
}
