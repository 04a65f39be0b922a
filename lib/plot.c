/* plot.c - the table of chart kinds and what they share; see plot.h. */
#include "plot.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "candles_io.h"
#include "gaps.h"
#include "store.h"
#include "timefmt.h"

const struct plot_kind plot_kinds[] = {
	{ "candles", "candlesticks, volume, overlays (SMA EMA BB VWAP Fibonacci), RSI and MACD panels", plot_candles },
	{ "forecast", "recent candles, the forecast with its band, buy/sell markers (cra-predict)", plot_forecast },
	{ "backtest", "predicted vs actual over time, and the residuals (cra-backtest)", plot_backtest },
	{ "leaderboard", "RMSE and MAE of each model, per symbol (cra-backtest --leaderboard)", plot_leaderboard },
	{ "drift", "baseline vs recent histograms per feature, KS JS PSI (cra-drift)", plot_drift },
	{ "shap", "mean |SHAP| per feature, or one candle's contributions (cra-explain)", plot_shap },
	{ "equity", "equity against buy-and-hold, drawdown below (cra-sim)", plot_equity },
	{ "regime", "price coloured by predicted regime, class probabilities below", plot_regime },
	{ NULL, NULL, NULL },
};

const struct plot_kind *plot_kind_find(const char *name)
{
	for (const struct plot_kind *k = plot_kinds; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

void plot_request_init(struct plot_request *req)
{
	memset(req, 0, sizeof *req);
	req->input = "-";
	req->from = INT64_MIN;
	req->to = INT64_MAX;
	req->at = INT64_MIN;
	req->top = 20;
	req->target.width = PLOT_DEFAULT_WIDTH;
	req->target.height = PLOT_DEFAULT_HEIGHT;
	feature_spec_init(&req->overlays);
}

int plot_load_candles(const struct plot_request *req, const char *path, size_t history,
		      struct candles *c, struct interval *iv, struct cra_error *err)
{
	memset(iv, 0, sizeof *iv);
	if (!path)
		path = req->candles;
	if (req->interval && interval_parse(req->interval, iv))
		return cra_fail(err, EX_USAGE, "unknown interval '%s' (1m 3m 5m 15m 30m 1h 2h 4h 6h "
				"8h 12h 1d 3d 1w 1M)", req->interval);
	if (path) {
		int r = candles_load(path, c, err);
		if (r)
			return r;
		if (!iv->name && candles_guess_interval(c, iv))
			memset(iv, 0, sizeof *iv);
		return 0;
	}
	if (!req->symbol)
		return cra_fail(err, EX_USAGE, "which candles? give --candles FILE, or --symbol SYMBOL "
				"-i INTERVAL for the store's");
	if (!iv->name)
		return cra_fail(err, EX_USAGE, "--symbol needs the interval (-i 1h)");
	/* Enough history before --from for indicators to be what the whole series gives. */
	int64_t load_from = INT64_MIN;
	if (req->from != INT64_MIN && history < (size_t)(INT64_MAX / 4 / iv->ms))
		load_from = req->from - (int64_t)(history + 1) * iv->ms;
	struct store *st;
	struct store_options so = { NULL, req->db };
	bool exists = false;
	int r = store_open(&st, &so, err);
	if (r)
		return r;
	r = store_load(st, req->symbol, iv, load_from, req->to, c, &exists, err);
	if (!r && !exists)
		r = cra_fail(err, EX_NOINPUT, "no candles for %s %s in the %s", req->symbol, iv->name,
			     store_describe(st));
	store_close(st);
	return r;
}

int plot_table_candles(const struct plot_table *t, struct candles *c, struct cra_error *err)
{
	int tcol, col[CANDLE_NREQUIRED];
	int r = plot_table_need(t, "open_time", "a candle table", &tcol, err);
	for (int f = 0; !r && f < CANDLE_NREQUIRED; f++)
		r = plot_table_need(t, candle_field_name[f], "a candle table", &col[f], err);
	if (r)
		return r;
	size_t n = t->nrows;
	int64_t *time = malloc(n * sizeof *time);
	double *v = malloc(n * CANDLE_NREQUIRED * sizeof *v);
	if (!time || !v)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_table_times(t, tcol, NULL, 0, time, err);
	for (int f = 0; !r && f < CANDLE_NREQUIRED; f++)
		r = plot_table_numbers(t, col[f], NULL, 0, false, v + (size_t)f * n, err);
	candles_clear(c);
	if (!r && candles_reserve(c, n))
		r = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		double row[CANDLE_NFIELDS];
		for (int f = 0; f < CANDLE_NFIELDS; f++)
			row[f] = f < CANDLE_NREQUIRED ? v[(size_t)f * n + i] : NAN;
		const char *why, *field = candle_row_problem(row, 0, &why);
		if (field)
			r = plot_table_fail(t, i, err, "field '%s' %s", field, why);
		else if (i > 0 && time[i] <= time[i - 1])
			r = plot_table_fail(t, i, err, "field 'open_time' %s", time[i] == time[i - 1]
				? "duplicates the previous row's" : "is out of order (rows must be sorted by time)");
		else if (candles_push(c, time[i], row))
			r = cra_fail(err, EX_OSERR, "out of memory");
	}
	free(time);
	free(v);
	return r;
}

int plot_series_times(const struct plot_table *t, int c, const size_t *rows, size_t n,
		      const char *what, int64_t **out, struct cra_error *err)
{
	if (!rows)
		n = t->nrows;
	*out = malloc((n ? n : 1) * sizeof **out);
	if (!*out)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = plot_table_times(t, c, rows, n, *out, err);
	for (size_t i = 1; !r && i < n; i++)
		if ((*out)[i] <= (*out)[i - 1])
			r = plot_table_fail(t, rows ? rows[i] : i, err, "field '%s' %s%s%s", t->col_name[c],
					    (*out)[i] == (*out)[i - 1] ? "repeats the previous row's"
								      : "is earlier than the previous row's",
					    what ? " in " : "", what ? what : "");
	if (r) {
		free(*out);
		*out = NULL;
	}
	return r;
}

void plot_window(const int64_t *times, size_t n, int64_t from, int64_t to, size_t last,
		 size_t *begin, size_t *end)
{
	size_t b = 0, e = n;
	while (b < n && times[b] < from)
		b++;
	while (e > b && times[e - 1] >= to)
		e--;
	if (last && e - b > last)
		b = e - last;
	*begin = b;
	*end = e;
}

void plot_title(const struct plot_request *req, const char *what, const char *input_name,
		char *buf, size_t size)
{
	if (req->title) {
		snprintf(buf, size, "%s", req->title);
		return;
	}
	const char *who = req->symbol;
	if (!who && input_name && strcmp(input_name, "<stdin>")) {
		const char *slash = strrchr(input_name, '/');
		who = slash ? slash + 1 : input_name;
	}
	if (who && req->symbol && req->interval)
		snprintf(buf, size, "%s %s %s", who, req->interval, what);
	else if (who)
		snprintf(buf, size, "%s: %s", who, what);
	else
		snprintf(buf, size, "%s", what);
}

int plot_models(const struct plot_request *req, const struct plot_table *t, int model_col,
		const char ***models, size_t *n, struct cra_error *err)
{
	*models = NULL;
	*n = 1;
	if (model_col < 0) {
		if (req->model)
			return cra_fail(err, EX_DATAERR, "%s:1: no 'model' column in the header to pick "
					"--model %s from", t->name, req->model);
		return 0;
	}
	int r = plot_table_distinct(t, model_col, models, n, err);
	if (r || !req->model)
		return r;
	for (size_t k = 0; k < *n; k++)
		if (!strcmp((*models)[k], req->model)) {
			(*models)[0] = (*models)[k];
			*n = 1;
			return 0;
		}
	free(*models);
	*models = NULL;
	return cra_fail(err, EX_DATAERR, "%s: no row of model '%s' (column 'model')", t->name,
			req->model);
}

int plot_model_rows(const struct plot_table *t, int model_col, const char *model,
		    const size_t *base, size_t nbase, size_t **rows, size_t *n,
		    struct cra_error *err)
{
	if (model && model_col >= 0)
		return plot_table_select(t, model_col, model, base, nbase, rows, n, err);
	if (!base)
		nbase = t->nrows;
	*rows = malloc((nbase ? nbase : 1) * sizeof **rows);
	if (!*rows)
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < nbase; i++)
		(*rows)[i] = base ? base[i] : i;
	*n = nbase;
	return 0;
}

int plot_horizon_rows(const struct plot_request *req, const struct plot_table *t, size_t **rows,
		      size_t *n, long long *h, struct cra_error *err)
{
	int c = plot_table_find(t, "horizon");
	*h = 0;
	if (c < 0) {
		if (req->horizon)
			return cra_fail(err, EX_DATAERR, "%s:1: no 'horizon' column to pick -H %lld from",
					t->name, req->horizon);
		return plot_model_rows(t, -1, NULL, NULL, 0, rows, n, err);
	}
	double *v = malloc((t->nrows ? t->nrows : 1) * sizeof *v);
	if (!v)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = plot_table_numbers(t, c, NULL, 0, false, v, err);
	double want = (double)req->horizon, least = INFINITY;
	for (size_t i = 0; !r && i < t->nrows; i++)
		least = v[i] < least ? v[i] : least;
	if (!req->horizon)
		want = least;
	*rows = malloc((t->nrows ? t->nrows : 1) * sizeof **rows);
	if (!r && !*rows)
		r = cra_fail(err, EX_OSERR, "out of memory");
	*n = 0;
	for (size_t i = 0; !r && i < t->nrows; i++)
		if (v[i] == want)
			(*rows)[(*n)++] = i;
	if (!r && !*n)
		r = cra_fail(err, EX_DATAERR, "%s: no row of horizon %lld (-H)", t->name, req->horizon);
	free(v);
	if (r) {
		free(*rows);
		*rows = NULL;
		return r;
	}
	*h = (long long)want;
	return 0;
}

size_t plot_stride(size_t n, const struct plot_target *t)
{
	size_t most = (size_t)(t->term == PLOT_TERM_DUMB ? t->width : t->width / 2);
	if (most < 50)
		most = 50;
	return n > most ? (n + most - 1) / most : 1;
}

int plot_write_trades(const char *path, int64_t t0, int64_t t1, const int64_t *curve_t,
		      const double *curve_y, size_t n_curve, struct plot_script *s, size_t *nbuy,
		      size_t *nsell, struct cra_error *err)
{
	struct plot_table t;
	int tcol, scol, pcol, r = plot_table_load_header_only_ok(path, &t, err);
	if (r)
		return r;
	const char *why = "cra-sim's trade log: time,side,price,...";
	r = plot_table_need(&t, "time", why, &tcol, err);
	if (!r)
		r = plot_table_need(&t, "side", why, &scol, err);
	if (!r)
		r = plot_table_need(&t, "price", why, &pcol, err);
	int64_t *time = malloc((t.nrows ? t.nrows : 1) * sizeof *time);
	double *price = malloc((t.nrows ? t.nrows : 1) * sizeof *price);
	if (!r && (!time || !price))
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_table_times(&t, tcol, NULL, 0, time, err);
	if (!r)
		r = plot_table_numbers(&t, pcol, NULL, 0, false, price, err);
	*nbuy = *nsell = 0;
	size_t at = 0; /* the curve's point at or before the trade; trades come in time order */
	for (size_t i = 0; !r && i < t.nrows; i++) {
		const char *side = plot_table_text(&t, i, scol);
		bool buy = !strcasecmp(side, "buy");
		if (!buy && strcasecmp(side, "sell")) {
			r = plot_table_fail(&t, i, err, "field 'side': expected buy or sell, got '%.40s'",
					    side);
			break;
		}
		if (i > 0 && time[i] < time[i - 1]) {
			r = plot_table_fail(&t, i, err, "field 'time' is earlier than the previous row's");
			break;
		}
		if (time[i] < t0 || time[i] > t1)
			continue;
		double y = price[i];
		if (curve_t) {
			while (at + 1 < n_curve && curve_t[at + 1] <= time[i])
				at++;
			y = n_curve && curve_t[at] <= time[i] ? curve_y[at] : NAN;
			if (isnan(y))
				continue; /* before the curve starts */
		}
		if (!*nbuy && !*nsell)
			ps_block_begin(s, "trades");
		ps_printf(s, "%lld ", (long long)time[i]);
		ps_number(s, y);
		ps_printf(s, " %d\n", buy);
		++*(buy ? nbuy : nsell);
	}
	if (!r && (*nbuy || *nsell))
		ps_block_end(s);
	free(time);
	free(price);
	plot_table_free(&t);
	return r;
}

void plot_trade_markers(struct plot_script *s, size_t nbuy, size_t nsell)
{
	if (nbuy)
		ps_printf(s, ", \\\n  $trades using ($1/1000):($3==1?$2:NaN) with points pt 9 ps 1.8 "
			  "lc rgb '#00695c' title 'buy'");
	if (nsell)
		ps_printf(s, ", \\\n  $trades using ($1/1000):($3==0?$2:NaN) with points pt 11 ps 1.8 "
			  "lc rgb '#b71c1c' title 'sell'");
}

void plot_time_text(int64_t t_ms, char *buf, size_t size)
{
	int64_t days = t_ms / MS_PER_DAY, rest = t_ms % MS_PER_DAY;
	if (rest < 0) {
		rest += MS_PER_DAY;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04lld-%02u-%02u %02d:%02d", (long long)y, m, d,
		 (int)(rest / MS_PER_HOUR), (int)(rest % MS_PER_HOUR / MS_PER_MINUTE));
}
