/* xgb_bundle.c - XGBoost model bundles and the inputs their boosters read; see xgb_bundle.h. */
#include "xgb_bundle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void payload_name(int horizon, char *buf, size_t size)
{
	snprintf(buf, size, "xgb-h%d", horizon);
}

static json_t *json_number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

int xgb_bundle_add_model(struct bundle *b, int horizon, const struct xgb_model *m,
			 const struct xgb_fit *fit, struct cra_error *err)
{
	unsigned char *buf;
	size_t len;
	char name[32];
	payload_name(horizon, name, sizeof name);
	int r = xgb_save(m, &buf, &len, err);
	if (r)
		return r;
	r = bundle_add_payload(b, name, buf, len, err);
	free(buf);
	if (r)
		return r;
	json_t *models = json_object_get(b->meta, "models");
	if (!models) {
		models = json_array();
		json_object_set_new(b->meta, "models", models);
	}
	json_t *entry = json_pack("{s:i, s:s, s:i, s:i, s:o, s:o}", "horizon", horizon, "payload",
				  name, "rounds", fit->rounds, "trees", fit->kept, "base_score",
				  json_number_or_null(fit->base_score), "valid_loss",
				  json_number_or_null(fit->best_loss));
	if (!entry || json_array_append_new(models, entry))
		return cra_fail(err, EX_SOFTWARE, "cannot describe the model of horizon %d", horizon);
	return 0;
}

void xgb_bundle_free(struct xgb_bundle *xb)
{
	for (int k = 0; k < BUNDLE_MAX_HORIZONS; k++)
		xgb_free(&xb->model[k]);
	for (size_t j = 0; j < xb->ncols; j++)
		free(xb->columns[j]);
	free(xb->columns);
	if (xb->b.meta || xb->b.payload)
		bundle_free(&xb->b);
	memset(xb, 0, sizeof *xb);
}

static int malformed(const char *path, const char *key, struct cra_error *err)
{
	return cra_fail(err, EX_DATAERR, "%s: the bundle's '%s' is missing or malformed", path, key);
}

static int load_columns(struct xgb_bundle *xb, const char *path, struct cra_error *err)
{
	json_t *cols = json_object_get(xb->b.meta, "columns");
	size_t n = json_array_size(cols);
	if (!json_is_array(cols) || n == 0)
		return malformed(path, "columns", err);
	if (!(xb->columns = calloc(n, sizeof *xb->columns)))
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t j = 0; j < n; j++) {
		const char *name = json_string_value(json_array_get(cols, j));
		if (!name)
			return malformed(path, "columns", err);
		if (!(xb->columns[j] = strdup(name)))
			return cra_fail(err, EX_OSERR, "out of memory");
		xb->ncols = j + 1;
	}
	return 0;
}

static int load_models(struct xgb_bundle *xb, const char *path, int threads, struct cra_error *err)
{
	json_t *models = json_object_get(xb->b.meta, "models");
	if (!json_is_array(models) || json_array_size(models) != (size_t)xb->info.nhorizons)
		return malformed(path, "models", err);
	for (int k = 0; k < xb->info.nhorizons; k++) {
		json_t *e = json_array_get(models, (size_t)k);
		const char *name = json_string_value(json_object_get(e, "payload"));
		if (!name || json_integer_value(json_object_get(e, "horizon")) != xb->info.horizons[k])
			return malformed(path, "models", err);
		const struct bundle_payload *p = bundle_find_payload(&xb->b, name);
		if (!p)
			return cra_fail(err, EX_DATAERR, "%s: the bundle has no payload '%s'", path, name);
		char what[1100];
		snprintf(what, sizeof what, "%s (%s)", path, name);
		int r = xgb_load(&xb->model[k], p->data, p->len, xb->ncols, xb->nclass, threads, what, err);
		if (r)
			return r;
	}
	return 0;
}

int xgb_bundle_load(struct xgb_bundle *xb, const char *path, int threads, struct cra_error *err)
{
	struct bundle b;
	int r = bundle_load(&b, path, err);
	if (r) {
		memset(xb, 0, sizeof *xb);
		return r;
	}
	return xgb_bundle_take(xb, &b, path, threads, err);
}

int xgb_bundle_take(struct xgb_bundle *xb, struct bundle *b, const char *path, int threads,
		    struct cra_error *err)
{
	memset(xb, 0, sizeof *xb);
	xb->b = *b;
	memset(b, 0, sizeof *b); /* nothing left in it to free */
	int r;
	if ((r = bundle_get_info(&xb->b, path, &xb->info, err)))
		goto fail;
	if (strcmp(xb->info.kind, XGB_KIND)) {
		r = cra_fail(err, EX_DATAERR, "%s: a model of kind '%s', not an XGBoost model "
			     "(kind '%s', from cra-train-xgb)", path, xb->info.kind, XGB_KIND);
		goto fail;
	}
	if (!strcmp(xb->info.task, "regime")) {
		xb->nclass = XGB_REGIME_CLASSES;
	} else if (strcmp(xb->info.task, "return") && strcmp(xb->info.task, "price")) {
		r = cra_fail(err, EX_DATAERR, "%s: an XGBoost model of unknown task '%s'", path,
			     xb->info.task);
		goto fail;
	}
	if (feature_spec_parse(xb->info.features, &xb->spec, err)) {
		r = cra_fail(err, EX_DATAERR, "%s: the bundle's feature specification '%s' is not "
			     "one this craipto reads", path, xb->info.features);
		goto fail;
	}
	if ((r = load_columns(xb, path, err)) || (r = load_models(xb, path, threads, err)))
		goto fail;
	return 0;
fail:
	xgb_bundle_free(xb);
	return r;
}

int xgb_bundle_horizon(const struct xgb_bundle *xb, int h)
{
	for (int k = 0; k < xb->info.nhorizons; k++)
		if (xb->info.horizons[k] == h)
			return k;
	return -1;
}

void xgb_inputs_free(struct xgb_inputs *in)
{
	feature_matrix_free(&in->x);
	free(in->rows);
	free(in->data);
	memset(in, 0, sizeof *in);
}

int xgb_bundle_inputs(const struct xgb_bundle *xb, const struct candles *c,
		      const struct interval *iv, int64_t from, int64_t to, size_t last,
		      struct xgb_inputs *in, struct cra_error *err)
{
	memset(in, 0, sizeof *in);
	int r = features_compute(&xb->spec, c, iv, &in->x, err);
	if (r)
		return r;
	bool same = in->x.ncols == xb->ncols;
	for (size_t j = 0; same && j < xb->ncols; j++)
		same = !strcmp(in->x.name[j], xb->columns[j]);
	if (!same) {
		xgb_inputs_free(in);
		return cra_fail(err, EX_DATAERR, "the model's %zu feature columns are not the ones "
				"this craipto computes from its specification '%s': the bundle comes "
				"from another version of craipto", xb->ncols, xb->info.features);
	}
	if (!(in->rows = malloc((c->n ? c->n : 1) * sizeof *in->rows))) {
		xgb_inputs_free(in);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	for (size_t t = 0; t < c->n; t++) {
		if (c->open_time[t] < from || c->open_time[t] >= to)
			continue;
		bool defined = true;
		for (size_t j = 0; defined && j < in->x.ncols; j++)
			defined = isfinite(in->x.col[j][t]);
		if (defined)
			in->rows[in->n++] = t;
	}
	if (last && in->n > last) {
		memmove(in->rows, in->rows + (in->n - last), last * sizeof *in->rows);
		in->n = last;
	}
	if (!(in->data = malloc((in->n ? in->n : 1) * in->x.ncols * sizeof *in->data))) {
		xgb_inputs_free(in);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	xgb_rows(&in->x, in->rows, in->n, in->data);
	return 0;
}
