/* lstm_train.c - mini-batches over threads, Adam, early stopping; see lstm_train.h. */
#include "lstm_train.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adam.h"

void lstm_train_params_default(struct lstm_train_params *p)
{
	memset(p, 0, sizeof *p);
	p->epochs = 50;
	p->batch = 64;
	p->patience = 5;
	p->threads = 1;
	p->lr = 1e-3;
	p->lr_decay = 1;
	p->clip = 1;
	p->dropout = 0;
	p->seed = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- a pool of threads that run one function on every part, then wait for all ---------- */

struct pool {
	int n, started;                  /* parts; threads started besides the caller */
	pthread_t tid[LSTM_MAX_THREADS];
	int part[LSTM_MAX_THREADS];
	pthread_mutex_t mu;
	pthread_cond_t go, finished;
	unsigned long generation;        /* bumped for every run */
	int pending;                     /* threads still running this generation */
	bool quit;
	void (*fn)(void *ctx, int part);
	void *ctx;
};

struct pool_arg {
	struct pool *p;
	int part;
};

static void *pool_thread(void *arg)
{
	struct pool *p = ((struct pool_arg *)arg)->p;
	int part = ((struct pool_arg *)arg)->part;
	unsigned long seen = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->generation == seen && !p->quit)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		seen = p->generation;
		pthread_mutex_unlock(&p->mu);
		p->fn(p->ctx, part);
		pthread_mutex_lock(&p->mu);
		if (--p->pending == 0)
			pthread_cond_signal(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pool_stop(struct pool *p)
{
	if (p->n <= 1)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (int k = 0; k < p->started; k++)
		pthread_join(p->tid[k], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->finished);
}

static int pool_start(struct pool *p, int n, struct pool_arg *args, struct cra_error *err)
{
	memset(p, 0, sizeof *p);
	p->n = n;
	if (n <= 1)
		return 0;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->finished, NULL);
	for (int k = 1; k < n; k++) {
		args[k - 1] = (struct pool_arg){ p, k };
		if (pthread_create(&p->tid[k - 1], NULL, pool_thread, &args[k - 1])) {
			pool_stop(p);
			return cra_fail(err, EX_OSERR, "cannot start %d threads", n);
		}
		p->started++;
	}
	return 0;
}

/* Runs fn(ctx, k) for k = 0 .. n-1, part 0 on the calling thread, and waits for all. */
static void pool_run(struct pool *p, void (*fn)(void *, int), void *ctx)
{
	if (p->n <= 1) {
		fn(ctx, 0);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->pending = p->started;
	p->generation++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	fn(ctx, 0);
	pthread_mutex_lock(&p->mu);
	while (p->pending)
		pthread_cond_wait(&p->finished, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* ---- windows -------------------------------------------------------------------------- */

/* The windows ending at rows[0..n) into x[t][b][i] = features of row rows[b] - (W-1) + t. */
static void gather_windows(float *x, const struct lstm_series *s, const size_t *rows, int n)
{
	size_t nf = (size_t)s->nfeat, W = (size_t)s->window;
	for (size_t t = 0; t < W; t++)
		for (int b = 0; b < n; b++)
			memcpy(x + (t * (size_t)n + (size_t)b) * nf, s->x + (rows[b] - (W - 1) + t) * nf,
			       nf * sizeof *x);
}

static void gather_targets(float *y, const struct lstm_series *s, const size_t *rows, int n)
{
	size_t k = (size_t)s->ntarget;
	for (int b = 0; b < n; b++)
		memcpy(y + (size_t)b * k, s->y + rows[b] * k, k * sizeof *y);
}

/* ---- what the threads share ----------------------------------------------------------- */

/* Windows per chunk of a training batch: a batch is cut into chunks, which the threads take
 * as they come free (a thread on a busy core takes fewer); each chunk's gradient is summed
 * in chunk order, so the result does not depend on the number of threads. */
static int train_chunk(int batch)
{
	return batch < LSTM_TRAIN_CHUNK ? batch : LSTM_TRAIN_CHUNK;
}

struct workers {
	const struct lstm *net;
	const struct lstm_series *s;
	int threads;
	struct lstm_work work[LSTM_MAX_THREADS];
	float *target[LSTM_MAX_THREADS];    /* [max_batch][ntarget] */
	struct pool pool;
	struct pool_arg args[LSTM_MAX_THREADS];
	int next;                           /* the next chunk to take (atomically) */
	int nchunks;

	/* a training batch */
	const size_t *rows;
	int n, chunk;
	float dropout;
	uint64_t seed;
	float *chunk_grad;                  /* [chunks][nparams]: each chunk's gradient */
	double *chunk_loss;                 /* [chunks]: each chunk's loss */

	/* a prediction */
	size_t npredict;
	float *out;
	double *predict_loss;               /* one per chunk of LSTM_PREDICT_BATCH, or NULL */
};

static void workers_free(struct workers *wk)
{
	pool_stop(&wk->pool);
	for (int k = 0; k < wk->threads; k++) {
		lstm_work_free(&wk->work[k]);
		free(wk->target[k]);
	}
	free(wk->chunk_grad);
	free(wk->chunk_loss);
}

static int workers_init(struct workers *wk, const struct lstm *net, const struct lstm_series *s,
			int threads, int batch, struct cra_error *err)
{
	memset(wk, 0, sizeof *wk);
	if (threads < 1 || threads > LSTM_MAX_THREADS)
		return cra_fail(err, EX_USAGE, "threads must be 1 to %d, not %d", LSTM_MAX_THREADS,
				threads);
	if (s->nfeat != net->cfg.ninput || s->window < 1)
		return cra_fail(err, EX_SOFTWARE, "the series has %d features, the network %d",
				s->nfeat, net->cfg.ninput);
	/* OpenBLAS single-threaded: the threads here each run their own chunks */
	openblas_set_num_threads(1);
	wk->net = net;
	wk->s = s;
	wk->threads = threads;
	wk->chunk = train_chunk(batch);
	int chunks = (batch + wk->chunk - 1) / wk->chunk;
	int max_batch = wk->chunk > LSTM_PREDICT_BATCH ? wk->chunk : LSTM_PREDICT_BATCH;
	wk->chunk_grad = malloc((size_t)chunks * net->nparams * sizeof *wk->chunk_grad);
	wk->chunk_loss = malloc((size_t)chunks * sizeof *wk->chunk_loss);
	if (!wk->chunk_grad || !wk->chunk_loss) {
		workers_free(wk);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	for (int k = 0; k < threads; k++) {
		int r = lstm_work_init(&wk->work[k], net, max_batch, s->window, err);
		if (r) {
			workers_free(wk);
			return r;
		}
		wk->target[k] = malloc((size_t)max_batch * (size_t)s->ntarget * sizeof(float));
		if (!wk->target[k]) {
			workers_free(wk);
			return cra_fail(err, EX_OSERR, "out of memory");
		}
	}
	int r = pool_start(&wk->pool, threads, wk->args, err);
	if (r) {
		wk->pool.n = 0; /* stopped already */
		workers_free(wk);
	}
	return r;
}

/* The chunks of a training batch, as thread k takes them: forward, loss (scaled for the whole
 * batch's mean), backward, the gradient kept as the chunk's. */
static void train_part(void *ctx, int k)
{
	struct workers *wk = ctx;
	struct lstm_work *w = &wk->work[k];
	for (;;) {
		int c = __atomic_fetch_add(&wk->next, 1, __ATOMIC_RELAXED);
		if (c >= wk->nchunks)
			break;
		int lo = c * wk->chunk, n = wk->n - lo < wk->chunk ? wk->n - lo : wk->chunk;
		uint64_t rng = wk->seed ^ (0x632be59bd9b4e019ULL * (uint64_t)(c + 1));
		gather_windows(w->input, wk->s, wk->rows + lo, n);
		gather_targets(wk->target[k], wk->s, wk->rows + lo, n);
		lstm_forward(wk->net, w, n, wk->s->window, wk->dropout, &rng);
		wk->chunk_loss[c] = lstm_loss(wk->net, w, wk->target[k], 1.0f / (float)wk->n);
		lstm_backward(wk->net, w);
		memcpy(wk->chunk_grad + (size_t)c * wk->net->nparams, w->grad,
		       wk->net->nparams * sizeof *w->grad);
	}
}

/* The chunks of LSTM_PREDICT_BATCH windows of a prediction, as thread k takes them. */
static void predict_part(void *ctx, int k)
{
	struct workers *wk = ctx;
	struct lstm_work *w = &wk->work[k];
	const struct lstm_config *cfg = &wk->net->cfg;
	for (;;) {
		int c = __atomic_fetch_add(&wk->next, 1, __ATOMIC_RELAXED);
		if (c >= wk->nchunks)
			break;
		size_t lo = (size_t)c * LSTM_PREDICT_BATCH;
		int n = (int)(wk->npredict - lo < LSTM_PREDICT_BATCH ? wk->npredict - lo
								      : LSTM_PREDICT_BATCH);
		gather_windows(w->input, wk->s, wk->rows + lo, n);
		lstm_forward(wk->net, w, n, wk->s->window, 0, NULL);
		memcpy(wk->out + lo * (size_t)cfg->noutput, cfg->nclass ? w->prob : w->out,
		       (size_t)n * (size_t)cfg->noutput * sizeof *wk->out);
		if (wk->predict_loss) {
			gather_targets(wk->target[k], wk->s, wk->rows + lo, n);
			wk->predict_loss[c] = lstm_loss(wk->net, w, wk->target[k], 1.0f);
		}
	}
}

static int check_rows(const struct lstm_series *s, const size_t *rows, size_t n,
		      struct cra_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i] + 1 < (size_t)s->window || rows[i] >= s->nrows)
			return cra_fail(err, EX_SOFTWARE, "window ending at row %zu is outside the %zu rows",
					rows[i], s->nrows);
	return 0;
}

/* Predicts with workers already set up; the mean loss when wanted. */
static int run_predict(struct workers *wk, const size_t *rows, size_t n, float *out,
		       double *loss, struct cra_error *err)
{
	size_t nchunks = (n + LSTM_PREDICT_BATCH - 1) / LSTM_PREDICT_BATCH;
	if (nchunks > INT_MAX)
		return cra_fail(err, EX_SOFTWARE, "too many windows: %zu", n);
	wk->rows = rows;
	wk->npredict = n;
	wk->out = out;
	wk->predict_loss = NULL;
	if (loss && wk->s->y &&
	    !(wk->predict_loss = calloc(nchunks ? nchunks : 1, sizeof *wk->predict_loss)))
		return cra_fail(err, EX_OSERR, "out of memory");
	wk->next = 0;
	wk->nchunks = (int)nchunks;
	pool_run(&wk->pool, predict_part, wk);
	if (wk->predict_loss) {
		double sum = 0;
		for (size_t c = 0; c < nchunks; c++) /* in order: the same sum for any thread count */
			sum += wk->predict_loss[c];
		*loss = n ? sum / (double)n : NAN;
		free(wk->predict_loss);
		wk->predict_loss = NULL;
	} else if (loss) {
		*loss = NAN;
	}
	return 0;
}

int lstm_predict(const struct lstm *net, const struct lstm_series *s, const size_t *rows,
		 size_t n, int threads, float *out, double *loss, struct cra_error *err)
{
	struct workers *wk = malloc(sizeof *wk);
	if (!wk)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = check_rows(s, rows, n, err);
	if (!r && !(r = workers_init(wk, net, s, threads, 1, err))) {
		r = run_predict(wk, rows, n, out, loss, err);
		workers_free(wk);
	}
	free(wk);
	return r;
}

static int check_params(const struct lstm_train_params *p, struct cra_error *err)
{
	if (p->epochs < 1 || p->batch < 1 || p->patience < 0)
		return cra_fail(err, EX_USAGE, "epochs and batch must be at least 1, patience at least 0");
	if (!(p->lr > 0) || !(p->lr_decay > 0 && p->lr_decay <= 1) || !(p->clip >= 0) ||
	    !(p->dropout >= 0 && p->dropout < 1))
		return cra_fail(err, EX_USAGE, "the learning rate must be > 0, its decay in (0, 1], "
				"the clipping norm >= 0 and the dropout in [0, 1)");
	return 0;
}

int lstm_train(struct lstm *net, const struct lstm_series *s, const size_t *train,
	       size_t ntrain, const size_t *stop, size_t nstop, const struct lstm_train_params *p,
	       lstm_progress_fn *progress, void *ctx, struct lstm_train_result *res,
	       struct cra_error *err)
{
	memset(res, 0, sizeof *res);
	int r = check_params(p, err);
	if (r || (r = check_rows(s, train, ntrain, err)) || (r = check_rows(s, stop, nstop, err)))
		return r;
	if (!ntrain || !s->y)
		return cra_fail(err, EX_USAGE, "no training windows");
	struct workers *wk = malloc(sizeof *wk);
	if (!wk)
		return cra_fail(err, EX_OSERR, "out of memory");
	if ((r = workers_init(wk, net, s, p->threads, p->batch, err))) {
		free(wk);
		return r;
	}
	struct adam opt = { 0 };
	size_t *order = malloc(ntrain * sizeof *order);
	float *grad = malloc(net->nparams * sizeof *grad);
	float *best = malloc(net->nparams * sizeof *best);
	float *out = malloc((nstop ? nstop : 1) * (size_t)net->cfg.noutput * sizeof *out);
	if (!order || !grad || !best || !out) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	if ((r = adam_init(&opt, net->nparams, err)))
		goto done;
	memcpy(order, train, ntrain * sizeof *order);
	memcpy(best, net->params, net->nparams * sizeof *best);

	uint64_t rng = p->seed ^ 0xa0761d6478bd642fULL; /* another stream than the weights' */
	double start = now_s(), lr = p->lr;
	struct lstm_progress pr = { .epochs = p->epochs, .total = ntrain, .best_valid_loss = INFINITY,
				    .best_epoch = -1 };
	int since_best = 0;
	wk->dropout = (float)p->dropout;
	for (int epoch = 0; epoch < p->epochs; epoch++) {
		for (size_t i = ntrain - 1; i > 0; i--) { /* Fisher-Yates */
			size_t j = (size_t)(lstm_rand(&rng) % (i + 1)), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		double t0 = now_s(), loss_sum = 0;
		pr.epoch = epoch;
		for (size_t b0 = 0; b0 < ntrain; b0 += (size_t)p->batch) {
			wk->rows = order + b0;
			wk->n = (int)(ntrain - b0 < (size_t)p->batch ? ntrain - b0 : (size_t)p->batch);
			wk->seed = lstm_rand(&rng);
			wk->next = 0;
			wk->nchunks = (wk->n + wk->chunk - 1) / wk->chunk;
			pool_run(&wk->pool, train_part, wk);
			/* the batch's gradient: the chunks' sum, always in chunk order */
			memcpy(grad, wk->chunk_grad, net->nparams * sizeof *grad);
			loss_sum += wk->chunk_loss[0];
			for (int c = 1; c < wk->nchunks; c++) {
				const float *g = wk->chunk_grad + (size_t)c * net->nparams;
				loss_sum += wk->chunk_loss[c];
				for (size_t i = 0; i < net->nparams; i++)
					grad[i] += g[i];
			}
			clip_global_norm(grad, net->nparams, p->clip);
			adam_step(&opt, net->params, grad, lr);
			pr.done = b0 + (size_t)wk->n;
			pr.loss = loss_sum / (double)pr.done;
			pr.samples_per_s = (double)pr.done / (now_s() - t0);
			pr.valid_loss = NAN;
			pr.end = false;
			if (progress)
				progress(ctx, &pr);
		}
		res->train_seconds += now_s() - t0;
		res->epochs_run = epoch + 1;
		lr *= p->lr_decay;
		if (nstop) {
			double vl;
			if ((r = run_predict(wk, stop, nstop, out, &vl, err)))
				goto done;
			pr.valid_loss = vl;
			if (vl < pr.best_valid_loss) {
				pr.best_valid_loss = vl;
				pr.best_epoch = epoch;
				res->train_loss = pr.loss;
				memcpy(best, net->params, net->nparams * sizeof *best);
				since_best = 0;
			} else {
				since_best++;
			}
		} else {
			pr.best_epoch = epoch;
			res->train_loss = pr.loss;
		}
		pr.end = true;
		if (progress)
			progress(ctx, &pr);
		if (p->patience && nstop && since_best >= p->patience)
			break;
	}
	if (nstop) /* the weights of the best epoch */
		memcpy(net->params, best, net->nparams * sizeof *best);
	res->best_epoch = pr.best_epoch;
	res->best_valid_loss = nstop ? pr.best_valid_loss : NAN;
	res->seconds = now_s() - start;
	res->samples_per_s = (double)ntrain * res->epochs_run / res->train_seconds;
done:
	adam_free(&opt);
	free(order);
	free(grad);
	free(best);
	free(out);
	workers_free(wk);
	free(wk);
	return r;
}
