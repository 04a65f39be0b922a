/* gaps.c - counting missing candles; see gaps.h. */
#include "gaps.h"

#include <stdlib.h>

struct gap_report gaps_find(const struct candles *c, const struct interval *iv)
{
	struct gap_report g = { 0, 0, 0, 0 };
	for (size_t i = 1; i < c->n; i++) {
		int64_t a = c->open_time[i - 1], b = c->open_time[i];
		/* Candles opening in (a, b): one interval after a is the expected next open. */
		int64_t missing = interval_count(iv, interval_next(iv, a), interval_floor(iv, b));
		if (missing <= 0)
			continue;
		g.gaps++;
		g.missing += missing;
		if (missing > g.largest) {
			g.largest = missing;
			g.largest_after = a;
		}
	}
	return g;
}

static int compare_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int candles_guess_interval(const struct candles *c, struct interval *iv)
{
	if (c->n < 2)
		return -1;
	int64_t *d = malloc((c->n - 1) * sizeof *d);
	if (!d)
		return -1;
	for (size_t i = 1; i < c->n; i++)
		d[i - 1] = c->open_time[i] - c->open_time[i - 1];
	qsort(d, c->n - 1, sizeof *d, compare_i64);
	int64_t mode = d[0];
	size_t best = 0;
	for (size_t i = 0; i < c->n - 1;) {
		size_t j = i;
		while (j < c->n - 1 && d[j] == d[i])
			j++;
		if (j - i > best)
			best = j - i, mode = d[i];
		i = j;
	}
	free(d);
	return interval_of_step(mode, iv);
}
