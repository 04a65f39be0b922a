/* resample.c - aggregating candles into coarser UTC-aligned ones; see resample.h. */
#include "resample.h"

#include <math.h>

static bool divides(const struct interval *from, const struct interval *to)
{
	if (to->months)
		return !from->months && (86400000LL % from->ms == 0); /* days fit months */
	if (from->months)
		return false;
	if (to->ms <= from->ms || to->ms % from->ms)
		return false;
	/* A week starts on a Monday: only intervals that align on days fit in it. */
	return to->ms != 7 * 86400000LL || 86400000LL % from->ms == 0;
}

/* Optional fields add up, except close_time which is recomputed. */
static bool summed(int f) { return f == CF_VOLUME || f == CF_QUOTE_VOLUME || f == CF_TRADES ||
				  f == CF_TAKER_BUY_BASE || f == CF_TAKER_BUY_QUOTE; }

int candles_resample(const struct candles *in, const struct interval *from,
		     const struct interval *to, struct candles *out, struct resample_report *report,
		     struct cra_error *err)
{
	struct resample_report rep = { 0, 0, 0 };
	candles_clear(out);
	out->optional_mask = in->optional_mask;
	if (!divides(from, to))
		return cra_fail(err, EX_USAGE, "cannot resample %s candles to %s: %s does not divide %s",
				from->name, to->name, from->name, to->name);
	size_t i = 0;
	while (i < in->n) {
		int64_t start = interval_floor(to, in->open_time[i]);
		int64_t end = interval_next(to, start);
		size_t j = i;
		while (j < in->n && in->open_time[j] < end)
			j++;
		/* [i, j) is the bucket.  Covered fully at the edges? */
		bool first = i == 0, last = j == in->n;
		bool starts_ok = in->open_time[i] == start;
		bool ends_ok = interval_next(from, in->open_time[j - 1]) == end;
		if ((first && !starts_ok) || (last && !ends_ok)) {
			rep.partial_dropped++;
			i = j;
			continue;
		}
		if ((int64_t)(j - i) != interval_count(from, start, end))
			rep.with_gaps++;
		double v[CANDLE_NFIELDS];
		for (int f = 0; f < CANDLE_NFIELDS; f++)
			v[f] = summed(f) ? 0 : NAN;
		v[CF_OPEN] = in->v[CF_OPEN][i];
		v[CF_CLOSE] = in->v[CF_CLOSE][j - 1];
		v[CF_HIGH] = -INFINITY;
		v[CF_LOW] = INFINITY;
		for (size_t k = i; k < j; k++) {
			v[CF_HIGH] = fmax(v[CF_HIGH], in->v[CF_HIGH][k]);
			v[CF_LOW] = fmin(v[CF_LOW], in->v[CF_LOW][k]);
			for (int f = 0; f < CANDLE_NFIELDS; f++)
				if (summed(f))
					v[f] += in->v[f][k]; /* NaN (unknown) stays unknown */
		}
		v[CF_CLOSE_TIME] = (double)(end - 1);
		if (candles_push(out, start, v))
			return cra_fail(err, EX_OSERR, "out of memory");
		rep.buckets++;
		i = j;
	}
	if (report)
		*report = rep;
	return 0;
}
