/* xgb_model.c - XGBoost's C API behind craipto's conventions; see xgb_model.h. */
#include "xgb_model.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "xgb_json_check.h"

void xgb_params_default(struct xgb_params *p)
{
	*p = (struct xgb_params){
		.trees = 300,
		.depth = 6,
		.eta = 0.05,
		.subsample = 1,
		.colsample = 1,
		.max_bin = 256,
		.early_stop = 20,
		.threads = 0,
		.seed = 0,
		.nclass = 0,
		.base_score = NAN,
	};
}

/* XGBoost logs warnings through its own logger; the library must not print, so they are
 * dropped (its errors still come back through XGBGetLastError). */
static void discard_log(const char *msg)
{
	(void)msg;
}

static void quiet_xgboost(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	XGBRegisterLogCallback(discard_log);
	XGBSetGlobalConfig("{\"verbosity\": 0}");
}

/* XGBoost's last error, one line, without its "[12:00:00] /path/learner.cc:123: " prefix. */
static int xgb_fail(struct cra_error *err, int status, const char *what)
{
	const char *e = XGBGetLastError();
	char line[512];
	snprintf(line, sizeof line, "%s", e && *e ? e : "unknown error");
	line[strcspn(line, "\n")] = '\0';
	const char *msg = line, *end, *p;
	if (line[0] == '[' && (end = strchr(line, ']')) && (p = strstr(end, ": ")))
		msg = p + 2;
	size_t n = strlen(msg); /* "Check failed: a <= b (1 vs. 0) : " ends in a colon */
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == ':'))
		n--;
	return cra_fail(err, status, "%s: XGBoost: %.*s", what, (int)n, msg);
}

static int set_param(BoosterHandle h, const char *name, const char *value, struct cra_error *err)
{
	if (XGBoosterSetParam(h, name, value))
		return xgb_fail(err, EX_SOFTWARE, name);
	return 0;
}

static int set_param_num(BoosterHandle h, const char *name, double v, struct cra_error *err)
{
	char text[32];
	snprintf(text, sizeof text, "%.17g", v);
	return set_param(h, name, text, err);
}

static int make_dmatrix(const struct xgb_data *d, size_t ncols, int threads, DMatrixHandle *out,
			struct cra_error *err)
{
	if (XGDMatrixCreateFromMat_omp(d->x, (bst_ulong)d->nrows, (bst_ulong)ncols, NAN, out, threads))
		return xgb_fail(err, EX_SOFTWARE, "data matrix");
	if (d->y && XGDMatrixSetFloatInfo(*out, "label", d->y, (bst_ulong)d->nrows)) {
		XGDMatrixFree(*out);
		return xgb_fail(err, EX_SOFTWARE, "labels");
	}
	return 0;
}

static int check_params(const struct xgb_params *p, struct cra_error *err)
{
	if (p->trees < 1 || p->depth < 1 || p->depth > 64 || !(p->eta > 0 && p->eta <= 1) ||
	    !(p->subsample > 0 && p->subsample <= 1) || !(p->colsample > 0 && p->colsample <= 1) ||
	    p->max_bin < 2 || p->early_stop < 0 || p->threads < 0 ||
	    (p->nclass != 0 && (p->nclass < 2 || p->nclass > 1000)))
		return cra_fail(err, EX_USAGE,
				"XGBoost parameters out of range: trees >= 1, depth 1..64, eta, subsample "
				"and colsample in (0, 1], max_bin >= 2, early_stop >= 0, classes 0 or >= 2");
	return 0;
}

/* Every feature finite, every label finite (a class index below nclass for softprob). */
static int check_data(const struct xgb_data *d, size_t ncols, int nclass, const char *what,
		      struct cra_error *err)
{
	for (size_t i = 0; i < d->nrows; i++) {
		for (size_t j = 0; j < ncols; j++)
			if (!isfinite(d->x[i * ncols + j]))
				return cra_fail(err, EX_DATAERR, "%s row %zu: feature %zu is not finite",
						what, i + 1, j + 1);
		if (!d->y)
			continue;
		float y = d->y[i];
		if (!isfinite(y) || (nclass && (y < 0 || y >= (float)nclass || y != floorf(y))))
			return cra_fail(err, EX_DATAERR, "%s row %zu: label %g is not %s", what, i + 1,
					(double)y, nclass ? "a class index" : "finite");
	}
	return 0;
}

/* Validation loss from the model's (transformed) predictions: RMSE for regression, the
 * multi-class log loss -mean(ln p[label]) for softprob, p clipped at 1e-15 as XGBoost's
 * mlogloss does. */
static double validation_loss(const float *pred, const struct xgb_data *v, int nclass)
{
	double sum = 0;
	for (size_t i = 0; i < v->nrows; i++) {
		if (nclass) {
			double p = pred[i * (size_t)nclass + (size_t)v->y[i]];
			sum -= log(p > 1e-15 ? p : 1e-15);
		} else {
			double e = (double)pred[i] - (double)v->y[i];
			sum += e * e;
		}
	}
	return nclass ? sum / (double)v->nrows : sqrt(sum / (double)v->nrows);
}

static int configure(BoosterHandle h, const struct xgb_params *p, double base_score,
		     struct cra_error *err)
{
	int r;
	if ((r = set_param(h, "booster", "gbtree", err)) ||
	    (r = set_param(h, "tree_method", "hist", err)) ||
	    (r = set_param(h, "objective", p->nclass ? "multi:softprob" : "reg:squarederror", err)) ||
	    (p->nclass && (r = set_param_num(h, "num_class", p->nclass, err))) ||
	    (r = set_param_num(h, "max_depth", p->depth, err)) ||
	    (r = set_param_num(h, "eta", p->eta, err)) ||
	    (r = set_param_num(h, "subsample", p->subsample, err)) ||
	    (r = set_param_num(h, "colsample_bytree", p->colsample, err)) ||
	    (r = set_param_num(h, "max_bin", p->max_bin, err)) ||
	    (r = set_param_num(h, "seed", p->seed, err)) ||
	    (!p->nclass && (r = set_param_num(h, "base_score", base_score, err))) ||
	    (p->threads && (r = set_param_num(h, "nthread", p->threads, err))))
		return r;
	return 0;
}

int xgb_train(const struct xgb_params *p, size_t ncols, const struct xgb_data *train,
	      const struct xgb_data *valid, xgb_round_fn *on_round, void *ctx,
	      struct xgb_model *m, struct xgb_fit *fit, struct cra_error *err)
{
	memset(m, 0, sizeof *m);
	memset(fit, 0, sizeof *fit);
	quiet_xgboost();
	int r = check_params(p, err);
	if (r)
		return r;
	bool have_valid = valid && valid->nrows > 0;
	if (p->early_stop && !have_valid)
		return cra_fail(err, EX_DATAERR, "early stopping needs validation rows");
	if (train->nrows < 2 || ncols < 1)
		return cra_fail(err, EX_DATAERR, "too few training rows (%zu) or features (%zu)",
				train->nrows, ncols);
	if ((r = check_data(train, ncols, p->nclass, "training", err)) ||
	    (have_valid && (r = check_data(valid, ncols, p->nclass, "validation", err))))
		return r;

	/* Regression starts from the mean training label unless told otherwise. */
	double base = p->base_score;
	if (!p->nclass && isnan(base)) {
		base = 0;
		for (size_t i = 0; i < train->nrows; i++)
			base += train->y[i];
		base /= (double)train->nrows;
	}
	fit->base_score = p->nclass ? 0.5 : base;
	fit->best_loss = NAN;

	DMatrixHandle dm[2] = { NULL, NULL };
	BoosterHandle h = NULL;
	float *vpred = NULL;
	if ((r = make_dmatrix(train, ncols, p->threads, &dm[0], err)) ||
	    (have_valid && (r = make_dmatrix(valid, ncols, p->threads, &dm[1], err))))
		goto done;
	if (XGBoosterCreate(dm, have_valid ? 2 : 1, &h)) {
		r = xgb_fail(err, EX_SOFTWARE, "booster");
		goto done;
	}
	if ((r = configure(h, p, base, err)))
		goto done;
	size_t per_row = p->nclass ? (size_t)p->nclass : 1;
	if (have_valid && !(vpred = malloc(valid->nrows * per_row * sizeof *vpred))) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	/* Boost, measuring the validation loss after each round.  The prediction over all trees
	 * ("iteration_end": 0) is the one XGBoost keeps cached per matrix and extends by the
	 * newest round. */
	const char *predict_all = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
				  "\"iteration_end\": 0, \"strict_shape\": false}";
	int best = 0;
	for (int it = 0; it < p->trees; it++) {
		if (XGBoosterUpdateOneIter(h, it, dm[0])) {
			r = xgb_fail(err, EX_SOFTWARE, "training");
			goto done;
		}
		fit->rounds = it + 1;
		double loss = NAN;
		if (have_valid) {
			bst_ulong const *shape;
			bst_ulong dim;
			float const *out;
			if (XGBoosterPredictFromDMatrix(h, dm[1], predict_all, &shape, &dim, &out)) {
				r = xgb_fail(err, EX_SOFTWARE, "validation prediction");
				goto done;
			}
			memcpy(vpred, out, valid->nrows * per_row * sizeof *vpred);
			loss = validation_loss(vpred, valid, p->nclass);
			if (it == 0 || loss < fit->best_loss) {
				fit->best_loss = loss;
				best = it;
			}
		}
		if (on_round)
			on_round(ctx, it + 1, loss);
		if (p->early_stop && it - best >= p->early_stop)
			break;
	}
	fit->kept = p->early_stop ? best + 1 : fit->rounds;
	if (!p->early_stop && have_valid) /* the loss reported is the final model's */
		fit->best_loss = validation_loss(vpred, valid, p->nclass);
	if (fit->kept < fit->rounds) {
		BoosterHandle sliced;
		if (XGBoosterSlice(h, 0, fit->kept, 1, &sliced)) {
			r = xgb_fail(err, EX_SOFTWARE, "keeping the best rounds");
			goto done;
		}
		XGBoosterFree(h);
		h = sliced;
	}
	m->booster = h;
	m->ncols = ncols;
	m->nclass = p->nclass;
	m->threads = p->threads;
	h = NULL;
done:
	free(vpred);
	if (h)
		XGBoosterFree(h);
	for (int i = 0; i < 2; i++)
		if (dm[i])
			XGDMatrixFree(dm[i]);
	return r;
}

/* Runs one prediction of the given type ("type" of XGBoosterPredictFromDMatrix) and copies
 * the expected per_row values of every row into out. */
static int predict(const struct xgb_model *m, const struct xgb_data *data, int type,
		   size_t per_row, double *out, struct cra_error *err)
{
	quiet_xgboost();
	if (data->nrows == 0)
		return 0;
	DMatrixHandle dm;
	int r = make_dmatrix(&(struct xgb_data){ data->x, NULL, data->nrows }, m->ncols, m->threads,
			     &dm, err);
	if (r)
		return r;
	char config[160];
	snprintf(config, sizeof config,
		 "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
		 "\"strict_shape\": true}", type);
	bst_ulong const *shape;
	bst_ulong dim, total = 1;
	float const *res;
	if (XGBoosterPredictFromDMatrix(m->booster, dm, config, &shape, &dim, &res)) {
		r = xgb_fail(err, EX_SOFTWARE, "prediction");
	} else {
		for (bst_ulong k = 0; k < dim; k++)
			total *= shape[k];
		if (total != data->nrows * per_row)
			r = cra_fail(err, EX_SOFTWARE, "XGBoost returned %llu values for %zu rows x %zu",
				     (unsigned long long)total, data->nrows, per_row);
		else
			for (size_t i = 0; i < data->nrows * per_row; i++)
				out[i] = res[i];
	}
	XGDMatrixFree(dm);
	return r;
}

static size_t groups(const struct xgb_model *m)
{
	return m->nclass ? (size_t)m->nclass : 1;
}

int xgb_predict(const struct xgb_model *m, const struct xgb_data *data, int margin, double *out,
		struct cra_error *err)
{
	return predict(m, data, margin ? 1 : 0, groups(m), out, err);
}

int xgb_contributions(const struct xgb_model *m, const struct xgb_data *data, double *out,
		      struct cra_error *err)
{
	return predict(m, data, 2, groups(m) * (m->ncols + 1), out, err);
}

int xgb_save(const struct xgb_model *m, unsigned char **buf, size_t *len, struct cra_error *err)
{
	bst_ulong n;
	const char *data;
	/* JSON, not UBJSON: XGBoost 1.7.4's UBJSON reader reads past the end of a damaged buffer
	 * (valgrind shows it), its JSON reader stops at the end.  Bundles written before, in
	 * UBJSON, still load: XGBoost tells the formats apart by their first byte. */
	if (XGBoosterSaveModelToBuffer(m->booster, "{\"format\": \"json\"}", &n, &data))
		return xgb_fail(err, EX_SOFTWARE, "saving the model");
	if (!(*buf = malloc(n ? n : 1)))
		return cra_fail(err, EX_OSERR, "out of memory");
	memcpy(*buf, data, n);
	*len = n;
	return 0;
}

int xgb_load(struct xgb_model *m, const void *buf, size_t len, size_t ncols, int nclass,
	     int threads, const char *what, struct cra_error *err)
{
	memset(m, 0, sizeof *m);
	quiet_xgboost();
	if (nclass < 0 || nclass > 1000)
		return cra_fail(err, EX_DATAERR, "%s: %d classes", what, nclass);
	/* libxgboost trusts the model's structure and crashes on an inconsistent one: JSON (what
	 * xgb_save writes) is checked first.  UBJSON, from older bundles, goes in as it is. */
	char why[300];
	if (xgb_json_is_json(buf, len) && xgb_json_check(buf, len, why, sizeof why))
		return cra_fail(err, EX_DATAERR, "%s: not a model XGBoost can load: %s", what, why);
	BoosterHandle h;
	if (XGBoosterCreate(NULL, 0, &h))
		return xgb_fail(err, EX_SOFTWARE, what);
	if (XGBoosterLoadModelFromBuffer(h, buf, (bst_ulong)len)) {
		char context[1200];
		snprintf(context, sizeof context, "%s: not a model XGBoost can load", what);
		int r = xgb_fail(err, EX_DATAERR, context);
		XGBoosterFree(h);
		return r;
	}
	if (threads && set_param_num(h, "nthread", threads, err)) {
		XGBoosterFree(h);
		return err->status;
	}
	bst_ulong nfeat = 0;
	m->booster = h;
	m->ncols = ncols;
	m->nclass = nclass;
	m->threads = threads;
	/* The model's shape: its feature count, and one margin per class on a test row. */
	float *zero = calloc(ncols ? ncols : 1, sizeof *zero);
	double margin[1000];
	int r = zero ? 0 : cra_fail(err, EX_OSERR, "out of memory");
	if (!r && XGBoosterGetNumFeature(h, &nfeat))
		r = xgb_fail(err, EX_DATAERR, what);
	if (!r && nfeat != ncols)
		r = cra_fail(err, EX_DATAERR, "%s: the model has %llu features, its bundle lists %zu",
			     what, (unsigned long long)nfeat, ncols);
	if (!r && predict(m, &(struct xgb_data){ zero, NULL, 1 }, 1, groups(m), margin, err))
		r = cra_fail(err, EX_DATAERR, "%s: the model does not give %zu output%s per row",
			     what, groups(m), groups(m) == 1 ? "" : "s");
	free(zero);
	if (r)
		xgb_free(m);
	return r;
}

void xgb_free(struct xgb_model *m)
{
	if (m->booster)
		XGBoosterFree(m->booster);
	m->booster = NULL;
}

void xgb_rows(const struct feature_matrix *x, const size_t *rows, size_t n, float *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < x->ncols; j++)
			out[i * x->ncols + j] = (float)x->col[j][rows[i]];
}
