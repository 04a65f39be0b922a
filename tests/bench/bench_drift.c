/* bench_drift - how fast libcra compares two samples (KS with its p-value, JS, PSI).
 *
 *   bench_drift A.f64 B.f64 ROUNDS
 *
 * Reads two files of raw little-endian float64 values (numpy's tofile) and, ROUNDS times,
 * times drift_compare on them: copying out the finite values, sorting both, the KS statistic
 * and p-value, the 20-bin JS histogram and the decile PSI - everything cra-drift does per
 * feature after reading its input.  Prints "ours SECONDS" per round, then the statistics
 * once, for tests/bench/bench_drift.sh to check against SciPy's on the same data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "drift.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double *read_f64(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END)) {
		perror(path);
		exit(66);
	}
	long bytes = ftell(f);
	rewind(f);
	*n = (size_t)bytes / sizeof(double);
	double *x = malloc(*n * sizeof *x);
	if (!x || fread(x, sizeof *x, *n, f) != *n) {
		perror(path);
		exit(74);
	}
	fclose(f);
	return x;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_drift A.f64 B.f64 ROUNDS\n");
		return 64;
	}
	size_t na, nb;
	double *a = read_f64(argv[1], &na), *b = read_f64(argv[2], &nb);
	int rounds = atoi(argv[3]);
	struct drift_thresholds th = { DRIFT_JS_MAX_DEFAULT, DRIFT_KS_P_MIN_DEFAULT, DRIFT_PSI_MAX_DEFAULT };
	struct drift_result r;
	struct cra_error err = { 0 };
	for (int k = 0; k < rounds; k++) {
		double t0 = now();
		if (drift_compare(a, na, b, nb, DRIFT_JS_BINS, &th, &r, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		double t1 = now();
		printf("ours %.6f\n", t1 - t0);
		if (k == rounds - 1)
			printf("stats ks %.17g p %.17g js %.17g psi %.17g\n", r.ks.d, r.ks.p, r.js, r.psi);
		drift_result_free(&r);
	}
	free(a);
	free(b);
	return 0;
}
