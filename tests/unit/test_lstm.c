/* The network: forward against a plain double-precision implementation of the formulas in
 * lstm.h, the losses against hand-computed values, and every weight tensor's analytic
 * gradient against central finite differences, for both losses, with and without the
 * convolution, with dropout. */
#include <stdint.h>

#include "check.h"
#include "lstm.h"

static double sig(double x) { return 1 / (1 + exp(-x)); }

/* out[b][k] for x[t][b][i] without dropout, straight from the formulas, one window at a time. */
static void reference_forward(const struct lstm *net, const float *x, int B, int T, double *out)
{
	const struct lstm_config *cfg = &net->cfg;
	int I = cfg->ninput, K = cfg->conv_kernel, F = cfg->conv_filters, O = cfg->noutput;
	double seq[64][64], next[64][64];
	for (int b = 0; b < B; b++) {
		int width = I;
		for (int t = 0; t < T; t++)
			for (int i = 0; i < I; i++)
				seq[t][i] = x[((size_t)t * B + b) * I + i];
		if (K) { /* u[t][f] = relu(cb[f] + sum_k sum_i x[t-K+1+k][i] cw[k][i][f]) */
			for (int t = 0; t < T; t++)
				for (int f = 0; f < F; f++) {
					double s = net->w.conv_b[f];
					for (int k = 0; k < K; k++)
						for (int i = 0; i < I; i++)
							if (t - K + 1 + k >= 0)
								s += seq[t - K + 1 + k][i] * net->w.conv_w[(k * I + i) * F + f];
					next[t][f] = s > 0 ? s : 0;
				}
			memcpy(seq, next, sizeof seq);
			width = F;
		}
		for (int l = 0; l < cfg->nlayers; l++) {
			int H = cfg->hidden[l];
			double h[64] = { 0 }, c[64] = { 0 }, a[256];
			for (int t = 0; t < T; t++) {
				for (int g = 0; g < 4 * H; g++) {
					a[g] = net->w.b[l][g];
					for (int i = 0; i < width; i++)
						a[g] += seq[t][i] * net->w.wx[l][i * 4 * H + g];
					for (int j = 0; j < H; j++)
						a[g] += h[j] * net->w.wh[l][j * 4 * H + g];
				}
				for (int j = 0; j < H; j++) {
					c[j] = sig(a[H + j]) * c[j] + sig(a[j]) * tanh(a[2 * H + j]);
					h[j] = sig(a[3 * H + j]) * tanh(c[j]);
					next[t][j] = h[j];
				}
			}
			memcpy(seq, next, sizeof seq);
			width = H;
		}
		for (int k = 0; k < O; k++) {
			double s = net->w.dense_b[k];
			for (int j = 0; j < width; j++)
				s += seq[T - 1][j] * net->w.dense_w[j * O + k];
			out[b * O + k] = s;
		}
	}
}

static void random_fill(float *p, size_t n, float lo, float hi, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		p[i] = lo + (hi - lo) * lstm_rand_float(rng);
}

struct case_setup {
	struct lstm net;
	struct lstm_work w;
	float x[2048], target[256];
	int B, T;
	float dropout;
};

static void setup(struct case_setup *s, const struct lstm_config *cfg, int B, int T,
		  float dropout, uint64_t seed)
{
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&s->net, cfg, &err), 0);
	CHECK_INT(lstm_work_init(&s->w, &s->net, B, T, &err), 0);
	lstm_randomize(&s->net, seed);
	/* larger weights than the initial ones, so that gates saturate somewhere and every path
	 * of the gradient matters */
	uint64_t rng = seed + 1;
	random_fill(s->net.params, s->net.nparams, -0.8f, 0.8f, &rng);
	s->B = B;
	s->T = T;
	s->dropout = dropout;
	random_fill(s->x, (size_t)B * T * cfg->ninput, -1.5f, 1.5f, &rng);
	if (cfg->nclass)
		for (int n = 0; n < B * cfg->noutput / cfg->nclass; n++)
			s->target[n] = (float)(lstm_rand(&rng) % (uint64_t)cfg->nclass);
	else
		random_fill(s->target, (size_t)B * cfg->noutput, -1, 1, &rng);
}

static void teardown(struct case_setup *s)
{
	lstm_work_free(&s->w);
	lstm_free(&s->net);
}

/* The mean loss over the batch, dropout masks drawn from the same seed every time. */
static double loss_at(struct case_setup *s)
{
	uint64_t rng = 99;
	memcpy(s->w.input, s->x, (size_t)s->B * s->T * s->net.cfg.ninput * sizeof(float));
	lstm_forward(&s->net, &s->w, s->B, s->T, s->dropout, s->dropout > 0 ? &rng : NULL);
	return lstm_loss(&s->net, &s->w, s->target, 1.0f / s->B) / s->B;
}

/* Whether the convolution's ReLUs are on the same side of 0 as in base: a finite difference
 * across a kink says nothing about the derivative. */
static bool same_relu_pattern(const struct case_setup *s, const unsigned char *base)
{
	size_t n = (size_t)s->B * s->T * s->net.cfg.conv_filters;
	for (size_t i = 0; i < n; i++)
		if ((s->w.conv[i] > 0) != base[i])
			return false;
	return true;
}

/* Every weight's analytic gradient against a central difference, Richardson-extrapolated:
 * D(h) = (L(w+h) - L(w-h)) / 2h, R = (4 D(h/2) - D(h)) / 3 (error O(h^4) instead of O(h^2)),
 * with h large enough that float rounding in the loss stays far below the differences.
 * A gradient passes when |analytic - R| <= 1e-2 |R| + 3e-3 max |R| over its tensor. */
static void gradient_check(struct case_setup *s, const char *label)
{
	struct lstm_tensor_info list[LSTM_MAX_TENSORS];
	int ntensors;
	lstm_tensor_list(&s->net.cfg, list, &ntensors);
	loss_at(s);
	lstm_backward(&s->net, &s->w);
	float *analytic = malloc(s->net.nparams * sizeof *analytic);
	double *numeric = malloc(s->net.nparams * sizeof *numeric);
	size_t nconv = (size_t)s->B * s->T * s->net.cfg.conv_filters;
	unsigned char *relu = malloc(nconv + 1);
	memcpy(analytic, s->w.grad, s->net.nparams * sizeof *analytic);
	for (size_t i = 0; i < nconv; i++)
		relu[i] = s->w.conv[i] > 0;
	const float h = 2e-2f;
	size_t skipped = 0;
	for (size_t p = 0; p < s->net.nparams; p++) {
		float keep = s->net.params[p];
		double d[2];
		bool kink = false;
		for (int k = 0; k < 2; k++) {
			float step = k ? h / 2 : h;
			s->net.params[p] = keep + step;
			double up = loss_at(s);
			kink |= !same_relu_pattern(s, relu);
			s->net.params[p] = keep - step;
			double down = loss_at(s);
			kink |= !same_relu_pattern(s, relu);
			/* the step actually taken, in float */
			d[k] = (up - down) / ((double)(keep + step) - (double)(keep - step));
		}
		s->net.params[p] = keep;
		numeric[p] = kink ? NAN : (4 * d[1] - d[0]) / 3;
		skipped += kink;
	}
	for (int t = 0; t < ntensors; t++) {
		const struct lstm_tensor_info *ti = &list[t];
		size_t n = ti->rows * ti->cols, bad = 0;
		double scale = 0, worst = 0;
		for (size_t i = 0; i < n; i++)
			if (!isnan(numeric[ti->offset + i]))
				scale = fmax(scale, fabs(numeric[ti->offset + i]));
		for (size_t i = 0; i < n; i++) {
			double num = numeric[ti->offset + i], an = analytic[ti->offset + i];
			if (isnan(num))
				continue;
			double e = fabs(an - num), tol = 1e-2 * fabs(num) + 3e-3 * scale;
			worst = fmax(worst, e / (fabs(num) + scale));
			if (e > tol) {
				if (bad++ < 3)
					fprintf(stderr, "%s %s[%zu]: analytic %.7g, numeric %.7g\n", label,
						ti->name, i, an, num);
			}
		}
		check_count++;
		if (bad) {
			check_failures++;
			fprintf(stderr, "%s: %s: %zu of %zu gradients disagree\n", label, ti->name, bad, n);
		}
		if (getenv("LSTM_TEST_VERBOSE"))
			fprintf(stderr, "%s %-10s max|g| %.3g worst relative error %.2g\n", label, ti->name,
				scale, worst);
		CHECK(scale > 1e-4); /* the tensor does reach the loss */
	}
	CHECK(skipped < s->net.nparams / 20);
	free(analytic);
	free(numeric);
	free(relu);
}

static void check_forward(struct case_setup *s)
{
	double ref[256];
	s->dropout = 0;
	loss_at(s);
	reference_forward(&s->net, s->x, s->B, s->T, ref);
	for (int n = 0; n < s->B * s->net.cfg.noutput; n++)
		CHECK_NEAR(s->w.out[n], ref[n], 2e-5 * (1 + fabs(ref[n])));
}

static void test_losses(void)
{
	/* one window, a head of 3 outputs on a 1-unit LSTM whose output we overwrite */
	struct lstm_config cfg = { .ninput = 1, .nlayers = 1, .hidden = { 1 }, .noutput = 3 };
	struct lstm net;
	struct lstm_work w;
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	CHECK_INT(lstm_work_init(&w, &net, 2, 1, &err), 0);
	w.batch = 2;
	float out[6] = { 1, 2, 3, 0, 0, 0 }, target[6] = { 1, 0, 5, 1, 1, 1 };
	memcpy(w.out, out, sizeof out);
	/* MSE: window 0: (0 + 4 + 4)/3, window 1: 3/3; sum 11/3 */
	CHECK_NEAR(lstm_loss(&net, &w, target, 0.5f), 11.0 / 3, 1e-6);
	CHECK_NEAR(w.dout[1], 0.5 * 2 * 2 / 3.0, 1e-7); /* scale 2 (y - t) / O */
	CHECK_NEAR(w.dout[2], 0.5 * 2 * -2 / 3.0, 1e-7);
	lstm_work_free(&w);
	lstm_free(&net);

	/* softmax over 3 classes, one group: logits 1 2 3, label 2 and label 0 */
	cfg.nclass = 3;
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	CHECK_INT(lstm_work_init(&w, &net, 2, 1, &err), 0);
	memset(w.input, 0, 2 * sizeof(float));
	lstm_forward(&net, &w, 2, 1, 0, NULL); /* zero weights: h = 0, out = dense bias */
	for (int k = 0; k < 3; k++)
		net.w.dense_b[k] = (float)(k + 1);
	lstm_forward(&net, &w, 2, 1, 0, NULL);
	double lse = log(exp(1.0) + exp(2.0) + exp(3.0));
	float labels[2] = { 2, 0 };
	CHECK_NEAR(w.prob[0], exp(1.0 - lse), 1e-7);
	CHECK_NEAR(w.prob[5], exp(3.0 - lse), 1e-7);
	CHECK_NEAR(lstm_loss(&net, &w, labels, 1.0f), (lse - 3) + (lse - 1), 1e-6);
	CHECK_NEAR(w.dout[2], exp(3.0 - lse) - 1, 1e-7); /* p - onehot */
	CHECK_NEAR(w.dout[3], exp(1.0 - lse) - 1, 1e-7);
	CHECK_NEAR(w.dout[4], exp(2.0 - lse), 1e-7);
	lstm_work_free(&w);
	lstm_free(&net);
}

/* A hand-computed step: one unit, one input, every weight 0.5, bias 0 (forget 1 set by
 * lstm_randomize is overwritten), x = 1 then 2. */
static void test_hand_cell(void)
{
	struct lstm_config cfg = { .ninput = 1, .nlayers = 1, .hidden = { 1 }, .noutput = 1 };
	struct lstm net;
	struct lstm_work w;
	struct cra_error err = { 0 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	CHECK_INT(lstm_work_init(&w, &net, 1, 2, &err), 0);
	for (size_t p = 0; p < net.nparams; p++)
		net.params[p] = 0.5f;
	for (int g = 0; g < 4; g++)
		net.w.b[0][g] = 0;
	net.w.dense_b[0] = 0;
	w.input[0] = 1;
	w.input[1] = 2;
	lstm_forward(&net, &w, 1, 2, 0, NULL);
	/* t=0: a = 0.5 for every gate; c0 = sig(.5) tanh(.5); h0 = sig(.5) tanh(c0)
	 * t=1: a = 0.5*2 + 0.5*h0; c1 = sig(a) c0 + sig(a) tanh(a); h1 = sig(a) tanh(c1) */
	double s = sig(0.5), c0 = s * tanh(0.5), h0 = s * tanh(c0);
	double a = 1 + 0.5 * h0, c1 = sig(a) * c0 + sig(a) * tanh(a), h1 = sig(a) * tanh(c1);
	CHECK_NEAR(w.h[0][0], h0, 1e-6);
	CHECK_NEAR(w.c[0][1], c1, 1e-6);
	CHECK_NEAR(w.out[0], 0.5 * h1, 1e-6);
	lstm_work_free(&w);
	lstm_free(&net);
}

static void test_config_errors(void)
{
	struct lstm net;
	struct cra_error err = { 0 };
	struct lstm_config bad = { .ninput = 3, .nlayers = 5, .hidden = { 4, 4, 4, 4 }, .noutput = 1 };
	CHECK_INT(lstm_init(&net, &bad, &err), EX_USAGE);
	CHECK(strstr(err.msg, "1 to 4 LSTM layers"));
	bad.nlayers = 2;
	bad.nclass = 3;
	bad.noutput = 4;
	CHECK_INT(lstm_init(&net, &bad, &err), EX_USAGE);
	CHECK(strstr(err.msg, "groups"));
	bad.nclass = 0;
	bad.conv_kernel = 3;
	CHECK_INT(lstm_init(&net, &bad, &err), EX_USAGE);
	CHECK(strstr(err.msg, "convolution"));
}

/* Dropout zeroes about p of the values and scales the rest by 1/(1-p). */
static void test_dropout_masks(void)
{
	struct lstm_config cfg = { .ninput = 2, .nlayers = 2, .hidden = { 40, 3 }, .noutput = 1 };
	struct case_setup s;
	setup(&s, &cfg, 16, 10, 0.25f, 5);
	loss_at(&s);
	size_t n = 16 * 10 * 40, zero = 0, scaled = 0;
	for (size_t i = 0; i < n; i++) {
		zero += s.w.mask[1][i] == 0;
		scaled += s.w.mask[1][i] == 1.0f / 0.75f;
	}
	CHECK_INT(zero + scaled, n);
	CHECK(fabs((double)zero / n - 0.25) < 0.03);
	CHECK_NEAR(s.w.drop[1][7], s.w.h[0][7] * s.w.mask[1][7], 1e-7);
	teardown(&s);
}

int main(void)
{
	test_losses();
	test_hand_cell();
	test_config_errors();
	test_dropout_masks();

	/* regression through a convolution and two layers (9 units: a full eight-lane block and
	 * a tail), with dropout between the layers */
	struct lstm_config conv = { .ninput = 3, .conv_kernel = 3, .conv_filters = 4, .nlayers = 2,
				    .hidden = { 9, 3 }, .noutput = 2 };
	struct case_setup s;
	setup(&s, &conv, 3, 6, 0, 11);
	check_forward(&s);
	s.dropout = 0.3f;
	gradient_check(&s, "cnn-lstm mse");
	teardown(&s);

	/* two softmax groups of 3 classes on three layers, no convolution */
	struct lstm_config cls = { .ninput = 2, .nlayers = 3, .hidden = { 4, 10, 5 }, .noutput = 6,
				   .nclass = 3 };
	setup(&s, &cls, 4, 5, 0, 12);
	check_forward(&s);
	gradient_check(&s, "lstm softmax");
	teardown(&s);

	/* a convolution wider than the window (taps that see only padding), one step, classes */
	struct lstm_config wide = { .ninput = 2, .conv_kernel = 4, .conv_filters = 3, .nlayers = 1,
				    .hidden = { 8 }, .noutput = 3, .nclass = 3 };
	setup(&s, &wide, 2, 3, 0, 13);
	check_forward(&s);
	gradient_check(&s, "wide conv softmax");
	teardown(&s);
	return check_finish();
}
