/* cra-train-lstm's job and LSTM bundles: a reloaded bundle reproduces the validation forecasts
 * bit for bit; the same seed gives the same bytes; the report's rows took no part in training
 * or stopping and its naive figures are what they say; damaged or foreign bundles are refused
 * with 65. */
#include <stdint.h>

#include "check.h"
#include "lstm_model.h"
#include "testfiles.h"

/* AR(1) log returns r[t] = 0.4 r[t-1] + noise, so a little is predictable. */
static void make_candles(struct candles *c, size_t n)
{
	candles_init(c);
	uint64_t rng = 77;
	double price = 100, r = 0;
	for (size_t t = 0; t < n; t++) {
		double noise = 0.01 * (lstm_rand_float(&rng) + lstm_rand_float(&rng) - 1);
		r = 0.4 * r + noise;
		double open = price;
		price *= exp(r);
		double hi = fmax(open, price) * 1.002, lo = fmin(open, price) * 0.998;
		double row[CANDLE_NFIELDS] = { open, hi, lo, price, 10 + 5 * lstm_rand_float(&rng),
					       NAN, NAN, NAN, NAN, NAN };
		candles_push(c, 1600000000000LL + 3600000LL * (int64_t)t, row);
	}
}

struct setup {
	struct feature_spec spec;
	struct target_spec ts;
	struct lstm_job job;
	struct interval iv;
};

static void set_up(struct setup *s, const char *targets, int conv)
{
	struct cra_error err = { 0 };
	interval_parse("1h", &s->iv);
	CHECK_INT(feature_spec_parse(FEATURE_SPEC_DEFAULT, &s->spec, &err), 0);
	target_spec_init(&s->ts);
	CHECK_INT(target_spec_add(&s->ts, targets, &s->iv, &err), 0);
	memset(&s->job, 0, sizeof s->job);
	s->job.spec = &s->spec;
	s->job.targets = &s->ts;
	s->job.window = 12;
	s->job.arch = (struct lstm_config){ .conv_kernel = conv ? 3 : 0, .conv_filters = conv ? 6 : 0,
					    .nlayers = 2, .hidden = { 10, 6 } };
	lstm_train_params_default(&s->job.train);
	s->job.train.epochs = 4;
	s->job.train.batch = 32;
	s->job.train.patience = 2;
	s->job.train.threads = 2;
	s->job.train.lr = 3e-3;
	s->job.train.dropout = 0.1;
	s->job.valid_frac = 0.3;
	s->job.symbol = "TESTUSDT";
	s->job.interval = "1h";
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *p = malloc(*len + 1);
	if (fread(p, 1, *len, f) != *len)
		*len = 0;
	fclose(f);
	return p;
}

/* Trains, saves, reloads and forecasts the report rows again: the same bits. */
static void check_round_trip(const struct candles *c, const char *targets, int conv,
			     const char *dir, const char *name)
{
	struct setup s;
	set_up(&s, targets, conv);
	struct cra_error err = { 0 };
	struct lstm_model m;
	struct lstm_report rep;
	struct bundle b;
	bundle_init(&b);
	CHECK_INT(lstm_train_job(c, &s.iv, &s.job, &m, &b, &rep, &err), 0);
	if (err.status)
		fprintf(stderr, "%s\n", err.msg);
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	CHECK_INT(bundle_save(&b, path, &err), 0);

	struct lstm_model back;
	CHECK_INT(lstm_model_load(&back, path, &err), 0);
	CHECK_STR(back.info.kind, conv ? "cnn-lstm" : "lstm");
	CHECK_INT(back.info.window, 12);
	CHECK_INT(back.info.nhorizons, s.ts.n);
	size_t no = (size_t)m.net.cfg.noutput;
	double *again = malloc(rep.nreport * no * sizeof *again);
	/* another thread count: forecasts do not depend on it */
	CHECK_INT(lstm_model_predict(&back, c, &s.iv, rep.rows, rep.nreport, 1, again, &err), 0);
	CHECK(!memcmp(again, rep.forecast, rep.nreport * no * sizeof *again));
	CHECK(!memcmp(back.net.params, m.net.params, m.net.nparams * sizeof(float)));

	/* the report's rows: after the stopping rows, whose labels end before the report */
	CHECK(rep.nstop >= 10 && rep.nreport >= 10);
	CHECK(rep.stop_to < rep.report_from);
	int maxh = 0;
	for (size_t k = 0; k < s.ts.n; k++)
		maxh = s.ts.item[k].horizon > maxh ? s.ts.item[k].horizon : maxh;
	CHECK(rep.stop_to + maxh * 3600000LL < rep.report_from);
	CHECK(rep.train_to + maxh * 3600000LL < rep.report_from);
	if (s.ts.item[0].kind != TARGET_REGIME) {
		/* the naive RMSE of the first horizon worked out directly, and the model's with
		 * the forecast price c[t] exp(r) */
		size_t h = (size_t)s.ts.item[0].horizon;
		const double *close = c->v[CF_CLOSE];
		double se = 0, sem = 0;
		for (size_t i = 0; i < rep.nreport; i++) {
			size_t t = rep.rows[i];
			se += pow(close[t + h] - close[t], 2);
			sem += pow(close[t] * exp(rep.forecast[i * no]) - close[t + h], 2);
		}
		CHECK_NEAR(rep.h[0].naive.rmse, sqrt(se / rep.nreport), 1e-9);
		CHECK_NEAR(rep.h[0].model.rmse, sqrt(sem / rep.nreport), 1e-9);
		CHECK_INT(rep.h[0].model.n, rep.nreport);
	} else {
		for (size_t i = 0; i < rep.nreport; i++)
			CHECK_NEAR(again[i * no] + again[i * no + 1] + again[i * no + 2], 1, 1e-6);
		CHECK_INT(rep.h[0].cmodel.n, rep.nreport);
	}
	/* a window without enough history before it */
	size_t early = 3;
	CHECK_INT(lstm_model_predict(&back, c, &s.iv, &early, 1, 1, again, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "history"));
	free(again);
	lstm_model_free(&back);
	lstm_model_free(&m);
	lstm_report_free(&rep);
	bundle_free(&b);
}

int main(void)
{
	const char *dir = test_dir("lstm_model");
	struct candles c;
	make_candles(&c, 1500);
	check_round_trip(&c, "return:1,return:4", 0, dir, "ret.bundle");
	check_round_trip(&c, "regime:4", 1, dir, "regime.bundle");
	check_round_trip(&c, "price:2", 1, dir, "price.bundle");

	/* the same data, parameters and seed: the same bytes */
	struct setup s;
	set_up(&s, "return:1", 0);
	struct cra_error err = { 0 };
	struct lstm_model m;
	struct lstm_report rep;
	struct bundle b;
	char a[600], b2[600];
	snprintf(a, sizeof a, "%s/a.bundle", dir);
	snprintf(b2, sizeof b2, "%s/b.bundle", dir);
	for (int i = 0; i < 2; i++) {
		bundle_init(&b);
		CHECK_INT(lstm_train_job(&c, &s.iv, &s.job, &m, &b, &rep, &err), 0);
		CHECK_INT(bundle_save(&b, i ? b2 : a, &err), 0);
		lstm_model_free(&m);
		lstm_report_free(&rep);
		bundle_free(&b);
	}
	size_t la, lb;
	char *pa = slurp(a, &la), *pb = slurp(b2, &lb);
	CHECK(pa && pb && la == lb && la > 1000 && !memcmp(pa, pb, la));

	/* a flipped byte in the weights, a truncated file: 65 */
	pa[la - 100] ^= 1;
	char *bad = write_file(dir, "bad.bundle", pa, la);
	CHECK_INT(lstm_model_load(&m, bad, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "corrupted"));
	char *cut = write_file(dir, "cut.bundle", pb, lb - 10);
	CHECK_INT(lstm_model_load(&m, cut, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "truncated"));
	CHECK_INT(lstm_model_load(&m, "/nonexistent/x.bundle", &err), EX_NOINPUT);

	/* a well-formed bundle of another kind, or with a scaler that does not fit */
	struct bundle other;
	CHECK_INT(bundle_load(&other, a, &err), 0);
	json_object_set_new(other.meta, "kind", json_string("xgb"));
	CHECK_INT(bundle_save(&other, bad, &err), 0);
	CHECK_INT(lstm_model_load(&m, bad, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "not an LSTM"));
	json_object_set_new(other.meta, "kind", json_string("lstm"));
	json_object_set_new(json_object_get(other.meta, "scaler"), "std", json_array());
	CHECK_INT(bundle_save(&other, bad, &err), 0);
	CHECK_INT(lstm_model_load(&m, bad, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "scaler"));
	json_object_set_new(other.meta, "kind", json_string("cnn-lstm"));
	CHECK_INT(bundle_save(&other, bad, &err), 0);
	CHECK_INT(lstm_model_load(&m, bad, &err), EX_DATAERR);
	bundle_free(&other);

	/* targets this model does not forecast */
	target_spec_init(&s.ts);
	CHECK_INT(target_spec_add(&s.ts, "direction:1", &s.iv, &err), 0);
	bundle_init(&b);
	CHECK_INT(lstm_train_job(&c, &s.iv, &s.job, &m, &b, &rep, &err), EX_USAGE);
	CHECK(strstr(err.msg, "direction"));
	target_spec_init(&s.ts);
	CHECK_INT(target_spec_add(&s.ts, "return:1,regime:4", &s.iv, &err), 0);
	CHECK_INT(lstm_train_job(&c, &s.iv, &s.job, &m, &b, &rep, &err), EX_USAGE);
	CHECK(strstr(err.msg, "one target kind"));
	bundle_free(&b);
	free(pa);
	free(pb);
	free(bad);
	free(cut);
	candles_free(&c);
	return check_finish();
}
