/* plot_regime.c - `cra-plot regime`: the price coloured by the predicted regime, the class
 * probabilities stacked below.
 *
 * Reads rows of a regime model from cra-predict or cra-backtest: open_time,regime,p_bull,
 * p_neutral,p_bear (regime: bull, neutral or bear; rows whose regime is empty - another
 * model's - are skipped; --model picks one model, -H one horizon of cra-backtest's rows,
 * default the smallest).  The price comes from the same table's
 * close column (or cra-backtest's actual) when it has one, else from the candles (--candles
 * FILE or the store) at the same open_time. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const regime_name[3] = { "bear", "neutral", "bull" };
static const char *const regime_colour[3] = { PLOT_DOWN, PLOT_NEUTRAL, PLOT_UP };

static int regime_of(const char *text)
{
	for (int k = 0; k < 3; k++)
		if (!strcasecmp(text, regime_name[k]))
			return k;
	return -1;
}

int plot_regime(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	const char *why = "regime rows of cra-predict or cra-backtest: open_time,regime,p_bull,"
			  "p_neutral,p_bear";
	int tcol, rcol, pcol[3], model_col = plot_table_find(&t, "model");
	int price_col = plot_table_find(&t, "close");
	if (price_col < 0)
		price_col = plot_table_find(&t, "actual");
	r = plot_table_need(&t, "open_time", why, &tcol, err);
	if (!r)
		r = plot_table_need(&t, "regime", why, &rcol, err);
	for (int k = 0; k < 3 && !r; k++) {
		char name[16];
		snprintf(name, sizeof name, "p_%s", regime_name[k]);
		r = plot_table_need(&t, name, why, &pcol[k], err);
	}
	size_t *rows = NULL, n = 0, kept = 0;
	if (!r && req->model) { /* checks that the model is there */
		const char **models = NULL;
		r = plot_models(req, &t, model_col, &models, &n, err);
		free(models);
	}
	size_t *hrows = NULL, nh = 0;
	long long horizon = 0;
	if (!r)
		r = plot_horizon_rows(req, &t, &hrows, &nh, &horizon, err);
	if (!r)
		r = plot_model_rows(&t, model_col, req->model, hrows, nh, &rows, &n, err);
	free(hrows);
	int *regime = malloc((n ? n : 1) * sizeof *regime);
	if (!r && !regime)
		r = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		const char *text = plot_table_text(&t, rows[i], rcol);
		if (!*text)
			continue; /* a regression model's row */
		if ((regime[kept] = regime_of(text)) < 0)
			r = plot_table_fail(&t, rows[i], err, "field 'regime': expected bull, neutral or "
					    "bear, got '%.40s'", text);
		rows[kept++] = rows[i];
	}
	if (!r && !kept)
		r = cra_fail(err, EX_DATAERR, "%s: no row has a regime", t.name);
	int64_t *time = NULL;
	double *p = malloc(4 * (kept ? kept : 1) * sizeof *p); /* bear, neutral, bull, price */
	if (!r && !p)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_series_times(&t, tcol, rows, kept, NULL, &time, err);
	for (int k = 0; k < 3 && !r; k++)
		r = plot_table_numbers(&t, pcol[k], rows, kept, false, p + (size_t)k * kept, err);
	for (size_t i = 0; !r && i < kept; i++)
		for (int k = 0; k < 3 && !r; k++)
			if (p[(size_t)k * kept + i] < 0 || p[(size_t)k * kept + i] > 1)
				r = plot_table_fail(&t, rows[i], err, "field 'p_%s' is not a probability",
						    regime_name[k]);
	double *price = p + 3 * kept;
	struct candles c;
	candles_init(&c);
	if (!r && price_col >= 0) {
		r = plot_table_numbers(&t, price_col, rows, kept, true, price, err);
	} else if (!r) {
		struct interval iv;
		r = plot_load_candles(req, NULL, 0, &c, &iv, err);
		for (size_t i = 0; !r && i < kept; i++) {
			size_t j = candles_lower_bound(&c, time[i]);
			price[i] = j < c.n && c.open_time[j] == time[i] ? c.v[CF_CLOSE][j] : NAN;
		}
	}
	size_t b = 0, e = 0;
	if (!r) {
		plot_window(time, kept, req->from, req->to, req->last, &b, &e);
		if (b == e)
			r = cra_fail(err, EX_DATAERR, "%s: no row between --from and --to", t.name);
	}
	double lo = NAN, hi = NAN;
	if (!r) {
		plot_minmax(price + b, e - b, &lo, &hi);
		if (isnan(lo))
			r = cra_fail(err, EX_DATAERR, "%s: no price for the rows drawn (no candle opens at "
				     "their open_time)", t.name);
	}
	if (r)
		goto done;

	size_t k = plot_stride(e - b, &req->target);
	ps_printf(s, "# open_time price colour(regime) p_bear p_bear+p_neutral p_bear+p_neutral+p_bull\n"
		  "$regime << EOD\n");
	for (size_t i = b; i < e; i += k) {
		ps_printf(s, "%lld ", (long long)time[i]);
		ps_number(s, price[i]);
		ps_printf(s, " 0x%s ", regime_colour[regime[i]] + 1);
		ps_number(s, p[i]);
		ps_sep(s);
		ps_number(s, p[i] + p[kept + i]);
		ps_sep(s);
		ps_number(s, p[i] + p[kept + i] + p[2 * kept + i]);
		ps_eol(s);
	}
	ps_block_end(s);
	char title[256], what[160], a[32], z[32];
	plot_time_text(time[b], a, sizeof a);
	plot_time_text(time[e - 1], z, sizeof z);
	char hz[48] = "";
	if (horizon)
		snprintf(hz, sizeof hz, ", horizon %lld", horizon);
	snprintf(what, sizeof what, "predicted regime%s, %s .. %s UTC", hz, a, z);
	plot_title(req, what, t.name, title, sizeof title);
	ps_style(s, &req->target);
	ps_time_axis(s, &req->target, time[b], time[e - 1]);
	if (k > 1)
		ps_printf(s, "xlab = 'time (UTC); a point: every %zu rows'\n", k);
	struct plot_panels pan = { .n = 2, .weight = { 3, 1.4 } };
	ps_panels_begin(s, &pan, title, &req->target);
	ps_panel(s, &pan, 0);
	ps_yrange_guard(s, "y", lo, hi);
	/* A segment takes the colour of the row it ends at: the regime predicted for it. */
	ps_printf(s, "set ylabel 'price'\nset offsets 0, 0, graph 0.08, 0\n"
		  "plot $regime using ($1/1000):2:3 with lines lw 2 lc rgb variable notitle");
	for (int j = 2; j >= 0; j--)
		ps_printf(s, ", \\\n  keyentry with lines lw 2 lc rgb '%s' title '%s'", regime_colour[j],
			  regime_name[j]);
	ps_printf(s, "\nset offsets 0, 0, 0, 0\n");
	ps_panel(s, &pan, 1);
	ps_printf(s, "set ylabel 'probability'\nset yrange [0:1]\nset ytics 0.5\nunset key\n");
	if (req->target.term == PLOT_TERM_DUMB) /* no fills: the two boundaries */
		ps_printf(s, "plot $regime using ($1/1000):4 with lines title 'p_bear', \\\n"
			  "  $regime using ($1/1000):5 with lines title 'p_bear+p_neutral'\n");
	else
		ps_printf(s, "plot $regime using ($1/1000):(0):4 with filledcurves fc rgb '%s' "
			  "title 'p_bear', \\\n"
			  "  $regime using ($1/1000):4:5 with filledcurves fc rgb '%s' title 'p_neutral', \\\n"
			  "  $regime using ($1/1000):5:6 with filledcurves fc rgb '%s' title 'p_bull'\n",
			  PLOT_DOWN, PLOT_NEUTRAL, PLOT_UP);
	ps_printf(s, "set ytics autofreq\n");
	ps_panels_end(s);
done:
	candles_free(&c);
	free(rows);
	free(regime);
	free(time);
	free(p);
	plot_table_free(&t);
	return r;
}
