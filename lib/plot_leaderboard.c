/* plot_leaderboard.c - `cra-plot leaderboard`: RMSE and MAE of each model, one panel per
 * symbol.
 *
 * Reads cra-backtest --leaderboard's table: a row per (symbol, interval, model, horizon
 * [, period]) with at least symbol,interval,model,horizon,rmse,mae.  Each (symbol, interval,
 * horizon, period) gets a panel of grouped bars - RMSE and MAE side by side for each model,
 * best RMSE first - with the naive model's RMSE as a dashed line to beat.  Prices of
 * different symbols differ by orders of magnitude, so each panel has its own scale. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PANELS 16

enum { C_SYMBOL, C_INTERVAL, C_MODEL, C_HORIZON, C_RMSE, C_MAE, NCOLS };
static const char *const col_names[NCOLS] = { "symbol", "interval", "model", "horizon", "rmse", "mae" };

struct entry {
	size_t row;
	double rmse, mae;
};

static int by_rmse(const void *a, const void *b)
{
	double x = ((const struct entry *)a)->rmse, y = ((const struct entry *)b)->rmse;
	return (x > y) - (x < y);
}

/* The panel a row belongs to: "BTCUSDT 1h, horizon 1[, period]". */
static void panel_key(const struct plot_table *t, const int *col, int period_col, size_t r,
		      char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s %s, horizon %s", plot_table_text(t, r, col[C_SYMBOL]),
			 plot_table_text(t, r, col[C_INTERVAL]), plot_table_text(t, r, col[C_HORIZON]));
	if (period_col >= 0 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", %s", plot_table_text(t, r, period_col));
}

/* The rows --symbol and --horizon keep. */
static bool wanted(const struct plot_request *req, const struct plot_table *t, const int *col,
		   const double *horizon, size_t r)
{
	if (req->symbol && strcmp(plot_table_text(t, r, col[C_SYMBOL]), req->symbol))
		return false;
	return !req->horizon || horizon[r] == (double)req->horizon;
}

int plot_leaderboard(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	const char *why = "cra-backtest --leaderboard's table: symbol,interval,model,horizon,rmse,mae";
	int col[NCOLS], period_col = plot_table_find(&t, "period");
	for (int j = 0; j < NCOLS && !r; j++)
		r = plot_table_need(&t, col_names[j], why, &col[j], err);
	size_t n = t.nrows, npanels = 0;
	double *v = malloc(3 * n * sizeof *v); /* horizon, rmse, mae */
	char (*key)[160] = malloc(n * sizeof *key);
	size_t *panel = malloc(n * sizeof *panel), *first = malloc(n * sizeof *first);
	struct entry *e = malloc(n * sizeof *e);
	if (!r && (!v || !key || !panel || !first || !e))
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_table_numbers(&t, col[C_HORIZON], NULL, 0, false, v, err);
	if (!r)
		r = plot_table_numbers(&t, col[C_RMSE], NULL, 0, false, v + n, err);
	if (!r)
		r = plot_table_numbers(&t, col[C_MAE], NULL, 0, false, v + 2 * n, err);
	/* An error measure below zero is no backtest's: a hand-edited or corrupted table. */
	for (size_t i = 0; !r && i < n; i++)
		if (v[n + i] < 0 || v[2 * n + i] < 0)
			r = plot_table_fail(&t, i, err, "field '%s' is negative",
					    v[n + i] < 0 ? "rmse" : "mae");
	/* Panels in order of first appearance; first[p] is the first row of panel p. */
	for (size_t i = 0; !r && i < n; i++) {
		panel[i] = SIZE_MAX;
		if (!wanted(req, &t, col, v, i))
			continue;
		panel_key(&t, col, period_col, i, key[i], sizeof key[i]);
		size_t p = 0;
		while (p < npanels && strcmp(key[first[p]], key[i]))
			p++;
		if (p == npanels)
			first[npanels++] = i;
		panel[i] = p;
		for (size_t j = first[p]; j < i; j++)
			if (panel[j] == p && !strcmp(plot_table_text(&t, j, col[C_MODEL]),
						     plot_table_text(&t, i, col[C_MODEL])))
				r = plot_table_fail(&t, i, err, "a second row for model '%s' in %s (line %zu)",
						    plot_table_text(&t, i, col[C_MODEL]), key[i], t.line[j]);
	}
	if (!r && npanels == 0)
		r = cra_fail(err, EX_DATAERR, "%s: no row%s%s%s", t.name,
			     req->symbol ? " of symbol " : "", req->symbol ? req->symbol : "",
			     req->horizon ? " at that --horizon" : "");
	if (!r && npanels > MAX_PANELS)
		r = cra_fail(err, EX_DATAERR, "%s: %zu panels (symbol, interval, horizon%s) are too "
			     "many for one chart (%d at most): pick some with --symbol or --horizon",
			     t.name, npanels, period_col >= 0 ? ", period" : "", MAX_PANELS);
	if (r)
		goto done;

	size_t most = 0; /* models in the fullest panel */
	for (size_t p = 0; p < npanels; p++) {
		size_t m = 0;
		for (size_t i = first[p]; i < n; i++)
			if (panel[i] == p)
				e[m++] = (struct entry){ i, v[n + i], v[2 * n + i] };
		most = m > most ? m : most;
		qsort(e, m, sizeof *e, by_rmse);
		ps_printf(s, "# %s: model rmse mae\n$p%zu << EOD\n", key[first[p]], p);
		for (size_t j = 0; j < m; j++) {
			ps_data_text(s, plot_table_text(&t, e[j].row, col[C_MODEL]));
			ps_sep(s);
			ps_number(s, e[j].rmse);
			ps_sep(s);
			ps_number(s, e[j].mae);
			ps_eol(s);
		}
		ps_block_end(s);
	}
	char title[256];
	plot_title(req, "leaderboard: RMSE and MAE by model (lower is better)", t.name, title,
		   sizeof title);
	ps_style(s, &req->target);
	size_t cols = (size_t)ceil(sqrt((double)npanels)), rows = (npanels + cols - 1) / cols;
	ps_printf(s, "set style data histograms\nset style histogram clustered gap 1\n"
		  "set style fill solid 0.85 noborder\nset boxwidth 0.9\n"
		  "set xtics nomirror scale 0 %s\nset grid noxtics ytics\n"
		  "set key top left horizontal\n", most > 4 ? "rotate by -25" : "norotate");
	ps_printf(s, "set multiplot layout %zu,%zu title ", rows, cols);
	ps_quote(s, title);
	ps_eol(s);
	for (size_t p = 0; p < npanels; p++) {
		/* Room above the tallest bar for the key; the bars from the left edge. */
		double top = 0;
		size_t m = 0;
		for (size_t i = first[p]; i < n; i++)
			if (panel[i] == p) {
				m++;
				top = fmax(top, fmax(v[n + i], v[2 * n + i]));
			}
		ps_printf(s, "set xrange [-0.6:%.1f]\nset yrange [0:", (double)m - 0.4);
		ps_number(s, top > 0 ? top * 1.2 : 1);
		ps_printf(s, "]\nset title ");
		ps_quote(s, key[first[p]]);
		ps_printf(s, "\nplot $p%zu using 2:xtic(1) lc rgb '%s' title 'RMSE', "
			  "'' using 3 lc rgb '%s' title 'MAE'", p, plot_series_color[0],
			  plot_series_color[1]);
		for (size_t i = first[p]; i < n; i++)
			if (panel[i] == p && !strcmp(plot_table_text(&t, i, col[C_MODEL]), "naive")) {
				ps_printf(s, ", \\\n  ");
				ps_number(s, v[n + i]);
				ps_printf(s, " with lines dt 2 lw 1.5 lc rgb '%s' title 'naive RMSE'",
					  PLOT_PRICE);
			}
		ps_eol(s);
	}
	ps_printf(s, "unset multiplot\n");
done:
	free(v);
	free(key);
	free(panel);
	free(first);
	free(e);
	plot_table_free(&t);
	return r;
}
