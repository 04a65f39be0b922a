/* bench_xgb.c - where cra-train-xgb's job spends its time, phase by phase, for the comparison
 * with bench_xgb.py (which prints the same phases for pandas + xgboost):
 *
 *   bench_xgb CANDLES [TREES [THREADS]]
 *
 * prints four numbers, seconds: reading the CSV (candles_load), building the data set
 * (features, targets, split: dataset_build), training and predicting (xgb_train_job, less its
 * own data set), and the whole.  Parameters as bench_xgb.sh uses them: default features,
 * return:1, TREES rounds (default 300), depth 6, eta 0.05, no subsampling, 256 bins, no early
 * stopping, THREADS threads (default 2). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "candles_io.h"
#include "dataset.h"
#include "xgb_train.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const struct cra_error *err)
{
	fprintf(stderr, "bench_xgb: %s\n", err->msg);
	exit(err->status ? err->status : 1);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_xgb CANDLES [TREES [THREADS]]\n");
		return 64;
	}
	struct cra_error err = { 0 };
	static struct feature_spec spec;
	static struct target_spec ts;
	struct interval iv;
	interval_parse("1h", &iv);
	if (feature_spec_parse(FEATURE_SPEC_DEFAULT, &spec, &err) ||
	    (target_spec_init(&ts), target_spec_add(&ts, "return:1", &iv, &err)))
		die(&err);

	double t0 = now();
	struct candles c;
	candles_init(&c);
	if (candles_load(argv[1], &c, &err))
		die(&err);
	double t1 = now();
	struct dataset d;
	if (dataset_build(&c, &iv, &spec, &ts, 0.2, 1, &d, &err))
		die(&err);
	dataset_free(&d);
	double t2 = now();

	struct xgb_job job = { .spec = &spec, .targets = &ts, .valid_frac = 0.2, .symbol = "BTCUSDT",
			       .interval = "1h" };
	xgb_params_default(&job.params);
	job.params.trees = argc > 2 ? atoi(argv[2]) : 300;
	job.params.early_stop = 0;
	job.params.threads = argc > 3 ? atoi(argv[3]) : 2;
	struct bundle b;
	static struct xgb_report rep;
	bundle_init(&b);
	if (xgb_train_job(&c, &iv, &job, &b, &rep, &err))
		die(&err);
	double t3 = now();
	printf("%.4f %.4f %.4f %.4f\n", t1 - t0, t2 - t1, (t3 - t2) - (t2 - t1), t3 - t0);
	fprintf(stderr, "bench_xgb: %zu candles, %zu training rows, %d trees, validation RMSE %.6f\n",
		c.n, rep.ntrain, rep.h[0].fit.kept, rep.h[0].model.rmse);
	bundle_free(&b);
	candles_free(&c);
	return 0;
}
