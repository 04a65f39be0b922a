/* bench_features.c - times features_compute() for a spec (default: every indicator) over a
 * candle file; the candles are read before the clock starts, as bench_features.py does.
 *
 *   bench_features CANDLES [REPS [SPEC]]
 *
 * Runs the computation 1 + REPS times (default REPS 3) and prints two numbers: the seconds of
 * the first run (cold: the matrix lands on fresh pages, as in a one-shot program) and the
 * median of the others (warm).  On standard error: rows, columns, time per value. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "candles_io.h"
#include "feature_matrix.h"
#include "gaps.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_features CANDLES [REPS [SPEC]]\n");
		return 64;
	}
	int reps = 1 + (argc > 2 ? atoi(argv[2]) : 3);
	const char *text = argc > 3 ? argv[3] : FEATURE_SPEC_ALL;
	struct cra_error err = { 0 };
	struct candles c;
	struct feature_spec spec;
	struct interval iv;
	candles_init(&c);
	if (candles_load(argv[1], &c, &err) || feature_spec_parse(text, &spec, &err)) {
		fprintf(stderr, "bench_features: %s\n", err.msg);
		return err.status;
	}
	const struct interval *ivp = candles_guess_interval(&c, &iv) ? NULL : &iv;
	double *t = calloc((size_t)(reps > 0 ? reps : 1), sizeof *t);
	size_t ncols = 0;
	for (int r = 0; r < reps; r++) {
		struct feature_matrix m;
		double t0 = now();
		if (features_compute(&spec, &c, ivp, &m, &err)) {
			fprintf(stderr, "bench_features: %s\n", err.msg);
			return err.status;
		}
		t[r] = now() - t0;
		ncols = m.ncols;
		feature_matrix_free(&m);
	}
	double cold = t[0], median = cold;
	if (reps > 1) {
		qsort(t + 1, (size_t)reps - 1, sizeof *t, by_value);
		median = t[1 + (reps - 1) / 2];
	}
	printf("%.6f %.6f\n", cold, median);
	fprintf(stderr, "bench_features: %zu rows x %zu columns in %.4f s: %.1f ns per value, %.2f GB/s of output\n",
		c.n, ncols, median, 1e9 * median / ((double)c.n * (double)ncols),
		(double)c.n * (double)ncols * 8 / median / 1e9);
	free(t);
	candles_free(&c);
	return 0;
}
