/* Split-conformal quantiles: ranks worked out by hand, the quickselect against a full sort on
 * awkward samples, and the coverage guarantee on simulated exchangeable residuals. */
#include <stdint.h>

#include "check.h"
#include "conformal.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* xorshift64*, then a standard normal by Box-Muller: the test needs no library's RNG. */
static uint64_t rng = 88172645463325252ULL;
static double uniform(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return ((rng * 2685821657736338717ULL) >> 11) * 0x1p-53;
}
static double normal(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(u + 0x1p-60)) * cos(2 * M_PI * v);
}

int main(void)
{
	/* k = ceil((n + 1) level): 10 x 0.9 = 9 exactly (not 10, though 0.9 is not a binary
	 * fraction), 20 x 0.9 = 18, 101 x 0.9 = 90.9 -> 91; 8 residuals cannot promise 90%. */
	CHECK_INT(conformal_rank(9, 0.9), 9);
	CHECK_INT(conformal_rank(19, 0.9), 18);
	CHECK_INT(conformal_rank(100, 0.9), 91);
	CHECK_INT(conformal_rank(8, 0.9), 9);      /* > n: no finite band */
	CHECK_INT(conformal_rank(99, 0.95), 95);   /* 100 x 0.95 = 95 */
	CHECK_INT(conformal_rank(3, 0.5), 2);      /* 4 x 0.5 = 2 */
	CHECK_INT(conformal_rank(1, 0.01), 1);
	CHECK_INT(conformal_min_residuals(0.9), 9);
	CHECK_INT(conformal_min_residuals(0.95), 19);
	CHECK_INT(conformal_min_residuals(0.5), 1);

	/* |e| = 1..9 shuffled: at 90% the largest; 1..19 at 90%: the 18th smallest, 18. */
	double e9[] = { 7, 3, 9, 1, 5, 8, 2, 6, 4 }, work[1000];
	CHECK_NEAR(conformal_quantile(e9, 9, 0.9, work), 9, 0);
	CHECK(isinf(conformal_quantile(e9, 8, 0.9, work)));
	CHECK_NEAR(conformal_quantile(e9, 9, 0.5, work), 5, 0); /* ceil(10 x 0.5) = 5th */
	CHECK(e9[0] == 7 && e9[8] == 4);                         /* the input is left alone */
	double e19[19];
	for (int i = 0; i < 19; i++)
		e19[i] = (double)((i * 7) % 19 + 1);
	CHECK_NEAR(conformal_quantile(e19, 19, 0.9, work), 18, 0);

	/* Quickselect against a sort on sorted, reversed, constant and heavily tied samples. */
	double v[1000], sorted[1000];
	for (int shape = 0; shape < 5; shape++) {
		for (int n = 9; n <= 1000; n += 97) {
			for (int i = 0; i < n; i++)
				v[i] = shape == 0 ? i : shape == 1 ? n - i : shape == 2 ? 3.5
				       : shape == 3 ? (double)(i % 4) : fabs(normal());
			memcpy(sorted, v, (size_t)n * sizeof *v);
			qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
			for (double level = 0.5; level < 0.999; level += 0.05) {
				size_t k = conformal_rank((size_t)n, level);
				double want = k > (size_t)n ? INFINITY : sorted[k - 1];
				CHECK(conformal_quantile(v, (size_t)n, level, work) == want);
			}
		}
	}

	/* The guarantee: over many draws of n + 1 i.i.d. residuals, the new one is within the
	 * band of the first n with probability in [level, level + 1/(n + 1)).  n = 19 at 90%:
	 * exactly 18/20 = 0.9 (the band is the 18th of 19, the new point below it with
	 * probability 18/20).  20000 draws: standard error 0.0021. */
	int trials = 20000, inside = 0;
	double e[20];
	for (int t = 0; t < trials; t++) {
		for (int i = 0; i < 20; i++)
			e[i] = fabs(normal());
		inside += e[19] <= conformal_quantile(e, 19, 0.9, work);
	}
	CHECK_NEAR((double)inside / trials, 0.9, 0.008);

	/* The sliding window against conformal_quantile over the same values, as a walk moves
	 * both ends on (sometimes several at once, sometimes past everything held), with ties. */
	static double seq[5000];
	for (int i = 0; i < 5000; i++)
		seq[i] = i % 10 == 0 ? 0.5 : fabs(normal());
	struct conformal_window win;
	CHECK_INT(conformal_window_init(&win, 300), 0);
	size_t in_lo = 0, in_hi = 0, lo = 0, hi = 0, mismatches = 0, checked = 0;
	while (hi < 5000) {
		hi += 1 + (size_t)(uniform() * 3);
		if (uniform() < 0.01) /* a jump past the whole window */
			hi += 400, lo = hi - 50;
		if (hi > 5000)
			hi = 5000;
		if (lo > hi)
			lo = hi;
		if (hi > lo + 300) /* both ends only move on */
			lo = hi - 300;
		for (; in_lo < lo && in_lo < in_hi; in_lo++)
			conformal_window_remove(&win, seq[in_lo]);
		if (in_lo < lo)
			in_lo = in_hi = lo;
		for (; in_hi < hi; in_hi++)
			conformal_window_add(&win, seq[in_hi]);
		for (double level = 0.6; level < 0.99; level += 0.1, checked++)
			mismatches += conformal_window_quantile(&win, level) !=
				      conformal_quantile(seq + lo, hi - lo, level, work);
	}
	CHECK_INT(mismatches, 0);
	CHECK(checked > 1000);
	conformal_window_free(&win);
	return check_finish();
}
