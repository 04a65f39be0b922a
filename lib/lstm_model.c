/* lstm_model.c - cra-train-lstm's job, LSTM bundles and forecasts; see lstm_model.h. */
#include "lstm_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "feature_matrix.h"
#include "lstm_format.h"


/* The network's outputs per window: one per horizon, or three classes per horizon. */
static int outputs(enum target_kind kind, int nh)
{
	return kind == TARGET_REGIME ? LSTM_REGIME_CLASSES * nh : nh;
}

/* ---- what the model and the training share: inputs and forecasts --------------------- */

/* x[t][j] = (feature j at row t - mean j) / std j, in float, for every candle row (NaN where
 * the feature is undefined: such rows never fall inside a window used). */
static float *standardise(const struct lstm_model *m, const struct feature_matrix *fm)
{
	float *x = malloc((fm->nrows ? fm->nrows : 1) * m->nfeat * sizeof *x);
	if (!x)
		return NULL;
	for (size_t t = 0; t < fm->nrows; t++)
		for (size_t j = 0; j < m->nfeat; j++)
			x[t * m->nfeat + j] = (float)((fm->col[j][t] - m->mean[j]) / m->std[j]);
	return x;
}

/* Network outputs to forecasts: r = out std + mean for each horizon, or the probabilities. */
static void to_forecast(const struct lstm_model *m, const float *out, size_t n, double *forecast)
{
	int nh = m->info.nhorizons, no = outputs(m->kind, nh);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < no; k++) {
			double v = out[i * (size_t)no + (size_t)k];
			forecast[i * (size_t)no + (size_t)k] =
				m->kind == TARGET_REGIME ? v : v * m->target_std[k] + m->target_mean[k];
		}
}

/* Forecasts for rows through the network, over inputs x already standardised. */
static int forecast_rows(const struct lstm_model *m, const float *x, size_t nrows,
			 const size_t *rows, size_t n, int threads, double *forecast,
			 struct cra_error *err)
{
	struct lstm_series s = { nrows, (int)m->nfeat, x, 0, NULL, m->info.window };
	size_t no = (size_t)m->net.cfg.noutput;
	float *out = malloc((n ? n : 1) * no * sizeof *out);
	if (!out)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = lstm_predict(&m->net, &s, rows, n, threads, out, NULL, err);
	if (!r)
		to_forecast(m, out, n, forecast);
	free(out);
	return r;
}

void lstm_model_free(struct lstm_model *m)
{
	lstm_free(&m->net);
	free(m->mean);
	free(m->std);
	memset(m, 0, sizeof *m);
}

int lstm_model_predict(const struct lstm_model *m, const struct candles *c,
		       const struct interval *iv, const size_t *rows, size_t n, int threads,
		       double *forecast, struct cra_error *err)
{
	struct feature_matrix fm;
	int r = features_compute(&m->spec, c, iv, &fm, err);
	if (r)
		return r;
	if (fm.ncols != m->nfeat) {
		feature_matrix_free(&fm);
		return cra_fail(err, EX_DATAERR, "the features computed (%zu columns) are not the "
				"model's (%zu)", fm.ncols, m->nfeat);
	}
	size_t W = (size_t)m->info.window;
	for (size_t i = 0; i < n; i++) {
		bool ok = rows[i] < c->n && rows[i] + 1 >= W && rows[i] + 1 - W >= fm.warmup;
		if (!ok) {
			feature_matrix_free(&fm);
			return cra_fail(err, EX_DATAERR, "no forecast for the candle of row %zu: its "
					"window of %zu candles needs %zu candles of history before it",
					rows[i], W, fm.warmup);
		}
	}
	float *x = standardise(m, &fm);
	r = x ? forecast_rows(m, x, c->n, rows, n, threads, forecast, err)
	      : cra_fail(err, EX_OSERR, "out of memory");
	free(x);
	feature_matrix_free(&fm);
	return r;
}

/* ---- training ------------------------------------------------------------------------- */

/* The log return a target column stands for: return:H is one; price:H is c[t+H]. */
static double log_return(enum target_kind kind, double y, double close)
{
	return kind == TARGET_RETURN ? y : log(y / close);
}

/* The network's targets for every candle row: standardised log returns per horizon, or
 * classes 0..2 (regime + 1); NaN where undefined.  Fills m's target scaler from the
 * training rows (mean and population standard deviation, 1 where it is 0). */
static float *make_targets(struct lstm_model *m, const struct candles *c, const struct dataset *d)
{
	size_t nh = d->y.ncols, n = c->n;
	float *y = malloc((n ? n : 1) * nh * sizeof *y);
	if (!y)
		return NULL;
	for (size_t k = 0; k < nh; k++) {
		const double *col = d->y.col[k], *close = c->v[CF_CLOSE];
		if (m->kind == TARGET_REGIME) {
			for (size_t t = 0; t < n; t++)
				y[t * nh + k] = (float)(col[t] + 1);
			continue;
		}
		double mean = 0, m2 = 0;
		for (size_t i = 0; i < d->ntrain; i++) { /* Welford */
			double v = log_return(m->kind, col[d->train[i]], close[d->train[i]]);
			double delta = v - mean;
			mean += delta / (double)(i + 1);
			m2 += delta * (v - mean);
		}
		double sd = sqrt(m2 / (double)d->ntrain);
		m->target_mean[k] = mean;
		m->target_std[k] = sd > 0 ? sd : 1;
		for (size_t t = 0; t < n; t++)
			y[t * nh + k] = (float)((log_return(m->kind, col[t], close[t]) - mean) /
						m->target_std[k]);
	}
	return y;
}

/* The report of one horizon (index k) on the report rows. */
static void evaluate(const struct candles *c, const struct dataset *d, int k, int horizon,
		     const struct lstm_report *rep, int majority, struct lstm_horizon_report *h,
		     double *work)
{
	const double *close = c->v[CF_CLOSE];
	size_t n = rep->nreport, no = (size_t)outputs(rep->kind, rep->nh);
	if (rep->kind == TARGET_REGIME) {
		int *actual = (int *)work, *model = actual + n, *naive = model + n;
		for (size_t i = 0; i < n; i++) {
			const double *q = &rep->forecast[i * no + 3 * (size_t)k];
			int best = q[1] > q[0] ? 1 : 0;
			actual[i] = (int)d->y.col[k][rep->rows[i]] + 1;
			model[i] = q[2] > q[best] ? 2 : best;
			naive[i] = majority;
		}
		class_metrics(actual, model, n, LSTM_REGIME_CLASSES, &h->cmodel);
		class_metrics(actual, naive, n, LSTM_REGIME_CLASSES, &h->cnaive);
		return;
	}
	double *actual = work, *forecast = work + n, *base = work + 2 * n;
	for (size_t i = 0; i < n; i++) {
		size_t t = rep->rows[i];
		base[i] = close[t];
		actual[i] = close[t + (size_t)horizon];
		forecast[i] = close[t] * exp(rep->forecast[i * no + (size_t)k]);
	}
	regression_metrics(actual, forecast, base, n, &h->model);
	regression_metrics(actual, base, NULL, n, &h->naive); /* "no change" has no direction */
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *doubles(const double *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

static json_t *metrics_json(const struct lstm_report *rep)
{
	json_t *list = json_array();
	for (int k = 0; k < rep->nh; k++) {
		const struct lstm_horizon_report *h = &rep->h[k];
		json_t *side[2];
		for (int s = 0; s < 2; s++) {
			if (rep->kind == TARGET_REGIME) {
				const struct class_metrics *m = s ? &h->cnaive : &h->cmodel;
				json_t *conf = json_array();
				for (int a = 0; a < LSTM_REGIME_CLASSES; a++) {
					json_t *row = json_array();
					for (int p = 0; p < LSTM_REGIME_CLASSES; p++)
						json_array_append_new(row, json_integer((json_int_t)m->confusion[a][p]));
					json_array_append_new(conf, row);
				}
				side[s] = json_pack("{s:o, s:o, s:o}", "accuracy", num(m->accuracy),
						    "macro_f1", num(m->macro_f1), "confusion", conf);
			} else {
				const struct regression_metrics *m = s ? &h->naive : &h->model;
				side[s] = json_pack("{s:o, s:o, s:o, s:o}", "rmse", num(m->rmse), "mae",
						    num(m->mae), "mape", num(m->mape),
						    "directional_accuracy", num(m->directional_accuracy));
			}
		}
		json_array_append_new(list, json_pack("{s:i, s:o, s:o}", "horizon", h->horizon,
						       "model", side[0], "naive", side[1]));
	}
	return json_pack("{s:I, s:I, s:I, s:o}", "rows", (json_int_t)rep->nreport, "from",
			 (json_int_t)rep->report_from, "to", (json_int_t)rep->report_to, "horizons", list);
}

/* The bundle: the description, scaler, architecture, parameters, report and weights. */
static int describe(struct bundle *b, const struct lstm_model *m, const struct dataset *d,
		    const struct lstm_job *job, const struct lstm_report *rep,
		    struct cra_error *err)
{
	int r = bundle_set_info(b, &m->info, err);
	if (r)
		return r;
	json_t *cols = json_array();
	for (size_t j = 0; j < d->x.ncols; j++)
		json_array_append_new(cols, json_string(d->x.name[j]));
	json_object_set_new(b->meta, "columns", cols);
	if (m->kind == TARGET_REGIME) {
		json_t *cl = json_array();
		for (int k = 0; k < LSTM_REGIME_CLASSES; k++)
			json_array_append_new(cl, json_string(regime_class_name[k]));
		json_object_set_new(b->meta, "classes", cl);
	}
	json_t *scaler = json_pack("{s:s, s:o, s:o}", "kind", "standard", "mean",
				   doubles(m->mean, m->nfeat), "std", doubles(m->std, m->nfeat));
	if (m->kind != TARGET_REGIME) {
		size_t nh = (size_t)m->info.nhorizons;
		json_object_set_new(scaler, "target", json_string("log_return"));
		json_object_set_new(scaler, "target_mean", doubles(m->target_mean, nh));
		json_object_set_new(scaler, "target_std", doubles(m->target_std, nh));
	}
	json_object_set_new(b->meta, "scaler", scaler);
	const struct lstm_config *cfg = &m->net.cfg;
	json_t *hidden = json_array();
	for (int l = 0; l < cfg->nlayers; l++)
		json_array_append_new(hidden, json_integer(cfg->hidden[l]));
	json_object_set_new(b->meta, "architecture",
			    json_pack("{s:i, s:i, s:i, s:o, s:i, s:i}", "conv_kernel",
				      cfg->conv_kernel, "conv_filters", cfg->conv_filters, "layers",
				      cfg->nlayers, "hidden", hidden, "outputs", cfg->noutput,
				      "classes", cfg->nclass));
	const struct lstm_train_params *p = &job->train;
	json_object_set_new(b->meta, "params",
			    json_pack("{s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:I, s:f, s:s, s:s}",
				      "epochs", p->epochs, "batch", p->batch, "patience", p->patience,
				      "lr", p->lr, "lr_decay", p->lr_decay, "clip", p->clip,
				      "dropout", p->dropout, "seed", (json_int_t)p->seed, "valid_frac",
				      job->valid_frac, "optimizer", "adam", "loss",
				      m->kind == TARGET_REGIME ? "cross_entropy" : "mse"));
	json_object_set_new(b->meta, "training",
			    json_pack("{s:i, s:i, s:o, s:o}", "epochs_run", rep->fit.epochs_run,
				      "best_epoch", rep->fit.best_epoch + 1, "train_loss",
				      num(rep->fit.train_loss), "stop_loss",
				      num(rep->fit.best_valid_loss)));
	json_object_set_new(b->meta, "early_stopping",
			    rep->nstop ? json_pack("{s:I, s:I, s:I}", "rows", (json_int_t)rep->nstop,
						   "from", (json_int_t)rep->stop_from, "to",
						   (json_int_t)rep->stop_to)
				       : json_null());
	json_object_set_new(b->meta, "metrics", metrics_json(rep));
	unsigned char *payload;
	size_t len;
	if ((r = lstm_format_encode(&m->net, &payload, &len, err)))
		return r;
	r = bundle_add_payload(b, LSTM_PAYLOAD_NAME, payload, len, err);
	free(payload);
	return r;
}

void lstm_report_free(struct lstm_report *rep)
{
	free(rep->rows);
	free(rep->forecast);
	rep->rows = NULL;
	rep->forecast = NULL;
}

/* "cnn-lstm (conv 3:8, hidden 8,4) on 12 candles of SPEC for TARGETS" */
static void describe_model(const struct model_info *info, const struct lstm_config *cfg,
			   char *buf, size_t size)
{
	char conv[32] = "", hidden[64] = "";
	size_t n = 0;
	if (cfg->conv_kernel)
		snprintf(conv, sizeof conv, "conv %d:%d, ", cfg->conv_kernel, cfg->conv_filters);
	for (int l = 0; l < cfg->nlayers && n < sizeof hidden; l++)
		n += (size_t)snprintf(hidden + n, sizeof hidden - n, "%s%d", l ? "," : "", cfg->hidden[l]);
	snprintf(buf, size, "%s (%shidden %s) on %d candles of %s for %s", info->kind, conv, hidden,
		 info->window, info->features, info->targets);
}

/* The model's description, scaler and network, before training. */
static int set_up_model(struct lstm_model *m, const struct candles *c, const struct dataset *d,
			const struct lstm_job *job, const struct lstm_report *rep,
			struct cra_error *err)
{
	const struct target_spec *ts = job->targets;
	struct model_info *info = &m->info;
	m->kind = ts->item[0].kind;
	m->spec = *job->spec;
	snprintf(info->kind, sizeof info->kind, "%s", job->arch.conv_kernel ? CNN_LSTM_KIND : LSTM_KIND);
	snprintf(info->task, sizeof info->task, "%s", target_task_name(m->kind));
	feature_spec_format(job->spec, info->features, sizeof info->features);
	target_spec_format(ts, info->targets, sizeof info->targets);
	info->window = job->window;
	for (size_t k = 0; k < ts->n; k++)
		info->horizons[info->nhorizons++] = ts->item[k].horizon;
	snprintf(info->symbol, sizeof info->symbol, "%s", job->symbol);
	snprintf(info->interval, sizeof info->interval, "%s", job->interval);
	info->train_from = rep->train_from;
	info->train_to = rep->train_to;
	info->valid_from = c->open_time[d->valid[0]];
	info->valid_to = c->open_time[d->valid[d->nvalid - 1]];
	info->rows = (int64_t)rep->ntrain;
	candles_sha256(c, 0, c->n, info->data_sha256);

	m->nfeat = d->x.ncols;
	m->mean = malloc(m->nfeat * sizeof *m->mean);
	m->std = malloc(m->nfeat * sizeof *m->std);
	if (!m->mean || !m->std)
		return cra_fail(err, EX_OSERR, "out of memory");
	memcpy(m->mean, d->mean, m->nfeat * sizeof *m->mean);
	memcpy(m->std, d->std, m->nfeat * sizeof *m->std);

	struct lstm_config cfg = job->arch;
	cfg.ninput = (int)m->nfeat;
	cfg.noutput = outputs(m->kind, info->nhorizons);
	cfg.nclass = m->kind == TARGET_REGIME ? LSTM_REGIME_CLASSES : 0;
	int r = lstm_init(&m->net, &cfg, err);
	if (r)
		return r;
	const struct lstm_model *init = job->init;
	if (!init) {
		lstm_randomize(&m->net, job->train.seed);
		return 0;
	}
	if (init->kind != m->kind || strcmp(init->info.features, info->features) ||
	    strcmp(init->info.targets, info->targets) || init->info.window != info->window ||
	    memcmp(&init->net.cfg, &cfg, sizeof cfg)) {
		char was[3000], now[3000];
		describe_model(&init->info, &init->net.cfg, was, sizeof was);
		describe_model(info, &cfg, now, sizeof now);
		return cra_fail(err, EX_USAGE, "the initial model is another model: %s, not %s", was, now);
	}
	memcpy(m->net.params, init->net.params, m->net.nparams * sizeof *m->net.params);
	return 0;
}

int lstm_train_job(const struct candles *c, const struct interval *iv, const struct lstm_job *job,
		   struct lstm_model *m, struct bundle *b, struct lstm_report *rep,
		   struct cra_error *err)
{
	memset(rep, 0, sizeof *rep);
	memset(m, 0, sizeof *m);
	const struct target_spec *ts = job->targets;
	int r = target_spec_check_model(ts, "LSTM", err);
	if (r)
		return r;
	if (job->window < 1 || job->window > 100000)
		return cra_fail(err, EX_USAGE, "the window must be 1 to 100000 candles, not %d",
				job->window);
	rep->kind = ts->item[0].kind;
	rep->nh = (int)ts->n;
	struct dataset d;
	if ((r = dataset_build(c, iv, job->spec, ts, job->valid_frac, (size_t)job->window, &d, err)))
		return r;

	/* With early stopping: the first half of the validation period stops, the second
	 * reports. */
	size_t nstop = 0, second = 0;
	if (job->train.patience) {
		dataset_split_valid(&d, d.split + (c->n - d.split) / 2, &nstop, &second);
		if (nstop < 10 || d.nvalid - second < 10) {
			r = cra_fail(err, EX_DATAERR,
				     "too few validation rows to stop early on one half and report on "
				     "the other: %zu and %zu (need 10 each); give a larger validation "
				     "fraction, or no early stopping (--patience 0)", nstop,
				     d.nvalid - second);
			dataset_free(&d);
			return r;
		}
	}
	rep->ntrain = d.ntrain;
	rep->nstop = nstop;
	rep->nreport = d.nvalid - second;
	rep->train_from = c->open_time[d.train[0]];
	rep->train_to = c->open_time[d.train[d.ntrain - 1]];
	if (nstop) {
		rep->stop_from = c->open_time[d.valid[0]];
		rep->stop_to = c->open_time[d.valid[nstop - 1]];
	}
	rep->report_from = c->open_time[d.valid[second]];
	rep->report_to = c->open_time[d.valid[d.nvalid - 1]];
	rep->rows = malloc(rep->nreport * sizeof *rep->rows);
	rep->forecast = malloc(rep->nreport * (size_t)outputs(rep->kind, rep->nh) * sizeof(double));
	float *x = NULL, *y = NULL;
	double *work = malloc(3 * rep->nreport * sizeof *work);
	int *labels = malloc(d.ntrain * sizeof *labels);
	if (!rep->rows || !rep->forecast || !work || !labels) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	memcpy(rep->rows, d.valid + second, rep->nreport * sizeof *rep->rows);
	if ((r = set_up_model(m, c, &d, job, rep, err)))
		goto done;
	x = standardise(m, &d.x);
	y = make_targets(m, c, &d);
	if (!x || !y) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	struct lstm_series s = { c->n, (int)m->nfeat, x, rep->nh, y, job->window };
	if ((r = lstm_train(&m->net, &s, d.train, d.ntrain, d.valid, nstop, &job->train,
			    job->progress, job->ctx, &rep->fit, err)) ||
	    (r = forecast_rows(m, x, c->n, rep->rows, rep->nreport, job->train.threads,
			       rep->forecast, err)))
		goto done;
	for (int k = 0; k < rep->nh; k++) {
		int majority = 0;
		if (rep->kind == TARGET_REGIME) {
			for (size_t i = 0; i < d.ntrain; i++)
				labels[i] = (int)d.y.col[k][d.train[i]] + 1;
			majority = majority_class(labels, d.ntrain, LSTM_REGIME_CLASSES);
		}
		rep->h[k].horizon = ts->item[k].horizon;
		evaluate(c, &d, k, ts->item[k].horizon, rep, majority, &rep->h[k], work);
	}
	r = describe(b, m, &d, job, rep, err);
done:
	free(x);
	free(y);
	free(work);
	free(labels);
	dataset_free(&d);
	if (r) {
		lstm_report_free(rep);
		lstm_model_free(m);
	}
	return r;
}

void lstm_report_write(struct table_writer *w, const struct lstm_report *rep)
{
	metrics_report_header(w);
	for (int k = 0; k < rep->nh; k++) {
		const struct lstm_horizon_report *h = &rep->h[k];
		if (rep->kind == TARGET_REGIME)
			metrics_report_classes(w, h->horizon, &h->cmodel, &h->cnaive, regime_class_name);
		else
			metrics_report_regression(w, h->horizon, &h->model, &h->naive);
	}
}

/* ---- loading -------------------------------------------------------------------------- */

/* n doubles from the array meta[key][sub] (sub NULL: meta[key]); -1 when missing or not n
 * finite numbers, with std-like values required positive when positive is set. */
static int get_doubles(json_t *obj, const char *key, double *out, size_t n, bool positive)
{
	json_t *a = json_object_get(obj, key);
	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_number(v))
			return -1;
		out[i] = json_number_value(v);
		if (!isfinite(out[i]) || (positive && !(out[i] > 0)))
			return -1;
	}
	return 0;
}

static int load_checked(struct lstm_model *m, const struct bundle *b, const char *path,
			struct cra_error *err)
{
	struct model_info *info = &m->info;
	int r = bundle_get_info(b, path, info, err);
	if (r)
		return r;
	bool cnn = !strcmp(info->kind, CNN_LSTM_KIND);
	if (!cnn && strcmp(info->kind, LSTM_KIND))
		return cra_fail(err, EX_DATAERR, "%s: a model of kind '%s', not an LSTM", path, info->kind);
	if (!strcmp(info->task, "return"))
		m->kind = TARGET_RETURN;
	else if (!strcmp(info->task, "price"))
		m->kind = TARGET_PRICE;
	else if (!strcmp(info->task, "regime"))
		m->kind = TARGET_REGIME;
	else
		return cra_fail(err, EX_DATAERR, "%s: unknown task '%s'", path, info->task);
	struct cra_error why = { 0 };
	if (feature_spec_parse(info->features, &m->spec, &why))
		return cra_fail(err, EX_DATAERR, "%s: the bundle's features: %s", path, why.msg);
	if (info->window < 1)
		return cra_fail(err, EX_DATAERR, "%s: the bundle's 'window' is malformed", path);
	m->nfeat = feature_spec_ncols(&m->spec);
	m->mean = malloc(m->nfeat * sizeof *m->mean);
	m->std = malloc(m->nfeat * sizeof *m->std);
	if (!m->mean || !m->std)
		return cra_fail(err, EX_OSERR, "out of memory");
	json_t *scaler = json_object_get(b->meta, "scaler");
	size_t nh = (size_t)info->nhorizons;
	if (get_doubles(scaler, "mean", m->mean, m->nfeat, false) ||
	    get_doubles(scaler, "std", m->std, m->nfeat, true) ||
	    (m->kind != TARGET_REGIME &&
	     (get_doubles(scaler, "target_mean", m->target_mean, nh, false) ||
	      get_doubles(scaler, "target_std", m->target_std, nh, true))))
		return cra_fail(err, EX_DATAERR, "%s: the bundle's 'scaler' is missing or does not "
				"match its %zu features and %zu horizons", path, m->nfeat, nh);
	const struct bundle_payload *p = bundle_find_payload(b, LSTM_PAYLOAD_NAME);
	if (!p)
		return cra_fail(err, EX_DATAERR, "%s: no '%s' payload", path, LSTM_PAYLOAD_NAME);
	if ((r = lstm_format_decode(p->data, p->len, path, &m->net, err)))
		return r;
	const struct lstm_config *cfg = &m->net.cfg;
	int nclass = m->kind == TARGET_REGIME ? LSTM_REGIME_CLASSES : 0;
	if ((size_t)cfg->ninput != m->nfeat || cfg->noutput != outputs(m->kind, (int)nh) ||
	    cfg->nclass != nclass || (cfg->conv_kernel > 0) != cnn)
		return cra_fail(err, EX_DATAERR, "%s: the network (%d inputs, %d outputs%s) does not "
				"match the bundle's description (%zu features, %zu %s horizons, kind %s)",
				path, cfg->ninput, cfg->noutput, cfg->conv_kernel ? ", convolution" : "",
				m->nfeat, nh, info->task, info->kind);
	return 0;
}

int lstm_model_load(struct lstm_model *m, const char *path, struct cra_error *err)
{
	memset(m, 0, sizeof *m);
	struct bundle b;
	int r = bundle_load(&b, path, err);
	if (r)
		return r;
	r = load_checked(m, &b, path, err);
	bundle_free(&b);
	if (r)
		lstm_model_free(m);
	return r;
}
