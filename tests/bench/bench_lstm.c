/* bench_lstm - the LSTM trainer's side of tests/bench/bench_lstm.sh.
 *
 *   bench_lstm export CANDLES.csv WINDOW OUT.bin
 *       the data set both sides train on: the default features of the candles, standardised
 *       with the training rows' statistics, the standardised log return one candle ahead,
 *       and the training and validation rows (80/20, embargoed), as
 *         "CRALSTMB" u32 nrows nfeat window ntrain nvalid, f32 x[nrows][nfeat], f32 y[nrows],
 *         u32 train[ntrain], u32 valid[nvalid]      (little-endian)
 *   bench_lstm train DATA.bin MODEL EPOCHS THREADS SEED
 *       trains model a (LSTM(64) -> LSTM(32) -> Dense(1), batch 32) or b (Conv1d(5, 32 filters)
 *       -> 2 x LSTM(64) -> Dense(1), batch 64) with Adam (lr 1e-3), clipping at norm 1, no
 *       dropout, EPOCHS epochs, weights, shuffles from SEED; prints per epoch
 *         epoch K windows_per_s S epoch_s E valid_loss L
 *       (S: training windows a second; E: the epoch's wall time with its validation pass) and
 *         flops_per_window F    (matrix products of forward and backward: 3 x forward)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "candles_io.h"
#include "dataset.h"
#include "gaps.h"
#include "lstm_train.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_lstm: %s\n", what);
	exit(1);
}

static void put_u32s(FILE *f, const uint32_t *v, size_t n)
{
	if (fwrite(v, 4, n, f) != n)
		die("write error");
}

static int export(const char *csv, int window, const char *out)
{
	struct cra_error err = { 0 };
	struct candles c;
	struct interval iv;
	struct feature_spec fs;
	struct target_spec ts;
	struct dataset d;
	if (candles_load(csv, &c, &err) || candles_guess_interval(&c, &iv) ||
	    feature_spec_parse(FEATURE_SPEC_DEFAULT, &fs, &err))
		die(err.msg[0] ? err.msg : "candles");
	target_spec_init(&ts);
	if (target_spec_add(&ts, "return:1", &iv, &err) ||
	    dataset_build(&c, &iv, &fs, &ts, 0.2, (size_t)window, &d, &err))
		die(err.msg);
	size_t n = c.n, nf = d.x.ncols;
	float *x = malloc(n * nf * sizeof *x), *y = malloc(n * sizeof *y);
	double mean = 0, var = 0;
	for (size_t i = 0; i < d.ntrain; i++)
		mean += d.y.col[0][d.train[i]] / (double)d.ntrain;
	for (size_t i = 0; i < d.ntrain; i++)
		var += (d.y.col[0][d.train[i]] - mean) * (d.y.col[0][d.train[i]] - mean) / (double)d.ntrain;
	for (size_t t = 0; t < n; t++) {
		for (size_t j = 0; j < nf; j++)
			x[t * nf + j] = (float)dataset_scaled(&d, j, t);
		y[t] = (float)((d.y.col[0][t] - mean) / sqrt(var));
	}
	FILE *f = fopen(out, "wb");
	if (!f)
		die(out);
	uint32_t head[5] = { (uint32_t)n, (uint32_t)nf, (uint32_t)window, (uint32_t)d.ntrain,
			     (uint32_t)d.nvalid };
	uint32_t *rows = malloc((d.ntrain + d.nvalid) * sizeof *rows);
	for (size_t i = 0; i < d.ntrain; i++)
		rows[i] = (uint32_t)d.train[i];
	for (size_t i = 0; i < d.nvalid; i++)
		rows[d.ntrain + i] = (uint32_t)d.valid[i];
	if (fwrite("CRALSTMB", 1, 8, f) != 8)
		die("write error");
	put_u32s(f, head, 5);
	if (fwrite(x, sizeof *x, n * nf, f) != n * nf || fwrite(y, sizeof *y, n, f) != n)
		die("write error");
	put_u32s(f, rows, d.ntrain + d.nvalid);
	if (fclose(f))
		die("write error");
	fprintf(stderr, "bench_lstm: %zu candles, %zu features, %zu training and %zu validation "
		"windows of %d\n", n, nf, d.ntrain, d.nvalid, window);
	free(rows);
	free(x);
	free(y);
	dataset_free(&d);
	candles_free(&c);
	return 0;
}

struct timing {
	double last;
};

static void on_epoch(void *ctx, const struct lstm_progress *p)
{
	struct timing *tm = ctx;
	if (!p->end)
		return;
	double t = now_s();
	printf("epoch %d windows_per_s %.1f epoch_s %.4f valid_loss %.6f\n", p->epoch + 1,
	       p->samples_per_s, t - tm->last, p->valid_loss);
	fflush(stdout);
	tm->last = t;
}

static int train(const char *path, const char *model, int epochs, int threads, int seed)
{
	FILE *f = fopen(path, "rb");
	char magic[8];
	uint32_t head[5];
	if (!f || fread(magic, 1, 8, f) != 8 || memcmp(magic, "CRALSTMB", 8) || fread(head, 4, 5, f) != 5)
		die("not a bench_lstm data file");
	size_t n = head[0], nf = head[1], ntrain = head[3], nvalid = head[4];
	float *x = malloc(n * nf * sizeof *x), *y = malloc(n * sizeof *y);
	uint32_t *rows = malloc((ntrain + nvalid) * sizeof *rows);
	size_t *train = malloc(ntrain * sizeof *train), *valid = malloc(nvalid * sizeof *valid);
	if (fread(x, sizeof *x, n * nf, f) != n * nf || fread(y, sizeof *y, n, f) != n ||
	    fread(rows, 4, ntrain + nvalid, f) != ntrain + nvalid)
		die("truncated data file");
	fclose(f);
	for (size_t i = 0; i < ntrain; i++)
		train[i] = rows[i];
	for (size_t i = 0; i < nvalid; i++)
		valid[i] = rows[ntrain + i];

	struct lstm_config cfg = { .ninput = (int)nf, .noutput = 1, .nlayers = 2 };
	struct lstm_train_params p;
	lstm_train_params_default(&p);
	if (!strcmp(model, "a")) {
		cfg.hidden[0] = 64;
		cfg.hidden[1] = 32;
		p.batch = 32;
	} else if (!strcmp(model, "b")) {
		cfg.conv_kernel = 5;
		cfg.conv_filters = 32;
		cfg.hidden[0] = cfg.hidden[1] = 64;
		p.batch = 64;
	} else {
		die("model a or b");
	}
	p.epochs = epochs;
	p.patience = 0;
	p.threads = threads;
	p.lr = 1e-3;
	p.clip = 1;
	struct lstm net;
	struct cra_error err = { 0 };
	if (lstm_init(&net, &cfg, &err))
		die(err.msg);
	lstm_randomize(&net, (uint64_t)seed);
	p.seed = (uint64_t)seed;

	/* matrix products per window, forward: per step 2 K I F (conv) + per layer 2 (in + H) 4H,
	 * and the head 2 H; training is about three times that (forward, and backward's two
	 * products per forward one) */
	int W = (int)head[2];
	double fwd = 2.0 * cfg.hidden[1] * cfg.noutput;
	for (int l = 0; l < cfg.nlayers; l++)
		fwd += (double)W * 2 * (lstm_layer_input(&cfg, l) + cfg.hidden[l]) * 4 * cfg.hidden[l];
	fwd += (double)W * 2 * cfg.conv_kernel * cfg.ninput * cfg.conv_filters;
	printf("flops_per_window %.0f\n", 3 * fwd);

	struct lstm_series s = { n, (int)nf, x, 1, y, W };
	struct lstm_train_result res;
	struct timing tm = { now_s() };
	if (lstm_train(&net, &s, train, ntrain, valid, nvalid, &p, on_epoch, &tm, &res, &err))
		die(err.msg);
	lstm_free(&net);
	free(x);
	free(y);
	free(rows);
	free(train);
	free(valid);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "export"))
		return export(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 7 && !strcmp(argv[1], "train"))
		return train(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	fprintf(stderr, "usage: bench_lstm export CANDLES.csv WINDOW OUT.bin\n"
		"       bench_lstm train DATA.bin a|b EPOCHS THREADS SEED\n");
	return 64;
}
