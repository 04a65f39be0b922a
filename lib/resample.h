/* resample.h - a series at a coarser interval (1h -> 4h -> 1d), aligned on UTC boundaries.
 *
 * Each output candle aggregates the input candles whose open_time falls in its interval:
 * open of the first, close of the last, highest high, lowest low, summed volumes and counts,
 * close_time at the end of the interval.  A bucket at either end of the input that the input
 * does not fully cover (the series starts or stops inside it) is dropped, since its open or
 * close would be wrong - the last one is usually the candle still in progress.  Interior
 * buckets with gaps are kept, as the exchange keeps a candle whose hour had an outage.
 */
#ifndef CRA_RESAMPLE_H
#define CRA_RESAMPLE_H

#include <stddef.h>

#include "candles.h"
#include "error.h"
#include "interval.h"

struct resample_report {
	size_t buckets;          /* candles written */
	size_t partial_dropped;  /* edge buckets dropped because the input covers them partly */
	size_t with_gaps;        /* interior buckets built from fewer candles than they span */
};

/* from must be finer than to and divide it (1h into 4h, 1d into 1w, 1h into 1M); 64 if not. */
int candles_resample(const struct candles *in, const struct interval *from,
		     const struct interval *to, struct candles *out, struct resample_report *report,
		     struct cra_error *err);

#endif
