/* interval.h - candle intervals in Binance's spelling (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d
 * 3d 1w 1M) and the UTC boundaries they align on.
 *
 * Alignment: minute/hour/day intervals on multiples of their length since the epoch
 * (1970-01-01T00:00Z), so 4h candles open at 00, 04, 08 ... UTC; 1w on Mondays 00:00 UTC, as
 * Binance does; 1M on the first day of each calendar month.
 */
#ifndef CRA_INTERVAL_H
#define CRA_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>

struct interval {
	const char *name; /* "1h" */
	int64_t ms;       /* length; for 1M the nominal 30 days, see months */
	int months;       /* 1 for 1M (calendar months), else 0 */
};

/* Returns 0 and fills *iv, or -1 for an unknown spelling. */
int interval_parse(const char *name, struct interval *iv);

/* Parses a duration written as an interval or a multiple of one ("4h", "90m", "2d") into ms;
 * -1 if malformed.  Calendar months are refused here. */
int duration_parse_ms(const char *text, int64_t *ms);

/* The open time of the candle of this interval that contains t. */
int64_t interval_floor(const struct interval *iv, int64_t t);

/* The open time of the candle after the one opening at t (t must be aligned). */
int64_t interval_next(const struct interval *iv, int64_t t);

/* Whether t is a candle boundary of this interval. */
bool interval_aligned(const struct interval *iv, int64_t t);

/* How many candles of this interval open in [a, b), for aligned a <= b. */
int64_t interval_count(const struct interval *iv, int64_t a, int64_t b);

/* The interval whose candles open step ms apart (28 to 31 days: 1M); 0, or -1 if none. */
int interval_of_step(int64_t step, struct interval *iv);

/* The list of all intervals, shortest first, ending with a NULL name. */
extern const struct interval interval_table[];

#endif
