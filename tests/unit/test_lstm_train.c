/* The training loop: tasks with a known answer learnt far below the trivial predictor's loss,
 * early stopping that restores the best epoch's weights, determinism, and the batch split
 * between threads giving the same gradient as one pass over the batch. */
#include <stdint.h>

#include "check.h"
#include "lstm_train.h"

#define ROWS 3000
#define WINDOW 8
#define DELAY 3

static float x[ROWS], y_copy[ROWS], y_class[ROWS], y_other[ROWS];
static size_t train[ROWS], stop[ROWS], test[ROWS];
static size_t ntrain, nstop, ntest;

/* x: uniform noise in [-1.7, 1.7] (variance ~1).  Delayed copy: y[r] = x[r - 3].  Classes:
 * which third of the range x[r - 2] fell in.  Rows 7..1999 train, 2000..2499 stop, the rest
 * test. */
static void make_data(void)
{
	uint64_t rng = 2024;
	for (int r = 0; r < ROWS; r++)
		x[r] = 3.4f * lstm_rand_float(&rng) - 1.7f;
	for (int r = 0; r < ROWS; r++) {
		y_copy[r] = r >= DELAY ? x[r - DELAY] : 0;
		y_class[r] = r >= 2 ? (x[r - 2] < -0.567f ? 0.0f : x[r - 2] < 0.567f ? 1.0f : 2.0f) : 1;
		y_other[r] = -y_copy[r];
	}
	for (size_t r = WINDOW - 1; r < ROWS; r++) {
		if (r < 2000)
			train[ntrain++] = r;
		else if (r < 2500)
			stop[nstop++] = r;
		else
			test[ntest++] = r;
	}
}

static double mean_square(const float *v, const size_t *rows, size_t n)
{
	double s = 0, m = 0;
	for (size_t i = 0; i < n; i++)
		m += v[rows[i]] / (double)n;
	for (size_t i = 0; i < n; i++)
		s += (v[rows[i]] - m) * (v[rows[i]] - m) / (double)n;
	return s;
}

static void test_delayed_copy(int threads)
{
	struct lstm_config cfg = { .ninput = 1, .nlayers = 1, .hidden = { 16 }, .noutput = 1 };
	struct lstm_series s = { ROWS, 1, x, 1, y_copy, WINDOW };
	struct lstm net;
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	lstm_randomize(&net, 7);
	struct lstm_train_params p;
	lstm_train_params_default(&p);
	p.epochs = 30;
	p.batch = 32;
	p.lr = 1e-2;
	p.lr_decay = 0.95;
	p.threads = threads;
	struct lstm_train_result res;
	CHECK_INT(lstm_train(&net, &s, train, ntrain, stop, nstop, &p, NULL, NULL, &res, &err), 0);
	/* the trivial predictor (the mean) has the variance as its loss: ~0.96 */
	float *out = malloc(ntest * sizeof *out);
	double loss, trivial = mean_square(y_copy, test, ntest);
	CHECK_INT(lstm_predict(&net, &s, test, ntest, threads, out, &loss, &err), 0);
	fprintf(stderr, "delayed copy, %d thread(s): test MSE %.5f, trivial %.3f, %d epochs, %.0f "
		"windows/s\n", threads, loss, trivial, res.epochs_run, res.samples_per_s);
	CHECK(loss < 0.02 * trivial);
	CHECK(res.best_valid_loss < 0.02 * trivial);
	CHECK(trivial > 0.9);
	free(out);
	lstm_free(&net);
}

static void test_classes(void)
{
	struct lstm_config cfg = { .ninput = 1, .conv_kernel = 2, .conv_filters = 8, .nlayers = 2,
				   .hidden = { 12, 12 }, .noutput = 3, .nclass = 3 };
	struct lstm_series s = { ROWS, 1, x, 1, y_class, WINDOW };
	struct lstm net;
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	lstm_randomize(&net, 8);
	struct lstm_train_params p;
	lstm_train_params_default(&p);
	p.epochs = 25;
	p.batch = 32;
	p.lr = 1e-2;
	p.dropout = 0.1;
	p.threads = 2;
	struct lstm_train_result res;
	CHECK_INT(lstm_train(&net, &s, train, ntrain, stop, nstop, &p, NULL, NULL, &res, &err), 0);
	float *prob = malloc(ntest * 3 * sizeof *prob);
	double loss;
	CHECK_INT(lstm_predict(&net, &s, test, ntest, 1, prob, &loss, &err), 0);
	size_t right = 0;
	for (size_t i = 0; i < ntest; i++) {
		const float *q = prob + 3 * i;
		int best = q[1] > q[0] ? 1 : 0;
		best = q[2] > q[best] ? 2 : best;
		right += best == (int)y_class[test[i]];
		CHECK_NEAR(q[0] + q[1] + q[2], 1, 1e-6);
	}
	/* the trivial predictor (a third each) loses log 3 = 1.0986 and is right a third of
	 * the time */
	fprintf(stderr, "classes: test cross-entropy %.4f (trivial 1.0986), accuracy %.3f\n", loss,
		(double)right / ntest);
	CHECK(loss < 0.25);
	CHECK((double)right / ntest > 0.9);
	free(prob);
	lstm_free(&net);
}

/* Stopping rows whose answer is the opposite of the training rows': the stopping loss only
 * grows, so training stops after `patience` epochs and the first epoch's weights come back
 * - exactly: predicting the stopping rows again gives the best loss to the last bit. */
static void test_early_stopping(void)
{
	struct lstm_config cfg = { .ninput = 1, .nlayers = 1, .hidden = { 8 }, .noutput = 1 };
	float *y = malloc(ROWS * sizeof *y);
	memcpy(y, y_copy, sizeof y_copy);
	for (size_t i = 0; i < nstop; i++)
		y[stop[i]] = y_other[stop[i]];
	struct lstm_series s = { ROWS, 1, x, 1, y, WINDOW };
	struct lstm net;
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	lstm_randomize(&net, 9);
	struct lstm_train_params p;
	lstm_train_params_default(&p);
	p.epochs = 40;
	p.batch = 64;
	p.lr = 1e-2;
	p.patience = 3;
	struct lstm_train_result res;
	CHECK_INT(lstm_train(&net, &s, train, 500, stop, nstop, &p, NULL, NULL, &res, &err), 0);
	CHECK(res.epochs_run < 40);
	CHECK_INT(res.epochs_run, res.best_epoch + 1 + p.patience);
	float *out = malloc(nstop * sizeof *out);
	double loss;
	CHECK_INT(lstm_predict(&net, &s, stop, nstop, 2, out, &loss, &err), 0);
	CHECK(loss == res.best_valid_loss);
	free(out);
	free(y);
	lstm_free(&net);
}

/* The same seed gives the same weights to the bit, whatever the number of threads, and so do
 * predictions. */
static void test_determinism(void)
{
	struct lstm_config cfg = { .ninput = 1, .nlayers = 2, .hidden = { 8, 4 }, .noutput = 1 };
	struct lstm_series s = { ROWS, 1, x, 1, y_copy, WINDOW };
	struct lstm a, b;
	struct cra_error err = { 0 };
	struct lstm_train_params p;
	lstm_train_params_default(&p);
	p.epochs = 2;
	p.batch = 16;
	p.dropout = 0.2;
	p.threads = 2;
	struct lstm_train_result res;
	CHECK_INT(lstm_init(&a, &cfg, &err), 0);
	CHECK_INT(lstm_init(&b, &cfg, &err), 0);
	lstm_randomize(&a, 3);
	lstm_randomize(&b, 3);
	CHECK_INT(lstm_train(&a, &s, train, 300, stop, 50, &p, NULL, NULL, &res, &err), 0);
	CHECK_INT(lstm_train(&b, &s, train, 300, stop, 50, &p, NULL, NULL, &res, &err), 0);
	CHECK(!memcmp(a.params, b.params, a.nparams * sizeof *a.params));
	p.threads = 1; /* 37 windows: chunks of 16, 16 and 5, for one thread or three */
	p.batch = 37;
	lstm_randomize(&a, 3);
	CHECK_INT(lstm_train(&a, &s, train, 300, stop, 50, &p, NULL, NULL, &res, &err), 0);
	p.threads = 3;
	lstm_randomize(&b, 3);
	CHECK_INT(lstm_train(&b, &s, train, 300, stop, 50, &p, NULL, NULL, &res, &err), 0);
	CHECK(!memcmp(a.params, b.params, a.nparams * sizeof *a.params));
	p.seed = 4;
	lstm_randomize(&b, 3);
	CHECK_INT(lstm_train(&b, &s, train, 300, stop, 50, &p, NULL, NULL, &res, &err), 0);
	CHECK(memcmp(a.params, b.params, a.nparams * sizeof *a.params)); /* the seed matters */

	float *one = malloc(ntest * sizeof *one), *three = malloc(ntest * sizeof *three);
	CHECK_INT(lstm_predict(&a, &s, test, ntest, 1, one, NULL, &err), 0);
	CHECK_INT(lstm_predict(&a, &s, test, ntest, 3, three, NULL, &err), 0);
	CHECK(!memcmp(one, three, ntest * sizeof *one));
	free(one);
	free(three);
	lstm_free(&a);
	lstm_free(&b);
}

/* A batch's gradient from one pass equals the sum of two halves' passes when each half's loss
 * is scaled by 1 / (the whole batch): what the threads do. */
static void test_split_gradient(void)
{
	struct lstm_config cfg = { .ninput = 1, .conv_kernel = 3, .conv_filters = 4, .nlayers = 2,
				   .hidden = { 8, 4 }, .noutput = 1 };
	struct lstm net;
	struct lstm_work whole, half;
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	lstm_randomize(&net, 5);
	CHECK_INT(lstm_work_init(&whole, &net, 8, WINDOW, &err), 0);
	CHECK_INT(lstm_work_init(&half, &net, 4, WINDOW, &err), 0);
	float target[8], *sum = calloc(net.nparams, sizeof *sum);
	for (int b = 0; b < 8; b++) { /* windows ending at rows 100 .. 107 */
		target[b] = y_copy[100 + b];
		for (int t = 0; t < WINDOW; t++)
			whole.input[t * 8 + b] = x[100 + b - (WINDOW - 1) + t];
	}
	lstm_forward(&net, &whole, 8, WINDOW, 0, NULL);
	double loss = lstm_loss(&net, &whole, target, 1.0f / 8);
	lstm_backward(&net, &whole);
	double parts = 0;
	for (int h = 0; h < 2; h++) {
		for (int b = 0; b < 4; b++)
			for (int t = 0; t < WINDOW; t++)
				half.input[t * 4 + b] = x[100 + 4 * h + b - (WINDOW - 1) + t];
		lstm_forward(&net, &half, 4, WINDOW, 0, NULL);
		parts += lstm_loss(&net, &half, target + 4 * h, 1.0f / 8);
		lstm_backward(&net, &half);
		for (size_t i = 0; i < net.nparams; i++)
			sum[i] += half.grad[i];
	}
	CHECK_NEAR(parts, loss, 1e-6);
	double worst = 0, scale = 0;
	for (size_t i = 0; i < net.nparams; i++) {
		worst = fmax(worst, fabs(sum[i] - whole.grad[i]));
		scale = fmax(scale, fabs(whole.grad[i]));
	}
	CHECK(scale > 1e-3);
	CHECK(worst < 1e-5 * scale);
	free(sum);
	lstm_work_free(&whole);
	lstm_work_free(&half);
	lstm_free(&net);
}

static void test_errors(void)
{
	struct lstm_config cfg = { .ninput = 1, .nlayers = 1, .hidden = { 4 }, .noutput = 1 };
	struct lstm_series s = { ROWS, 1, x, 1, y_copy, WINDOW };
	struct lstm net;
	struct cra_error err = { 0 };
	struct lstm_train_result res;
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	struct lstm_train_params p;
	lstm_train_params_default(&p);
	p.dropout = 1;
	CHECK_INT(lstm_train(&net, &s, train, 10, NULL, 0, &p, NULL, NULL, &res, &err), EX_USAGE);
	CHECK(strstr(err.msg, "dropout"));
	lstm_train_params_default(&p);
	p.threads = 0;
	CHECK_INT(lstm_train(&net, &s, train, 10, NULL, 0, &p, NULL, NULL, &res, &err), EX_USAGE);
	CHECK(strstr(err.msg, "threads"));
	size_t early = 3; /* a window of 8 cannot end at row 3 */
	p.threads = 1;
	CHECK_INT(lstm_train(&net, &s, &early, 1, NULL, 0, &p, NULL, NULL, &res, &err), EX_SOFTWARE);
	lstm_free(&net);
}

int main(void)
{
	make_data();
	test_split_gradient();
	test_delayed_copy(1);
	test_delayed_copy(2);
	test_classes();
	test_early_stopping();
	test_determinism();
	test_errors();
	return check_finish();
}
