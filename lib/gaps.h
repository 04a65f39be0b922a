/* gaps.h - the spacing of a candle series: missing candles (real exchange data has outages,
 * and every program reports them rather than pretending the series is continuous), and the
 * interval the spacing implies. */
#ifndef CRA_GAPS_H
#define CRA_GAPS_H

#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "interval.h"

struct gap_report {
	size_t gaps;              /* places where one or more candles are missing */
	int64_t missing;          /* candles missing in all */
	int64_t largest;          /* candles missing in the largest gap */
	int64_t largest_after;    /* open_time of the candle before the largest gap */
};

/* Gaps between consecutive candles of a strictly increasing series. */
struct gap_report gaps_find(const struct candles *c, const struct interval *iv);

/* The interval whose length is the most common step between consecutive open times (so a few
 * gaps do not mislead it); 0, or -1 for fewer than two candles or an irregular step. */
int candles_guess_interval(const struct candles *c, struct interval *iv);

#endif
