/* plot_backtest.c - `cra-plot backtest`: predicted against actual over time, residuals below.
 *
 * Reads cra-backtest's table, open_time,actual,pred[,lower,upper][,model][,horizon]: one
 * horizon (-H, default the smallest), one line per model (or the --model one), the actual
 * price once (the models share it), each model's band when
 * its lower and upper cells are there, and each model's RMSE and MAE over the rows drawn in
 * the legend (lib/metrics.h: the same definitions as cra-backtest's report). */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

struct series {
	const char *model;
	size_t n;
	int64_t *time;
	double *actual, *pred, *lower, *upper;
	size_t i0, i1; /* the rows drawn */
	bool band;     /* some row drawn has its band */
};

static void series_free(struct series *m)
{
	free(m->time);
	free(m->actual);
	free(m->pred);
	free(m->lower);
	free(m->upper);
}

struct actual_point {
	int64_t t;
	double v;
};

static int by_time(const void *a, const void *b)
{
	int64_t x = ((const struct actual_point *)a)->t, y = ((const struct actual_point *)b)->t;
	return (x > y) - (x < y);
}

static int load_series(const struct plot_table *t, const int *col, const size_t *rows, size_t n,
		       const char *model, struct series *m, struct cra_error *err)
{
	char what[160];
	snprintf(what, sizeof what, "model '%s'", model ? model : "");
	m->model = model;
	m->n = n;
	m->actual = malloc(n * sizeof(double));
	m->pred = malloc(n * sizeof(double));
	m->lower = malloc(n * sizeof(double));
	m->upper = malloc(n * sizeof(double));
	if (!m->actual || !m->pred || !m->lower || !m->upper)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = plot_series_times(t, col[0], rows, n, model ? what : NULL, &m->time, err);
	if (!r)
		r = plot_table_numbers(t, col[1], rows, n, false, m->actual, err);
	if (!r)
		r = plot_table_numbers(t, col[2], rows, n, false, m->pred, err);
	for (int b = 0; b < 2 && !r; b++) {
		double *dst = b ? m->upper : m->lower;
		if (col[3 + b] < 0)
			for (size_t i = 0; i < n; i++)
				dst[i] = NAN;
		else
			r = plot_table_numbers(t, col[3 + b], rows, n, true, dst, err);
	}
	if (!r)
		r = plot_table_check_band(t, rows, n, m->lower, m->upper, err);
	return r;
}

/* The actual prices of every model's rows, once per time. */
static int union_actual(const struct series *m, size_t nm, struct actual_point **out, size_t *n,
			struct cra_error *err)
{
	size_t total = 0;
	for (size_t k = 0; k < nm; k++)
		total += m[k].n;
	struct actual_point *p = malloc((total ? total : 1) * sizeof *p);
	if (!p)
		return cra_fail(err, EX_OSERR, "out of memory");
	size_t j = 0;
	for (size_t k = 0; k < nm; k++)
		for (size_t i = 0; i < m[k].n; i++)
			p[j++] = (struct actual_point){ m[k].time[i], m[k].actual[i] };
	qsort(p, total, sizeof *p, by_time);
	*n = 0;
	for (size_t i = 0; i < total; i++)
		if (*n == 0 || p[*n - 1].t != p[i].t)
			p[(*n)++] = p[i];
	*out = p;
	return 0;
}

int plot_backtest(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	const char *why = "cra-backtest's table: open_time,actual,pred,lower,upper,model";
	int col[5], model_col = plot_table_find(&t, "model");
	r = plot_table_need(&t, "open_time", why, &col[0], err);
	if (!r)
		r = plot_table_need(&t, "actual", why, &col[1], err);
	if (!r)
		r = plot_table_need(&t, "pred", why, &col[2], err);
	col[3] = plot_table_find(&t, "lower");
	col[4] = plot_table_find(&t, "upper");
	const char **models = NULL;
	size_t nmodels = 1, *hrows = NULL, nh = 0;
	long long horizon = 0;
	if (!r)
		r = plot_models(req, &t, model_col, &models, &nmodels, err);
	if (!r)
		r = plot_horizon_rows(req, &t, &hrows, &nh, &horizon, err);
	struct series *m = calloc(nmodels, sizeof *m);
	if (!r && !m)
		r = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t k = 0; k < nmodels && !r; k++) {
		size_t *rows = NULL, n = 0;
		r = plot_model_rows(&t, model_col, models ? models[k] : NULL, hrows, nh, &rows, &n,
				    err);
		if (!r)
			r = load_series(&t, col, rows, n, models ? models[k] : NULL, &m[k], err);
		free(rows);
	}
	struct actual_point *actual = NULL;
	size_t nactual = 0, b = 0, e = 0;
	if (!r)
		r = union_actual(m, nmodels, &actual, &nactual, err);
	if (!r) {
		int64_t *times = malloc(nactual * sizeof *times);
		if (!times)
			r = cra_fail(err, EX_OSERR, "out of memory");
		for (size_t i = 0; !r && i < nactual; i++)
			times[i] = actual[i].t;
		if (!r)
			plot_window(times, nactual, req->from, req->to, req->last, &b, &e);
		free(times);
		if (!r && b == e)
			r = cra_fail(err, EX_DATAERR, "%s: no row between --from and --to", t.name);
	}
	if (r)
		goto done;

	int64_t t0 = actual[b].t, t1 = actual[e - 1].t;
	size_t k_stride = plot_stride(e - b, &req->target);
	ps_printf(s, "# open_time actual\n");
	ps_block_begin(s, "actual");
	for (size_t i = b; i < e; i += k_stride) {
		ps_printf(s, "%lld ", (long long)actual[i].t);
		ps_number(s, actual[i].v);
		ps_eol(s);
	}
	ps_block_end(s);
	double rlo = 0, rhi = 0;
	char (*label)[200] = calloc(nmodels, sizeof *label);
	if (!label) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < nmodels; k++) {
		struct series *ms = &m[k];
		plot_window(ms->time, ms->n, t0, t1 + 1, 0, &ms->i0, &ms->i1);
		size_t i0 = ms->i0, i1 = ms->i1;
		if (i0 == i1)
			continue; /* none of its rows in the window: nothing to draw */
		for (size_t i = i0; i < i1; i += k_stride)
			ms->band |= isfinite(ms->lower[i]) && isfinite(ms->upper[i]);
		struct regression_metrics rm;
		regression_metrics(ms->actual + i0, ms->pred + i0, NULL, i1 - i0, &rm);
		snprintf(label[k], sizeof label[k], "%s (RMSE %.4g, MAE %.4g)",
			 ms->model ? ms->model : "pred", rm.rmse, rm.mae);
		ps_printf(s, "# model %zu: open_time pred lower upper residual(actual-pred)\n", k);
		ps_printf(s, "$m%zu << EOD\n", k);
		for (size_t i = i0; i < i1; i += k_stride) {
			double res = ms->actual[i] - ms->pred[i];
			rlo = res < rlo ? res : rlo;
			rhi = res > rhi ? res : rhi;
			ps_printf(s, "%lld ", (long long)ms->time[i]);
			ps_number(s, ms->pred[i]);
			ps_sep(s);
			ps_number(s, ms->lower[i]);
			ps_sep(s);
			ps_number(s, ms->upper[i]);
			ps_sep(s);
			ps_number(s, res);
			ps_eol(s);
		}
		ps_block_end(s);
	}

	char title[256], what[160], a[32], z[32];
	plot_time_text(t0, a, sizeof a);
	plot_time_text(t1, z, sizeof z);
	char hz[48] = "";
	if (horizon)
		snprintf(hz, sizeof hz, ", horizon %lld", horizon);
	snprintf(what, sizeof what, "backtest%s, %s .. %s UTC", hz, a, z);
	plot_title(req, what, t.name, title, sizeof title);
	ps_style(s, &req->target);
	ps_time_axis(s, &req->target, t0, t1);
	if (k_stride > 1)
		ps_printf(s, "xlab = 'time (UTC); a point: every %zu rows'\n", k_stride);
	struct plot_panels p = { .n = 2, .weight = { 3, 1.4 } };
	ps_panels_begin(s, &p, title, &req->target);
	ps_panel(s, &p, 0);
	/* The price panel's range: a flat series must not leave gnuplot an empty one. */
	double lo = NAN, hi = NAN;
	for (size_t i = b; i < e; i++) {
		lo = fmin(lo, actual[i].v);
		hi = fmax(hi, actual[i].v);
	}
	for (size_t k = 0; k < nmodels; k++)
		for (size_t i = m[k].i0; i < m[k].i1; i++) {
			double v[] = { m[k].pred[i], m[k].lower[i], m[k].upper[i] };
			for (int j = 0; j < 3; j++)
				if (isfinite(v[j])) {
					lo = fmin(lo, v[j]);
					hi = fmax(hi, v[j]);
				}
		}
	ps_yrange_guard(s, "y", lo, hi);
	ps_printf(s, "set ylabel 'price'\nset offsets 0, 0, graph 0.08, 0\nplot \\\n");
	bool fills = req->target.term != PLOT_TERM_DUMB;
	for (size_t k = 0; k < nmodels && fills; k++) {
		if (m[k].band) {
			char band[160];
			snprintf(band, sizeof band, "%s band", m[k].model ? m[k].model : "pred");
			ps_printf(s, "  $m%zu using ($1/1000):3:4 with filledcurves fc rgb '%s' "
				  "fs transparent solid %.2f noborder title ", k,
				  plot_series_color[k % PLOT_NSERIES], nmodels > 1 ? 0.10 : 0.18);
			ps_quote(s, band);
			ps_printf(s, ", \\\n");
		}
	}
	ps_printf(s, "  $actual using ($1/1000):2 with lines lc rgb '%s' lw 1.6 title 'actual'",
		  PLOT_PRICE);
	for (size_t k = 0; k < nmodels; k++) {
		if (m[k].i0 == m[k].i1)
			continue;
		ps_printf(s, ", \\\n  $m%zu using ($1/1000):2 with lines lc rgb '%s' lw 1.2 title ", k,
			  plot_series_color[k % PLOT_NSERIES]);
		ps_quote(s, label[k]);
	}
	ps_printf(s, "\nset offsets 0, 0, 0, 0\n");
	ps_panel(s, &p, 1);
	ps_tics(s, "y", rlo, rhi, 4);
	ps_yrange_guard(s, "y", rlo, rhi);
	ps_printf(s, "set ylabel 'actual - pred'\nunset key\nplot 0 with lines lc rgb '#b0b0b0' notitle");
	for (size_t k = 0; k < nmodels; k++)
		if (m[k].i0 < m[k].i1)
			ps_printf(s, ", \\\n  $m%zu using ($1/1000):5 with %s lc rgb '%s' notitle", k,
			  (e - b) / k_stride > 150 ? "lines" : "impulses lw 2", plot_series_color[k % PLOT_NSERIES]);
	ps_eol(s);
	ps_panels_end(s);
	free(label);
done:
	for (size_t k = 0; m && k < nmodels; k++)
		series_free(&m[k]);
	free(m);
	free(models);
	free(hrows);
	free(actual);
	plot_table_free(&t);
	return r;
}
