/* plot_forecast.c - `cra-plot forecast`: recent candles, the forecast and its band, trades.
 *
 * Reads cra-predict's table, open_time,step,model,pred,lower,upper (open_time: the candle a
 * row forecasts; rows of a regime model, whose pred is empty, are left to `cra-plot regime`).
 * Beneath it go the --last N (default 100) candles before the forecast's first time and any
 * candles already known within it (from --candles FILE or the store), and cra-sim's trades
 * (--trades) as buy and sell markers at their prices. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_HISTORY 100

struct forecast_line {
	const char *model;
	size_t n;      /* rows with a pred */
	int64_t *time;
	double *pred, *lower, *upper;
	bool band;
};

static void line_free(struct forecast_line *f)
{
	free(f->time);
	free(f->pred);
	free(f->lower);
	free(f->upper);
}

/* Keeps the rows of one model that have a pred, in time order. */
static int load_line(const struct plot_table *t, const int *col, int model_col, const char *model,
		     struct forecast_line *f, struct cra_error *err)
{
	size_t *rows = NULL, n = 0, kept = 0;
	int r = plot_model_rows(t, model_col, model, NULL, 0, &rows, &n, err);
	double *pred = malloc((n ? n : 1) * sizeof *pred);
	if (!r && !pred)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_table_numbers(t, col[1], rows, n, true, pred, err);
	for (size_t i = 0; !r && i < n; i++)
		if (isfinite(pred[i]))
			rows[kept++] = rows[i];
	f->model = model;
	f->n = kept;
	f->pred = malloc((kept ? kept : 1) * sizeof(double));
	f->lower = malloc((kept ? kept : 1) * sizeof(double));
	f->upper = malloc((kept ? kept : 1) * sizeof(double));
	if (!r && (!f->pred || !f->lower || !f->upper))
		r = cra_fail(err, EX_OSERR, "out of memory");
	char what[160];
	snprintf(what, sizeof what, "model '%s'", model ? model : "");
	if (!r)
		r = plot_series_times(t, col[0], rows, kept, model ? what : NULL, &f->time, err);
	if (!r)
		r = plot_table_numbers(t, col[1], rows, kept, false, f->pred, err);
	for (int b = 0; b < 2 && !r; b++) {
		double *dst = b ? f->upper : f->lower;
		if (col[2 + b] < 0)
			for (size_t i = 0; i < kept; i++)
				dst[i] = NAN;
		else
			r = plot_table_numbers(t, col[2 + b], rows, kept, true, dst, err);
	}
	if (!r)
		r = plot_table_check_band(t, rows, kept, f->lower, f->upper, err);
	for (size_t i = 0; !r && i < kept; i++)
		f->band |= isfinite(f->lower[i]) && isfinite(f->upper[i]);
	free(rows);
	free(pred);
	return r;
}

/* The candles drawn: `history` before the forecast's first time and those within it. */
static void write_candles(struct plot_script *s, const struct candles *c, int64_t f0, int64_t f1,
			  size_t history, size_t *b, size_t *e)
{
	size_t first = candles_lower_bound(c, f0);
	*b = first > history ? first - history : 0;
	*e = candles_lower_bound(c, f1 + 1);
	if (*b == *e)
		return;
	ps_printf(s, "# open_time open high low close\n");
	ps_block_begin(s, "candles");
	for (size_t i = *b; i < *e; i++) {
		ps_printf(s, "%lld", (long long)c->open_time[i]);
		for (int f = 0; f < 4; f++) {
			ps_sep(s);
			ps_number(s, c->v[f][i]);
		}
		ps_eol(s);
	}
	ps_block_end(s);
}

int plot_forecast(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	const char *why = "cra-predict's table: open_time,step,model,pred,lower,upper";
	int col[4], model_col = plot_table_find(&t, "model");
	r = plot_table_need(&t, "open_time", why, &col[0], err);
	if (!r)
		r = plot_table_need(&t, "pred", why, &col[1], err);
	col[2] = plot_table_find(&t, "lower");
	col[3] = plot_table_find(&t, "upper");
	const char **models = NULL;
	size_t nmodels = 1, drawn = 0;
	if (!r)
		r = plot_models(req, &t, model_col, &models, &nmodels, err);
	struct forecast_line *f = calloc(nmodels, sizeof *f);
	if (!r && !f)
		r = cra_fail(err, EX_OSERR, "out of memory");
	int64_t f0 = INT64_MAX, f1 = INT64_MIN;
	for (size_t k = 0; !r && k < nmodels; k++) {
		r = load_line(&t, col, model_col, models ? models[k] : NULL, &f[k], err);
		if (!r && f[k].n) {
			drawn++;
			f0 = f[k].time[0] < f0 ? f[k].time[0] : f0;
			f1 = f[k].time[f[k].n - 1] > f1 ? f[k].time[f[k].n - 1] : f1;
		}
	}
	if (!r && !drawn)
		r = cra_fail(err, EX_DATAERR, "%s: no row has a pred value (a regime model's forecast "
			     "is drawn by 'cra-plot regime')", t.name);

	struct candles c;
	struct interval iv;
	candles_init(&c);
	size_t cb = 0, ce = 0;
	if (!r && (req->candles || req->symbol))
		r = plot_load_candles(req, NULL, 0, &c, &iv, err);
	if (!r)
		write_candles(s, &c, f0, f1, req->last ? req->last : DEFAULT_HISTORY, &cb, &ce);
	int64_t x0 = cb < ce && c.open_time[cb] < f0 ? c.open_time[cb] : f0;
	size_t nbuy = 0, nsell = 0;
	if (!r && req->trades)
		r = plot_write_trades(req->trades, x0, f1, NULL, NULL, 0, s, &nbuy, &nsell, err);
	if (r)
		goto done;

	for (size_t k = 0; k < nmodels; k++) {
		if (!f[k].n)
			continue;
		ps_printf(s, "# %s: open_time pred lower upper\n$f%zu << EOD\n",
			  f[k].model ? f[k].model : "forecast", k);
		for (size_t i = 0; i < f[k].n; i++) {
			ps_printf(s, "%lld ", (long long)f[k].time[i]);
			ps_number(s, f[k].pred[i]);
			ps_sep(s);
			ps_number(s, f[k].lower[i]);
			ps_sep(s);
			ps_number(s, f[k].upper[i]);
			ps_eol(s);
		}
		ps_block_end(s);
	}
	char title[256], what[128], a[32];
	plot_time_text(f0, a, sizeof a);
	snprintf(what, sizeof what, "forecast from %s UTC", a);
	plot_title(req, what, t.name, title, sizeof title);
	ps_style(s, &req->target);
	ps_time_axis(s, &req->target, x0, f1);
	ps_printf(s, "set title ");
	ps_quote(s, title);
	/* The range: a flat forecast over no candles must not leave gnuplot an empty one. */
	double lo = NAN, hi = NAN;
	for (size_t i = cb; i < ce; i++) {
		lo = fmin(lo, c.v[CF_LOW][i]);
		hi = fmax(hi, c.v[CF_HIGH][i]);
	}
	for (size_t k = 0; k < nmodels; k++)
		for (size_t i = 0; i < f[k].n; i++) {
			double v[] = { f[k].pred[i], f[k].lower[i], f[k].upper[i] };
			for (int j = 0; j < 3; j++)
				if (isfinite(v[j])) {
					lo = fmin(lo, v[j]);
					hi = fmax(hi, v[j]);
				}
		}
	ps_printf(s, "\n");
	ps_yrange_guard(s, "y", lo, hi);
	ps_printf(s, "set ylabel 'price'\nset offsets 0, 0, graph 0.1, 0\n");
	/* Where the forecast begins: the open of its first candle. */
	ps_printf(s, "set arrow from %.3f, graph 0 to %.3f, graph 1 nohead dt 2 lc rgb '#909090'\n",
		  (double)f0 / 1000, (double)f0 / 1000);
	bool fills = req->target.term != PLOT_TERM_DUMB;
	bool sticks = ce - cb <= 400 && fills;
	if (cb < ce && sticks)
		ps_printf(s, "set boxwidth %.6g absolute\n",
			  (double)(iv.name ? iv.ms : 3600000) / 1000 * 0.7);
	const char *sep = "plot ";
	for (size_t k = 0; k < nmodels && fills; k++) {
		if (!f[k].band)
			continue;
		char band[160];
		snprintf(band, sizeof band, "%s band", f[k].model ? f[k].model : "forecast");
		ps_printf(s, "%s$f%zu using ($1/1000):3:4 with filledcurves fc rgb '%s' "
			  "fs transparent solid 0.2 noborder title ", sep, k,
			  plot_series_color[k % PLOT_NSERIES]);
		ps_quote(s, band);
		sep = ", \\\n  ";
	}
	if (cb < ce) {
		if (sticks)
			ps_printf(s, "%s$candles using ($1/1000):($5>=$2?$2:NaN):4:3:5 with candlesticks "
				  "lc rgb '%s' fs solid 1.0 border lc rgb '%s' title 'rising', \\\n"
				  "  $candles using ($1/1000):($5<$2?$2:NaN):4:3:5 with candlesticks "
				  "lc rgb '%s' fs solid 1.0 border lc rgb '%s' title 'falling'", sep,
				  PLOT_UP, PLOT_UP, PLOT_DOWN, PLOT_DOWN);
		else
			ps_printf(s, "%s$candles using ($1/1000):5 with lines lc rgb '%s' lw 1.2 "
				  "title 'close'", sep, PLOT_PRICE);
		sep = ", \\\n  ";
	}
	for (size_t k = 0; k < nmodels; k++) {
		if (!f[k].n)
			continue;
		ps_printf(s, "%s$f%zu using ($1/1000):2 with linespoints pt 7 ps 0.5 lw 1.8 lc rgb '%s' "
			  "title ", sep, k, plot_series_color[k % PLOT_NSERIES]);
		ps_quote(s, f[k].model ? f[k].model : "forecast");
		sep = ", \\\n  ";
	}
	plot_trade_markers(s, nbuy, nsell);
	ps_eol(s);
done:
	for (size_t k = 0; f && k < nmodels; k++)
		line_free(&f[k]);
	free(f);
	free(models);
	candles_free(&c);
	plot_table_free(&t);
	return r;
}
