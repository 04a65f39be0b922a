/* forecast_refit.c - retraining a loaded model on newer candles; see forecast_refit.h. */
#include "forecast_refit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgb_train.h"

size_t forecast_refit_start(const struct forecast_model *m, const struct candles *c,
			    const struct interval *iv)
{
	size_t row = candles_lower_bound(c, m->info.train_from), history = forecast_model_history(m, iv);
	return row > history ? row - history : 0;
}

static int no_params(const struct forecast_model *m, const json_error_t *je,
		     struct cra_error *err)
{
	return cra_fail(err, EX_DATAERR, "%s: cannot retrain this model: the bundle's training "
			"parameters ('params') are incomplete (%s)", m->path, je->text);
}

static int refit_xgb(struct forecast_model *m, const struct candles *c, const struct interval *iv,
		     const struct target_spec *ts, struct cra_error *err)
{
	struct xgb_job job = { .spec = m->spec, .targets = ts, .symbol = m->info.symbol,
			       .interval = m->info.interval };
	xgb_params_default(&job.params);
	struct xgb_params *p = &job.params;
	json_error_t je;
	if (json_unpack_ex(m->params, &je, 0, "{s:i, s:i, s:F, s:F, s:F, s:i, s:i, s:i, s:F}",
			   "trees", &p->trees, "depth", &p->depth, "eta", &p->eta, "subsample",
			   &p->subsample, "colsample", &p->colsample, "max_bin", &p->max_bin,
			   "early_stop", &p->early_stop, "seed", &p->seed, "valid_frac",
			   &job.valid_frac))
		return no_params(m, &je, err);
	p->threads = m->threads;
	struct bundle b;
	static struct xgb_report rep; /* large; never used concurrently */
	bundle_init(&b);
	int r = xgb_train_job(c, iv, &job, &b, &rep, err);
	struct xgb_bundle *xb = calloc(1, sizeof *xb);
	if (!r && !xb)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = xgb_bundle_take(xb, &b, m->path, m->threads, err);
	bundle_free(&b);
	if (r) {
		free(xb);
		return r;
	}
	xgb_bundle_free(m->xgb);
	free(m->xgb);
	m->xgb = xb;
	m->spec = &xb->spec;
	return 0;
}

static int refit_lstm(struct forecast_model *m, const struct candles *c,
		      const struct interval *iv, const struct target_spec *ts,
		      struct cra_error *err)
{
	const struct lstm_config *cfg = &m->lstm->net.cfg;
	struct lstm_job job = { .spec = m->spec, .targets = ts, .window = m->info.window,
				.symbol = m->info.symbol, .interval = m->info.interval,
				.init = m->lstm };
	job.arch.conv_kernel = cfg->conv_kernel;
	job.arch.conv_filters = cfg->conv_filters;
	job.arch.nlayers = cfg->nlayers;
	memcpy(job.arch.hidden, cfg->hidden, sizeof job.arch.hidden);
	lstm_train_params_default(&job.train);
	struct lstm_train_params *p = &job.train;
	json_int_t seed;
	json_error_t je;
	if (json_unpack_ex(m->params, &je, 0, "{s:i, s:i, s:i, s:F, s:F, s:F, s:F, s:I, s:F}",
			   "epochs", &p->epochs, "batch", &p->batch, "patience", &p->patience, "lr",
			   &p->lr, "lr_decay", &p->lr_decay, "clip", &p->clip, "dropout", &p->dropout,
			   "seed", &seed, "valid_frac", &job.valid_frac))
		return no_params(m, &je, err);
	p->seed = (uint64_t)seed;
	p->threads = forecast_lstm_threads(m, SIZE_MAX);
	struct lstm_model *lm = calloc(1, sizeof *lm);
	struct lstm_report *rep = calloc(1, sizeof *rep);
	struct bundle b;
	bundle_init(&b);
	int r = lm && rep ? lstm_train_job(c, iv, &job, lm, &b, rep, err)
			  : cra_fail(err, EX_OSERR, "out of memory");
	bundle_free(&b);
	if (rep)
		lstm_report_free(rep);
	free(rep);
	if (r) {
		free(lm);
		return r;
	}
	lstm_model_free(m->lstm);
	free(m->lstm);
	m->lstm = lm;
	m->spec = &lm->spec;
	return 0;
}

int forecast_model_refit(struct forecast_model *m, const struct candles *c,
			 const struct interval *iv, size_t first, size_t end,
			 struct cra_error *err)
{
	struct target_spec ts;
	target_spec_init(&ts);
	if (target_spec_add(&ts, m->info.targets, iv, err))
		return cra_fail(err, EX_DATAERR, "%s: the bundle's targets '%s' are not ones this "
				"craipto reads", m->path, m->info.targets);
	struct candles part;
	candles_init(&part);
	int64_t to = end < c->n ? c->open_time[end] : INT64_MAX;
	if (candles_slice(c, c->open_time[first], to, &part))
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = m->xgb ? refit_xgb(m, &part, iv, &ts, err) : refit_lstm(m, &part, iv, &ts, err);
	candles_free(&part);
	if (r)
		cra_error_prefix(err, "%s: retraining: ", m->path);
	return r;
}
