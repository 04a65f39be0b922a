/* lstm.c - the network's layers, each a forward and a backward function over flat arrays; see
 * lstm.h for the model and the memory layout.
 *
 * Where the time goes: the matrix products, all sgemm.  Per layer, the input projection of
 * every step is one product ([T*B x in] x [in x 4H]), then each step adds h[t-1] Wh
 * ([B x H] x [H x 4H]).  Backward, each step needs one product (d a[t] Wh^T, the gradient
 * carried to step t-1), and the weight gradients of all steps are one product each after the
 * recurrence.  The gate nonlinearities of a step are one fused pass over its rows, eight lanes
 * at a time (GCC's vector extensions; a clone for x86-64-v3, AVX2 and FMA, is picked at load
 * time where the CPU has them).
 */
#include "lstm.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- eight-lane elementwise math ------------------------------------------------------- */

typedef float vf __attribute__((vector_size(32)));
typedef int32_t vi __attribute__((vector_size(32)));
#define LANES 8

/* Loads and stores of n <= LANES floats (n is LANES in the main loops, so these become
 * vector moves once inlined); missing lanes are 0.  Vectors go by pointer, never by value:
 * this file is compiled for plain x86-64 too, where a 32-byte vector argument has no ABI. */
static inline __attribute__((always_inline)) void vload(vf *v, const float *p, int n)
{
	*v = (vf){ 0 };
	memcpy(v, p, (size_t)n * sizeof(float));
}

static inline __attribute__((always_inline)) void vstore(float *p, const vf *v, int n)
{
	memcpy(p, v, (size_t)n * sizeof(float));
}

static inline __attribute__((always_inline)) void vset(vf *v, float x)
{
	*v = (vf){ x, x, x, x, x, x, x, x };
}

/* e^x = 2^n e^r with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2]; e^r by
 * Cephes's expf polynomial (relative error below 2e-7); x clamped to [-87, 87] so that 2^n
 * stays a normal float. */
static inline __attribute__((always_inline)) void vexp(vf *x)
{
	vf lo, hi, v = *x;
	vset(&lo, -87.0f);
	vset(&hi, 87.0f);
	vi below = v < lo, above = v > hi;
	v = (vf)(((vi)v & ~below) | ((vi)lo & below));
	v = (vf)(((vi)v & ~above) | ((vi)hi & above));
	vf n = (v * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round to nearest */
	vf r = v - n * 0.693359375f;
	r = r - n * -2.12194440e-4f;
	vf p = 1.9875691500e-4f * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * (r * r) + r + 1.0f;
	vi e = (__builtin_convertvector(n, vi) + 127) << 23;
	*x = p * (vf)e;
}

/* sig(x) = 1 / (1 + e^-x) */
static inline __attribute__((always_inline)) void vsigmoid(vf *x)
{
	vf e = -*x;
	vexp(&e);
	*x = 1.0f / (1.0f + e);
}

/* tanh(x) = 2 sig(2x) - 1, so that d tanh = 1 - tanh^2 holds for what is computed */
static inline __attribute__((always_inline)) void vtanh(vf *x)
{
	vf s = *x + *x;
	vsigmoid(&s);
	*x = s + s - 1.0f;
}

/* ---- architecture and weights --------------------------------------------------------- */

int lstm_layer_input(const struct lstm_config *cfg, int l)
{
	if (l > 0)
		return cfg->hidden[l - 1];
	return cfg->conv_kernel ? cfg->conv_filters : cfg->ninput;
}

int lstm_config_check(const struct lstm_config *cfg, struct cra_error *err)
{
	if (cfg->ninput < 1 || cfg->ninput > 100000)
		return cra_fail(err, EX_USAGE, "the network needs 1 to 100000 input features, not %d",
				cfg->ninput);
	if (cfg->conv_kernel < 0 || cfg->conv_kernel > 1000 ||
	    (cfg->conv_kernel && (cfg->conv_filters < 1 || cfg->conv_filters > LSTM_MAX_HIDDEN)) ||
	    (!cfg->conv_kernel && cfg->conv_filters))
		return cra_fail(err, EX_USAGE, "the convolution needs a kernel of 1 to 1000 steps and "
				"1 to %d filters (got %d and %d)", LSTM_MAX_HIDDEN, cfg->conv_kernel,
				cfg->conv_filters);
	if (cfg->nlayers < 1 || cfg->nlayers > LSTM_MAX_LAYERS)
		return cra_fail(err, EX_USAGE, "the network has 1 to %d LSTM layers, not %d",
				LSTM_MAX_LAYERS, cfg->nlayers);
	for (int l = 0; l < cfg->nlayers; l++)
		if (cfg->hidden[l] < 1 || cfg->hidden[l] > LSTM_MAX_HIDDEN)
			return cra_fail(err, EX_USAGE, "LSTM layer %d: the hidden size must be 1 to %d, "
					"not %d", l + 1, LSTM_MAX_HIDDEN, cfg->hidden[l]);
	if (cfg->noutput < 1 || cfg->noutput > 4096 || cfg->nclass < 0 || cfg->nclass == 1 ||
	    cfg->nclass > 16 || (cfg->nclass && cfg->noutput % cfg->nclass))
		return cra_fail(err, EX_USAGE, "the head needs 1 to 4096 outputs, in whole groups "
				"of 2 to 16 classes for classification (got %d outputs, %d classes)",
				cfg->noutput, cfg->nclass);
	return 0;
}

static void add_tensor(struct lstm_tensor_info *list, int *n, size_t *total, const char *name,
		       size_t rows, size_t cols)
{
	struct lstm_tensor_info *t = &list[(*n)++];
	snprintf(t->name, sizeof t->name, "%s", name);
	t->offset = *total;
	t->rows = rows;
	t->cols = cols;
	*total += rows * cols;
}

size_t lstm_tensor_list(const struct lstm_config *cfg, struct lstm_tensor_info *list, int *n)
{
	size_t total = 0;
	*n = 0;
	if (cfg->conv_kernel) {
		add_tensor(list, n, &total, "conv.w", (size_t)cfg->conv_kernel * (size_t)cfg->ninput,
			   (size_t)cfg->conv_filters);
		add_tensor(list, n, &total, "conv.b", 1, (size_t)cfg->conv_filters);
	}
	static const char *const names[LSTM_MAX_LAYERS][3] = {
		{ "lstm0.wx", "lstm0.wh", "lstm0.b" }, { "lstm1.wx", "lstm1.wh", "lstm1.b" },
		{ "lstm2.wx", "lstm2.wh", "lstm2.b" }, { "lstm3.wx", "lstm3.wh", "lstm3.b" },
	};
	for (int l = 0; l < cfg->nlayers; l++) {
		size_t g = 4 * (size_t)cfg->hidden[l];
		add_tensor(list, n, &total, names[l][0], (size_t)lstm_layer_input(cfg, l), g);
		add_tensor(list, n, &total, names[l][1], (size_t)cfg->hidden[l], g);
		add_tensor(list, n, &total, names[l][2], 1, g);
	}
	add_tensor(list, n, &total, "dense.w", (size_t)cfg->hidden[cfg->nlayers - 1],
		   (size_t)cfg->noutput);
	add_tensor(list, n, &total, "dense.b", 1, (size_t)cfg->noutput);
	return total;
}

void lstm_tensors_point(const struct lstm_config *cfg, float *block, struct lstm_tensors *t)
{
	struct lstm_tensor_info list[LSTM_MAX_TENSORS];
	int n, k = 0;
	lstm_tensor_list(cfg, list, &n);
	memset(t, 0, sizeof *t);
	if (cfg->conv_kernel) {
		t->conv_w = block + list[k++].offset;
		t->conv_b = block + list[k++].offset;
	}
	for (int l = 0; l < cfg->nlayers; l++) {
		t->wx[l] = block + list[k++].offset;
		t->wh[l] = block + list[k++].offset;
		t->b[l] = block + list[k++].offset;
	}
	t->dense_w = block + list[k++].offset;
	t->dense_b = block + list[k].offset;
}

int lstm_init(struct lstm *net, const struct lstm_config *cfg, struct cra_error *err)
{
	memset(net, 0, sizeof *net);
	int r = lstm_config_check(cfg, err);
	if (r)
		return r;
	struct lstm_tensor_info list[LSTM_MAX_TENSORS];
	int n;
	net->cfg = *cfg;
	net->nparams = lstm_tensor_list(cfg, list, &n);
	net->params = calloc(net->nparams, sizeof *net->params);
	if (!net->params)
		return cra_fail(err, EX_OSERR, "out of memory for %zu weights", net->nparams);
	lstm_tensors_point(cfg, net->params, &net->w);
	return 0;
}

void lstm_free(struct lstm *net)
{
	free(net->params);
	memset(net, 0, sizeof *net);
}

static void fill_uniform(float *p, size_t n, float bound, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		p[i] = bound * (2.0f * lstm_rand_float(rng) - 1.0f);
}

void lstm_randomize(struct lstm *net, uint64_t seed)
{
	const struct lstm_config *cfg = &net->cfg;
	uint64_t rng = seed;
	if (cfg->conv_kernel) {
		size_t fan_in = (size_t)cfg->conv_kernel * (size_t)cfg->ninput;
		float bound = 1.0f / sqrtf((float)fan_in);
		fill_uniform(net->w.conv_w, fan_in * (size_t)cfg->conv_filters, bound, &rng);
		fill_uniform(net->w.conv_b, (size_t)cfg->conv_filters, bound, &rng);
	}
	for (int l = 0; l < cfg->nlayers; l++) {
		size_t H = (size_t)cfg->hidden[l], in = (size_t)lstm_layer_input(cfg, l);
		float bound = 1.0f / sqrtf((float)H);
		fill_uniform(net->w.wx[l], in * 4 * H, bound, &rng);
		fill_uniform(net->w.wh[l], H * 4 * H, bound, &rng);
		for (size_t j = 0; j < 4 * H; j++)
			net->w.b[l][j] = j >= H && j < 2 * H ? 1.0f : 0.0f; /* forget gate: 1 */
	}
	size_t H = (size_t)cfg->hidden[cfg->nlayers - 1];
	float bound = 1.0f / sqrtf((float)H);
	fill_uniform(net->w.dense_w, H * (size_t)cfg->noutput, bound, &rng);
	fill_uniform(net->w.dense_b, (size_t)cfg->noutput, bound, &rng);
}

/* ---- the work area: every activation and gradient, one block ---------------------------- */

static size_t widest(const struct lstm_config *cfg)
{
	int w = cfg->ninput > cfg->conv_filters ? cfg->ninput : cfg->conv_filters;
	for (int l = 0; l < cfg->nlayers; l++)
		if (cfg->hidden[l] > w)
			w = cfg->hidden[l];
	return (size_t)w;
}

/* Hands out n floats of the arena (starting on a 64-byte boundary), or, with base NULL,
 * only counts them. */
static float *carve(float *base, size_t *used, size_t n)
{
	float *p = base ? base + *used : NULL;
	*used += (n + 15) & ~(size_t)15;
	return p;
}

static size_t lay_out(struct lstm_work *w, const struct lstm *net, float *base)
{
	const struct lstm_config *cfg = &net->cfg;
	size_t rows = (size_t)w->max_batch * (size_t)w->max_steps, B = (size_t)w->max_batch;
	size_t used = 0, hmax = 0;
	w->grad = carve(base, &used, net->nparams);
	w->input = carve(base, &used, rows * (size_t)cfg->ninput);
	w->conv = carve(base, &used, rows * (size_t)cfg->conv_filters);
	for (int l = 0; l < cfg->nlayers; l++) {
		size_t H = (size_t)cfg->hidden[l], in = (size_t)lstm_layer_input(cfg, l);
		w->drop[l] = l ? carve(base, &used, rows * in) : NULL;
		w->mask[l] = l ? carve(base, &used, rows * in) : NULL;
		w->gates[l] = carve(base, &used, rows * 4 * H);
		w->c[l] = carve(base, &used, rows * H);
		w->tc[l] = carve(base, &used, rows * H);
		w->h[l] = carve(base, &used, rows * H);
		if (H > hmax)
			hmax = H;
	}
	w->out = carve(base, &used, B * (size_t)cfg->noutput);
	w->prob = carve(base, &used, B * (size_t)cfg->noutput);
	w->dout = carve(base, &used, B * (size_t)cfg->noutput);
	w->dseq[0] = carve(base, &used, rows * widest(cfg));
	w->dseq[1] = carve(base, &used, rows * widest(cfg));
	w->dgates = carve(base, &used, rows * 4 * hmax);
	w->dh = carve(base, &used, B * hmax);
	w->dc = carve(base, &used, B * hmax);
	w->ones = carve(base, &used, rows);
	return used;
}

int lstm_work_init(struct lstm_work *w, const struct lstm *net, int max_batch, int max_steps,
		   struct cra_error *err)
{
	memset(w, 0, sizeof *w);
	if (max_batch < 1 || max_steps < 1 || max_batch > 1000000 || max_steps > 100000)
		return cra_fail(err, EX_USAGE, "batch and window must be at least 1 (got %d and %d)",
				max_batch, max_steps);
	w->max_batch = max_batch;
	w->max_steps = max_steps;
	size_t n = lay_out(w, net, NULL);
	w->arena = aligned_alloc(64, n * sizeof(float));
	if (!w->arena)
		return cra_fail(err, EX_OSERR, "out of memory for a work area of %zu MB",
				n * sizeof(float) >> 20);
	memset(w->arena, 0, n * sizeof(float));
	lay_out(w, net, w->arena);
	lstm_tensors_point(&net->cfg, w->grad, &w->g);
	for (size_t i = 0; i < (size_t)max_batch * (size_t)max_steps; i++)
		w->ones[i] = 1.0f;
	return 0;
}

void lstm_work_free(struct lstm_work *w)
{
	free(w->arena);
	memset(w, 0, sizeof *w);
}

/* ---- layers ---------------------------------------------------------------------------- */

/* sum[j] = sum over rows r of m[r][j]: one sgemv, m^T ones. */
static void column_sums(float *sum, const float *m, int rows, int cols, const float *ones)
{
	cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, 1.0f, m, cols, ones, 1, 0.0f, sum, 1);
}

/* u = max(u, 0), and du = du where u > 0 else 0: branch-free, eight lanes at a time (a
 * branch on the sign of every value is mispredicted half the time). */
__attribute__((target_clones("arch=x86-64-v3", "default")))
static void relu_forward(float *u, size_t n)
{
	size_t i = 0;
	for (; i + LANES <= n; i += LANES) {
		vf v;
		vload(&v, u + i, LANES);
		vi keep = v > 0;
		v = (vf)((vi)v & keep);
		vstore(u + i, &v, LANES);
	}
	for (; i < n; i++)
		u[i] = u[i] > 0 ? u[i] : 0;
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
static void relu_backward(float *du, const float *u, size_t n)
{
	size_t i = 0;
	for (; i + LANES <= n; i += LANES) {
		vf d, v;
		vload(&d, du + i, LANES);
		vload(&v, u + i, LANES);
		vi keep = v > 0;
		d = (vf)((vi)d & keep);
		vstore(du + i, &d, LANES);
	}
	for (; i < n; i++)
		du[i] = u[i] > 0 ? du[i] : 0;
}

/* Convolution forward.  Tap k of the kernel looks s = K-1-k steps back; in the time-major
 * layout s steps back is s*B rows up, so each tap is one sgemm over the rows t >= s:
 *   u[t] = relu(cb + sum_k x[t-s] cw[k]) */
static void conv_forward(float *u, const float *x, const float *cw, const float *cb, int T,
			 int B, int nin, int F, int K)
{
	size_t rows = (size_t)T * (size_t)B;
	for (size_t r = 0; r < rows; r++)
		memcpy(u + r * (size_t)F, cb, (size_t)F * sizeof *u);
	for (int k = 0; k < K; k++) {
		int s = K - 1 - k;
		if (s >= T)
			continue;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (T - s) * B, F, nin, 1.0f, x, nin,
			    cw + (size_t)k * nin * F, F, 1.0f, u + (size_t)s * B * F, F);
	}
	relu_forward(u, rows * (size_t)F);
}

/* Convolution backward, du = d loss / d u on entry (overwritten):
 *   d pre = du where u > 0, else 0      gcb = sum over rows of d pre
 *   gcw[k] = x[rows t-s]^T d pre[rows t]  (the input is data: no gradient is passed down) */
static void conv_backward(float *gcw, float *gcb, float *du, const float *u, const float *x,
			  int T, int B, int nin, int F, int K, const float *ones)
{
	size_t rows = (size_t)T * (size_t)B;
	relu_backward(du, u, rows * (size_t)F);
	column_sums(gcb, du, (int)rows, F, ones);
	for (int k = 0; k < K; k++) {
		int s = K - 1 - k;
		float *g = gcw + (size_t)k * nin * F;
		if (s >= T)
			memset(g, 0, (size_t)nin * F * sizeof *g);
		else
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nin, F, (T - s) * B, 1.0f, x, nin,
				    du + (size_t)s * B * F, F, 0.0f, g, F);
	}
}

/* Inverted dropout: v = x m, m = 0 with probability p, else 1/(1-p), so E[v] = x. */
static void dropout_forward(float *v, float *mask, const float *x, size_t n, float p,
			    uint64_t *rng)
{
	float keep = 1.0f / (1.0f - p);
	for (size_t i = 0; i < n; i++) {
		mask[i] = lstm_rand_float(rng) < p ? 0.0f : keep;
		v[i] = x[i] * mask[i];
	}
}

/* The gate math of one step for lanes j..j+n-1 of one row (a: pre-activations without the
 * bias, overwritten by the gates i f g o):
 *   i f o = sig(a + b)   g = tanh(a + b)   c = f cprev + i g   h = o tanh(c) */
static inline __attribute__((always_inline)) void cell_forward_lanes(
	float *a, const float *bias, const float *cprev, float *c, float *tc, float *h, int H,
	int j, int n)
{
	vf i, f, g, o, bi, bf, bg, bo, cp = { 0 };
	vload(&i, a + j, n), vload(&bi, bias + j, n);
	vload(&f, a + H + j, n), vload(&bf, bias + H + j, n);
	vload(&g, a + 2 * H + j, n), vload(&bg, bias + 2 * H + j, n);
	vload(&o, a + 3 * H + j, n), vload(&bo, bias + 3 * H + j, n);
	i += bi, f += bf, g += bg, o += bo;
	vsigmoid(&i), vsigmoid(&f), vtanh(&g), vsigmoid(&o);
	if (cprev)
		vload(&cp, cprev + j, n);
	vf cc = f * cp + i * g, t = cc;
	vtanh(&t);
	vf hh = o * t;
	vstore(a + j, &i, n), vstore(a + H + j, &f, n);
	vstore(a + 2 * H + j, &g, n), vstore(a + 3 * H + j, &o, n);
	vstore(c + j, &cc, n), vstore(tc + j, &t, n), vstore(h + j, &hh, n);
}

/* One step over B rows; cprev NULL at t = 0 (c[-1] = 0). */
__attribute__((target_clones("arch=x86-64-v3", "default")))
static void cell_forward(float *a, const float *bias, const float *cprev, float *c, float *tc,
			 float *h, int B, int H)
{
	for (int b = 0; b < B; b++) {
		float *ab = a + (size_t)b * 4 * H;
		size_t o = (size_t)b * H;
		const float *cp = cprev ? cprev + o : NULL;
		int j = 0;
		for (; j + LANES <= H; j += LANES)
			cell_forward_lanes(ab, bias, cp, c + o, tc + o, h + o, H, j, LANES);
		if (j < H)
			cell_forward_lanes(ab, bias, cp, c + o, tc + o, h + o, H, j, H - j);
	}
}

/* Backward through one step's gate math for lanes j..j+n-1 of one row.  With dh = dH[t] (0
 * when dH is NULL) + (carried from t+1) and dc the cell gradient carried from t+1:
 *   do = dh tanh(c)              dc += dh o (1 - tanh(c)^2)
 *   di = dc g   df = dc cprev    dg = dc i     carried to t-1: dc f
 *   d a = (di i(1-i), df f(1-f), dg (1-g^2), do o(1-o)) */
static inline __attribute__((always_inline)) void cell_backward_lanes(
	float *da, float *dc, const float *dH, const float *dh, const float *gate,
	const float *tc, const float *cprev, int H, int j, int n)
{
	vf i, f, g, o, t, cp = { 0 }, up = { 0 }, carry, dcc;
	vload(&i, gate + j, n), vload(&f, gate + H + j, n);
	vload(&g, gate + 2 * H + j, n), vload(&o, gate + 3 * H + j, n);
	vload(&t, tc + j, n), vload(&carry, dh + j, n);
	if (dH)
		vload(&up, dH + j, n);
	vload(&dcc, dc + j, n);
	if (cprev)
		vload(&cp, cprev + j, n);
	vf dhh = up + carry;
	vf dout = dhh * t;
	vf dcell = dcc + dhh * o * (1.0f - t * t);
	vf dai = dcell * g * i * (1.0f - i);
	vf daf = dcell * cp * f * (1.0f - f);
	vf dag = dcell * i * (1.0f - g * g);
	vf dao = dout * o * (1.0f - o);
	vf next = dcell * f;
	vstore(da + j, &dai, n), vstore(da + H + j, &daf, n);
	vstore(da + 2 * H + j, &dag, n), vstore(da + 3 * H + j, &dao, n);
	vstore(dc + j, &next, n);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
static void cell_backward(float *da, float *dc, const float *dH, const float *dh,
			  const float *gates, const float *tc, const float *cprev, int B, int H)
{
	for (int b = 0; b < B; b++) {
		size_t g = (size_t)b * 4 * H, o = (size_t)b * H;
		const float *cp = cprev ? cprev + o : NULL, *up = dH ? dH + o : NULL;
		int j = 0;
		for (; j + LANES <= H; j += LANES)
			cell_backward_lanes(da + g, dc + o, up, dh + o, gates + g, tc + o, cp, H, j,
					    LANES);
		if (j < H)
			cell_backward_lanes(da + g, dc + o, up, dh + o, gates + g, tc + o, cp, H, j,
					    H - j);
	}
}

/* LSTM layer forward over T steps (lstm.h):
 *   a[t] = v[t] Wx + h[t-1] Wh + b, the first term for every step at once */
static void lstm_layer_forward(float *gates, float *c, float *tc, float *h, const float *v,
			       const float *wx, const float *wh, const float *b, int T, int B,
			       int nin, int H)
{
	int G = 4 * H;
	size_t step_g = (size_t)B * G, step_h = (size_t)B * H;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T * B, G, nin, 1.0f, v, nin, wx, G,
		    0.0f, gates, G);
	for (int t = 0; t < T; t++) {
		float *a = gates + t * step_g;
		if (t > 0)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, G, H, 1.0f,
				    h + (t - 1) * step_h, H, wh, G, 1.0f, a, G);
		cell_forward(a, b, t ? c + (t - 1) * step_h : NULL, c + t * step_h, tc + t * step_h,
			     h + t * step_h, B, H);
	}
}

/* LSTM layer backward.  dH = d loss / d h[t] from above (the head or the next layer), given
 * for steps t >= first only (the head sees only the last step); fills gwx, gwh, gb and, when
 * dv is not NULL, dv = d loss / d v:
 *   steps T-1 .. 0:  d a[t] from the cell;  carried dh = d a[t] Wh^T
 *   gWx = v^T da     gWh = h[0..T-2]^T da[1..T-1]     gb = sum of da     dv = da Wx^T */
static void lstm_layer_backward(float *gwx, float *gwh, float *gb, float *dv, float *da,
				float *dh, float *dc, const float *dH, int first, const float *gates,
				const float *c, const float *tc, const float *h, const float *v,
				const float *wx, const float *wh, int T, int B, int nin, int H,
				const float *ones)
{
	int G = 4 * H;
	size_t step_g = (size_t)B * G, step_h = (size_t)B * H;
	memset(dh, 0, step_h * sizeof *dh);
	memset(dc, 0, step_h * sizeof *dc);
	for (int t = T - 1; t >= 0; t--) {
		cell_backward(da + t * step_g, dc, t >= first ? dH + t * step_h : NULL, dh,
			      gates + t * step_g,
			      tc + t * step_h, t ? c + (t - 1) * step_h : NULL, B, H);
		if (t > 0)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, G, 1.0f,
				    da + t * step_g, G, wh, G, 0.0f, dh, H);
	}
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nin, G, T * B, 1.0f, v, nin, da, G, 0.0f,
		    gwx, G);
	if (T > 1)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, G, (T - 1) * B, 1.0f, h, H,
			    da + step_g, G, 0.0f, gwh, G);
	else
		memset(gwh, 0, (size_t)H * G * sizeof *gwh);
	column_sums(gb, da, T * B, G, ones);
	if (dv)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T * B, nin, G, 1.0f, da, G, wx, G,
			    0.0f, dv, nin);
}

/* The input layer l reads in the last forward pass. */
static const float *layer_input(const struct lstm *net, const struct lstm_work *w, int l)
{
	if (l > 0)
		return w->dropped ? w->drop[l] : w->h[l - 1];
	return net->cfg.conv_kernel ? w->conv : w->input;
}

/* Softmax over each group of nclass outputs: p = e^(z - max z) / sum e^(z - max z). */
static void softmax_groups(float *p, const float *z, int n, int nclass)
{
	for (int k = 0; k < n; k += nclass) {
		float m = z[k];
		for (int j = 1; j < nclass; j++)
			m = z[k + j] > m ? z[k + j] : m;
		double sum = 0;
		for (int j = 0; j < nclass; j++)
			sum += exp((double)z[k + j] - m);
		for (int j = 0; j < nclass; j++)
			p[k + j] = (float)(exp((double)z[k + j] - m) / sum);
	}
}

void lstm_forward(const struct lstm *net, struct lstm_work *w, int B, int T, float dropout,
		  uint64_t *rng)
{
	const struct lstm_config *cfg = &net->cfg;
	w->batch = B;
	w->steps = T;
	w->dropped = dropout > 0 && rng;
	if (cfg->conv_kernel)
		conv_forward(w->conv, w->input, net->w.conv_w, net->w.conv_b, T, B, cfg->ninput,
			     cfg->conv_filters, cfg->conv_kernel);
	for (int l = 0; l < cfg->nlayers; l++) {
		int nin = lstm_layer_input(cfg, l);
		if (l > 0 && w->dropped)
			dropout_forward(w->drop[l], w->mask[l], w->h[l - 1], (size_t)T * B * nin, dropout,
					rng);
		lstm_layer_forward(w->gates[l], w->c[l], w->tc[l], w->h[l], layer_input(net, w, l),
				   net->w.wx[l], net->w.wh[l], net->w.b[l], T, B, nin, cfg->hidden[l]);
	}
	/* head: y = h_L[T-1] Wd + bd */
	int H = cfg->hidden[cfg->nlayers - 1], O = cfg->noutput;
	const float *last = w->h[cfg->nlayers - 1] + (size_t)(T - 1) * B * H;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, O, H, 1.0f, last, H,
		    net->w.dense_w, O, 0.0f, w->out, O);
	for (int b = 0; b < B; b++)
		for (int k = 0; k < O; k++)
			w->out[(size_t)b * O + k] += net->w.dense_b[k];
	if (cfg->nclass)
		softmax_groups(w->prob, w->out, B * O, cfg->nclass);
}

double lstm_loss(const struct lstm *net, struct lstm_work *w, const float *target, float scale)
{
	const struct lstm_config *cfg = &net->cfg;
	int B = w->batch, O = cfg->noutput;
	double total = 0;
	if (!cfg->nclass) {
		/* per window: (1/O) sum_k (y_k - t_k)^2;  d/dy_k = 2 (y_k - t_k) / O */
		for (int n = 0; n < B * O; n++) {
			double e = (double)w->out[n] - target[n];
			total += e * e / O;
			w->dout[n] = (float)(scale * 2.0 * e / O);
		}
		return total;
	}
	/* per window: (1/groups) sum_g -log p_g[label_g];  d/dz = (p - onehot) / groups, with
	 * -log p[label] = log sum_j e^(z_j - m) - (z_label - m) for accuracy */
	int C = cfg->nclass, groups = O / C;
	for (int b = 0; b < B; b++)
		for (int gi = 0; gi < groups; gi++) {
			const float *z = w->out + (size_t)b * O + gi * C;
			const float *p = w->prob + (size_t)b * O + gi * C;
			float *d = w->dout + (size_t)b * O + gi * C;
			int label = (int)target[(size_t)b * groups + gi];
			float m = z[0];
			double sum = 0;
			for (int j = 1; j < C; j++)
				m = z[j] > m ? z[j] : m;
			for (int j = 0; j < C; j++)
				sum += exp((double)z[j] - m);
			total += (log(sum) - ((double)z[label] - m)) / groups;
			for (int j = 0; j < C; j++)
				d[j] = (float)(scale * ((double)p[j] - (j == label)) / groups);
		}
	return total;
}

void lstm_backward(const struct lstm *net, struct lstm_work *w)
{
	const struct lstm_config *cfg = &net->cfg;
	int B = w->batch, T = w->steps, L = cfg->nlayers, O = cfg->noutput;
	int H = cfg->hidden[L - 1];
	size_t rows = (size_t)T * B; /* every gradient below is written, none accumulated */

	/* head: gWd = h_L[T-1]^T dout, gbd = sum of dout; d h_L[T-1] = dout Wd^T (the top
	 * layer's other steps reach the loss only through the recurrence) */
	float *dH = w->dseq[0];
	const float *last = w->h[L - 1] + (size_t)(T - 1) * B * H;
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, O, B, 1.0f, last, H, w->dout, O,
		    0.0f, w->g.dense_w, O);
	column_sums(w->g.dense_b, w->dout, B, O, w->ones);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, O, 1.0f, w->dout, O,
		    net->w.dense_w, O, 0.0f, dH + (rows - (size_t)B) * H, H);

	int cur = 0;
	for (int l = L - 1; l >= 0; l--) {
		int nin = lstm_layer_input(cfg, l);
		float *dv = l > 0 || cfg->conv_kernel ? w->dseq[1 - cur] : NULL;
		lstm_layer_backward(w->g.wx[l], w->g.wh[l], w->g.b[l], dv, w->dgates, w->dh, w->dc,
				    w->dseq[cur], l == L - 1 ? T - 1 : 0, w->gates[l], w->c[l],
				    w->tc[l], w->h[l], layer_input(net, w, l), net->w.wx[l],
				    net->w.wh[l], T, B, nin, cfg->hidden[l], w->ones);
		if (l > 0 && w->dropped) /* through the dropout: d h[l-1] = dv m */
			for (size_t n = 0; n < rows * (size_t)nin; n++)
				dv[n] *= w->mask[l][n];
		cur = 1 - cur;
	}
	if (cfg->conv_kernel)
		conv_backward(w->g.conv_w, w->g.conv_b, w->dseq[cur], w->conv, w->input, T, B,
			      cfg->ninput, cfg->conv_filters, cfg->conv_kernel, w->ones);
}
