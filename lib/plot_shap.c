/* plot_shap.c - `cra-plot shap`: horizontal bars of SHAP values, global or for one candle.
 *
 * Reads either of cra-explain's tables, told apart by their columns:
 *   --summary: feature,mean_abs_shap,mean_shap,rank ([class,] first for regime models) - the
 *     global importance, bars of mean |SHAP|, coloured by the sign of mean SHAP (which way the
 *     feature pushes forecasts on balance);
 *   per candle: open_time,[class,]prediction,base_value,<one column per feature> - one
 *     candle's contributions (--at TIME, default the last), green raising the forecast, red
 *     lowering it; the features beyond --top summed in one "others" bar.
 * The largest --top (20) features are shown, most important at the top. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bar {
	const char *name;
	double value;  /* the bar's length */
	double sign;   /* its colour: >= 0 green, < 0 red */
};

static int by_size(const void *a, const void *b)
{
	double x = fabs(((const struct bar *)a)->value), y = fabs(((const struct bar *)b)->value);
	return (x < y) - (x > y);
}

static bool is_listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == len && !strncmp(p, name, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* The rows of the --class asked for; a table with several classes needs one. */
static int class_rows(const struct plot_request *req, const struct plot_table *t, size_t **rows,
		      size_t *n, struct cra_error *err)
{
	int c = plot_table_find(t, "class");
	if (c < 0) {
		if (req->shap_class)
			return cra_fail(err, EX_DATAERR, "%s:1: no 'class' column to pick --class %s "
					"from (a regime model's table has one)", t->name, req->shap_class);
		return plot_model_rows(t, -1, NULL, NULL, 0, rows, n, err);
	}
	const char **classes;
	size_t nc;
	int r = plot_table_distinct(t, c, &classes, &nc, err);
	if (r)
		return r;
	const char *want = req->shap_class ? req->shap_class : nc == 1 ? classes[0] : NULL;
	if (!want) {
		char list[256] = "";
		for (size_t k = 0, len = 0; k < nc && len < sizeof list; k++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "",
						classes[k]);
		free(classes);
		return cra_fail(err, EX_USAGE, "%s has the SHAP values of classes %s: pick one with "
				"--class", t->name, list);
	}
	free(classes);
	r = plot_table_select(t, c, want, NULL, 0, rows, n, err);
	if (!r && !*n) {
		free(*rows);
		*rows = NULL;
		r = cra_fail(err, EX_DATAERR, "%s: no row of class '%s'", t->name, want);
	}
	return r;
}

/* Global importance from the summary table. */
static int summary_bars(const struct plot_request *req, const struct plot_table *t,
			const size_t *rows, size_t n, struct bar *bars, size_t *nbars,
			char *what, size_t size, struct cra_error *err)
{
	int fcol, acol, mcol = plot_table_find(t, "mean_shap");
	const char *why = "cra-explain --summary's table: feature,mean_abs_shap,mean_shap,rank";
	int r = plot_table_need(t, "feature", why, &fcol, err);
	if (!r)
		r = plot_table_need(t, "mean_abs_shap", why, &acol, err);
	double *abs_v = malloc(n * sizeof *abs_v), *mean = malloc(n * sizeof *mean);
	if (!r && (!abs_v || !mean))
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_table_numbers(t, acol, rows, n, false, abs_v, err);
	if (!r && mcol >= 0)
		r = plot_table_numbers(t, mcol, rows, n, true, mean, err);
	*nbars = 0;
	for (size_t i = 0; !r && i < n; i++) {
		const char *name = plot_table_text(t, rows[i], fcol);
		if (abs_v[i] < 0)
			r = plot_table_fail(t, rows[i], err, "field 'mean_abs_shap' is negative");
		else if (!req->features || is_listed(req->features, name))
			bars[(*nbars)++] = (struct bar){ name, abs_v[i], mcol >= 0 ? mean[i] : 1 };
	}
	snprintf(what, size, "feature importance: mean |SHAP|%s", mcol >= 0
		 ? " (green: raises forecasts on balance, red: lowers them)" : "");
	free(abs_v);
	free(mean);
	return r;
}

/* One candle's contributions from the per-candle table. */
static int row_bars(const struct plot_request *req, const struct plot_table *t,
		    const size_t *rows, size_t n, struct bar *bars, size_t *nbars, char *what,
		    size_t size, struct cra_error *err)
{
	int tcol, pcol, bcol, ccol = plot_table_find(t, "class");
	const char *why = "cra-explain's table: open_time,prediction,base_value,<features>";
	int r = plot_table_need(t, "open_time", why, &tcol, err);
	if (!r)
		r = plot_table_need(t, "prediction", why, &pcol, err);
	if (!r)
		r = plot_table_need(t, "base_value", why, &bcol, err);
	int64_t *time = NULL;
	if (!r)
		r = plot_series_times(t, tcol, rows, n, NULL, &time, err);
	if (r)
		return r;
	size_t i = n - 1;
	if (req->at != INT64_MIN) {
		for (i = 0; i < n && time[i] != req->at; i++)
			;
		if (i == n) {
			char when[32];
			plot_time_text(req->at, when, sizeof when);
			free(time);
			return cra_fail(err, EX_DATAERR, "%s: no row with open_time %s UTC (--at)",
					t->name, when);
		}
	}
	size_t row = rows[i];
	double pred, base;
	r = plot_table_numbers(t, pcol, &row, 1, false, &pred, err);
	if (!r)
		r = plot_table_numbers(t, bcol, &row, 1, false, &base, err);
	*nbars = 0;
	for (size_t j = 0; !r && j < t->ncols; j++) {
		int c = (int)j;
		if (c == tcol || c == pcol || c == bcol || c == ccol)
			continue;
		double v;
		r = plot_table_numbers(t, c, &row, 1, false, &v, err);
		if (!r && (!req->features || is_listed(req->features, t->col_name[j])))
			bars[(*nbars)++] = (struct bar){ t->col_name[j], v, v };
	}
	char when[32];
	plot_time_text(time[i], when, sizeof when);
	snprintf(what, size, "SHAP values at %s UTC (prediction %.4g, base %.4g)", when, pred, base);
	free(time);
	return r;
}

int plot_shap(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	bool summary = plot_table_find(&t, "mean_abs_shap") >= 0;
	if (!summary && plot_table_find(&t, "base_value") < 0) {
		r = cra_fail(err, EX_DATAERR, "%s:1: no 'mean_abs_shap' column (cra-explain --summary's "
			     "table) nor 'base_value' column (its per-candle table) in the header", t.name);
		plot_table_free(&t);
		return r;
	}
	size_t *rows = NULL, n = 0, nbars = 0;
	struct bar *bars = malloc((t.ncols + t.nrows + 1) * sizeof *bars);
	char what[200] = "";
	if (!bars)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = class_rows(req, &t, &rows, &n, err);
	if (!r && summary && req->at != INT64_MIN)
		r = cra_fail(err, EX_USAGE, "--at picks a candle of cra-explain's per-candle table; "
			     "%s is a --summary", t.name);
	if (!r && summary)
		r = summary_bars(req, &t, rows, n, bars, &nbars, what, sizeof what, err);
	else if (!r)
		r = row_bars(req, &t, rows, n, bars, &nbars, what, sizeof what, err);
	if (!r && !nbars)
		r = cra_fail(err, EX_DATAERR, "%s: no feature to draw%s", t.name,
			     req->features ? " (none of --feature is in the table)" : "");
	if (r)
		goto done;
	qsort(bars, nbars, sizeof *bars, by_size);
	/* Beyond --top: summed into one bar for a candle (its contributions still add up to the
	 * prediction), left out of the global importance (means of |SHAP| do not add up). */
	size_t shown = nbars > req->top ? req->top : nbars;
	char others[64] = "";
	double rest = 0;
	if (!summary && nbars > shown) {
		for (size_t k = shown; k < nbars; k++)
			rest += bars[k].value;
		snprintf(others, sizeof others, "%zu others", nbars - shown);
	}
	ps_printf(s, "# feature value sign (bottom to top)\n$bars << EOD\n");
	if (*others) {
		ps_data_text(s, others);
		ps_sep(s);
		ps_number(s, rest);
		ps_sep(s);
		ps_number(s, rest);
		ps_eol(s);
	}
	for (size_t k = shown; k-- > 0;) {
		ps_data_text(s, bars[k].name);
		ps_sep(s);
		ps_number(s, bars[k].value);
		ps_sep(s);
		ps_number(s, bars[k].sign);
		ps_eol(s);
	}
	ps_block_end(s);
	char title[256];
	plot_title(req, what, t.name, title, sizeof title);
	ps_style(s, &req->target);
	size_t nrows_drawn = shown + (*others ? 1 : 0);
	ps_printf(s, "set title ");
	ps_quote(s, title);
	ps_printf(s, "\nunset key\nset grid xtics noytics\nset ytics scale 0\nset border 1\n"
		  "set yrange [-0.6:%.1f]\nset xlabel '%s'\nset style fill solid 0.85 noborder\n"
		  "set yzeroaxis lt 1 lc rgb '#606060'\n%s",
		  (double)nrows_drawn - 0.4, summary ? "mean |SHAP value|" : "SHAP value",
		  summary ? "" : "set offsets graph 0.05, graph 0.05, 0, 0\n");
	/* Every value 0 (a feature the trees never split on) would leave an empty range. */
	double top = fabs(rest);
	for (size_t k = 0; k < shown; k++)
		top = fmax(top, fabs(bars[k].value));
	if (summary) {
		ps_printf(s, "set xrange [0:");
		ps_number(s, top > 0 ? top * 1.05 : 1);
		ps_printf(s, "]\n");
	} else if (top == 0) {
		ps_printf(s, "set xrange [-1:1]\n");
	}
	ps_printf(s, "plot $bars using ($2/2):0:(abs($2)/2):(0.38):($3>=0?0x%s:0x%s):ytic(1) "
		  "with boxxyerror lc rgb variable\n", &PLOT_UP[1], &PLOT_DOWN[1]);
done:
	free(rows);
	free(bars);
	plot_table_free(&t);
	return r;
}
