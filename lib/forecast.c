/* forecast.c - any bundle's forecasts; see forecast.h. */
#include "forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feature_spec.h"
#include "train_input.h"
#include "timefmt.h"

void forecast_model_free(struct forecast_model *m)
{
	if (m->xgb)
		xgb_bundle_free(m->xgb);
	if (m->lstm)
		lstm_model_free(m->lstm);
	free(m->xgb);
	free(m->lstm);
	json_decref(m->params);
	memset(m, 0, sizeof *m);
}

static int task_of(const struct forecast_model *m, struct cra_error *err)
{
	const char *task = m->info.task;
	if (!strcmp(task, "return") || !strcmp(task, "price") || !strcmp(task, "regime"))
		return 0;
	return cra_fail(err, EX_DATAERR, "%s: a %s model of task '%s': craipto forecasts return, "
			"price and regime models", m->path, m->info.kind, task);
}

int forecast_model_load(struct forecast_model *m, const char *path, int threads,
			struct cra_error *err)
{
	memset(m, 0, sizeof *m);
	snprintf(m->path, sizeof m->path, "%s", path);
	m->threads = threads;
	struct bundle b;
	int r = bundle_load(&b, path, err);
	if (r)
		return r;
	if ((r = bundle_get_info(&b, path, &m->info, err))) {
		bundle_free(&b);
		return r;
	}
	m->params = json_incref(json_object_get(b.meta, "params"));
	if (!strcmp(m->info.kind, XGB_KIND)) {
		if (!(m->xgb = calloc(1, sizeof *m->xgb)))
			r = cra_fail(err, EX_OSERR, "out of memory");
		else if (!(r = xgb_bundle_take(m->xgb, &b, path, threads, err)))
			m->spec = &m->xgb->spec;
	} else if (!strcmp(m->info.kind, LSTM_KIND) || !strcmp(m->info.kind, CNN_LSTM_KIND)) {
		/* lstm_model reads the file itself: a second read of a small file. */
		if (!(m->lstm = calloc(1, sizeof *m->lstm)))
			r = cra_fail(err, EX_OSERR, "out of memory");
		else if (!(r = lstm_model_load(m->lstm, path, err)))
			m->spec = &m->lstm->spec;
	} else {
		r = cra_fail(err, EX_DATAERR, "%s: a model of kind '%s': craipto forecasts with xgb, "
			     "lstm and cnn-lstm models", path, m->info.kind);
	}
	bundle_free(&b);
	if (!r)
		r = task_of(m, err);
	if (r) {
		forecast_model_free(m);
		return r;
	}
	m->task = !strcmp(m->info.task, "regime") ? TARGET_REGIME
		  : !strcmp(m->info.task, "price") ? TARGET_PRICE : TARGET_RETURN;
	m->nout = m->info.nhorizons * (m->task == TARGET_REGIME ? FORECAST_CLASSES : 1);
	return 0;
}

/* NAME=PATH when NAME is a name and PATH is not just a file whose name has an '='. */
static const char *split_name(const char *arg, char *name)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : 0;
	if (!len || len >= FORECAST_NAME_MAX || strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789-_") != len ||
	    access(arg, F_OK) == 0)
		return arg;
	memcpy(name, arg, len);
	name[len] = '\0';
	return eq + 1;
}

int forecast_models_load(const char *const *args, size_t n, int threads,
			 struct forecast_model *m, char (*name)[FORECAST_NAME_MAX],
			 struct cra_error *err)
{
	for (size_t i = 0; i < n; i++) {
		name[i][0] = '\0';
		const char *path = split_name(args[i], name[i]);
		int r = forecast_model_load(&m[i], path, threads, err);
		if (r)
			return r;
		if (!name[i][0])
			snprintf(name[i], FORECAST_NAME_MAX, "%s", m[i].info.kind);
		if (!strcmp(name[i], "hybrid") || !strcmp(name[i], "naive"))
			return cra_fail(err, EX_USAGE, "%s: '%s' names the forecasts made beside the "
					"models: name the model otherwise (NAME=BUNDLE)", path, name[i]);
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(name[j], name[i]))
				return cra_fail(err, EX_USAGE, "two models named '%s' (%s and %s): name "
						"them, as NAME=BUNDLE", name[i], m[j].path, path);
			if ((r = bundle_check_series(&m[i].info, path, m[0].info.symbol,
						     m[0].info.interval, err)))
				return r;
		}
	}
	return 0;
}

int forecast_input_load(const struct forecast_model *m, const char *symbol, const char *file,
			const char *db, struct candles *c, struct interval *iv,
			struct cra_error *err)
{
	/* A file's interval is its candles' spacing (train_input guesses it), then compared. */
	struct train_input in = { symbol, file ? NULL : m->info.interval, file, NULL, NULL, db };
	if (!in.symbol && (!file || !strcmp(file, "-")))
		in.symbol = m->info.symbol;
	char name[SYMBOL_MAX + 1];
	int r = train_input_load(&in, c, iv, name, err);
	if (!r && file && strcmp(iv->name, m->info.interval))
		r = cra_fail(err, EX_DATAERR, "%s: the candles are %s apart; %s was trained on %s "
			     "candles", file, iv->name, m->path, m->info.interval);
	if (!r)
		r = bundle_check_series(&m->info, m->path, name, iv->name, err);
	if (r)
		candles_free(c);
	return r;
}

int forecast_model_horizon(const struct forecast_model *m, int h)
{
	for (int k = 0; k < m->info.nhorizons; k++)
		if (m->info.horizons[k] == h)
			return k;
	return -1;
}

size_t forecast_model_history(const struct forecast_model *m, const struct interval *iv)
{
	size_t window = m->info.window > 0 ? (size_t)m->info.window : 1;
	return feature_spec_lookback(m->spec, iv) + window - 1;
}

static int too_early(const struct forecast_model *m, const struct candles *c, size_t row,
		     size_t history, struct cra_error *err)
{
	char when[TIME_BUF];
	time_format_iso(c->open_time[row], when);
	return cra_fail(err, EX_DATAERR, "%s: no forecast from the candle of %s: the model needs "
			"%zu candles before it (its features '%s'%s), there are %zu", m->path, when,
			history, m->info.features, m->info.window > 1 ? " and its window" : "", row);
}

/* XGBoost: the bundle's inputs over the rows' time range, one booster per horizon. */
static int predict_xgb(const struct forecast_model *m, const struct candles *c,
		       const struct interval *iv, const size_t *rows, size_t n, double *out,
		       struct cra_error *err)
{
	const struct xgb_bundle *xb = m->xgb;
	struct xgb_inputs in;
	int r = xgb_bundle_inputs(xb, c, iv, c->open_time[rows[0]], c->open_time[rows[n - 1]] + 1,
				  0, &in, err);
	if (r)
		return r;
	/* The rows asked for, among those with every feature defined (both increasing). */
	float *x = malloc(n * xb->ncols * sizeof *x);
	size_t g = xb->nclass ? (size_t)xb->nclass : 1;
	double *y = malloc(n * g * sizeof *y);
	if (!x || !y) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t i = 0, j = 0; i < n; i++) {
		while (j < in.n && in.rows[j] < rows[i])
			j++;
		if (j == in.n || in.rows[j] != rows[i]) {
			char when[TIME_BUF];
			time_format_iso(c->open_time[rows[i]], when);
			r = cra_fail(err, EX_DATAERR, "%s: no forecast from the candle of %s: a feature "
				     "of the model ('%s') is undefined there", m->path, when,
				     m->info.features);
			goto done;
		}
		memcpy(x + i * xb->ncols, in.data + j * xb->ncols, xb->ncols * sizeof *x);
	}
	const double *close = c->v[CF_CLOSE];
	struct xgb_data data = { x, NULL, n };
	for (int k = 0; k < m->info.nhorizons; k++) {
		if ((r = xgb_predict(&xb->model[k], &data, 0, y, err)))
			goto done;
		for (size_t i = 0; i < n; i++) {
			double *o = out + i * (size_t)m->nout;
			if (m->task == TARGET_REGIME)
				memcpy(o + (size_t)k * g, y + i * g, g * sizeof *o);
			else if (m->task == TARGET_PRICE)
				o[k] = log(y[i] / close[rows[i]]);
			else
				o[k] = y[i];
		}
	}
done:
	free(x);
	free(y);
	xgb_inputs_free(&in);
	return r;
}

int forecast_lstm_threads(const struct forecast_model *m, size_t n)
{
	long cores = m->threads > 0 ? m->threads : sysconf(_SC_NPROCESSORS_ONLN);
	size_t batches = n / LSTM_PREDICT_BATCH + (n % LSTM_PREDICT_BATCH != 0);
	if ((size_t)cores > batches)
		cores = (long)batches;
	return cores < 1 ? 1 : cores > LSTM_MAX_THREADS ? LSTM_MAX_THREADS : (int)cores;
}

int forecast_model_predict(const struct forecast_model *m, const struct candles *c,
			   const struct interval *iv, const size_t *rows, size_t n, double *out,
			   struct cra_error *err)
{
	if (!n)
		return 0;
	size_t history = forecast_model_history(m, iv);
	for (size_t i = 0; i < n; i++)
		if (rows[i] < history)
			return too_early(m, c, rows[i], history, err);
	if (m->xgb)
		return predict_xgb(m, c, iv, rows, n, out, err);
	return lstm_model_predict(m->lstm, c, iv, rows, n, forecast_lstm_threads(m, n), out, err);
}
