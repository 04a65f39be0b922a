/* Unit tests for lib/xgb_model: problems with known answers (a step function the trees fit
 * exactly, a linear target, pure noise that early stopping must refuse to fit, three separable
 * classes), TreeSHAP against a brute-force Shapley computation over the dumped trees, local
 * accuracy on every row, determinism of the saved bytes, and the errors. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <xgboost/c_api.h>

#include "check.h"
#include "xgb_model.h"

static uint64_t rng = 88172645463325252ull;

static double uniform(void) /* xorshift64: the same numbers on every machine */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

struct problem {
	size_t n, ncols;
	float *x, *y;
};

/* n rows of ncols features on the grid k/100 (so the validation rows' values are ones the
 * training rows have: a threshold between grid points is then the same for both), labels
 * from f. */
static struct problem make(size_t n, size_t ncols, double (*f)(const float *x))
{
	struct problem p = { n, ncols, malloc(n * ncols * sizeof(float)), malloc(n * sizeof(float)) };
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ncols; j++)
			p.x[i * ncols + j] = (float)(floor(uniform() * 100) / 100);
		p.y[i] = (float)f(&p.x[i * ncols]);
	}
	return p;
}

static void drop(struct problem *p)
{
	free(p->x);
	free(p->y);
}

static struct xgb_data part(const struct problem *p, size_t from, size_t to)
{
	return (struct xgb_data){ p->x + from * p->ncols, p->y + from, to - from };
}

static double step(const float *x) { return x[0] < 0.5f ? -1.0 : 3.0; }
static double linear(const float *x) { return 2.0 * x[0] - x[1]; }
static double noise(const float *x) { (void)x; return uniform() - 0.5; }
static double thirds(const float *x) { return x[1] < 0.33f ? 0 : x[1] < 0.66f ? 1 : 2; }

static double rmse(const double *pred, const float *y, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (pred[i] - y[i]) * (pred[i] - y[i]);
	return sqrt(s / (double)n);
}

static double sd(const float *y, size_t n)
{
	double m = 0, s = 0;
	for (size_t i = 0; i < n; i++)
		m += y[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		s += (y[i] - m) * (y[i] - m);
	return sqrt(s / (double)n);
}

static void test_step_and_linear(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.eta = 0.3;
	p.threads = 1;
	struct problem s = make(1000, 2, step);
	struct xgb_data tr = part(&s, 0, 800), va = part(&s, 800, 1000);
	struct xgb_model m;
	struct xgb_fit fit;
	CHECK_INT(xgb_train(&p, 2, &tr, &va, NULL, NULL, &m, &fit, &err), 0);
	double pred[200];
	CHECK_INT(xgb_predict(&m, &va, 0, pred, &err), 0);
	/* The step is one split: the trees reproduce it exactly, up to float rounding and the
	 * geometric convergence of eta 0.3 (0.7^300). */
	CHECK(rmse(pred, va.y, 200) < 1e-4);
	CHECK_NEAR(fit.best_loss, rmse(pred, va.y, 200), 1e-6);
	/* mean of the labels: 0.5 of -1 and 0.5 of 3 on the grid, drawn at random */
	double mean = 0;
	for (size_t i = 0; i < 800; i++)
		mean += tr.y[i];
	CHECK_NEAR(fit.base_score, mean / 800, 1e-9);
	xgb_free(&m);
	drop(&s);

	struct problem l = make(2000, 2, linear);
	tr = part(&l, 0, 1600);
	va = part(&l, 1600, 2000);
	CHECK_INT(xgb_train(&p, 2, &tr, &va, NULL, NULL, &m, &fit, &err), 0);
	double lp[400];
	CHECK_INT(xgb_predict(&m, &va, 0, lp, &err), 0);
	/* Trees approximate a plane by steps of 0.01 on the grid: far below the naive error
	 * (the labels' standard deviation, sqrt(5/12) ~ 0.65). */
	CHECK(rmse(lp, va.y, 400) < 0.05 * sd(va.y, 400));
	xgb_free(&m);
	drop(&l);
}

/* Pure noise: every tree fits noise, so the validation loss is lowest after very few rounds
 * and early stopping keeps only those; the kept model's loss is the one measured. */
static int rounds_seen;
static void count_rounds(void *ctx, int rounds, double loss)
{
	(void)ctx;
	(void)loss;
	rounds_seen = rounds;
}

static void test_early_stopping(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.eta = 0.3;
	p.early_stop = 10;
	struct problem s = make(1000, 3, noise);
	struct xgb_data tr = part(&s, 0, 700), va = part(&s, 700, 1000);
	struct xgb_model m;
	struct xgb_fit fit;
	CHECK_INT(xgb_train(&p, 3, &tr, &va, count_rounds, NULL, &m, &fit, &err), 0);
	CHECK(fit.rounds < 300);
	CHECK_INT(fit.rounds, fit.kept + 10);
	CHECK_INT(rounds_seen, fit.rounds);
	double pred[300];
	CHECK_INT(xgb_predict(&m, &va, 0, pred, &err), 0);
	CHECK_NEAR(rmse(pred, va.y, 300), fit.best_loss, 1e-6);
	unsigned char *buf;
	size_t len;
	CHECK_INT(xgb_save(&m, &buf, &len, &err), 0);
	xgb_free(&m);
	/* The kept rounds, and only those, are in the saved model. */
	BoosterHandle h;
	int rounds = -1;
	XGBoosterCreate(NULL, 0, &h);
	CHECK_INT(XGBoosterLoadModelFromBuffer(h, buf, len), 0);
	XGBoosterBoostedRounds(h, &rounds);
	CHECK_INT(rounds, fit.kept);
	XGBoosterFree(h);
	free(buf);

	/* Without early stopping every round is kept, and the loss is the last model's. */
	p.early_stop = 0;
	p.trees = 40;
	CHECK_INT(xgb_train(&p, 3, &tr, &va, NULL, NULL, &m, &fit, &err), 0);
	CHECK_INT(fit.kept, 40);
	CHECK_INT(fit.rounds, 40);
	CHECK_INT(xgb_predict(&m, &va, 0, pred, &err), 0);
	CHECK_NEAR(rmse(pred, va.y, 300), fit.best_loss, 1e-6);
	xgb_free(&m);
	drop(&s);
}

static void test_classes(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.nclass = 3;
	p.trees = 50;
	struct problem s = make(1200, 2, thirds);
	struct xgb_data tr = part(&s, 0, 900), va = part(&s, 900, 1200);
	struct xgb_model m;
	struct xgb_fit fit;
	CHECK_INT(xgb_train(&p, 2, &tr, &va, NULL, NULL, &m, &fit, &err), 0);
	double prob[900], margin[900];
	CHECK_INT(xgb_predict(&m, &va, 0, prob, &err), 0);
	CHECK_INT(xgb_predict(&m, &va, 1, margin, &err), 0);
	size_t right = 0;
	for (size_t i = 0; i < 300; i++) {
		double *q = &prob[3 * i], *z = &margin[3 * i];
		int best = q[1] > q[0] ? 1 : 0;
		best = q[2] > q[best] ? 2 : best;
		right += best == (int)va.y[i];
		CHECK_NEAR(q[0] + q[1] + q[2], 1, 1e-6);
		/* probabilities are the softmax of the margins */
		double zmax = fmax(z[0], fmax(z[1], z[2]));
		double e = exp(z[0] - zmax) + exp(z[1] - zmax) + exp(z[2] - zmax);
		CHECK_NEAR(q[2], exp(z[2] - zmax) / e, 1e-6);
	}
	CHECK_INT(right, 300);
	/* mlogloss of the kept model, recomputed */
	double ll = 0;
	for (size_t i = 0; i < 300; i++)
		ll -= log(prob[3 * i + (size_t)va.y[i]]);
	CHECK_NEAR(ll / 300, fit.best_loss, 1e-5);
	xgb_free(&m);
	drop(&s);
}

/* --- TreeSHAP against brute force ---------------------------------------------------------
 * For one tree f and a row x, the value of a coalition S of features is
 *   v(S) = E[f | x_S] = the tree walked with x on nodes splitting on a feature in S, and
 *          the cover-weighted mean of both children on the others
 * (the definition exact TreeSHAP computes, Lundberg et al. 2020, Algorithm 1), and
 *   phi_i = sum over S not holding i of |S|! (M - |S| - 1)! / M! (v(S + i) - v(S)),
 * the bias being v({}).  SHAP values add over the trees; XGBoost's bias also holds the base
 * score.  Here v is evaluated on the trees as XGBoost dumps them (JSON, with covers). */
static double tree_value(json_t *node, const float *x, unsigned in_s)
{
	json_t *kids = json_object_get(node, "children");
	if (!kids)
		return json_number_value(json_object_get(node, "leaf"));
	const char *split = json_string_value(json_object_get(node, "split"));
	int f = atoi(split + 1); /* "f0", "f1" ... */
	json_int_t yes = json_integer_value(json_object_get(node, "yes"));
	json_t *a = json_array_get(kids, 0), *b = json_array_get(kids, 1);
	json_t *yes_kid = json_integer_value(json_object_get(a, "nodeid")) == yes ? a : b;
	json_t *no_kid = yes_kid == a ? b : a;
	if (in_s & (1u << f)) {
		double cond = json_number_value(json_object_get(node, "split_condition"));
		return tree_value(x[f] < (float)cond ? yes_kid : no_kid, x, in_s);
	}
	double ca = json_number_value(json_object_get(yes_kid, "cover"));
	double cb = json_number_value(json_object_get(no_kid, "cover"));
	return (ca * tree_value(yes_kid, x, in_s) + cb * tree_value(no_kid, x, in_s)) / (ca + cb);
}

static void brute_shap(json_t **trees, size_t ntrees, const float *x, int m, double base,
		       double *phi)
{
	double fact[8] = { 1, 1, 2, 6, 24, 120, 720, 5040 };
	for (int i = 0; i <= m; i++)
		phi[i] = 0;
	phi[m] = base;
	for (size_t t = 0; t < ntrees; t++) {
		phi[m] += tree_value(trees[t], x, 0);
		for (int i = 0; i < m; i++)
			for (unsigned s = 0; s < (1u << m); s++) {
				if (s & (1u << i))
					continue;
				int k = __builtin_popcount(s);
				double w = fact[k] * fact[m - k - 1] / fact[m];
				phi[i] += w * (tree_value(trees[t], x, s | (1u << i)) - tree_value(trees[t], x, s));
			}
	}
}

static void test_shap(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.trees = 5;
	p.depth = 3;
	p.eta = 0.5;
	p.early_stop = 0;
	p.threads = 1;
	struct problem s = make(600, 3, linear);
	for (size_t i = 0; i < 600; i++) /* an interaction, so that the order of splits matters */
		s.y[i] += (float)(s.x[3 * i + 2] > 0.5f && s.x[3 * i] > 0.3f ? 1.5 : 0);
	struct xgb_data tr = part(&s, 0, 500), va = part(&s, 500, 600);
	struct xgb_model m;
	struct xgb_fit fit;
	CHECK_INT(xgb_train(&p, 3, &tr, NULL, NULL, NULL, &m, &fit, &err), 0);
	double contrib[100 * 4], margin[100];
	CHECK_INT(xgb_contributions(&m, &va, contrib, &err), 0);
	CHECK_INT(xgb_predict(&m, &va, 1, margin, &err), 0);

	bst_ulong ndump;
	const char **dump;
	CHECK_INT(XGBoosterDumpModelEx(m.booster, "", 1, "json", &ndump, &dump), 0);
	CHECK_INT(ndump, 5);
	json_t *trees[5];
	for (size_t t = 0; t < 5; t++)
		trees[t] = json_loads(dump[t], 0, NULL);
	double worst = 0, worst_sum = 0;
	for (size_t i = 0; i < 100; i++) {
		double phi[4];
		brute_shap(trees, 5, &va.x[3 * i], 3, fit.base_score, phi);
		double sum = 0;
		for (int j = 0; j < 4; j++) {
			worst = fmax(worst, fabs(contrib[4 * i + j] - phi[j]));
			sum += contrib[4 * i + j];
		}
		worst_sum = fmax(worst_sum, fabs(sum - margin[i]) / fmax(fabs(margin[i]), 1));
	}
	CHECK(worst < 1e-5);      /* float32 arithmetic inside XGBoost */
	CHECK(worst_sum < 1e-5);  /* local accuracy */
	fprintf(stderr, "TreeSHAP vs brute force: worst difference %.2g; local accuracy %.2g\n",
		worst, worst_sum);
	for (size_t t = 0; t < 5; t++)
		json_decref(trees[t]);
	xgb_free(&m);
	drop(&s);
}

/* Local accuracy of a softprob model: each class's contributions add up to its margin. */
static void test_shap_classes(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.nclass = 3;
	p.trees = 20;
	p.early_stop = 0;
	struct problem s = make(600, 2, thirds);
	struct xgb_data tr = part(&s, 0, 500), va = part(&s, 500, 600);
	struct xgb_model m;
	struct xgb_fit fit;
	CHECK_INT(xgb_train(&p, 2, &tr, NULL, NULL, NULL, &m, &fit, &err), 0);
	double contrib[100 * 3 * 3], margin[300];
	CHECK_INT(xgb_contributions(&m, &va, contrib, &err), 0);
	CHECK_INT(xgb_predict(&m, &va, 1, margin, &err), 0);
	for (size_t i = 0; i < 100; i++)
		for (size_t g = 0; g < 3; g++) {
			double *c = &contrib[(i * 3 + g) * 3];
			CHECK_NEAR(c[0] + c[1] + c[2], margin[i * 3 + g], 1e-4 * fmax(1, fabs(margin[i * 3 + g])));
			/* feature 0 carries no information about the class */
		}
	xgb_free(&m);
	drop(&s);
}

/* Two trainings give the same bytes; a loaded model predicts what the trained one did. */
static void test_determinism_and_io(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.subsample = 0.7; /* random row and column sampling, fixed by the seed */
	p.colsample = 0.7;
	p.trees = 60;
	struct problem s = make(3000, 3, linear);
	struct xgb_data tr = part(&s, 0, 2400), va = part(&s, 2400, 3000);
	unsigned char *buf[3];
	size_t len[3];
	double pred[2][600];
	unsigned char *ubj = NULL; /* the same model in UBJSON, as bundles before 2026-11 hold it */
	bst_ulong ubj_len = 0;
	for (int k = 0; k < 3; k++) {
		struct xgb_model m;
		struct xgb_fit fit;
		p.threads = k == 2 ? 1 : 2;
		CHECK_INT(xgb_train(&p, 3, &tr, &va, NULL, NULL, &m, &fit, &err), 0);
		CHECK_INT(xgb_save(&m, &buf[k], &len[k], &err), 0);
		if (k == 0) {
			CHECK_INT(xgb_predict(&m, &va, 0, pred[0], &err), 0);
			const char *raw;
			CHECK_INT(XGBoosterSaveModelToBuffer(m.booster, "{\"format\": \"ubj\"}", &ubj_len, &raw), 0);
			ubj = malloc(ubj_len);
			memcpy(ubj, raw, ubj_len);
		}
		xgb_free(&m);
	}
	CHECK(len[0] > 0 && buf[0][0] == '{'); /* JSON text */
	CHECK(len[0] == len[1] && !memcmp(buf[0], buf[1], len[0]));
	CHECK(len[0] == len[2] && !memcmp(buf[0], buf[2], len[0])); /* and with one thread */

	struct xgb_model m;
	CHECK_INT(xgb_load(&m, buf[0], len[0], 3, 0, 0, "model", &err), 0);
	CHECK_INT(xgb_predict(&m, &va, 0, pred[1], &err), 0);
	CHECK(!memcmp(pred[0], pred[1], sizeof pred[0]));
	xgb_free(&m);
	CHECK_INT(xgb_load(&m, ubj, ubj_len, 3, 0, 0, "old.bundle", &err), 0);
	CHECK_INT(xgb_predict(&m, &va, 0, pred[1], &err), 0);
	CHECK(!memcmp(pred[0], pred[1], sizeof pred[0]));
	xgb_free(&m);
	free(ubj);

	/* a model of another shape, or not a model */
	CHECK_INT(xgb_load(&m, buf[0], len[0], 4, 0, 0, "m.bundle", &err), EX_DATAERR);
	CHECK(strstr(err.msg, "m.bundle: the model has 3 features, its bundle lists 4"));
	CHECK_INT(xgb_load(&m, buf[0], len[0], 3, 3, 0, "m.bundle", &err), EX_DATAERR);
	CHECK(strstr(err.msg, "m.bundle: the model does not give 3 outputs per row"));
	CHECK_INT(xgb_load(&m, "{\"not\": \"a model\"}", 18, 3, 0, 0, "m.bundle", &err), EX_DATAERR);
	CHECK(strstr(err.msg, "m.bundle: not a model XGBoost can load: no 'learner' object"));
	CHECK(!strchr(err.msg, '\n'));
	CHECK_INT(xgb_load(&m, buf[0], len[0] / 2, 3, 0, 0, "m.bundle", &err), EX_DATAERR);
	for (int k = 0; k < 3; k++)
		free(buf[k]);
	drop(&s);
}

static void test_errors(void)
{
	struct cra_error err = { 0 };
	struct xgb_params p;
	xgb_params_default(&p);
	p.trees = 5;
	struct problem s = make(100, 2, thirds);
	struct xgb_data tr = part(&s, 0, 80), va = part(&s, 80, 100);
	struct xgb_model m;
	struct xgb_fit fit;
	p.nclass = 2; /* labels 0..2 do not fit two classes */
	CHECK_INT(xgb_train(&p, 2, &tr, &va, NULL, NULL, &m, &fit, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "label 2 is not a class index"));
	p.nclass = 0;
	CHECK_INT(xgb_train(&p, 2, &tr, NULL, NULL, NULL, &m, &fit, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "early stopping needs validation rows"));
	s.x[2 * 85 + 1] = NAN;
	CHECK_INT(xgb_train(&p, 2, &tr, &va, NULL, NULL, &m, &fit, &err), EX_DATAERR);
	CHECK_STR(err.msg, "validation row 6: feature 2 is not finite");
	p.eta = 0;
	CHECK_INT(xgb_train(&p, 2, &tr, &va, NULL, NULL, &m, &fit, &err), EX_USAGE);
	drop(&s);
}

int main(void)
{
	test_step_and_linear();
	test_early_stopping();
	test_classes();
	test_shap();
	test_shap_classes();
	test_determinism_and_io();
	test_errors();
	return check_finish();
}
