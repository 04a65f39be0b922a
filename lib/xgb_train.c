/* xgb_train.c - cra-train-xgb's job: data set, one booster per horizon, report, bundle; see
 * xgb_train.h. */
#include "xgb_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "dataset.h"
#include "xgb_bundle.h"

/* A target value as XGBoost's label: regimes -1, 0, 1 become classes 0, 1, 2. */
static float label_of(enum target_kind kind, double y)
{
	return (float)(kind == TARGET_REGIME ? y + 1 : y);
}

struct round_ctx {
	const struct xgb_job *job;
	int k;
};

static void on_round(void *ctx, int rounds, double loss)
{
	struct round_ctx *rc = ctx;
	rc->job->on_round(rc->job->ctx, rc->k, rounds, loss);
}

/* The validation report of one horizon on the report rows. */
struct eval_work {
	double *price;  /* 3n: actual, forecast, base */
	int *cls;       /* 3n: actual, model, naive */
};

static void evaluate(const struct candles *c, const struct dataset *d, size_t k,
		     const struct target *tg, const size_t *rows, size_t n, const double *pred,
		     int majority, struct xgb_horizon_report *h, const struct eval_work *work)
{
	const double *close = c->v[CF_CLOSE];
	if (tg->kind == TARGET_REGIME) {
		int *actual = work->cls, *model = actual + n, *naive = model + n;
		for (size_t i = 0; i < n; i++) {
			const double *q = &pred[3 * i];
			int best = q[1] > q[0] ? 1 : 0;
			actual[i] = (int)label_of(TARGET_REGIME, d->y.col[k][rows[i]]);
			model[i] = q[2] > q[best] ? 2 : best;
			naive[i] = majority;
		}
		class_metrics(actual, model, n, XGB_REGIME_CLASSES, &h->cmodel);
		class_metrics(actual, naive, n, XGB_REGIME_CLASSES, &h->cnaive);
		return;
	}
	double *actual = work->price, *forecast = actual + n, *base = forecast + n;
	for (size_t i = 0; i < n; i++) {
		size_t t = rows[i];
		base[i] = close[t];
		actual[i] = close[t + (size_t)tg->horizon];
		forecast[i] = tg->kind == TARGET_RETURN ? close[t] * exp(pred[i]) : pred[i];
	}
	regression_metrics(actual, forecast, base, n, &h->model);
	regression_metrics(actual, base, NULL, n, &h->naive); /* "no change" has no direction */
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *metrics_json(const struct xgb_report *rep)
{
	json_t *list = json_array();
	for (int k = 0; k < rep->nh; k++) {
		const struct xgb_horizon_report *h = &rep->h[k];
		json_t *model, *naive;
		if (rep->kind == TARGET_REGIME) {
			json_t *cm[2];
			const struct class_metrics *m[2] = { &h->cmodel, &h->cnaive };
			for (int s = 0; s < 2; s++) {
				json_t *conf = json_array();
				for (int a = 0; a < XGB_REGIME_CLASSES; a++) {
					json_t *row = json_array();
					for (int p = 0; p < XGB_REGIME_CLASSES; p++)
						json_array_append_new(row, json_integer((json_int_t)m[s]->confusion[a][p]));
					json_array_append_new(conf, row);
				}
				cm[s] = json_pack("{s:o, s:o, s:o}", "accuracy", num(m[s]->accuracy),
						  "macro_f1", num(m[s]->macro_f1), "confusion", conf);
			}
			model = cm[0];
			naive = cm[1];
		} else {
			json_t *rm[2];
			const struct regression_metrics *m[2] = { &h->model, &h->naive };
			for (int s = 0; s < 2; s++)
				rm[s] = json_pack("{s:o, s:o, s:o, s:o}", "rmse", num(m[s]->rmse), "mae",
						  num(m[s]->mae), "mape", num(m[s]->mape),
						  "directional_accuracy", num(m[s]->directional_accuracy));
			model = rm[0];
			naive = rm[1];
		}
		json_array_append_new(list, json_pack("{s:i, s:o, s:o}", "horizon", h->horizon,
						       "model", model, "naive", naive));
	}
	return json_pack("{s:I, s:I, s:I, s:o}", "rows", (json_int_t)rep->nreport, "from",
			 (json_int_t)rep->report_from, "to", (json_int_t)rep->report_to, "horizons", list);
}

/* Everything but the payloads and "models": the description, columns, parameters, rows. */
static int describe(struct bundle *b, const struct candles *c, const struct dataset *d,
		    const struct xgb_job *job, const struct xgb_params *p,
		    const struct xgb_report *rep, struct cra_error *err)
{
	struct model_info info;
	memset(&info, 0, sizeof info);
	snprintf(info.kind, sizeof info.kind, "%s", XGB_KIND);
	snprintf(info.task, sizeof info.task, "%s", target_task_name(rep->kind));
	feature_spec_format(job->spec, info.features, sizeof info.features);
	target_spec_format(job->targets, info.targets, sizeof info.targets);
	info.window = 1;
	for (size_t k = 0; k < job->targets->n; k++)
		info.horizons[info.nhorizons++] = job->targets->item[k].horizon;
	snprintf(info.symbol, sizeof info.symbol, "%s", job->symbol);
	snprintf(info.interval, sizeof info.interval, "%s", job->interval);
	info.train_from = rep->train_from;
	info.train_to = rep->train_to;
	info.valid_from = c->open_time[d->valid[0]];
	info.valid_to = c->open_time[d->valid[d->nvalid - 1]];
	info.rows = (int64_t)rep->ntrain;
	candles_sha256(c, 0, c->n, info.data_sha256);
	int r = bundle_set_info(b, &info, err);
	if (r)
		return r;

	json_t *cols = json_array();
	for (size_t j = 0; j < d->x.ncols; j++)
		json_array_append_new(cols, json_string(d->x.name[j]));
	json_object_set_new(b->meta, "columns", cols);
	if (rep->kind == TARGET_REGIME) {
		json_t *cl = json_array();
		for (int k = 0; k < XGB_REGIME_CLASSES; k++)
			json_array_append_new(cl, json_string(regime_class_name[k]));
		json_object_set_new(b->meta, "classes", cl);
	}
	json_object_set_new(b->meta, "scaler", json_pack("{s:s}", "kind", "none"));
	int major, minor, patch;
	char version[32];
	XGBoostVersion(&major, &minor, &patch);
	snprintf(version, sizeof version, "%d.%d.%d", major, minor, patch);
	json_object_set_new(b->meta, "params",
			    json_pack("{s:i, s:i, s:f, s:f, s:f, s:i, s:i, s:i, s:f, s:s, s:s, s:s}",
				      "trees", p->trees, "depth", p->depth, "eta", p->eta,
				      "subsample", p->subsample, "colsample", p->colsample,
				      "max_bin", p->max_bin, "early_stop", p->early_stop, "seed",
				      p->seed, "valid_frac", job->valid_frac, "objective",
				      p->nclass ? "multi:softprob" : "reg:squarederror",
				      "tree_method", "hist", "xgboost", version));
	json_object_set_new(b->meta, "early_stopping",
			    rep->nstop ? json_pack("{s:I, s:I, s:I}", "rows", (json_int_t)rep->nstop,
						   "from", (json_int_t)rep->stop_from, "to",
						   (json_int_t)rep->stop_to)
				       : json_null());
	json_object_set_new(b->meta, "metrics", metrics_json(rep));
	return 0;
}

int xgb_train_job(const struct candles *c, const struct interval *iv, const struct xgb_job *job,
		  struct bundle *b, struct xgb_report *rep, struct cra_error *err)
{
	memset(rep, 0, sizeof *rep);
	const struct target_spec *ts = job->targets;
	int r = target_spec_check_model(ts, "XGBoost", err);
	if (r)
		return r;
	rep->kind = ts->item[0].kind;
	struct xgb_params p = job->params;
	p.nclass = rep->kind == TARGET_REGIME ? XGB_REGIME_CLASSES : 0;
	struct dataset d;
	if ((r = dataset_build(c, iv, job->spec, ts, job->valid_frac, 1, &d, err)))
		return r;

	/* With early stopping: the first half of the validation period stops, the second
	 * reports. */
	size_t nstop = 0, second = 0;
	if (p.early_stop) {
		dataset_split_valid(&d, d.split + (c->n - d.split) / 2, &nstop, &second);
		if (nstop < 10 || d.nvalid - second < 10) {
			r = cra_fail(err, EX_DATAERR,
				     "too few validation rows to stop early on one half and report on "
				     "the other: %zu and %zu (need 10 each); give a larger validation "
				     "fraction, or no early stopping", nstop, d.nvalid - second);
			dataset_free(&d);
			return r;
		}
	}
	const size_t *report = d.valid + second, ncols = d.x.ncols;
	rep->ntrain = d.ntrain;
	rep->nstop = nstop;
	rep->nreport = d.nvalid - second;
	rep->train_from = c->open_time[d.train[0]];
	rep->train_to = c->open_time[d.train[d.ntrain - 1]];
	if (nstop) {
		rep->stop_from = c->open_time[d.valid[0]];
		rep->stop_to = c->open_time[d.valid[nstop - 1]];
	}
	rep->report_from = c->open_time[report[0]];
	rep->report_to = c->open_time[report[rep->nreport - 1]];

	size_t g = p.nclass ? (size_t)p.nclass : 1, nr = rep->nreport;
	float *xtr = malloc(d.ntrain * ncols * sizeof *xtr), *ytr = malloc(d.ntrain * sizeof *ytr);
	float *xst = malloc((nstop + 1) * ncols * sizeof *xst), *yst = malloc((nstop + 1) * sizeof *yst);
	float *xre = malloc(nr * ncols * sizeof *xre);
	double *pred = malloc(nr * g * sizeof *pred);
	struct eval_work work = { malloc(3 * nr * sizeof *work.price), malloc(3 * nr * sizeof *work.cls) };
	int *train_class = malloc(d.ntrain * sizeof *train_class);
	if (!xtr || !ytr || !xst || !yst || !xre || !pred || !work.price || !work.cls || !train_class) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	xgb_rows(&d.x, d.train, d.ntrain, xtr);
	xgb_rows(&d.x, d.valid, nstop, xst);
	xgb_rows(&d.x, report, nr, xre);
	for (size_t k = 0; k < ts->n; k++) {
		const struct target *tg = &ts->item[k];
		for (size_t i = 0; i < d.ntrain; i++) {
			ytr[i] = label_of(tg->kind, d.y.col[k][d.train[i]]);
			train_class[i] = p.nclass ? (int)ytr[i] : 0;
		}
		for (size_t i = 0; i < nstop; i++)
			yst[i] = label_of(tg->kind, d.y.col[k][d.valid[i]]);
		struct xgb_data train = { xtr, ytr, d.ntrain }, stop = { xst, yst, nstop },
				rows = { xre, NULL, nr };
		struct round_ctx rc = { job, (int)k };
		struct xgb_model m;
		struct xgb_horizon_report *h = &rep->h[k];
		h->horizon = tg->horizon;
		if ((r = xgb_train(&p, ncols, &train, nstop ? &stop : NULL,
				   job->on_round ? on_round : NULL, &rc, &m, &h->fit, err)))
			goto done;
		r = xgb_predict(&m, &rows, 0, pred, err);
		if (!r)
			r = xgb_bundle_add_model(b, tg->horizon, &m, &h->fit, err);
		xgb_free(&m);
		if (r)
			goto done;
		int majority = p.nclass ? majority_class(train_class, d.ntrain, p.nclass) : 0;
		evaluate(c, &d, k, tg, report, nr, pred, majority, h, &work);
		rep->nh++;
	}
	r = describe(b, c, &d, job, &p, rep, err);
done:
	free(xtr);
	free(ytr);
	free(xst);
	free(yst);
	free(xre);
	free(pred);
	free(work.price);
	free(work.cls);
	free(train_class);
	dataset_free(&d);
	return r;
}

void xgb_report_write(struct table_writer *w, const struct xgb_report *rep)
{
	metrics_report_header(w);
	for (int k = 0; k < rep->nh; k++) {
		const struct xgb_horizon_report *h = &rep->h[k];
		if (rep->kind == TARGET_REGIME)
			metrics_report_classes(w, h->horizon, &h->cmodel, &h->cnaive, regime_class_name);
		else
			metrics_report_regression(w, h->horizon, &h->model, &h->naive);
	}
}
