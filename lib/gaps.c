/* gaps.c - counting missing candles; see gaps.h. */
#include "gaps.h"

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
