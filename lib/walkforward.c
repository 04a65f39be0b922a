/* walkforward.c - the batched walk-forward backtest; see walkforward.h. */
#include "walkforward.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformal.h"
#include "forecast_recursive.h"
#include "forecast_refit.h"
#include "hybrid.h"
#include "table_writer.h"
#include "targets.h"
#include "timefmt.h"

/* ---- steps ------------------------------------------------------------------------------ */

/* One horizon's steps, in origin order: the forecast from candle row origin[j] of the
 * candle row origin[j] + h (which lies beyond the candles in forecast mode). */
struct steps {
	int h;
	size_t n, cap;
	size_t *origin;
	bool *reported;
	size_t nreported;
	size_t o_min;              /* the first origin every model of this horizon forecasts from */
};

static int steps_push(struct steps *s, size_t origin, bool reported)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		size_t *o = realloc(s->origin, cap * sizeof *o);
		if (o)
			s->origin = o;
		bool *rep = o ? realloc(s->reported, cap * sizeof *rep) : NULL;
		if (!o || !rep)
			return -1;
		s->reported = rep;
		s->cap = cap;
	}
	s->origin[s->n] = origin;
	s->reported[s->n++] = reported;
	s->nreported += reported;
	return 0;
}

static void steps_free(struct steps *s)
{
	free(s->origin);
	free(s->reported);
	memset(s, 0, sizeof *s);
}

/* Whether the candle h rows after row t opens exactly h intervals after it (no gap). */
static bool no_gap(const struct candles *c, const struct interval *iv, size_t t, int h)
{
	return interval_count(iv, c->open_time[t], c->open_time[t + (size_t)h]) == h;
}

/* Which model answers horizon h, and how: k >= 0 its horizon index; -1 by recursion from
 * its horizon 1 (forecast mode); -2 not at all. */
static int model_answer(const struct forecast_model *m, int h, const struct walkforward_params *p)
{
	int k = forecast_model_horizon(m, h);
	if (k >= 0)
		return k;
	if (p->forecast && p->recursive && !forecast_model_regime(m) &&
	    forecast_model_horizon(m, 1) >= 0)
		return -1;
	return -2;
}

static int out_of_memory(struct cra_error *err)
{
	return cra_fail(err, EX_OSERR, "out of memory");
}

/* The model of horizon h that needs the most history, and how much. */
static size_t most_history(const struct interval *iv, struct forecast_model *const *models,
			   size_t nmodels, int h, const struct walkforward_params *p, size_t *which)
{
	size_t most = 0;
	*which = SIZE_MAX;
	for (size_t i = 0; i < nmodels; i++) {
		if (model_answer(models[i], h, p) == -2)
			continue;
		size_t need = forecast_model_history(models[i], iv);
		if (*which == SIZE_MAX || need > most)
			most = need, *which = i;
	}
	return most;
}

static int too_little_history(const struct candles *c, const struct forecast_model *m,
			      size_t origin, size_t need, struct cra_error *err)
{
	char when[TIME_BUF];
	time_format_iso(c->open_time[origin], when);
	return cra_fail(err, EX_DATAERR, "too few candles before the first forecast (made from "
			"the candle of %s) for %s: it needs %zu candles before it (its features '%s'%s), "
			"there are %zu; start later or load more history", when, m->path, need,
			m->info.features, m->info.window > 1 ? " and window" : "", origin);
}

/* The steps of horizon h: the reported ones, and before them the calibration walk-up. */
static int build_steps(const struct candles *c, const struct interval *iv,
		       struct forecast_model *const *models, size_t nmodels,
		       const struct walkforward_params *p, struct steps *s, size_t *gaps,
		       struct cra_error *err)
{
	int h = s->h;
	size_t which, n = c->n, W = p->calibration;
	s->o_min = most_history(iv, models, nmodels, h, p, &which);
	size_t first_origin;
	if (p->forecast) {
		first_origin = n - 1;
	} else {
		size_t p0 = p->first > (size_t)h ? p->first : (size_t)h;
		while (p0 < p->end && p0 < n && !no_gap(c, iv, p0 - (size_t)h, h))
			p0++, ++*gaps;
		if (p0 >= p->end || p0 >= n)
			return 0; /* nothing to report at this horizon */
		first_origin = p0 - (size_t)h;
	}
	if (which != SIZE_MAX && first_origin < s->o_min)
		return too_little_history(c, models[which], first_origin, s->o_min, err);
	/* Calibration: the origins whose outcomes are known by the first reported origin (W of
	 * them), and those in between, whose outcomes become known later. */
	size_t lo = first_origin > W + (size_t)h - 1 ? first_origin - (W + (size_t)h - 1) : 0;
	if (lo < s->o_min)
		lo = s->o_min;
	for (size_t o = lo; o < first_origin; o++) {
		if (o + (size_t)h >= n)
			break; /* forecast mode: outcome in the future, no residual */
		if (!no_gap(c, iv, o, h))
			continue;
		if (steps_push(s, o, false))
			return out_of_memory(err);
	}
	if (p->forecast)
		return steps_push(s, first_origin, true) ? out_of_memory(err) : 0;
	for (size_t row = first_origin + (size_t)h; row < p->end && row < n; row++) {
		if (!no_gap(c, iv, row - (size_t)h, h)) {
			++*gaps;
			continue;
		}
		if (steps_push(s, row - (size_t)h, true))
			return out_of_memory(err);
	}
	return 0;
}

/* ---- the models' forecasts over every origin walked ------------------------------------- */

/* One model's direct forecasts from origins lo..hi (inclusive): grid[(o - lo) * nout + ...]. */
struct grid {
	size_t lo, hi;
	double *v;
};

static int predict_range(struct forecast_model *m, const struct candles *c,
			 const struct interval *iv, size_t from, size_t to, struct grid *g,
			 size_t *rows, struct cra_error *err)
{
	/* Origins before the model's history belong to horizons it does not forecast. */
	size_t history = forecast_model_history(m, iv);
	if (from < history)
		from = history;
	if (from >= to)
		return 0;
	for (size_t o = from; o < to; o++)
		rows[o - from] = o;
	return forecast_model_predict(m, c, iv, rows, to - from,
				      g->v + (from - g->lo) * (size_t)m->nout, err);
}

/* Every model's grid; with refits, block by block from the first reported origin on. */
static int predict_all(const struct candles *c, const struct interval *iv,
		       struct forecast_model *const *models, size_t nmodels,
		       const struct walkforward_params *p, size_t lo, size_t hi, size_t report_lo,
		       struct grid *grid, struct walkforward *wf, struct cra_error *err)
{
	size_t *rows = malloc((hi - lo + 1) * sizeof *rows);
	size_t *start = calloc(nmodels ? nmodels : 1, sizeof *start);
	if (!rows || !start) {
		free(rows);
		free(start);
		return out_of_memory(err);
	}
	int r = 0;
	for (size_t i = 0; i < nmodels && !r; i++) {
		grid[i].lo = lo;
		grid[i].hi = hi;
		if (!(grid[i].v = malloc((hi - lo + 1) * (size_t)models[i]->nout * sizeof(double))))
			r = out_of_memory(err);
		for (size_t j = 0; grid[i].v && j < (hi - lo + 1) * (size_t)models[i]->nout; j++)
			grid[i].v[j] = NAN;
		start[i] = forecast_refit_start(models[i], c, iv);
	}
	size_t N = p->refit_every && !p->forecast ? p->refit_every : 0;
	size_t split = N ? report_lo : hi + 1, total = hi + 1 - lo, done = 0;
	/* Before the reported steps (or everything, without refits): the models as loaded. */
	for (size_t i = 0; i < nmodels && !r; i++)
		r = predict_range(models[i], c, iv, lo, split, &grid[i], rows, err);
	done = split - lo;
	if (p->progress)
		p->progress(p->ctx, "forecasting", done, total);
	for (size_t b = split; b <= hi && !r; b += N) {
		size_t e = b + N <= hi + 1 ? b + N : hi + 1;
		for (size_t i = 0; i < nmodels && !r; i++) {
			/* Trained on the candles up to the block's first origin, inclusive. */
			if (!(r = forecast_model_refit(models[i], c, iv, start[i], b + 1, err)))
				r = predict_range(models[i], c, iv, b, e, &grid[i], rows, err);
		}
		wf->refits++;
		done = e - lo;
		if (p->progress && !r)
			p->progress(p->ctx, "retraining and forecasting", done, total);
	}
	free(rows);
	free(start);
	return r;
}

/* ---- one horizon: forecasters, residuals, hybrid, bands --------------------------------- */

struct source {
	int model;                 /* index into the models; HYBRID or NAIVE */
	int k;                     /* the model's horizon index; -1: recursive */
	bool regime;
	double *r, *prob, *e;      /* [n], [n][3], [n] */
	double *weight;            /* hybrid: [n][ncomp] */
	double *lower, *upper;     /* [n] prices */
	size_t residuals;          /* behind the last band */
};
#define HYBRID (-1)
#define NAIVE (-2)

/* The residuals available to a step, kept as |e| in step order (finite ones only). */
struct avail {
	double *abs_e;
	size_t n;
};

static void sources_free(struct source *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(src[i].r);
		free(src[i].prob);
		free(src[i].e);
		free(src[i].weight);
		free(src[i].lower);
		free(src[i].upper);
	}
	free(src);
}

static double actual_return(const struct candles *c, size_t origin, int h)
{
	size_t row = origin + (size_t)h;
	return row < c->n ? log(c->v[CF_CLOSE][row] / c->v[CF_CLOSE][origin]) : NAN;
}

/* A model's forecasts at the steps: from its grid, or by recursion (the reported steps and
 * the last recursive_calibration others only). */
static int model_forecasts(const struct candles *c, const struct interval *iv,
			   const struct forecast_model *m, const struct grid *g,
			   const struct steps *s, const struct walkforward_params *p,
			   struct source *src, struct cra_error *err)
{
	size_t n = s->n;
	if (src->k >= 0) {
		for (size_t j = 0; j < n; j++) {
			const double *v = g->v + (s->origin[j] - g->lo) * (size_t)m->nout;
			if (src->regime)
				memcpy(src->prob + 3 * j, v + 3 * (size_t)src->k, 3 * sizeof(double));
			else
				src->r[j] = v[src->k];
		}
		return 0;
	}
	double *path = malloc((size_t)s->h * sizeof *path);
	if (!path)
		return out_of_memory(err);
	size_t skip = n > p->recursive_calibration + s->nreported
			      ? n - p->recursive_calibration - s->nreported : 0;
	int r = 0;
	for (size_t j = skip; j < n && !r; j++)
		if (!(r = forecast_model_recursive(m, c, iv, s->origin[j], s->h, path, err)))
			src->r[j] = path[s->h - 1];
	free(path);
	return r;
}

/* How many steps' outcomes are known at each step's origin: a[j] = #{i : origin_i + h <=
 * origin_j}, computed by one pointer since both sides increase. */
static void known_counts(const struct steps *s, size_t *a)
{
	size_t i = 0;
	for (size_t j = 0; j < s->n; j++) {
		while (i < s->n && s->origin[i] + (size_t)s->h <= s->origin[j])
			i++;
		a[j] = i;
	}
}

/* avail[j]: how many of the source's finite residuals are among the first a[j] steps. */
static void finite_counts(const double *e, const size_t *a, size_t n, size_t *cnt)
{
	size_t i = 0, finite = 0;
	for (size_t j = 0; j < n; j++) {
		while (i < a[j])
			finite += isfinite(e[i++]);
		cnt[j] = finite;
	}
}

/* The finite |e| in step order. */
static size_t finite_abs(const double *e, size_t n, double *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(e[i]))
			out[m++] = fabs(e[i]);
	return m;
}

static void residuals(const struct candles *c, const struct steps *s, struct source *src)
{
	for (size_t j = 0; j < s->n; j++)
		src->e[j] = src->regime ? NAN : actual_return(c, s->origin[j], s->h) - src->r[j];
}

/* The hybrid: at each step, weights from each component's trailing RMSE. */
static int blend(const struct steps *s, const size_t *a, struct source *src, size_t ncomp,
		 const int *comp, struct source *hy, size_t W, struct cra_error *err)
{
	size_t n = s->n;
	double *abs_e = malloc((n ? n : 1) * ncomp * sizeof *abs_e);
	size_t *cnt = malloc((n ? n : 1) * ncomp * sizeof *cnt);
	if (!abs_e || !cnt) {
		free(abs_e);
		free(cnt);
		return out_of_memory(err);
	}
	for (size_t q = 0; q < ncomp; q++) {
		finite_abs(src[comp[q]].e, n, abs_e + q * n);
		finite_counts(src[comp[q]].e, a, n, cnt + q * n);
	}
	double rmse[WF_MAX_MODELS], w[WF_MAX_MODELS], x[WF_MAX_MODELS];
	for (size_t j = 0; j < n; j++) {
		bool all = true;
		for (size_t q = 0; q < ncomp; q++) {
			size_t m = cnt[q * n + j], lo = m > W ? m - W : 0;
			rmse[q] = hybrid_rmse(abs_e + q * n + lo, m - lo);
			x[q] = src[comp[q]].r[j];
			all = all && isfinite(x[q]);
		}
		hybrid_weights(rmse, ncomp, w);
		hy->r[j] = all ? hybrid_blend(w, x, ncomp) : NAN;
		memcpy(hy->weight + j * ncomp, w, ncomp * sizeof *w);
	}
	free(abs_e);
	free(cnt);
	return 0;
}

/* Bands at the reported steps from the trailing W residuals known at each: the window of
 * |e| slides forward with the steps (both its ends only move on). */
static int bands(const struct candles *c, const struct steps *s, const size_t *a,
		 struct source *src, size_t W, double level, struct cra_error *err)
{
	size_t n = s->n;
	double *abs_e = malloc((n ? n : 1) * sizeof *abs_e);
	size_t *cnt = malloc((n ? n : 1) * sizeof *cnt);
	struct conformal_window win = { 0 };
	if (!abs_e || !cnt || conformal_window_init(&win, W)) {
		free(abs_e);
		free(cnt);
		conformal_window_free(&win);
		return out_of_memory(err);
	}
	finite_abs(src->e, n, abs_e);
	finite_counts(src->e, a, n, cnt);
	size_t in_lo = 0, in_hi = 0; /* abs_e[in_lo .. in_hi) are in the window */
	for (size_t j = 0; j < n; j++) {
		size_t m = cnt[j], lo = m > W ? m - W : 0;
		for (; in_lo < lo && in_lo < in_hi; in_lo++)
			conformal_window_remove(&win, abs_e[in_lo]);
		if (in_lo < lo) /* the window moved past all it held */
			in_lo = in_hi = lo;
		for (; in_hi < m; in_hi++)
			conformal_window_add(&win, abs_e[in_hi]);
		src->lower[j] = src->upper[j] = NAN;
		if (!s->reported[j] || !isfinite(src->r[j]))
			continue;
		double q = conformal_window_quantile(&win, level);
		double base = c->v[CF_CLOSE][s->origin[j]];
		src->residuals = m - lo;
		if (isfinite(q)) {
			src->lower[j] = base * exp(src->r[j] - q);
			src->upper[j] = base * exp(src->r[j] + q);
		}
	}
	free(abs_e);
	free(cnt);
	conformal_window_free(&win);
	return 0;
}

static int source_alloc(struct source *src, size_t n, size_t ncomp)
{
	src->r = malloc((n ? n : 1) * sizeof *src->r);
	src->e = malloc((n ? n : 1) * sizeof *src->e);
	src->lower = malloc((n ? n : 1) * sizeof *src->lower);
	src->upper = malloc((n ? n : 1) * sizeof *src->upper);
	src->prob = src->regime ? malloc((n ? n : 1) * 3 * sizeof *src->prob) : NULL;
	src->weight = ncomp ? malloc((n ? n : 1) * ncomp * sizeof *src->weight) : NULL;
	if (!src->r || !src->e || !src->lower || !src->upper || (src->regime && !src->prob) ||
	    (ncomp && !src->weight))
		return -1;
	for (size_t j = 0; j < n; j++)
		src->r[j] = src->lower[j] = src->upper[j] = NAN;
	return 0;
}

/* ---- tracks: the reported steps --------------------------------------------------------- */

/* The most probable class of probabilities p[3] (bear, neutral, bull); ties go to neutral,
 * then bear. */
static int most_probable(const double *p)
{
	return p[2] > p[1] && p[2] > p[0] ? 2 : p[1] >= p[0] ? 1 : 0;
}

static void summarise(struct wf_track *t)
{
	struct wf_summary *sum = &t->sum;
	memset(sum, 0, sizeof *sum);
	size_t n = 0, covered = 0;
	double width = 0;
	double *naive = malloc((t->n ? t->n : 1) * 4 * sizeof *naive);
	if (!naive)
		return;
	double *actual = naive + t->n, *pred = actual + t->n, *base = pred + t->n;
	int *truth = malloc((t->n ? t->n : 1) * 2 * sizeof *truth), *guess = truth ? truth + t->n : NULL;
	size_t nclass = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (!isfinite(t->actual[i]))
			continue;
		if (t->regime) {
			if (truth && t->actual_regime[i] != WF_REGIME_UNKNOWN) {
				truth[nclass] = t->actual_regime[i] + 1;
				guess[nclass++] = most_probable(t->prob + 3 * i);
			}
			continue;
		}
		actual[n] = t->actual[i], pred[n] = t->pred[i], base[n] = naive[n] = t->base[i];
		n++;
		if (isfinite(t->lower[i])) {
			sum->banded++;
			covered += t->lower[i] <= t->actual[i] && t->actual[i] <= t->upper[i];
			width += (t->upper[i] - t->lower[i]) / t->pred[i];
		}
		for (int q = 0; q < t->ncomp; q++)
			sum->mean_weight[q] += t->weight[i * (size_t)t->ncomp + (size_t)q];
	}
	if (t->regime) {
		sum->steps = nclass;
		class_metrics(truth, guess, nclass, 3, &sum->classes);
	} else {
		sum->steps = n;
		regression_metrics(actual, pred, base, n, &sum->model);
		regression_metrics(actual, naive, base, n, &sum->naive);
		if (t->naive) /* "no change" has no direction to get right */
			sum->model.directional_accuracy = NAN;
		sum->theil_u = sum->naive.rmse > 0 ? sum->model.rmse / sum->naive.rmse : NAN;
		sum->coverage = sum->banded ? (double)covered / (double)sum->banded : NAN;
		sum->width = sum->banded ? width / (double)sum->banded : NAN;
		for (int q = 0; q < t->ncomp; q++)
			sum->mean_weight[q] = n ? sum->mean_weight[q] / (double)n : NAN;
	}
	free(naive);
	free(truth);
}

static int track_alloc(struct wf_track *t, size_t n)
{
	size_t m = n ? n : 1;
	t->origin = malloc(m * sizeof *t->origin);
	t->open_time = malloc(m * sizeof *t->open_time);
	t->base = malloc(m * sizeof *t->base);
	t->actual = malloc(m * sizeof *t->actual);
	t->pred = malloc(m * sizeof *t->pred);
	t->lower = malloc(m * sizeof *t->lower);
	t->upper = malloc(m * sizeof *t->upper);
	if (t->regime) {
		t->prob = malloc(m * 3 * sizeof *t->prob);
		t->actual_regime = malloc(m * sizeof *t->actual_regime);
	}
	if (t->ncomp)
		t->weight = malloc(m * (size_t)t->ncomp * sizeof *t->weight);
	return t->origin && t->open_time && t->base && t->actual && t->pred && t->lower &&
			       t->upper && (!t->regime || (t->prob && t->actual_regime)) &&
			       (!t->ncomp || t->weight)
		       ? 0 : -1;
}

static void track_free(struct wf_track *t)
{
	free(t->origin);
	free(t->open_time);
	free(t->base);
	free(t->actual);
	free(t->pred);
	free(t->lower);
	free(t->upper);
	free(t->prob);
	free(t->actual_regime);
	free(t->weight);
}

/* The open time of the candle `ahead` intervals after row `origin` (beyond the series in
 * forecast mode). */
static int64_t open_time_ahead(const struct candles *c, const struct interval *iv, size_t origin,
			       int ahead)
{
	size_t row = origin + (size_t)ahead;
	if (row < c->n)
		return c->open_time[row];
	int64_t t = c->open_time[c->n - 1];
	for (size_t i = c->n - 1; i < row; i++)
		t = interval_next(iv, t);
	return t;
}

/* The regime the candles showed at each reported step's origin (the model's own target). */
static int actual_regimes(const struct candles *c, const struct interval *iv,
			  const struct forecast_model *m, int k, struct wf_track *t,
			  struct cra_error *err)
{
	struct target_spec ts;
	struct feature_matrix y;
	target_spec_init(&ts);
	for (size_t i = 0; i < t->n; i++)
		t->actual_regime[i] = WF_REGIME_UNKNOWN;
	if (target_spec_add(&ts, m->info.targets, iv, err) || (size_t)k >= ts.n)
		return cra_fail(err, EX_DATAERR, "%s: the bundle's targets '%s' are not ones this "
				"craipto reads", m->path, m->info.targets);
	struct target_spec one = { 1, { ts.item[k] } };
	if (targets_compute(&one, c, iv, &y, err))
		return 0; /* too few candles for any label: every regime unknown */
	for (size_t i = 0; i < t->n; i++) {
		double v = t->origin[i] < c->n ? y.col[0][t->origin[i]] : NAN;
		if (isfinite(v))
			t->actual_regime[i] = (int)v;
	}
	feature_matrix_free(&y);
	return 0;
}

static int make_track(const struct candles *c, const struct interval *iv, const struct steps *s,
		      const struct source *src, const char *name, int ncomp, const char *const *comp,
		      bool recursive, struct forecast_model *m, struct wf_track *t,
		      struct cra_error *err)
{
	memset(t, 0, sizeof *t);
	snprintf(t->model, sizeof t->model, "%s", name);
	t->horizon = s->h;
	t->recursive = recursive;
	t->regime = src->regime;
	t->naive = src->model == NAIVE;
	t->ncomp = ncomp;
	for (int q = 0; q < ncomp; q++)
		snprintf(t->comp[q], sizeof t->comp[q], "%s", comp[q]);
	if (track_alloc(t, s->nreported))
		return out_of_memory(err);
	const double *close = c->v[CF_CLOSE];
	for (size_t j = 0; j < s->n; j++) {
		if (!s->reported[j])
			continue;
		size_t i = t->n++, o = s->origin[j], row = o + (size_t)s->h;
		t->origin[i] = o;
		t->open_time[i] = open_time_ahead(c, iv, o, s->h);
		t->base[i] = close[o];
		t->actual[i] = row < c->n ? close[row] : NAN;
		t->pred[i] = src->regime ? NAN : close[o] * exp(src->r[j]);
		t->lower[i] = src->lower[j];
		t->upper[i] = src->upper[j];
		if (src->regime)
			memcpy(t->prob + 3 * i, src->prob + 3 * j, 3 * sizeof(double));
		if (ncomp)
			memcpy(t->weight + i * (size_t)ncomp, src->weight + j * (size_t)ncomp,
			       (size_t)ncomp * sizeof(double));
		if (!src->regime && !isfinite(src->r[j])) {
			char when[TIME_BUF];
			time_format_iso(c->open_time[o], when);
			return cra_fail(err, EX_DATAERR, "%s: no forecast from the candle of %s (a "
					"feature undefined there)", m ? m->path : name, when);
		}
	}
	t->residuals = src->residuals;
	int r = t->regime ? actual_regimes(c, iv, m, src->k, t, err) : 0;
	if (!r)
		summarise(t);
	return r;
}

static int add_track(struct walkforward *wf, struct wf_track *t)
{
	struct wf_track *more = realloc(wf->track, (wf->ntracks + 1) * sizeof *more);
	if (!more)
		return -1;
	wf->track = more;
	wf->track[wf->ntracks++] = *t;
	return 0;
}

/* Every forecaster of one horizon over its steps, then its tracks. */
static int walk_horizon(const struct candles *c, const struct interval *iv,
			struct forecast_model *const *models, const char *const *names,
			size_t nmodels, const struct walkforward_params *p, const struct steps *s,
			const struct grid *grid, struct walkforward *wf, struct cra_error *err)
{
	size_t n = s->n, nsrc = 0, W = p->calibration;
	struct source *src = calloc(nmodels + 2, sizeof *src);
	size_t *a = malloc((n ? n : 1) * sizeof *a);
	int comp[WF_MAX_MODELS], ncomp = 0, r = 0;
	const char *comp_name[WF_MAX_MODELS];
	if (!src || !a) {
		free(src);
		free(a);
		return out_of_memory(err);
	}
	known_counts(s, a);
	for (size_t i = 0; i < nmodels && !r; i++) {
		int k = model_answer(models[i], s->h, p);
		if (k == -2)
			continue;
		struct source *m = &src[nsrc];
		m->model = (int)i;
		m->k = k;
		m->regime = forecast_model_regime(models[i]);
		if (source_alloc(m, n, 0)) {
			r = out_of_memory(err);
			break;
		}
		nsrc++;
		r = model_forecasts(c, iv, models[i], &grid[i], s, p, m, err);
		residuals(c, s, m);
		if (!m->regime) {
			comp_name[ncomp] = names[i];
			comp[ncomp++] = (int)(nsrc - 1);
		}
	}
	struct source *hy = NULL, *naive = &src[nsrc + 1];
	if (!r && p->hybrid && ncomp >= 2) {
		hy = &src[nsrc];
		hy->model = HYBRID;
		if (source_alloc(hy, n, (size_t)ncomp))
			r = out_of_memory(err);
		else if (!(r = blend(s, a, src, (size_t)ncomp, comp, hy, W, err)))
			residuals(c, s, hy);
	}
	naive->model = NAIVE;
	if (!r && source_alloc(naive, n, 0))
		r = out_of_memory(err);
	for (size_t j = 0; !r && j < n; j++)
		naive->r[j] = 0;
	if (!r)
		residuals(c, s, naive);
	for (size_t i = 0; i < nmodels + 2 && !r; i++)
		if (src[i].r && !src[i].regime)
			r = bands(c, s, a, &src[i], W, p->level, err);
	for (size_t i = 0; i < nmodels + 2 && !r; i++) {
		if (!src[i].r)
			continue;
		struct wf_track t;
		int mi = src[i].model;
		const char *name = mi == HYBRID ? "hybrid" : mi == NAIVE ? "naive" : names[mi];
		bool recursive = mi >= 0 ? src[i].k < 0 : false;
		if (mi == HYBRID)
			for (int q = 0; q < ncomp; q++)
				recursive = recursive || src[comp[q]].k < 0;
		r = make_track(c, iv, s, &src[i], name, mi == HYBRID ? ncomp : 0, comp_name, recursive,
			       mi >= 0 ? models[mi] : NULL, &t, err);
		if (!r && add_track(wf, &t))
			r = out_of_memory(err);
		if (r)
			track_free(&t);
	}
	sources_free(src, nmodels + 2);
	free(a);
	return r;
}

/* ---- the walk --------------------------------------------------------------------------- */

static int check_params(const struct candles *c, struct forecast_model *const *models,
			size_t nmodels, const struct walkforward_params *p, struct cra_error *err)
{
	if (!(p->level > 0 && p->level < 1))
		return cra_fail(err, EX_USAGE, "the band level must be between 0 and 1, not %g",
				p->level);
	if (nmodels > WF_MAX_MODELS)
		return cra_fail(err, EX_USAGE, "%d models at most, not %zu", WF_MAX_MODELS, nmodels);
	if (p->calibration < conformal_min_residuals(p->level))
		return cra_fail(err, EX_USAGE, "a calibration window of %zu residuals is too short "
				"for %g%% bands: give at least %zu", p->calibration,
				100 * p->level, conformal_min_residuals(p->level));
	if (p->forecast ? (p->steps < 1 || p->steps > TARGET_MAX_HORIZON) : p->nh > WF_MAX_HORIZONS)
		return cra_fail(err, EX_USAGE, "too many steps or horizons");
	if (!c->n)
		return cra_fail(err, EX_DATAERR, "no candles");
	for (int i = 0; !p->forecast && nmodels && i < p->nh; i++) {
		bool any = false;
		for (size_t m = 0; m < nmodels; m++)
			any = any || forecast_model_horizon(models[m], p->horizons[i]) >= 0;
		if (!any)
			return cra_fail(err, EX_USAGE, "no model forecasts horizon %d", p->horizons[i]);
	}
	return 0;
}

/* The horizons walked: those asked for, else every model's (in order of appearance). */
static int horizons(struct forecast_model *const *models, size_t nmodels,
		    const struct walkforward_params *p, int *h)
{
	int n = 0;
	if (p->forecast) {
		for (int s = 1; s <= p->steps; s++)
			h[n++] = s;
		return n;
	}
	if (p->nh) {
		memcpy(h, p->horizons, (size_t)p->nh * sizeof *h);
		return p->nh;
	}
	for (size_t m = 0; m < nmodels; m++)
		for (int k = 0; k < models[m]->info.nhorizons; k++) {
			int v = models[m]->info.horizons[k], seen = 0;
			for (int j = 0; j < n; j++)
				seen = seen || h[j] == v;
			if (!seen && n < WF_MAX_HORIZONS)
				h[n++] = v;
		}
	return n;
}

int walkforward_run(const struct candles *c, const struct interval *iv,
		    struct forecast_model *const *models, const char *const *names, size_t nmodels,
		    const struct walkforward_params *p, struct walkforward *wf, struct cra_error *err)
{
	memset(wf, 0, sizeof *wf);
	int r = check_params(c, models, nmodels, p, err);
	if (r)
		return r;
	int *h = malloc((size_t)(p->forecast ? p->steps : WF_MAX_HORIZONS) * sizeof *h);
	if (!h)
		return out_of_memory(err);
	int nh = horizons(models, nmodels, p, h);
	struct steps *s = calloc((size_t)nh, sizeof *s);
	struct grid *grid = calloc(nmodels ? nmodels : 1, sizeof *grid);
	if (!s || !grid)
		r = out_of_memory(err);
	/* The steps of every horizon, then the range of origins they need forecasts from. */
	size_t lo = SIZE_MAX, hi = 0, report_lo = SIZE_MAX;
	for (int i = 0; i < nh && !r; i++) {
		s[i].h = h[i];
		if ((r = build_steps(c, iv, models, nmodels, p, &s[i], &wf->gaps, err)) || !s[i].n)
			continue;
		lo = s[i].origin[0] < lo ? s[i].origin[0] : lo;
		hi = s[i].origin[s[i].n - 1] > hi ? s[i].origin[s[i].n - 1] : hi;
		wf->calibration_steps += s[i].n - s[i].nreported;
		for (size_t j = 0; j < s[i].n; j++)
			if (s[i].reported[j]) {
				report_lo = s[i].origin[j] < report_lo ? s[i].origin[j] : report_lo;
				break;
			}
	}
	if (!r && report_lo == SIZE_MAX)
		r = cra_fail(err, EX_DATAERR, "no step to walk: no candle in the range asked for "
			     "has a candle of every horizon before it");
	if (!r) {
		wf->calibration_from = c->open_time[lo];
		r = predict_all(c, iv, models, nmodels, p, lo, hi, report_lo, grid, wf, err);
	}
	for (int i = 0; i < nh && !r; i++)
		if (s[i].n)
			r = walk_horizon(c, iv, models, names, nmodels, p, &s[i], grid, wf, err);
	for (int i = 0; s && i < nh; i++)
		steps_free(&s[i]);
	for (size_t i = 0; grid && i < nmodels; i++)
		free(grid[i].v);
	free(s);
	free(grid);
	free(h);
	if (r)
		walkforward_free(wf);
	return r;
}

void walkforward_free(struct walkforward *wf)
{
	for (size_t i = 0; i < wf->ntracks; i++)
		track_free(&wf->track[i]);
	free(wf->track);
	memset(wf, 0, sizeof *wf);
}

/* ---- the per-step table ----------------------------------------------------------------- */

static const char *const regime_name[3] = { "bear", "neutral", "bull" };

static bool any_regime(const struct walkforward *wf)
{
	for (size_t i = 0; i < wf->ntracks; i++)
		if (wf->track[i].regime)
			return true;
	return false;
}

static void write_strs(struct table_writer *w, const char *const *s, size_t n)
{
	for (size_t j = 0; j < n; j++)
		tw_str(w, s[j]);
}

/* regime,p_bull,p_neutral,p_bear of step j (empty cells for other tracks). */
static void write_regime(struct table_writer *w, const struct wf_track *t, size_t j)
{
	if (!t->regime) {
		for (int k = 0; k < 4; k++)
			tw_empty(w);
		return;
	}
	const double *pr = t->prob + 3 * j;
	tw_str(w, regime_name[most_probable(pr)]);
	tw_double(w, pr[2]);
	tw_double(w, pr[1]);
	tw_double(w, pr[0]);
}

static const char *const regime_cols[] = { "regime", "p_bull", "p_neutral", "p_bear" };

void walkforward_write_steps(struct table_writer *w, const struct walkforward *wf)
{
	bool regime = any_regime(wf);
	static const char *const cols[] = { "open_time", "actual", "pred", "lower", "upper",
					    "model", "horizon" };
	write_strs(w, cols, sizeof cols / sizeof *cols);
	if (regime) {
		write_strs(w, regime_cols, 4);
		tw_str(w, "actual_regime");
	}
	tw_end_row(w);
	for (size_t i = 0; i < wf->ntracks; i++) {
		const struct wf_track *t = &wf->track[i];
		for (size_t j = 0; j < t->n; j++) {
			tw_int(w, t->open_time[j]);
			tw_double(w, t->actual[j]);
			tw_double(w, t->pred[j]);
			tw_double(w, t->lower[j]);
			tw_double(w, t->upper[j]);
			tw_str(w, t->model);
			tw_int(w, t->horizon);
			if (regime) {
				write_regime(w, t, j);
				if (!t->regime || t->actual_regime[j] == WF_REGIME_UNKNOWN)
					tw_empty(w);
				else
					tw_str(w, regime_name[t->actual_regime[j] + 1]);
			}
			tw_end_row(w);
		}
	}
}

void walkforward_format_weights(const struct wf_track *t, const double *w, char *buf,
				size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int q = 0; q < t->ncomp && used < size; q++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s=%.4f", q ? ";" : "",
					 t->comp[q], w[q]);
}

void walkforward_write_forecast_header(struct table_writer *w,
				       const struct wf_forecast_columns *cols)
{
	static const char *const head[] = { "open_time", "step", "model", "method", "pred", "lower",
					    "upper" };
	if (cols->database) {
		tw_str(w, "symbol");
		tw_str(w, "interval");
	}
	write_strs(w, head, sizeof head / sizeof *head);
	if (cols->database) {
		tw_str(w, "level");
		tw_str(w, "weights");
	}
	if (cols->regime)
		write_strs(w, regime_cols, 4);
	tw_end_row(w);
}

void walkforward_write_forecasts(struct table_writer *w, const struct walkforward *wf,
				 const struct wf_forecast_columns *cols)
{
	for (size_t i = 0; i < wf->ntracks; i++) {
		const struct wf_track *t = &wf->track[i];
		for (size_t j = 0; j < t->n; j++) {
			if (cols->database) {
				tw_str(w, cols->symbol);
				tw_str(w, cols->interval);
			}
			tw_int(w, t->open_time[j]);
			tw_int(w, t->horizon);
			tw_str(w, t->model);
			tw_str(w, t->recursive ? "recursive" : "direct");
			tw_double(w, t->pred[j]);
			tw_double(w, t->lower[j]);
			tw_double(w, t->upper[j]);
			if (cols->database) {
				char weights[256];
				tw_double(w, cols->level);
				const double *wj = t->ncomp ? t->weight + j * (size_t)t->ncomp : NULL;
				walkforward_format_weights(t, wj, weights, sizeof weights);
				tw_str(w, weights);
			}
			if (cols->regime)
				write_regime(w, t, j);
			tw_end_row(w);
		}
	}
}
