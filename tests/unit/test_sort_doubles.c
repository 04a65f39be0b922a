/* sort_doubles against qsort on awkward values: negatives, zeros of both signs, infinities,
 * subnormals, duplicates, long runs, and sizes on both sides of the insertion-sort cut-off. */
#include <stdint.h>

#include "check.h"
#include "sort_doubles.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static uint64_t state = 88172645463325252ULL;
static uint64_t xorshift(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static void check_sorts(double *a, size_t n)
{
	double *ref = malloc((n ? n : 1) * sizeof *ref);
	for (size_t i = 0; i < n; i++)
		ref[i] = a[i];
	qsort(ref, n, sizeof *ref, cmp);
	CHECK_INT(sort_doubles(a, n), 0);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += !(a[i] == ref[i]);
	CHECK_INT(bad, 0);
	free(ref);
}

int main(void)
{
	double special[] = { 3, -0.0, 0.0, -1e-310, 1e-310, INFINITY, -INFINITY, -2, 2, 0.0, -0.0,
			     1e308, -1e308, 5e-324, -5e-324, 1, 1, 1 };
	size_t ns = sizeof special / sizeof *special;
	check_sorts(special, ns);
	/* Zeros come out as +0.0 (so that equal numbers are equal keys). */
	for (size_t i = 0; i < ns; i++)
		if (special[i] == 0)
			CHECK(!signbit(special[i]));

	size_t sizes[] = { 0, 1, 2, 63, 64, 65, 1000, 100000 };
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		size_t n = sizes[s];
		double *a = malloc((n ? n : 1) * sizeof *a);
		/* random bit patterns (finite ones), mixed signs and magnitudes */
		for (size_t i = 0; i < n; i++) {
			uint64_t u = xorshift();
			double x;
			memcpy(&x, &u, sizeof x);
			a[i] = isfinite(x) ? x : (double)(int64_t)u;
		}
		check_sorts(a, n);
		/* prices: one magnitude, many ties (the exponent passes are skipped) */
		for (size_t i = 0; i < n; i++)
			a[i] = 30000 + (double)(xorshift() % 500) * 0.01;
		check_sorts(a, n);
		/* already sorted, and reversed */
		for (size_t i = 0; i < n; i++)
			a[i] = (double)i - (double)n / 2;
		check_sorts(a, n);
		for (size_t i = 0; i < n; i++)
			a[i] = (double)n - (double)i;
		check_sorts(a, n);
		free(a);
	}
	return check_finish();
}
